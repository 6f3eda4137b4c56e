// The outbox, the events queue consumer and the cron: publish marks events sent, the sweep re-sends what
// a crash left behind, consumers act once per event, and the cron clears expired sessions and keys.
import { createExecutionContext, createMessageBatch, createScheduledController, getQueueResult, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { and, eq, inArray } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { idempotencyKeys, loginAttempts, sessions } from "../../db/schema/access";
import { eventReceipts } from "../../db/schema/events";
import { EVENT_HANDLERS, handleEvent, type EventHandler } from "../../workers/events/consumer";
import { runScheduled } from "../../workers/events/scheduled";
import worker from "../../workers/app";
import { LOGIN_WINDOW_MS } from "../../workers/access/rules";
import { fixedClock } from "../../workers/platform/clock";
import { IDEMPOTENCY_TTL_MS } from "../../workers/platform/idempotency";
import { toMessage, type DomainEvent, type EventRow } from "../../workers/platform/outbox";
import { createServices } from "../../workers/services";
import { countRows, makeUser, services } from "./helpers";

const MIN = 60_000;

async function insertEvents(rows: EventRow[]) {
  await services().outbox.insert(rows);
}

async function eventRow(id: string) {
  return (await services().outbox.get(id))!;
}

function domainEvent(type: string, data: Record<string, unknown> = {}): DomainEvent {
  return toMessage(services().outbox.event(type, data));
}

describe("outbox", () => {
  it("publish sends the events and marks them sent", async () => {
    const outbox = services().outbox;
    const rows = [outbox.event("test.published", { n: 1 }), outbox.event("test.published", { n: 2 }, { profileId: "p-1" })];
    await insertEvents(rows);
    expect((await eventRow(rows[0]!.id)).sentAt).toBeNull();

    await outbox.publish(rows);

    for (const row of rows) {
      const stored = await eventRow(row.id);
      expect(stored.sentAt).toBeInstanceOf(Date);
      expect(stored.attempts).toBe(1);
    }
    expect((await eventRow(rows[1]!.id)).profileId).toBe("p-1");
  });

  it("an event caused by another records the chain and its depth", () => {
    const outbox = services().outbox;
    const root = toMessage(outbox.event("test.root", {}));
    const child = outbox.event("test.child", {}, { causedBy: root });
    const grandchild = outbox.event("test.grandchild", {}, { causedBy: toMessage(child) });
    expect(root.causation).toBeNull();
    expect(child.causation).toEqual({ eventId: root.id, depth: 1 });
    expect(grandchild.causation).toEqual({ eventId: child.id, depth: 2 });
  });

  it("the scheduled handler re-sends events left unsent for more than 2 minutes, and only those", async () => {
    const past = createServices(env, null, { clock: fixedClock(new Date(Date.now() - 3 * MIN)) });
    const stale = past.outbox.event("test.stale", { left: "behind" });
    const fresh = services().outbox.event("test.fresh", {});
    await insertEvents([stale, fresh]);

    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: new Date(), cron: "*/5 * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);

    expect(await eventRow(stale.id)).toMatchObject({ sentAt: expect.any(Date), attempts: 1 });
    expect(await eventRow(fresh.id)).toMatchObject({ sentAt: null, attempts: 0 });
  });

  it("runScheduled on an injected clock reports how many it re-sent", async () => {
    const base = new Date("2030-05-01T10:00:00Z");
    const early = createServices(env, null, { clock: fixedClock(base) });
    const rows = [early.outbox.event("test.sweep", { i: 1 }), early.outbox.event("test.sweep", { i: 2 })];
    await insertEvents(rows);

    // one minute later nothing is old enough; three minutes later both are
    await runScheduled(createServices(env, null, { clock: fixedClock(new Date(base.getTime() + MIN)) }));
    for (const row of rows) expect((await eventRow(row.id)).sentAt).toBeNull();
    const threeMinutes = await runScheduled(createServices(env, null, { clock: fixedClock(new Date(base.getTime() + 3 * MIN)) }));
    // anything older was already swept by the first run, so the second sends exactly these two
    expect(threeMinutes.resentEvents).toBe(2);
    for (const row of rows) expect((await eventRow(row.id)).sentAt).toEqual(new Date(base.getTime() + 3 * MIN));
  });
});

describe("cron clean-up", () => {
  it("deletes expired sessions, old login attempts and idempotency keys past 24 h, and keeps the rest", async () => {
    const now = new Date("2031-01-10T12:00:00Z");
    const user = await makeUser("reporting");
    const db = services().db;
    const session = (tag: string, expiresAt: Date) => ({ idHash: `${tag}-${crypto.randomUUID()}`, userId: user.id, createdAt: new Date(now.getTime() - 60 * MIN), expiresAt, lastSeenAt: now });
    const expired = session("expired", new Date(now.getTime() - MIN));
    const live = session("live", new Date(now.getTime() + 60 * MIN));
    const tag = crypto.randomUUID();
    const attempt = (at: Date) => ({ email: `${tag}@example.test`, ip: "192.0.2.1", succeeded: false, at });
    const key = (k: string, createdAt: Date) => ({ actor: `test:${tag}`, key: k, method: "POST", path: "/x", requestHash: "h", createdAt, statusCode: 201, responseBody: "{}", contentType: "application/json" });
    await db.batch([
      db.insert(sessions).values([expired, live]),
      db.insert(loginAttempts).values([attempt(new Date(now.getTime() - 24 * LOGIN_WINDOW_MS - MIN)), attempt(new Date(now.getTime() - 10 * MIN))]),
      db.insert(idempotencyKeys).values([key("old", new Date(now.getTime() - IDEMPOTENCY_TTL_MS - MIN)), key("recent", new Date(now.getTime() - 60 * MIN))]),
    ]);

    await runScheduled(createServices(env, null, { clock: fixedClock(now) }));

    expect(await countRows(sessions, inArray(sessions.idHash, [expired.idHash, live.idHash]))).toBe(1);
    expect(await countRows(sessions, eq(sessions.idHash, live.idHash))).toBe(1);
    expect(await countRows(loginAttempts, eq(loginAttempts.email, `${tag}@example.test`))).toBe(1);
    const keys = await db.select({ key: idempotencyKeys.key }).from(idempotencyKeys).where(eq(idempotencyKeys.actor, `test:${tag}`));
    expect(keys.map((k) => k.key)).toEqual(["recent"]);
  });
});

describe("events queue consumer", () => {
  const registered: string[] = [];
  function register(name: string, types: readonly string[] | "*", run: EventHandler) {
    EVENT_HANDLERS[name] = { types, run };
    registered.push(name);
  }
  afterEach(() => {
    for (const name of registered.splice(0)) delete EVENT_HANDLERS[name];
    vi.restoreAllMocks();
  });

  function batchOf(messages: Array<{ id: string; body: unknown; attempts?: number }>) {
    return createMessageBatch("loyalty-edge-events", messages.map((m) => ({ id: m.id, timestamp: new Date(), attempts: m.attempts ?? 1, body: m.body })));
  }

  async function deliver(batch: MessageBatch<unknown>) {
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    return getQueueResult(batch, ctx);
  }

  it("acks valid events and drops garbage (acked, never retried)", async () => {
    const warned = vi.spyOn(console, "warn").mockImplementation(() => {});
    const seen: string[] = [];
    register("test-probe", ["test.consumed"], async (event) => {
      seen.push(event.id);
    });
    const valid = domainEvent("test.consumed", { ok: true });
    const result = await deliver(
      batchOf([
        { id: "valid", body: valid },
        { id: "string", body: "not an event" },
        { id: "number", body: 42 },
        { id: "null", body: null },
        { id: "partial", body: { id: "x", type: "test.consumed" } },
      ]),
    );

    expect([...result.explicitAcks].sort()).toEqual(["null", "number", "partial", "string", "valid"]);
    expect(result.retryMessages).toEqual([]);
    expect(seen).toEqual([valid.id]);
    expect(warned).toHaveBeenCalledTimes(4);
  });

  it("retries a message whose handler fails, and gives its receipt back", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    register("test-failing", ["test.fails"], async () => {
      throw new Error("downstream is down");
    });
    const event = domainEvent("test.fails");
    const batch = batchOf([{ id: "fails", body: event, attempts: 2 }]);
    // the test harness records a retry but not its delay, so watch the call itself
    const retry = vi.spyOn(batch.messages[0]!, "retry");
    const result = await deliver(batch);

    expect(result.explicitAcks).toEqual([]);
    expect(result.retryMessages).toEqual([{ msgId: "fails" }]);
    // backoff: 60 s × 2^attempts
    expect(retry).toHaveBeenCalledWith({ delaySeconds: 240 });
    expect(logged).toHaveBeenCalledOnce();
    // its own receipt is given back (handlers for every type, such as reactions, keep theirs)
    expect(await countRows(eventReceipts, and(eq(eventReceipts.eventId, event.id), eq(eventReceipts.consumer, "test-failing")))).toBe(0);
  });

  it("a redelivered event runs its handler once", async () => {
    let runs = 0;
    register("test-once", ["test.once"], async () => {
      runs += 1;
    });
    const event = domainEvent("test.once");
    const first = await deliver(batchOf([{ id: "m1", body: event }]));
    const second = await deliver(batchOf([{ id: "m2", body: event, attempts: 2 }]));
    expect(first.explicitAcks).toEqual(["m1"]);
    expect(second.explicitAcks).toEqual(["m2"]);
    expect(runs).toBe(1);
  });

  it("the deliveries queue and the dead-letter queue acknowledge what they cannot handle", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    vi.spyOn(console, "error").mockImplementation(() => {});
    for (const queue of ["loyalty-edge-deliveries", "loyalty-edge-dlq"]) {
      const batch = createMessageBatch(queue, [{ id: `${queue}-1`, timestamp: new Date(), attempts: 1, body: { anything: true } }]);
      const result = await deliver(batch);
      expect(result.explicitAcks, queue).toEqual([`${queue}-1`]);
      expect(result.retryMessages, queue).toEqual([]);
    }
  });
});

