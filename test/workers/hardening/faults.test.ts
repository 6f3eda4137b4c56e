// Issue 14, faults that lose, double or block work: the cron's tasks run on their own, and the outbox
// sweep sends any number of events while one it can never send blocks nothing.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sessions } from "../../../db/schema/access";
import { runScheduled } from "../../../workers/events/scheduled";
import { fixedClock } from "../../../workers/platform/clock";
import type { EventRow } from "../../../workers/platform/outbox";
import { chunk } from "../../../workers/platform/sql";
import { createServices } from "../../../workers/services";
import { makeUser, services } from "../helpers";

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
    expect(report.resentEvents).toBeGreaterThanOrEqual(150);
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
    expect(await services().db.$count(sessions)).toBeGreaterThanOrEqual(0);
    expect(await services().db.query.sessions.findFirst({ where: (t, { eq }) => eq(t.idHash, expired.idHash) })).toBeUndefined();
  });
});
