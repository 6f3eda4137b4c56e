// Rate limits on the API: Cloudflare's rate-limiting binding (a fixed window per key, counted in each
// location), keyed per API token, per client IP and per storefront shopper. Each response says the
// policy in RateLimit-* headers; over the limit is a 429 problem with Retry-After.
import type { Context, MiddlewareHandler } from "hono";
import { DomainError } from "./errors";
import type { HttpEnv } from "./http";

/** The environment limitByIp needs: the bindings, and whether the request has been authenticated. */
type LimitEnv = HttpEnv & { Variables: { auth?: unknown } };

export interface RateLimitPolicy {
  /** the binding's limit and period, as declared in wrangler.toml (the binding cannot report them) */
  limit: number;
  periodSeconds: number;
}

/** wrangler.toml's API_RATE_LIMIT (per token), IP_RATE_LIMIT (per client IP) and STOREFRONT_RATE_LIMIT (per shopper). */
export const API_POLICY: RateLimitPolicy = { limit: 600, periodSeconds: 10 };
export const IP_POLICY: RateLimitPolicy = { limit: 300, periodSeconds: 10 };
export const STOREFRONT_POLICY: RateLimitPolicy = { limit: 30, periodSeconds: 10 };

/** Seconds until the fixed window that holds `now` ends (the binding's windows are aligned to the epoch). */
export function secondsToWindowEnd(policy: RateLimitPolicy, now: number): number {
  const period = policy.periodSeconds * 1000;
  return Math.max(1, Math.ceil((period - (now % period)) / 1000));
}

export function policyHeaders(policy: RateLimitPolicy): Record<string, string> {
  return { "RateLimit-Limit": String(policy.limit), "RateLimit-Policy": `${policy.limit};w=${policy.periodSeconds}` };
}

/**
 * Count one request against `key`; throws the 429 when it is over the limit. Without the binding (a
 * deployment that removed it) nothing is limited.
 */
export async function checkRateLimit(limiter: RateLimit | undefined, key: string, policy: RateLimitPolicy, what: string, now = Date.now()): Promise<void> {
  if (!limiter) return;
  const { success } = await limiter.limit({ key });
  if (success) return;
  const retry = secondsToWindowEnd(policy, now);
  throw new DomainError("rate_limited", `Too many requests ${what}: at most ${policy.limit} every ${policy.periodSeconds} seconds. Retry in ${retry} s.`, {
    headers: { ...policyHeaders(policy), "RateLimit-Remaining": "0", "RateLimit-Reset": String(retry), "Retry-After": String(retry) },
  });
}

/** The client IP Cloudflare saw; null when not behind Cloudflare (local dev and tests do not limit by IP). */
export function clientIp(c: Context): string | null {
  return c.req.header("CF-Connecting-IP") ?? null;
}

/** The per-IP limit, before authentication, so guessing tokens is limited too. */
export function limitByIp<E extends LimitEnv>(): MiddlewareHandler<E> {
  return async (c, next) => {
    const ip = clientIp(c);
    if (ip) await checkRateLimit(c.env.IP_RATE_LIMIT, `ip:${ip}`, IP_POLICY, "from this IP address");
    await next();
    // the policy a client most needs to pace itself by: its token's (or its IP's when anonymous)
    const policy = c.get("auth") ? API_POLICY : IP_POLICY;
    for (const [k, v] of Object.entries(policyHeaders(policy))) if (!c.res.headers.has(k)) c.res.headers.set(k, v);
  };
}
