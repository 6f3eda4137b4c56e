// Webhooks end to end in workerd: the /webhooks API (Omneo's shape, secrets once, SSRF refusals), an
// event delivered through the real queues to a receiver with a signature the standardwebhooks package
// accepts, a failing-then-recovering receiver getting each event once per webhook-id, dead-lettering
// after the schedule and replay, 410 disabling an endpoint, and namespace echo suppression.
import { createMessageBatch } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { and, eq, inArray } from "drizzle-orm";
import { events } from "../../../db/schema/events";
import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it, vi } from "vitest";
import { deadLetters, deliveries, deliveryAttempts, webhooks } from "../../../db/schema/delivery";
import { consumeDeadLetters } from "../../../workers/events/deliveries";
import { systemActor } from "../../../workers/access/actor";
import type { DeliveryMessage, DeliveryQueue } from "../../../workers/delivery/deliveries.service";
import { fanOutWebhooks } from "../../../workers/delivery/fan-out";
import { WebhookInput } from "../../../workers/delivery/schema";
import { signPayload } from "../../../workers/delivery/signing";
import { fixedClock } from "../../../workers/platform/clock";
import { toMessage } from "../../../workers/platform/outbox";
import { createServices } from "../../../workers/services";
import { makeProfile, postTx, simpleReceipt, uid } from "../commerce/support";
import { api, countRows, makeToken, problem } from "../helpers";

interface Received {
  headers: Record<string, string>;
  body: string;
  status: number;
}

async function received(bucket: string): Promise<Received[]> {
  return (await (await fetch(`https://receiver.test/__log/${bucket}`)).json()) as Received[];
}

/** Services whose deliveries queue only records, so a test drives each attempt itself, on its own clock. */
function captured(start = "2026-03-01T00:00:00Z") {
  const sent: Array<{ body: DeliveryMessage; delaySeconds?: number }> = [];
  const queue: DeliveryQueue = {
    async sendBatch(msgs) {
      for (const m of msgs) sent.push({ body: m.body, delaySeconds: m.delaySeconds });
    },
    async send(body, opts) {
      sent.push({ body, delaySeconds: opts?.delaySeconds });
    },
  };
  const clock = fixedClock(start);
  const services = createServices(env, null, { clock, deliveriesQueue: queue });
  /** Run every queued attempt, advancing the clock by each delay, until the queue is empty. */
  async function drain(maxSteps = 50): Promise<string[]> {
    const outcomes: string[] = [];
    for (let i = 0; i < maxSteps && sent.length; i++) {
      const next = sent.shift()!;
      if (next.delaySeconds) clock.advance(next.delaySeconds * 1000);
      outcomes.push(await services.deliveries.attempt(next.body));
    }
    return outcomes;
  }
  return { services, clock, sent, drain };
}

// webhooks are global: each test's endpoints go when it ends, so the next test's events reach only its own
afterEach(async () => {
  const db = createServices(env).db;
  await db.batch([db.delete(webhooks), db.delete(deliveries)]);
});

const input = (over: Record<string, unknown>) => WebhookInput.parse({ trigger: "transaction.created", url: `https://receiver.test/${uid("b")}/ok`, ...over });

