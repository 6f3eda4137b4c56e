// Issue 14, faults that lose, double or block work: the cron's tasks run on their own, and the outbox
// sweep sends any number of events while one it can never send blocks nothing.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { idempotencyKeys, sessions } from "../../../db/schema/access";
import { eventReceipts } from "../../../db/schema/events";
import { claimReceipt, handleEvent, RECEIPT_LEASE_MS } from "../../../workers/events/consumer";
import { IDEMPOTENCY_LEASE_MS } from "../../../workers/platform/idempotency";
import { runScheduled } from "../../../workers/events/scheduled";
import { fixedClock } from "../../../workers/platform/clock";
import { toMessage, type EventRow } from "../../../workers/platform/outbox";
import { chunk } from "../../../workers/platform/sql";
import { createServices } from "../../../workers/services";
import { api, makeToken, makeUser, services } from "../helpers";
import { balances, json, makeProfile, pointsOf, pointsProgramme } from "../incentives/ledger-support";

const MIN = 60_000;

async function insertEvents(rows: EventRow[]) {
  const s = services();
  for (const part of chunk(rows, 10)) await s.outbox.insert(part);
}

describe("the outbox sweep", () => {
  it("sends 150 stale events and skips one over the queue's message limit without blocking the rest", async () => {
    const base = new Date("2035-03-01T10:00:00Z");
    const early = createServices(env, null, { clock: fixedClock(base) });
    const rows = Array.from({ length: 150 }, (_, i) => early.outbox.event("test.bulk", { i }));
    const huge = early.outbox.event("test.huge", { blob: "x".repeat(200 * 1024) });
    await insertEvents([huge, ...rows]);

    const report = await runScheduled(createServices(env, null, { clock: fixedClock(new Date(base.getTime() + 3 * MIN)) }));
    expect(report.failed).toEqual([]);
    expect(report.resentEvents).toBe(150);
    const s = services();
    for (const row of rows) expect((await s.outbox.get(row.id))!.sentAt).toEqual(new Date(base.getTime() + 3 * MIN));
    expect(await s.outbox.get(huge.id)).toMatchObject({ sentAt: null, attempts: 1 });
  });
});

describe("the cron", () => {
  it("runs every task when one of them throws, and reports the one that failed", async () => {
    const now = new Date("2036-01-10T12:00:00Z");
    const user = await makeUser("reporting");
    const expired = { idHash: `expired-${crypto.randomUUID()}`, userId: user.id, createdAt: new Date(now.getTime() - 60 * MIN), expiresAt: new Date(now.getTime() - MIN), lastSeenAt: now };
    await services().db.insert(sessions).values(expired);

    const broken = createServices(env, null, { clock: fixedClock(now) });
    broken.outbox.sweep = () => Promise.reject(new Error("queue unavailable"));
    const report = await runScheduled(broken);

    expect(report.failed).toEqual(["outbox-sweep"]);
    expect(report.resentEvents).toBe(0);
    // the housekeeping after the failed sweep still ran
    expect(await services().db.$count(sessions, eq(sessions.userId, user.id))).toBe(0);
    expect(await services().db.query.sessions.findFirst({ where: (t, { eq }) => eq(t.idHash, expired.idHash) })).toBeUndefined();
  });
});

