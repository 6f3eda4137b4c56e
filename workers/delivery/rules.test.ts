// Unit tests for delivery's pure rules: the SSRF classifier over a table of URLs, the outcome of each
// HTTP status, the retry schedule (and its 12 h queue cap), and Standard Webhooks signatures checked
// by the `standardwebhooks` package itself.
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { checkOutboundUrl, classifyOutcome, nextRetryDelay, normaliseQueue, queueDelay, RETRY_SCHEDULE_SECONDS } from "./rules";
import { newWebhookSecret, signPayload, webhookBody, webhookHeaders } from "./signing";
import { decryptSecret, encryptSecret } from "../platform/encryption";

describe("checkOutboundUrl", () => {
  it.each([
    ["https://hooks.example.com/x", true],
    ["https://hooks.example.com:8443/x?y=1", true],
    ["https://8.8.8.8/x", true],
    ["https://[2606:4700:4700::1111]/", true],
    ["http://hooks.example.com/x", false],
    ["ftp://hooks.example.com/x", false],
    ["not a url", false],
    ["https://user:pw@hooks.example.com/", false],
    ["https://localhost/x", false],
    ["https://api.localhost/x", false],
    ["https://127.0.0.1/x", false],
    ["https://127.1/x", false],
    ["https://2130706433/x", false],
    ["https://0x7f000001/x", false],
    ["https://0.0.0.0/x", false],
    ["https://10.1.2.3/x", false],
    ["https://172.16.0.1/x", false],
    ["https://172.31.255.255/x", false],
    ["https://172.32.0.1/x", true],
    ["https://192.168.1.1/x", false],
    ["https://100.64.0.1/x", false],
    ["https://100.128.0.1/x", true],
    ["https://169.254.169.254/latest/meta-data", false],
    ["https://[::1]/x", false],
    ["https://[::]/x", false],
    ["https://[::ffff:127.0.0.1]/x", false],
    ["https://[::ffff:10.0.0.1]/x", false],
    ["https://[fd00::1]/x", false],
    ["https://[fc00::1]/x", false],
    ["https://[fe80::1]/x", false],
    ["https://[fd00:ec2::254]/x", false],
    ["https://metadata.google.internal/computeMetadata/v1/", false],
    ["https://metadata/x", false],
    ["https://printer.local/x", false],
    ["https://router.home.arpa/x", false],
    ["https://intranet/x", false],
    ["https://127.0.0.1.nip.io/x", false],
  ])("%s → allowed %s", (url, ok) => {
    const v = checkOutboundUrl(url);
    expect(v.ok, v.ok ? "" : v.reason).toBe(ok);
  });

  it("ALLOW_INSECURE_WEBHOOK_URLS lets http reach localhost and 127.0.0.1 only", () => {
    const dev = { allowInsecureLocal: true };
    expect(checkOutboundUrl("http://localhost:9999/hook", dev).ok).toBe(true);
    expect(checkOutboundUrl("http://127.0.0.1:9999/hook", dev).ok).toBe(true);
    expect(checkOutboundUrl("http://10.0.0.1/hook", dev).ok).toBe(false);
    expect(checkOutboundUrl("http://hooks.example.com/hook", dev).ok).toBe(false);
    expect(checkOutboundUrl("http://localhost:9999/hook").ok).toBe(false);
  });

  it("says why", () => {
    const v = checkOutboundUrl("https://169.254.169.254/");
    expect(v.ok ? "" : v.reason).toMatch(/link-local/);
    const w = checkOutboundUrl("http://example.com/");
    expect(w.ok ? "" : w.reason).toMatch(/https/);
  });
});

describe("classifyOutcome", () => {
  it.each([
    [200, "delivered"],
    [204, "delivered"],
    [299, "delivered"],
    [410, "gone"],
    [429, "retry"],
    [500, "retry"],
    [503, "retry"],
    [302, "retry"],
    [404, "retry"],
    [null, "retry"],
  ] as const)("%s → %s", (status, want) => expect(classifyOutcome(status)).toBe(want));
});

describe("nextRetryDelay", () => {
  it("follows the schedule: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, then dead", () => {
    const waits = [1, 2, 3, 4, 5, 6, 7].map((n) => nextRetryDelay(n));
    expect(waits).toEqual([5, 300, 1800, 7200, 18000, 36000, 36000]);
    expect(nextRetryDelay(RETRY_SCHEDULE_SECONDS.length)).toBeNull();
  });
  it("without hourly retries stops after the 30-minute step", () => {
    const p = { retryHourly: false, retryDaily: false };
    expect([1, 2, 3].map((n) => nextRetryDelay(n, p))).toEqual([5, 300, 1800]);
    expect(nextRetryDelay(4, p)).toBeNull();
  });
  it("daily retries continue until three days after the first attempt", () => {
    const p = { retryHourly: true, retryDaily: true };
    expect(nextRetryDelay(8, p, 28 * 3600 * 1000)).toBe(24 * 3600);
    expect(nextRetryDelay(9, p, 60 * 3600 * 1000)).toBeNull();
  });
  it("queue delays are capped at 12 h", () => {
    expect(queueDelay(24 * 3600)).toBe(12 * 3600);
    expect(queueDelay(4.2)).toBe(5);
    expect(queueDelay(-1)).toBe(0);
  });
  it("an unknown queue is low", () => {
    expect(["high", "default", "low", "urgent", null].map(normaliseQueue)).toEqual(["high", "default", "low", "low", "low"]);
  });
});

describe("Standard Webhooks signatures", () => {
  it("our headers verify with the standardwebhooks package", async () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]{32}$/);
    const body = webhookBody("reward.issued", "2026-01-01T00:00:00.000Z", { reward: { value: 10 } });
    const ts = Math.floor(Date.now() / 1000);
    const headers = await webhookHeaders([secret], "msg_1", ts, body);
    expect(new Webhook(secret).verify(body, headers)).toEqual({ type: "reward.issued", timestamp: "2026-01-01T00:00:00.000Z", data: { reward: { value: 10 } } });
  });

  it("during a rotation both secrets sign, and each verifies", async () => {
    const [oldS, newS] = [newWebhookSecret(), newWebhookSecret()];
    const body = webhookBody("t", "x", {});
    const headers = await webhookHeaders([newS, oldS], "msg_2", Math.floor(Date.now() / 1000), body);
    expect(headers["webhook-signature"]!.split(" ")).toHaveLength(2);
    expect(() => new Webhook(oldS).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(newS).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow();
  });

  it("a tampered body fails", async () => {
    const secret = newWebhookSecret();
    const headers = await webhookHeaders([secret], "msg_3", Math.floor(Date.now() / 1000), "{}");
    expect(() => new Webhook(secret).verify('{"a":1}', headers)).toThrow();
  });

  it("matches the Standard Webhooks reference vector", async () => {
    // from the spec's test suite: secret, id, timestamp and payload with a known signature
    const sig = await signPayload("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, '{"test": 2432232314}');
    expect(sig).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  });
});

describe("secrets at rest", () => {
  it("round-trips, and differs each time", async () => {
    const key = "k".repeat(40);
    const a = await encryptSecret(key, "whsec_abc");
    const b = await encryptSecret(key, "whsec_abc");
    expect(a).not.toBe(b);
    expect(a).not.toContain("whsec_abc");
    expect(await decryptSecret(key, a)).toBe("whsec_abc");
    await expect(decryptSecret("x".repeat(40), a)).rejects.toThrow();
  });
});
