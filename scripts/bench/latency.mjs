// Latency over a set of distinct requests (e.g. 1,000 different searches), one at a time on a kept-alive
// connection, so each number is one request's time. Every response must be 2xx and pass `check`.
import { percentile } from "./load.mjs";

/**
 * @param {string} baseUrl
 * @param {Array<{method: string, path: string, headers?: Record<string,string>}>} requests
 * @param {(status: number, body: string) => string | null} check returns a problem or null
 */
export async function measureLatency(baseUrl, requests, check = () => null) {
  const times = [];
  const problems = [];
  for (const request of requests) {
    const url = new URL(request.path, baseUrl);
    if (url.hostname !== "127.0.0.1") throw new Error(`refusing to load anything but 127.0.0.1 (got ${url.href})`);
    const t0 = performance.now();
    const res = await fetch(url, { method: request.method, headers: request.headers, body: request.body, signal: AbortSignal.timeout(10_000) });
    const body = await res.text();
    times.push(performance.now() - t0);
    const problem = res.status >= 200 && res.status < 300 ? check(res.status, body) : `HTTP ${res.status}`;
    if (problem && problems.length < 5) problems.push(`${request.path}: ${problem}`);
    else if (problem) problems.push(null);
  }
  times.sort((a, b) => a - b);
  return {
    count: times.length,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    p99: percentile(times, 99),
    failures: problems.length,
    examples: problems.filter(Boolean),
  };
}
