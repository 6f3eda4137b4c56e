// ID tokens: the credential of Omneo's storefront API (`/id/api/v1`, the SDK's `ID` client). A brand's server
// trades its API token for one (`POST /id/api/v1/auth/token {id, id_handle?}`) and hands it to the shopper's
// browser. It is an HS256 JWT, as Omneo's is, so the SDK can read `pid` and `exp` from it without a call:
//   pid  the profile it speaks for, or the string "null" for an anonymous shopper (Omneo's own encoding)
//   tid  the API token that minted it: every request re-checks that token (revoked, expired, its owner
//        deactivated or demoted), and the token's scopes bound what the ID token may do
//   aud  "loyalty-edge:id", so no other HS256 token signed with the same secret passes for one
import { errors as joseErrors, jwtVerify, SignJWT } from "jose";
import { DomainError } from "../platform/errors";

export const ID_TOKEN_TTL_SECONDS = 3600;
export const ANONYMOUS_PID = "null";
const AUDIENCE = "loyalty-edge:id";
const ISSUER = "loyalty-edge";

export interface IdClaims {
  /** a profile id, or ANONYMOUS_PID */
  pid: string;
  /** the API token that minted it */
  tid: string;
  exp: number;
}

function secretKey(env: Pick<Env, "STOREFRONT_TOKEN_SECRET">): Uint8Array {
  const secret = env.STOREFRONT_TOKEN_SECRET;
  // a server misconfiguration, not a client's mistake: a 500 with this message in the log
  if (!secret || secret.length < 32) throw new Error("STOREFRONT_TOKEN_SECRET is not set (or shorter than 32 characters): `wrangler secret put STOREFRONT_TOKEN_SECRET`");
  return new TextEncoder().encode(`id-token:${secret}`);
}

export async function issueIdToken(env: Pick<Env, "STOREFRONT_TOKEN_SECRET">, claims: { pid: string; tid: string }, now: Date, ttlSeconds = ID_TOKEN_TTL_SECONDS): Promise<{ token: string; exp: number }> {
  const iat = Math.floor(now.getTime() / 1000);
  const exp = iat + ttlSeconds;
  const token = await new SignJWT({ pid: claims.pid, tid: claims.tid })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(secretKey(env));
  return { token, exp };
}

/** The claims of a valid ID token; a 401 that says why when it is malformed, forged, expired or for another audience. */
export async function verifyIdToken(env: Pick<Env, "STOREFRONT_TOKEN_SECRET">, token: string, now: Date): Promise<IdClaims> {
  if (token.length > 2000) throw new DomainError("unauthenticated", "This is not an ID token; get one from POST /id/api/v1/auth/token");
  try {
    const { payload } = await jwtVerify(token, secretKey(env), { algorithms: ["HS256"], audience: AUDIENCE, issuer: ISSUER, currentDate: now });
    if (typeof payload.pid !== "string" || typeof payload.tid !== "string" || typeof payload.exp !== "number") {
      throw new DomainError("unauthenticated", "The ID token is malformed");
    }
    return { pid: payload.pid, tid: payload.tid, exp: payload.exp };
  } catch (err) {
    if (err instanceof DomainError) throw err;
    if (err instanceof joseErrors.JWTExpired) throw new DomainError("unauthenticated", "The ID token has expired; get a new one from POST /id/api/v1/auth/token");
    if (err instanceof joseErrors.JOSEError) throw new DomainError("unauthenticated", "The ID token is invalid (malformed, forged, or not an ID token)");
    throw err;
  }
}