describe("the consumer's receipts", () => {
  it("a handler whose worker crashed after the claim runs on a delivery after the lease, and only once", async () => {
    let runs = 0;
    const handlers = { crashy: { types: "*" as const, run: async () => void (runs += 1) } };
    const event = toMessage(services().outbox.event("test.crash", {}));
    const t0 = new Date("2037-01-01T00:00:00Z");
    // the crash: the receipt is claimed, then the worker dies before the handler runs or gives it back
    expect(await claimReceipt(createServices(env, null, { clock: fixedClock(t0) }), event.id, "crashy")).toBe(true);

    // a redelivery inside the lease leaves it to the (presumed) running handler
    expect(await handleEvent(event, createServices(env, null, { clock: fixedClock(new Date(t0.getTime() + 1000)) }), handlers)).toEqual([]);
    // after the lease, the next delivery takes it over and runs the handler
    const later = createServices(env, null, { clock: fixedClock(new Date(t0.getTime() + RECEIPT_LEASE_MS + 1000)) });
    expect(await handleEvent(event, later, handlers)).toEqual(["crashy"]);
    // done is done: a redelivery long after runs nothing
    const much = createServices(env, null, { clock: fixedClock(new Date(t0.getTime() + 10 * RECEIPT_LEASE_MS)) });
    expect(await handleEvent(event, much, handlers)).toEqual([]);
    expect(runs).toBe(1);
    const receipt = await services().db.query.eventReceipts.findFirst({ where: and(eq(eventReceipts.eventId, event.id), eq(eventReceipts.consumer, "crashy")) });
    expect(receipt?.leasedUntil).toBeNull();
  });
});

describe("Idempotency-Key after a crash", () => {
  it("a key left in flight by a crashed request is taken over after a short lease, not 24 hours", async () => {
    const { token, record } = await makeToken(["*"]);
    const key = `crash-${crypto.randomUUID()}`;
    const body = { name: "after crash", scopes: ["profiles:read"] };
    const { sha256Hex } = await import("../../../workers/platform/crypto");
    // what a request that died mid-flight leaves: the claim, no response
    await services().db.insert(idempotencyKeys).values({
      actor: `token:${record.id}`, key, method: "POST", path: "/api/v3/auth/api-tokens", requestHash: await sha256Hex(JSON.stringify(body)),
      createdAt: new Date(Date.now() - IDEMPOTENCY_LEASE_MS - 1000), statusCode: null, responseBody: null, contentType: null,
    });
    const retry = await api("/auth/api-tokens", { method: "POST", token, json: body, headers: { "Idempotency-Key": key } });
    expect(retry.status).toBe(201);
    const replay = await api("/auth/api-tokens", { method: "POST", token, json: body, headers: { "Idempotency-Key": key } });
    expect(replay.status).toBe(201);
    expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
  });

  it("a fresh in-flight key is still a 409", async () => {
    const { token, record } = await makeToken(["*"]);
    const key = `busy-${crypto.randomUUID()}`;
    const body = { name: "busy", scopes: ["profiles:read"] };
    const { sha256Hex } = await import("../../../workers/platform/crypto");
    await services().db.insert(idempotencyKeys).values({
      actor: `token:${record.id}`, key, method: "POST", path: "/api/v3/auth/api-tokens", requestHash: await sha256Hex(JSON.stringify(body)),
      createdAt: new Date(), statusCode: null, responseBody: null, contentType: null,
    });
    expect((await api("/auth/api-tokens", { method: "POST", token, json: body, headers: { "Idempotency-Key": key } })).status).toBe(409);
  });
});

describe("a redemption retried without an Idempotency-Key", () => {
  it("spends once when it names the same receipt", async () => {
    const { token } = await makeToken(["*"]);
    const { def } = await pointsProgramme(token);
    const profile = await makeProfile(token);
    await json(await api(`/profiles/${profile.id}/points`, { method: "POST", token, json: { point_definition_id: def.id, value: 1000, reason: "welcome" } }), 201);
    const body = { strategy: "points", amount: 2, transaction_external_id: `R-${crypto.randomUUID()}` };
    const first = await json<{ id: string }>(await api(`/profiles/${profile.id}/redemptions`, { method: "POST", token, json: body }), 201);
    const retry = await api(`/profiles/${profile.id}/redemptions`, { method: "POST", token, json: body });
    expect(retry.status).toBeLessThan(300);
    expect(((await retry.json()) as { data: { id: string } }).data.id).toBe(first.id);
    // $2 at 100 points a dollar, taken once
    expect(pointsOf(await balances(token, profile.id), def.id)).toBe(800);
  });
});
