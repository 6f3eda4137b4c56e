// Storefront tokens: short-lived, HMAC-signed, scoped to one profile. A brand's server trades its API
// token for one (POST /auth/storefront-tokens) and hands it to the shopper's browser, which reads that
// profile's balances, tiers, rewards and benefits at the edge (GET /profiles/me/*) with no D1 lookup.
import { base64url, fromBase64url, timingSafeEqual } from "../platform/crypto";
import { DomainError } from "../platform/errors";

const PREFIX = "sf1";
export const STOREFRONT_TOKEN_TTL_SECONDS = 900;
export const STOREFRONT_TOKEN_MAX_TTL_SECONDS = 3600;

const keys = new Map<string, Promise<CryptoKey>>();

function key(secret: string): Promise<CryptoKey> {
  let k = keys.get(secret);
  if (!k) {
    k = crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    keys.set(secret, k);
  }
  return k;
}

function secretOf(env: Pick<Env, "STOREFRONT_TOKEN_SECRET">): string {
  const secret = env.STOREFRONT_TOKEN_SECRET;
  // a server misconfiguration, not a client's mistake: this is a 500 with a message in the log
  if (!secret || secret.length < 32) throw new Error("STOREFRONT_TOKEN_SECRET is not set (or shorter than 32 characters): `wrangler secret put STOREFRONT_TOKEN_SECRET`");
  return secret;
}

async function sign(secret: string, payload: string): Promise<string> {
  return base64url(new Uint8Array(await crypto.subtle.sign("HMAC", await key(secret), new TextEncoder().encode(payload))));
}

export async function issueStorefrontToken(env: Pick<Env, "STOREFRONT_TOKEN_SECRET">, profileId: string, now: Date, ttlSeconds = STOREFRONT_TOKEN_TTL_SECONDS): Promise<{ token: string; expires_at: string }> {
  const secret = secretOf(env);
  const exp = Math.floor(now.getTime() / 1000) + ttlSeconds;
  const payload = base64url(new TextEncoder().encode(JSON.stringify({ sub: profileId, exp, iat: Math.floor(now.getTime() / 1000) })));
  const body = `${PREFIX}.${payload}`;
  return { token: `${body}.${await sign(secret, body)}`, expires_at: new Date(exp * 1000).toISOString() };
}

/** The profile a storefront token is for; a 401 that says why when it is malformed, forged or expired. */
export async function verifyStorefrontToken(env: Pick<Env, "STOREFRONT_TOKEN_SECRET">, token: string, now: Date): Promise<string> {
  const parts = token.split(".");
  if (parts.length !== 3 || parts[0] !== PREFIX || token.length > 1000) throw new DomainError("unauthenticated", "This is not a storefront token; get one from POST /auth/storefront-tokens");
  const expected = new TextEncoder().encode(await sign(secretOf(env), `${parts[0]}.${parts[1]}`));
  if (!timingSafeEqual(expected, new TextEncoder().encode(parts[2]!))) throw new DomainError("unauthenticated", "The storefront token's signature is invalid");
  let claims: { sub?: unknown; exp?: unknown };
  try {
    claims = JSON.parse(new TextDecoder().decode(fromBase64url(parts[1]!))) as { sub?: unknown; exp?: unknown };
  } catch {
    throw new DomainError("unauthenticated", "The storefront token is malformed");
  }
  if (typeof claims.sub !== "string" || typeof claims.exp !== "number") throw new DomainError("unauthenticated", "The storefront token is malformed");
  if (claims.exp * 1000 <= now.getTime()) throw new DomainError("unauthenticated", "The storefront token has expired; get a new one");
  return claims.sub;
}

/** The origins configured to call /profiles/me/* from a browser. */
export function allowedOrigins(env: Pick<Env, "STOREFRONT_ORIGINS">): string[] {
  return (env.STOREFRONT_ORIGINS ?? "")
    .split(",")
    .map((s) => s.trim().replace(/\/$/, ""))
    .filter(Boolean);
}
