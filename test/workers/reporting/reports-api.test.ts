// The report-rollups handler acts once per event id, and the reports API: scope, strict parameters,
// periods beside their previous period, buckets, and the OpenAPI document listing both routes.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { handleEvent } from "../../../workers/events/consumer";
import { toMessage } from "../../../workers/platform/outbox";
import { api, countRows, makeToken, problem, services } from "../helpers";
import { reportDaily } from "../../../db/schema";
import { and, eq } from "drizzle-orm";

let token: string;
beforeAll(async () => {
  token = (await makeToken(["reports:read"])).token;
});

/** A transaction.created event as the outbox writes it, on a far-off day no other test touches. */
function purchaseEvent(day: string, total: number, locationId: string) {
  const s = services();
  const row = s.outbox.event("transaction.created", { transaction: { transacted_at: `${day}T02:00:00.000Z`, location_id: locationId, profile_id: null, total, is_void: false } });
  return { row, event: toMessage(row) };
}

async function value(day: string, metric: string, location = "") {
  const r = await services().db.select().from(reportDaily).where(and(eq(reportDaily.day, day), eq(reportDaily.metric, metric), eq(reportDaily.locationId, location)));
  return r[0]?.value ?? 0;
}

describe("report-rollups handler", () => {
  it("a redelivered event counts once", async () => {
    const { event } = purchaseEvent("2031-05-05", 25.5, "L-redeliver");
    expect(await handleEvent(event, services())).toContain("report-rollups");
    expect(await value("2031-05-05", "revenue", "L-redeliver")).toBe(2550);
    // the queue delivers at least once: the same event again changes nothing
    expect(await handleEvent(event, services())).not.toContain("report-rollups");
    expect(await handleEvent(event, services())).not.toContain("report-rollups");
    expect(await value("2031-05-05", "revenue", "L-redeliver")).toBe(2550);
    expect(await value("2031-05-05", "transactions", "L-redeliver")).toBe(1);
    // another event of the same receipt numbers is another event: it counts
    await handleEvent(purchaseEvent("2031-05-05", 10, "L-redeliver").event, services());
    expect(await value("2031-05-05", "transactions", "L-redeliver")).toBe(2);
  });

  it("an event it does not read writes nothing", async () => {
    const before = await countRows(reportDaily);
    const s = services();
    await handleEvent(toMessage(s.outbox.event("profile.updated", { profile: { id: "x", joined_at: "2031-01-01T00:00:00Z" } })), s);
    expect(await countRows(reportDaily)).toBe(before);
  });
});