describe("handleEvent", () => {
  it("runs each matching handler once per event id, even when the event arrives twice", async () => {
    const runs: Record<string, number> = { a: 0, b: 0, c: 0 };
    const count = (name: string): EventHandler => async () => {
      runs[name]! += 1;
    };
    const handlers = {
      a: { types: ["test.twice"], run: count("a") },
      b: { types: "*" as const, run: count("b") },
      c: { types: ["test.other"], run: count("c") },
    };
    const event = domainEvent("test.twice");

    expect(await handleEvent(event, services(), handlers)).toEqual(["a", "b"]);
    expect(await handleEvent(event, services(), handlers)).toEqual([]);

    expect(runs).toEqual({ a: 1, b: 1, c: 0 });
    const receipts = await services().db.select().from(eventReceipts).where(eq(eventReceipts.eventId, event.id));
    expect(receipts.map((r) => r.consumer).sort()).toEqual(["a", "b"]);
  });

  it("a failed handler gives its receipt back so a retry runs it, without re-running the ones that succeeded", async () => {
    let healthy = 0;
    let flaky = 0;
    let failNext = true;
    const handlers = {
      healthy: { types: "*" as const, run: async () => void (healthy += 1) },
      flaky: {
        types: "*" as const,
        run: async () => {
          flaky += 1;
          if (failNext) throw new Error("flaky");
        },
      },
    };
    const event = domainEvent("test.retry");

    await expect(handleEvent(event, services(), handlers)).rejects.toThrow("flaky");
    expect(await countRows(eventReceipts, and(eq(eventReceipts.eventId, event.id), eq(eventReceipts.consumer, "flaky")))).toBe(0);

    failNext = false;
    expect(await handleEvent(event, services(), handlers)).toEqual(["flaky"]);
    expect({ healthy, flaky }).toEqual({ healthy: 1, flaky: 2 });
  });

  it("two deliveries racing each other still run a handler once", async () => {
    let runs = 0;
    const handlers = { racy: { types: "*" as const, run: async () => void (runs += 1) } };
    const event = domainEvent("test.race");
    const results = await Promise.all([handleEvent(event, services(), handlers), handleEvent(event, services(), handlers)]);
    expect(runs).toBe(1);
    expect(results.flat()).toEqual(["racy"]);
  });
});
