// Issue 14, rate limits: /api/v3 is limited per client IP (before authentication), per API token and
// per storefront shopper through Cloudflare's rate-limiting binding; every answer states the policy,
// and over the limit is a 429 problem with Retry-After.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { isDomainError } from "../../../workers/platform/errors";
import { API_POLICY, checkRateLimit, IP_POLICY, secondsToWindowEnd } from "../../../workers/platform/rate-limit";
import { api, makeToken, problem } from "../helpers";

const ip = () => `198.51.100.${Math.floor(Math.random() * 250) + 1}`;

describe("the per-IP limit", () => {
  it("a burst from one IP meets a 429 problem with Retry-After; another IP is unaffected", async () => {
    const addr = ip();
    let limited: Response | null = null;
    // use up the IP's window through the binding itself (cheap), then ask over HTTP; the windows are
    // fixed, so if one ended in between, the second round lands inside the next
    for (let round = 0; round < 2 && !limited; round++) {
      for (let i = 0; i < IP_POLICY.limit; i++) await env.IP_RATE_LIMIT.limit({ key: `ip:${addr}` });
      const res = await api("/profiles", { headers: { "CF-Connecting-IP": addr } });
      if (res.status === 429) limited = res;
      else expect(res.status).toBe(401);
    }
    expect(limited).not.toBeNull();
    const body = await problem(limited!);
    expect(body).toMatchObject({ status: 429, code: "rate_limited" });
    const retry = Number(limited!.headers.get("Retry-After"));
    expect(Number.isInteger(retry) && retry >= 1 && retry <= IP_POLICY.periodSeconds).toBe(true);
    expect(limited!.headers.get("RateLimit-Limit")).toBe(String(IP_POLICY.limit));
    expect(limited!.headers.get("RateLimit-Remaining")).toBe("0");

    const other = await api("/health", { headers: { "CF-Connecting-IP": "203.0.113.77" } });
    expect(other.status).toBe(200);
  });

  it("a token over its limit gets a 429 while another token goes on", async () => {
    const { token, record } = await makeToken(["profiles:read"]);
    let limited: Response | null = null;
    for (let round = 0; round < 2 && !limited; round++) {
      for (let i = 0; i < API_POLICY.limit; i++) await env.API_RATE_LIMIT.limit({ key: `token:${record.id}` });
      const res = await api("/profiles", { token });
      if (res.status === 429) limited = res;
    }
    expect(limited).not.toBeNull();
    expect((await problem(limited!)).detail).toContain("for this API token");
    const other = await makeToken(["profiles:read"]);
    expect((await api("/profiles", { token: other.token })).status).toBe(200);
  });

  it("every API answer states the policy", async () => {
    const { token } = await makeToken(["profiles:read"]);
    const res = await api("/profiles", { token });
    expect(res.status).toBe(200);
    expect(res.headers.get("RateLimit-Policy")).toBe(`${API_POLICY.limit};w=${API_POLICY.periodSeconds}`);
  });
});

describe("checkRateLimit", () => {
  it("passes under the limit and throws a 429 with Retry-After to the window's end over it", async () => {
    const keys: string[] = [];
    const limiter = (success: boolean): RateLimit => ({ limit: async ({ key }) => (keys.push(key), { success }) });
    await checkRateLimit(limiter(true), "token:a", API_POLICY, "for this API token");
    const err = await checkRateLimit(limiter(false), "token:a", API_POLICY, "for this API token", 1_000_003_000).catch((e: unknown) => e);
    expect(isDomainError(err) && err.status).toBe(429);
    expect(isDomainError(err) && err.headers).toMatchObject({ "Retry-After": "7", "RateLimit-Remaining": "0" });
    expect(keys).toEqual(["token:a", "token:a"]);
    await checkRateLimit(undefined, "token:a", API_POLICY, "x");
  });

  it.each([
    [0, 10],
    [9_999, 1],
    [10_000, 10],
    [15_500, 5],
  ])("at %i ms the window ends in %i s", (now, s) => expect(secondsToWindowEnd(API_POLICY, now)).toBe(s));
});
