// Standard Webhooks signing (https://www.standardwebhooks.com): `webhook-id`, `webhook-timestamp` and
// `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, one signature per active
// secret (two during a rotation's overlap), separated by spaces. Pure apart from WebCrypto.
import { base64, fromBase64, randomBytes } from "../platform/crypto";

export const SECRET_PREFIX = "whsec_";

/** A new endpoint secret: whsec_ + base64 of 24 random bytes (what the standardwebhooks libraries expect). */
export function newWebhookSecret(): string {
  return SECRET_PREFIX + base64(randomBytes(24));
}

const hmacKeys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let k = hmacKeys.get(secret);
  if (!k) {
    const raw = fromBase64(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret);
    k = crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    if (hmacKeys.size > 1000) hmacKeys.clear();
    hmacKeys.set(secret, k);
  }
  return k;
}

/** The v1 signature of one message under one secret: "v1,<base64>". */
export async function signPayload(secret: string, id: string, timestampSeconds: number, body: string): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", await hmacKey(secret), new TextEncoder().encode(`${id}.${timestampSeconds}.${body}`));
  return `v1,${base64(new Uint8Array(mac))}`;
}

/** The three Standard Webhooks headers for a message signed with each of `secrets`. */
export async function webhookHeaders(secrets: readonly string[], id: string, timestampSeconds: number, body: string): Promise<Record<string, string>> {
  const signatures = await Promise.all(secrets.map((s) => signPayload(s, id, timestampSeconds, body)));
  return { "webhook-id": id, "webhook-timestamp": String(timestampSeconds), "webhook-signature": signatures.join(" ") };
}

/** The body a webhook receives: `{type, timestamp, data}` with the event context as data. */
export function webhookBody(type: string, occurredAt: string, data: unknown): string {
  return JSON.stringify({ type, timestamp: occurredAt, data });
}
