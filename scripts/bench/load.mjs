// One autocannon run against one request, through autocannon's programmatic API. Latencies are taken
// from autocannon's per-response event (sub-millisecond floats; its own histogram is whole ms) and
// only for 2xx responses, like autocannon's own latency histogram.
import autocannon from "autocannon";

let current = null;

/** Stop the run in progress (Ctrl-C); its promise still resolves with what was measured so far. */
export function stopCurrentRun() {
  current?.stop();
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

/**
 * @param {string} baseUrl  http://127.0.0.1:PORT
 * @param {{method: string, path: string, headers?: Record<string,string>, body?: string}} request
 * @param {{duration: number, connections: number}} opts
 */
export function runLoad(baseUrl, request, { duration, connections }) {
  const url = new URL(request.path, baseUrl);
  if (url.hostname !== "127.0.0.1") throw new Error(`refusing to load anything but 127.0.0.1 (got ${url.href})`);
  const latencies = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: url.href,
        method: request.method,
        headers: request.headers ?? {},
        body: request.body,
        // a scenario that writes gives each request its own body (a unique receipt number, say)
        ...(request.setupRequest ? { requests: [{ method: request.method, path: url.pathname + url.search, headers: request.headers ?? {}, body: request.body, setupRequest: request.setupRequest }] } : {}),
        connections,
        duration,
        pipelining: 1,
        timeout: 10,
      },
      (err, result) => {
        current = null;
        if (err) return reject(err);
        latencies.sort((a, b) => a - b);
        const ok = result["2xx"] ?? 0;
        resolve({
          // Completed 2xx responses per second of the run: a fast error page can't count as throughput.
          rps: result.duration > 0 ? ok / result.duration : 0,
          p50: percentile(latencies, 50),
          p99: percentile(latencies, 99),
          ok,
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, v]) => [code, v.count])),
          duration: result.duration,
          autocannon: {
            requestsAverage: result.requests.average,
            latencyP50: result.latency.p50,
            latencyP99: result.latency.p99,
            latencyAverage: result.latency.average,
          },
        });
      },
    );
    current = instance;
    instance.on("response", (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    });
  });
}