describe("/webhooks API", () => {
  it("creates in Omneo's shape, returns the secret once, lists, updates and deletes with 204", async () => {
    const { token } = await makeToken(["*"]);
    const url = `https://receiver.test/${uid("b")}/ok`;
    const res = await api("/webhooks", { method: "POST", token, json: { trigger: "reward.created", url, queue: "urgent", condition: { ">=": [{ var: "reward.value" }, 5] }, retry_hourly: true, retry_daily: false } });
    expect(res.status).toBe(201);
    const created = ((await res.json()) as { data: Record<string, unknown> }).data;
    expect(created).toMatchObject({ trigger: "reward.created", url, queue: "low", is_active: true, retry_daily: false, namespace: null });
    expect(created.secret).toMatch(/^whsec_/);
    const stored = await createServices(env).db.query.webhooks.findFirst({ where: eq(webhooks.id, created.id as string) });
    expect(stored!.secretEnc).not.toContain(created.secret as string);

    const read = (await (await api(`/webhooks/${created.id}`, { token })).json()) as { data: Record<string, unknown> };
    expect(read.data.secret).toBeUndefined();
    const list = (await (await api(`/webhooks?filter[trigger]=reward.created`, { token })).json()) as { data: Array<{ id: string }> };
    expect(list.data.map((w) => w.id)).toContain(created.id);

    const dup = await api("/webhooks", { method: "POST", token, json: { trigger: "reward.issued", url } });
    expect(dup.status).toBe(422);
    expect((await problem(dup)).errors?.url?.[0]).toMatch(/already exists/);

    const put = await api(`/webhooks/${created.id}`, { method: "PUT", token, json: { is_active: false, queue: "high" } });
    expect(((await put.json()) as { data: Record<string, unknown> }).data).toMatchObject({ is_active: false, queue: "high" });

    const rotated = (await (await api(`/webhooks/${created.id}/rotate-secret`, { method: "POST", token })).json()) as { data: Record<string, unknown> };
    expect(rotated.data.secret).toMatch(/^whsec_/);
    expect(rotated.data.secret).not.toBe(created.secret);
    expect(rotated.data.secret_rotated_until).toBeTruthy();

    expect((await api(`/webhooks/${created.id}`, { method: "DELETE", token })).status).toBe(204);
    expect((await api(`/webhooks/${created.id}`, { token })).status).toBe(404);
  });

  it.each([
    [{ url: "http://hooks.example.com/x" }, "url", /https/],
    [{ url: "https://169.254.169.254/latest" }, "url", /link-local/],
    [{ url: "https://localhost/x" }, "url", /public host/],
    [{ url: "https://metadata.google.internal/x" }, "url", /private or local/],
    [{ trigger: "reward.isued" }, "trigger", /reward.issued/],
    [{ condition: { frobnicate: [1] } }, "condition", /frobnicate/],
    [{ colour: "red" }, "colour", /.+/],
  ])("refuses %j naming %s, and writes nothing", async (over, field, msg) => {
    const { token } = await makeToken(["*"]);
    const before = await countRows(webhooks);
    const res = await api("/webhooks", { method: "POST", token, json: { trigger: "transaction.created", url: `https://receiver.test/${uid("b")}/ok`, ...over } });
    expect(res.status).toBe(422);
    const p = await problem(res);
    expect(JSON.stringify(p)).toContain(field);
    expect(JSON.stringify(p.errors)).toMatch(msg);
    expect(await countRows(webhooks)).toBe(before);
  });

  it("an unknown filter is a 400 and a bad status a 422, each naming it", async () => {
    const { token } = await makeToken(["*"]);
    const res = await api("/webhooks?filter[colour]=red", { token });
    // unknown query parameters are refused before validation by the API-wide strict-query rule
    expect(res.status).toBe(400);
    expect(JSON.stringify(await problem(res))).toContain("filter[colour]");
    const log = await api(`/webhooks/${crypto.randomUUID()}/deliveries?filter[status]=lost`, { token });
    expect(log.status).toBe(422);
    expect(JSON.stringify(await problem(log))).toContain("filter[status]");
  });

  it("needs config scopes", async () => {
    const { token } = await makeToken(["profiles:read"]);
    expect((await api("/webhooks", { token })).status).toBe(403);
  });
});

