// Password hashing: PBKDF2-SHA256 through WebCrypto. Deployed Workers refuse more than 100,000
// iterations (workerd issue #1346) while `wrangler dev` accepts more, so the count is pinned here and
// by a unit test. The scheme and count are stored with each hash so they can be raised later.
import { base64, fromBase64, randomBytes, timingSafeEqual } from "../platform/crypto";

export const PASSWORD_SCHEME = "pbkdf2-sha256";
export const PBKDF2_ITERATIONS = 100_000;
/** The ceiling deployed Workers enforce; never configure above it. */
export const PBKDF2_MAX_ITERATIONS = 100_000;
const SALT_BYTES = 16;
const KEY_BITS = 256;

async function derive(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<Uint8Array> {
  if (iterations > PBKDF2_MAX_ITERATIONS) {
    throw new Error(`PBKDF2 iterations ${iterations} exceed the Workers limit of ${PBKDF2_MAX_ITERATIONS}`);
  }
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, KEY_BITS);
  return new Uint8Array(bits);
}

export async function hashPassword(password: string, iterations = PBKDF2_ITERATIONS): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, iterations);
  return `${PASSWORD_SCHEME}$${iterations}$${base64(salt)}$${base64(hash)}`;
}

export interface ParsedHash {
  scheme: string;
  iterations: number;
  salt: Uint8Array<ArrayBuffer>;
  hash: Uint8Array;
}

export function parsePasswordHash(stored: string): ParsedHash | null {
  const [scheme, iter, salt, hash] = stored.split("$");
  if (scheme !== PASSWORD_SCHEME || !iter || !salt || !hash) return null;
  const iterations = Number(iter);
  if (!Number.isInteger(iterations) || iterations < 1) return null;
  return { scheme, iterations, salt: fromBase64(salt), hash: fromBase64(hash) };
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parsePasswordHash(stored);
  if (!parsed) return false;
  const candidate = await derive(password, parsed.salt, parsed.iterations);
  return timingSafeEqual(candidate, parsed.hash);
}

/** True when a stored hash was made with weaker parameters than today's: rehash on next login. */
export function needsRehash(stored: string): boolean {
  const parsed = parsePasswordHash(stored);
  return !parsed || parsed.iterations < PBKDF2_ITERATIONS;
}

/** A dummy verification so an unknown email costs as much as a wrong password (no user enumeration by timing). */
let dummyHash: string | undefined;
export async function burnPasswordCheck(password: string): Promise<void> {
  dummyHash ??= await hashPassword("not-a-real-password");
  await verifyPassword(password, dummyHash);
}