describe("GET /reports/summary and /reports/timeseries", () => {
  beforeAll(async () => {
    // two purchases in March 2032 and one in February (the previous period), at one location
    await env.DB.prepare(`INSERT INTO locations (id, name, handle, type, is_published, created_at, updated_at) VALUES ('L-rep', 'Report St', 'report-st', 'store', 1, 0, 0)`).run();
    for (const [day, total] of [
      ["2032-03-02", 100],
      ["2032-03-09", 50],
      ["2032-02-20", 30],
    ] as const) {
      await handleEvent(purchaseEvent(day, total, "L-rep").event, services());
    }
  });

  it("sums the period beside the previous one of the same length", async () => {
    const res = await api("/reports/summary?from=2032-03-01&to=2032-03-31&location_id=L-rep", { token });
    const text = await res.text();
    expect(res.status, text).toBe(200);
    const s = (JSON.parse(text) as { data: { previous_from: string; previous_to: string; metrics: Record<string, { current: number | null; previous: number | null; change: number | null }>; breakdowns: { revenue_by_location: Array<{ id: string; name: string; current: number }> } } }).data;
    expect([s.previous_from, s.previous_to]).toEqual(["2032-01-30", "2032-02-29"]);
    expect(s.metrics.revenue).toEqual({ current: 150, previous: 30, change: 4 });
    expect(s.metrics.transactions).toMatchObject({ current: 2, previous: 1 });
    expect(s.metrics.average_transaction_value!.current).toBe(75);
    expect(s.breakdowns.revenue_by_location).toEqual([{ id: "L-rep", name: "Report St", current: 150, previous: 30 }]);
  });

  it("a timeseries has every bucket, by week and by month", async () => {
    const weekly = await api("/reports/timeseries?metric=revenue&from=2032-03-01&to=2032-03-14&interval=week&location_id=L-rep", { token });
    expect(weekly.status).toBe(200);
    const w = ((await weekly.json()) as { data: { unit: string; points: Array<{ bucket: string; value: number }> } }).data;
    expect(w.unit).toBe("money");
    expect(w.points).toEqual([
      { bucket: "2032-03-01", value: 100 },
      { bucket: "2032-03-08", value: 50 },
    ]);
    const monthly = await api("/reports/timeseries?metric=transactions&from=2032-02-01&to=2032-04-30&interval=month&location_id=L-rep", { token });
    const m = ((await monthly.json()) as { data: { points: Array<{ bucket: string; value: number }> } }).data;
    expect(m.points).toEqual([
      { bucket: "2032-02-01", value: 1 },
      { bucket: "2032-03-01", value: 2 },
      { bucket: "2032-04-01", value: 0 },
    ]);
  });

  it("new members by week, split by the channel they joined through (group_by=channel)", async () => {
    // sign-ups on far-off days: two through the API and one by import in the first week, one in the console in the second
    const joined = [
      ["2033-06-06", "api"],
      ["2033-06-07", "api"],
      ["2033-06-08", "import"],
      ["2033-06-14", "console"],
    ] as const;
    for (const [day, channel] of joined) {
      const row = services().outbox.event("profile.created", { profile: { id: crypto.randomUUID(), type: "active", joined_at: `${day}T02:00:00.000Z`, joined_location_id: null, joined_channel: channel } });
      await handleEvent(toMessage(row), services());
    }
    const res = await api("/reports/timeseries?metric=new_members&from=2033-06-06&to=2033-06-19&interval=week&group_by=channel", { token });
    expect(res.status).toBe(200);
    const data = ((await res.json()) as { data: { group_by: string; points: unknown[] } }).data;
    expect(data.group_by).toBe("channel");
    expect(data.points).toEqual([
      { bucket: "2033-06-06", value: 3, groups: [{ id: "api", name: "API", value: 2 }, { id: "console", name: "Console", value: 0 }, { id: "import", name: "Import", value: 1 }] },
      { bucket: "2033-06-13", value: 1, groups: [{ id: "api", name: "API", value: 0 }, { id: "console", name: "Console", value: 1 }, { id: "import", name: "Import", value: 0 }] },
    ]);
    // without group_by the same series is the totals alone
    const plain = ((await (await api("/reports/timeseries?metric=new_members&from=2033-06-06&to=2033-06-19&interval=week", { token })).json()) as { data: { group_by: null; points: unknown[] } }).data;
    expect(plain.group_by).toBeNull();
    expect(plain.points).toEqual([
      { bucket: "2033-06-06", value: 3 },
      { bucket: "2033-06-13", value: 1 },
    ]);
  });

  it.each([
    ["/reports/timeseries?metric=new_members&from=2032-03-01&to=2032-03-31&group_by=tier", "group_by", /Unknown group_by "tier"; allowed: channel/],
    ["/reports/timeseries?metric=revenue&from=2032-03-01&to=2032-03-31&group_by=channel", "group_by", /applies only to metric new_members, not revenue/],
    ["/reports/summary?from=2032-03-01&to=2032-03-31&sort=day", "sort", /Unknown parameter "sort"/],
    ["/reports/summary?from=2032-03-31&to=2032-03-01", "to", /before from/],
    ["/reports/summary?from=2032-02-30&to=2032-03-01", "from", /calendar date/],
    ["/reports/summary?from=2020-01-01&to=2032-03-01", "to", /at most 1100/],
    ["/reports/summary?from=2032-03-01&to=2032-03-31&location_id=nowhere", "location_id", /No location "nowhere"/],
    ["/reports/timeseries?metric=profit&from=2032-03-01&to=2032-03-31", "metric", /Unknown metric "profit"; allowed: transactions/],
    ["/reports/timeseries?metric=revenue&from=2032-03-01&to=2032-03-31&interval=year", "interval", /allowed: day, week, month/],
  ])("%s is a 400 naming %s", async (path, field, message) => {
    const res = await api(path, { token });
    expect(res.status).toBe(400);
    const p = await problem(res);
    expect(p.errors?.[field]?.[0]).toMatch(message);
  });

  it("needs the reports:read scope", async () => {
    const other = (await makeToken(["profiles:read"])).token;
    const res = await api("/reports/summary?from=2032-03-01&to=2032-03-31", { token: other });
    expect(res.status).toBe(403);
    expect((await problem(res)).detail).toMatch(/reports:read/);
  });

  it("is in the OpenAPI document with its parameters", async () => {
    const doc = (await (await api("/openapi.json")).json()) as { paths: Record<string, { get?: { parameters?: Array<{ name: string }> } }> };
    expect(doc.paths["/reports/summary"]?.get?.parameters?.map((p) => p.name).sort()).toEqual(["from", "location_id", "to"]);
    expect(doc.paths["/reports/timeseries"]?.get?.parameters?.map((p) => p.name).sort()).toEqual(["from", "group_by", "interval", "location_id", "metric", "to"]);
  });
});

// Last in this file: a rebuild replaces the synthetic rollups the tests above wrote.
describe("rebuild in yearly windows", () => {
  it("a local day cut by a window's edge is summed from both windows", async () => {
    const insert = (id: string, at: string, total: number) =>
      env.DB.prepare(
        `INSERT INTO transactions (id, external_id, request_hash, transacted_at, currency, subtotal, discount, tax, total, created_at, location_id) VALUES (?1, ?1, 'h', ?2, 'AUD', ?3, 0, 0, ?3, 0, 'L-window')`,
      )
        .bind(id, Date.parse(at), total)
        .run();
    // the first window starts at the earliest row and is 365 days long: it ends at 2031-01-01T01:00Z,
    // inside Sydney's 1 January 2031 (UTC+11)
    await insert("w-1", "2030-01-01T01:00:00.000Z", 100);
    await insert("w-2", "2031-01-01T00:30:00.000Z", 250);
    await insert("w-3", "2031-01-01T01:30:00.000Z", 400);
    await insert("w-4", "2032-06-01T01:30:00.000Z", 700);
    await services().reporting.rebuild((await import("../../../workers/access/actor")).systemActor("test"));
    expect(await value("2030-01-01", "revenue", "L-window")).toBe(100);
    expect(await value("2031-01-01", "revenue", "L-window")).toBe(650);
    expect(await value("2031-01-01", "transactions", "L-window")).toBe(2);
    expect(await value("2032-06-01", "revenue", "L-window")).toBe(700);
    // nothing the source tables do not say survives a rebuild
    expect(await value("2031-05-05", "revenue", "L-redeliver")).toBe(0);
    expect(await countRows(reportDaily)).toBe(6);
  });
});
