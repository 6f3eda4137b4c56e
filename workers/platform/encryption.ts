// Secrets at rest (webhook signing secrets, secret target headers): AES-256-GCM under a key derived
// from one Worker secret. A stored value is "v1.<iv>.<ciphertext>" (base64url); the version lets a
// later key rotation tell old values apart.
import { base64url, fromBase64url, randomBytes } from "./crypto";

const keys = new Map<string, Promise<CryptoKey>>();

function keyFor(secret: string): Promise<CryptoKey> {
  let k = keys.get(secret);
  if (!k) {
    k = crypto.subtle
      .digest("SHA-256", new TextEncoder().encode(`loyalty-edge/secrets-at-rest/v1:${secret}`))
      .then((raw) => crypto.subtle.importKey("raw", raw, { name: "AES-GCM" }, false, ["encrypt", "decrypt"]));
    keys.set(secret, k);
  }
  return k;
}

/** The encryption key secret, refusing to run without a strong one. */
export function encryptionSecret(env: { WEBHOOK_ENCRYPTION_KEY?: string }): string {
  const s = env.WEBHOOK_ENCRYPTION_KEY;
  if (!s || s.length < 32) throw new Error("WEBHOOK_ENCRYPTION_KEY is not set (≥ 32 characters): `wrangler secret put WEBHOOK_ENCRYPTION_KEY`, or .dev.vars locally");
  return s;
}

export async function encryptSecret(secret: string, plaintext: string): Promise<string> {
  const iv = randomBytes(12);
  const ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, await keyFor(secret), new TextEncoder().encode(plaintext));
  return `v1.${base64url(iv)}.${base64url(new Uint8Array(ct))}`;
}

export async function decryptSecret(secret: string, stored: string): Promise<string> {
  const [version, iv, ct] = stored.split(".");
  if (version !== "v1" || !iv || !ct) throw new Error("not an encrypted value");
  const pt = await crypto.subtle.decrypt({ name: "AES-GCM", iv: fromBase64url(iv) }, await keyFor(secret), fromBase64url(ct));
  return new TextDecoder().decode(pt);
}
