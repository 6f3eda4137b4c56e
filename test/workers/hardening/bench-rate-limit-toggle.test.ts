// The bench's rate-limiter toggle (`X-Bench-Rate-Limit: off`, docs/benchmarks.md) exists only under
// BENCH_MODE "1", which only `npm run bench` sets on its own copy: here (wrangler.toml's BENCH_MODE "0")
// the header changes nothing and an IP over its limit still meets the 429.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { IP_POLICY } from "../../../workers/platform/rate-limit";
import { api } from "../helpers";

describe("the bench's rate-limiter toggle", () => {
  it("is ignored outside bench mode", async () => {
    expect(env.BENCH_MODE).not.toBe("1");
    const addr = `198.51.100.${Math.floor(Math.random() * 250) + 1}`;
    let status = 0;
    // fixed windows: if one ended between using it up and asking, the second round lands inside the next
    for (let round = 0; round < 2 && status !== 429; round++) {
      for (let i = 0; i < IP_POLICY.limit; i++) await env.IP_RATE_LIMIT.limit({ key: `ip:${addr}` });
      const res = await api("/health", { headers: { "CF-Connecting-IP": addr, "X-Bench-Rate-Limit": "off" } });
      status = res.status;
      await res.arrayBuffer();
    }
    expect(status).toBe(429);
  });
});