describe("delivery", () => {
  it("a transaction reaches the webhook through the real queues, signed so standardwebhooks verifies it", async () => {
    const { token } = await makeToken(["*"]);
    const bucket = uid("e2e");
    const res = await api("/webhooks", { method: "POST", token, json: { trigger: "transaction.created", url: `https://receiver.test/${bucket}/ok`, condition: { ">=": [{ var: "transaction.total" }, 40] } } });
    const { id: webhookId, secret } = ((await res.json()) as { data: { id: string; secret: string } }).data;
    const profile = await makeProfile(token, { first_name: "Wendy" });
    const { data: big } = await postTx(token, simpleReceipt(45, { profile_id: profile.id }), 201);
    await postTx(token, simpleReceipt(5, { profile_id: profile.id }), 201); // below the condition

    const got = await vi.waitFor(
      async () => {
        const r = await received(bucket);
        if (r.length < 1) throw new Error("not yet");
        return r;
      },
      { timeout: 15_000, interval: 200 },
    );
    const payload = new Webhook(secret).verify(got[0]!.body, got[0]!.headers) as { type: string; data: Record<string, unknown> };
    expect(payload.type).toBe("transaction.created");
    expect(payload.data).toMatchObject({ profile_id: profile.id, first_name: "Wendy", email: profile.email, transaction: { id: big.id, total: 45 } });
    expect(got[0]!.headers["webhook-id"]).toMatch(/^msg_/);

    const log = (await (await api(`/webhooks/${webhookId}/deliveries?filter[status]=delivered`, { token })).json()) as { data: Array<{ id: string; attempts: number }> };
    expect(log.data.map((d) => d.id)).toEqual([got[0]!.headers["webhook-id"]]);
    const one = (await (await api(`/deliveries/${log.data[0]!.id}`, { token })).json()) as { data: { attempt_log: Array<{ status_code: number }> } };
    expect(one.data.attempt_log.map((a) => a.status_code)).toEqual([200]);
    // the small transaction did not match; give its fan-out time to have happened
    expect((await received(bucket)).length).toBe(1);
  });

  it("a failing-then-recovering receiver gets each event once per webhook-id, nothing lost, also when messages repeat", async () => {
    const { services, sent, drain } = captured();
    const bucket = uid("flaky");
    const { webhook, secret } = await services.webhooks.create(input({ url: `https://receiver.test/${bucket}/fail/2` }), systemActor("test"));
    const events = [1, 2, 3].map((n) => toMessage(services.outbox.event("transaction.created", { transaction: { id: `t${n}`, total: 50 } })));
    for (const e of events) await fanOutWebhooks(e, services);
    // the same event again (a redelivered queue message) makes no second delivery
    await fanOutWebhooks(events[0]!, services);
    // and a duplicated delivery message is claimed once
    sent.push({ ...sent[0]! });

    const outcomes = await drain();
    expect(outcomes.filter((o) => o === "delivered")).toHaveLength(3);

    const got = await received(bucket);
    const byId = new Map<string, Received[]>();
    for (const r of got) byId.set(r.headers["webhook-id"]!, [...(byId.get(r.headers["webhook-id"]!) ?? []), r]);
    expect(byId.size).toBe(3);
    for (const [, tries] of byId) {
      expect(tries.map((t) => t.status)).toEqual([503, 503, 200]);
      // signed at the attempt's own (test-clock) time: checked with our signer rather than against the wall clock
      const ok = tries[2]!;
      expect(ok.headers["webhook-signature"]).toBe(await signPayload(secret, ok.headers["webhook-id"]!, Number(ok.headers["webhook-timestamp"]), ok.body));
    }
    const ids = [...byId.keys()];
    const rows = await services.db.select().from(deliveries).where(eq(deliveries.webhookId, webhook.id));
    expect(rows.map((r) => [r.status, r.attempts])).toEqual(ids.map(() => ["delivered", 3]));
    expect(await countRows(deliveryAttempts, eq(deliveryAttempts.deliveryId, ids[0]!))).toBe(3);
  });

  it("dead-letters after the schedule, then a replay delivers under the same webhook-id", async () => {
    const { services, drain } = captured();
    const bucket = uid("dead");
    const { webhook } = await services.webhooks.create(input({ url: `https://receiver.test/${bucket}/error`, retry_hourly: false, retry_daily: false }), systemActor("test"));
    await fanOutWebhooks(toMessage(services.outbox.event("transaction.created", { transaction: { id: "t", total: 1 } })), services);
    expect(await drain()).toEqual(["retrying", "retrying", "retrying", "dead"]);
    const [dead] = await services.db.select().from(deliveries).where(eq(deliveries.webhookId, webhook.id));
    expect(dead).toMatchObject({ status: "dead", attempts: 4, lastStatusCode: 500 });
    expect((await services.db.query.webhooks.findFirst({ where: eq(webhooks.id, webhook.id) }))!.failingSince).toBeInstanceOf(Date);

    await fetch(`https://receiver.test/__mode/${bucket}`, { method: "POST", body: "ok" });
    await services.deliveries.replay(dead!.id);
    expect(await drain()).toEqual(["delivered"]);
    const got = await received(bucket);
    expect(new Set(got.map((r) => r.headers["webhook-id"]))).toEqual(new Set([dead!.id]));
    expect(got.map((r) => r.status)).toEqual([500, 500, 500, 500, 200]);
    const after = await services.db.query.webhooks.findFirst({ where: eq(webhooks.id, webhook.id) });
    expect(after!.failingSince).toBeNull();
  });

  it("410 Gone disables the endpoint with the reason; a redirect is not followed", async () => {
    const { services, drain } = captured();
    const gone = await services.webhooks.create(input({ url: `https://receiver.test/${uid("g")}/gone` }), systemActor("test"));
    const bucket = uid("r");
    const redirect = await services.webhooks.create(input({ url: `https://receiver.test/${bucket}/redirect`, retry_hourly: false, retry_daily: false }), systemActor("test"));
    await fanOutWebhooks(toMessage(services.outbox.event("transaction.created", { transaction: { id: "t", total: 1 } })), services);
    await drain();
    const w = await services.db.query.webhooks.findFirst({ where: eq(webhooks.id, gone.webhook.id) });
    expect(w).toMatchObject({ isActive: false, disabledReason: "The receiver answered 410 Gone" });
    const [r] = await services.db.select().from(deliveries).where(eq(deliveries.webhookId, redirect.webhook.id));
    expect(r).toMatchObject({ status: "dead", lastStatusCode: 302 });
    expect(r!.lastError).toMatch(/not followed/);
    expect((await received(bucket)).length).toBe(4);
  });

  it("an endpoint failing for 3 days straight is switched off, with the reason", async () => {
    const { services, clock, drain } = captured();
    const { webhook } = await services.webhooks.create(input({ url: `https://receiver.test/${uid("d3")}/error` }), systemActor("test"));
    await services.db.update(webhooks).set({ failingSince: new Date(clock.now().getTime() - 3 * 24 * 3600 * 1000) }).where(eq(webhooks.id, webhook.id));
    await fanOutWebhooks(toMessage(services.outbox.event("transaction.created", { transaction: { id: "t", total: 1 } })), services);
    await drain(1);
    const w = await services.db.query.webhooks.findFirst({ where: eq(webhooks.id, webhook.id) });
    expect(w).toMatchObject({ isActive: false, disabledReason: "Failing for 3 days without a successful delivery" });
    // its pending retry then stops instead of sending
    expect(await drain()).toEqual(["skipped"]);
  });

  it("what the queue dead-letters is kept in D1, and a dead-lettered delivery is marked dead", async () => {
    const { services } = captured();
    const { webhook } = await services.webhooks.create(input({}), systemActor("test"));
    await fanOutWebhooks(toMessage(services.outbox.event("transaction.created", { transaction: { id: "t", total: 1 } })), services);
    const [d] = await services.db.select().from(deliveries).where(eq(deliveries.webhookId, webhook.id));
    const batch = createMessageBatch("loyalty-edge-dlq", [
      { id: "m1", timestamp: new Date(), attempts: 11, body: { kind: "delivery", delivery_id: d!.id, attempt: 0 } },
      { id: "m2", timestamp: new Date(), attempts: 11, body: { something: "else" } },
    ]);
    await consumeDeadLetters(batch, services);
    expect(await countRows(deadLetters, inArray(deadLetters.messageId, ["m1", "m2"]))).toBe(2);
    expect((await services.deliveries.require(d!.id)).status).toBe("dead");
  });

  it("an event caused by a token of the webhook's namespace is not sent back to it", async () => {
    const { services, sent } = captured();
    const mine = await services.webhooks.create(input({ namespace: "shopify" }), systemActor("test"));
    const other = await services.webhooks.create(input({}), systemActor("test"));
    services.outbox.namespace = "shopify";
    const event = toMessage(services.outbox.event("transaction.created", { transaction: { id: "t", total: 1 } }));
    expect(event.causation).toEqual({ depth: 0, namespace: "shopify" });
    await fanOutWebhooks(event, services);
    const targets = await services.db.select({ webhookId: deliveries.webhookId }).from(deliveries).where(eq(deliveries.eventId, event.id));
    expect(targets.map((t) => t.webhookId)).toContain(other.webhook.id);
    expect(targets.map((t) => t.webhookId)).not.toContain(mine.webhook.id);
    expect(sent.length).toBe(targets.length);
  });

  it("a token's namespace is stamped on the events its requests write", async () => {
    const { token: admin } = await makeToken(["*"], { role: "admin" });
    const res = await api("/auth/api-tokens", { method: "POST", token: admin, json: { name: "shop", scopes: ["profiles:write"], namespace: "shopify" } });
    expect(res.status).toBe(201);
    const created = ((await res.json()) as { data: { token: string; namespace: string } }).data;
    expect(created.namespace).toBe("shopify");
    const profile = await makeProfile(created.token);
    const [row] = await createServices(env).db.select().from(events).where(and(eq(events.profileId, profile.id), eq(events.type, "profile.created")));
    expect(row!.causation).toEqual({ depth: 0, namespace: "shopify" });
  });

  it("during a secret rotation both signatures are sent and each verifies", async () => {
    const { services, drain } = captured(new Date().toISOString());
    const bucket = uid("rot");
    const { webhook, secret: oldSecret } = await services.webhooks.create(input({ url: `https://receiver.test/${bucket}/ok` }), systemActor("test"));
    const { secret: newSecret } = await services.webhooks.rotateSecret(webhook.id, systemActor("test"));
    await fanOutWebhooks(toMessage(services.outbox.event("transaction.created", { transaction: { id: "t", total: 1 } })), services);
    await drain();
    const [got] = await received(bucket);
    expect(got!.headers["webhook-signature"]!.split(" ")).toHaveLength(2);
    for (const s of [oldSecret, newSecret]) expect(() => new Webhook(s).verify(got!.body, got!.headers)).not.toThrow();
  });
});
