// The daily rollups end to end: a history made through the real API (purchases, a return with claw-back,
// a void, an anonymous receipt then claimed, rewards issued and redeemed, a redemption reversed, a reward
// voided) flows through the outbox, the events queue and the report-rollups handler; the rollups then
// equal an exact rebuild from the source tables, and every sales KPI equals SQL over the transactions.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { systemActor } from "../../../workers/access/actor";
import { CreateProfileInput } from "../../../workers/profiles/schema";
import { ROLLUP_EVENT_TYPES } from "../../../workers/reporting/rules";
import { api, makeToken, services } from "../helpers";
import { postTx } from "../commerce/support";
import { create, tierBody, tierPointsBody } from "../incentives/support";
import { issueReward, json, makeProfile, pointsProgramme, purchase, rewardDef, simpleReceipt, uid } from "../incentives/ledger-support";

let token: string;
beforeAll(async () => {
  token = (await makeToken(["*"])).token;
});

type Row = { day: string; metric: string; location_id: string; dimension: string; value: number };
async function rollupRows(): Promise<string[]> {
  const { results } = await env.DB.prepare(`SELECT * FROM report_daily WHERE value != 0 ORDER BY day, metric, location_id, dimension`).all<Row>();
  return results.map((r) => `${r.day} ${r.metric} ${r.location_id} ${r.dimension} = ${r.value}`);
}

/** Every rollup event in the outbox has been handled by report-rollups (the queue runs for real). */
async function settled(): Promise<void> {
  const types = ROLLUP_EVENT_TYPES.map((t) => `'${t}'`).join(", ");
  await vi.waitFor(
    async () => {
      const r = await env.DB.prepare(
        `SELECT COUNT(*) AS n FROM events e WHERE e.type IN (${types})
         AND NOT EXISTS (SELECT 1 FROM event_receipts r WHERE r.event_id = e.id AND r.consumer = 'report-rollups')`,
      ).first<{ n: number }>();
      expect(r?.n).toBe(0);
    },
    { timeout: 20_000, interval: 100 },
  );
}

describe("rollups: incremental equals rebuild", () => {
  it("a history of purchases, returns, voids, claims, rewards and reversals rolls up the same both ways", async () => {
    const { def } = await pointsProgramme(token);
    const reward = await rewardDef(token, { value: "10.00", period: 30 });
    const location = await json<{ id: string }>(await api("/locations", { method: "POST", token, json: { name: `Store ${uid()}`, handle: uid("store-"), type: "store" } }), 201);
    const a = await makeProfile(token, { joined_location_id: location.id });
    const b = await makeProfile(token);
    // members joining through the console (a staff user) and a batch import, beside the API's above
    const staff = { type: "user" as const, id: uid("user-"), label: "staff@example.test", userId: null, role: "manager" as const };
    await services().profiles.create(CreateProfileInput.parse({ email: `${uid("console-")}@example.test`, joined_location_id: location.id }), staff);
    await services().profiles.create(CreateProfileInput.parse({ email: `${uid("import-")}@example.test` }), systemActor("batch job test (staff@example.test)"));
    const day = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();

    const bought = await postTx(token, purchase(a.id, 120, { location_id: location.id, transacted_at: day(3) }), 201);
    await postTx(token, purchase(a.id, 45.5, { transacted_at: day(2) }), 201);
    // a return of part of the first purchase: points clawed back
    await postTx(token, simpleReceipt(-20, { profile_id: a.id, location_id: location.id, transacted_at: day(1), original_external_id: bought.data.external_id }), 201);
    const voided = await postTx(token, purchase(b.id, 60, { transacted_at: day(1) }), 201);
    expect((await api(`/transactions/${voided.data.id}/void`, { method: "POST", token, json: { reason: "keyed twice" } })).status).toBe(200);
    const anonymous = await postTx(token, simpleReceipt(33, { transacted_at: day(0), location_id: location.id }), 201);
    expect((await api(`/profiles/${b.id}/transactions/claims`, { method: "POST", token, json: { external_id: anonymous.data.external_id } })).status).toBeLessThan(300);

    const r1 = await issueReward(token, a.id, reward.id);
    await issueReward(token, b.id, reward.id);
    const redemption = await json<{ id: string }>(await api(`/profiles/${a.id}/redemptions`, { method: "POST", token, json: { strategy: "rewards", amount: 4 } }), 201);
    await json(await api(`/redemptions/${redemption.id}/reversal`, { method: "POST", token }), 200);
    await json(await api(`/profiles/${a.id}/redemptions`, { method: "POST", token, json: { strategy: "rewards_points", amount: 6 } }), 201);
    expect((await api(`/profiles/${a.id}/rewards/${r1.id}/void`, { method: "POST", token, json: { reason: "goodwill ended" } })).status).toBe(200);

    await settled();
    const incremental = await rollupRows();
    // points earned on each receipt's own day, not on the day the ledger wrote them
    expect(new Set(incremental.filter((r) => r.includes(` points_earned  ${def.id} `)).map((r) => r.slice(0, 10))).size).toBeGreaterThan(1);
    expect(incremental.some((r) => r.includes(" points_clawed_back "))).toBe(true);
    expect(incremental.some((r) => r.includes(" rewards_redeemed_value "))).toBe(true);
    // new members by joined location and channel
    const today0 = services().reporting.today();
    expect(incremental).toContain(`${today0} new_members ${location.id} console = 1`);
    expect(incremental.some((r) => r.startsWith(`${today0} new_members ${location.id} api = `))).toBe(true);
    expect(incremental.some((r) => r.startsWith(`${today0} new_members  import = `))).toBe(true);

    await services().reporting.rebuild(systemActor("test"));
    expect(await rollupRows()).toEqual(incremental);
    // in chunks of one source row each (the days cut by chunks add up in the staging upsert)
    await services().reporting.rebuild(systemActor("test"), { chunkRows: 1 });
    expect(await rollupRows()).toEqual(incremental);

    // the sales KPIs against SQL straight over the source table, for the whole history
    const direct = await env.DB.prepare(
      `SELECT SUM(total >= 0) AS purchases, SUM(total < 0) AS returns, SUM(total) AS revenue, SUM(CASE WHEN profile_id IS NOT NULL THEN total ELSE 0 END) AS member_revenue
       FROM transactions WHERE is_void = 0`,
    ).first<{ purchases: number; returns: number; revenue: number; member_revenue: number }>();
    const today = services().reporting.today();
    const summary = await json<{ metrics: Record<string, { current: number }> }>(
      await api(`/reports/summary?from=${addDays(today, -30)}&to=${addDays(today, 1)}`, { token }),
      200,
    );
    expect(summary.metrics.transactions!.current).toBe(direct!.purchases);
    expect(summary.metrics.returns!.current).toBe(direct!.returns);
    expect(summary.metrics.revenue!.current).toBe(direct!.revenue / 100);
    expect(summary.metrics.member_revenue!.current).toBe(direct!.member_revenue / 100);
    const ledger = await env.DB.prepare(
      `SELECT SUM(CASE WHEN kind = 'points' AND action IN ('earn', 'issue') THEN delta ELSE 0 END) AS earned,
         SUM(CASE WHEN kind = 'points' AND action = 'clawback' THEN -delta ELSE 0 END) AS clawed,
         SUM(CASE WHEN kind = 'reward' AND action = 'issue' THEN delta ELSE 0 END) AS issued,
         SUM(CASE WHEN kind = 'reward' AND action IN ('redeem', 'reverse') THEN -delta ELSE 0 END) AS redeemed
       FROM incentive_ledger`,
    ).first<{ earned: number; clawed: number; issued: number; redeemed: number }>();
    const members = await env.DB.prepare(`SELECT COUNT(*) AS n FROM profiles WHERE type != 'system'`).first<{ n: number }>();
    expect(summary.metrics.points_earned!.current).toBe(ledger!.earned);
    expect(summary.metrics.points_clawed_back!.current).toBe(ledger!.clawed);
    expect(summary.metrics.rewards_issued_value!.current).toBe(ledger!.issued / 100);
    expect(summary.metrics.rewards_redeemed_value!.current).toBe(ledger!.redeemed / 100);
    expect(summary.metrics.redemption_rate!.current).toBeCloseTo(ledger!.redeemed / ledger!.issued, 10);
    expect(summary.metrics.new_members!.current).toBe(members!.n);
    // new members by channel against SQL over the profiles
    const byChannel = await env.DB.prepare(`SELECT coalesce(joined_channel, '') AS id, COUNT(*) AS n FROM profiles WHERE type != 'system' GROUP BY 1 ORDER BY 1`).all<{ id: string; n: number }>();
    const reported = (summary as unknown as { breakdowns: { new_members_by_channel: Array<{ id: string; current: number }> } }).breakdowns.new_members_by_channel;
    expect(reported.map((c) => ({ id: c.id, n: c.current })).sort((x, y) => x.id.localeCompare(y.id))).toEqual(byChannel.results.map((c) => ({ id: c.id, n: c.n })));
    // a long history through the real queue: more than the default 5 s on a loaded machine
  }, 30_000);
});

describe("rollups: tiers assigned by hand", () => {
  it("count as attained (up), downgraded (down or off) or maintained (the same), the same way incrementally and in the rebuild", async () => {
    const ladderA = await create(token, "/points/definitions", tierPointsBody());
    const ladderB = await create(token, "/points/definitions", tierPointsBody());
    const silver = await create(token, "/tiers/definitions", tierBody(ladderA.id, { name: "Silver", value_min: 100, value_maintain: 80 }));
    const gold = await create(token, "/tiers/definitions", tierBody(ladderA.id, { name: "Gold", value_min: 500, value_maintain: 400 }));
    const plat = await create(token, "/tiers/definitions", tierBody(ladderA.id, { name: "Platinum", value_min: 1500, value_maintain: 1200 }));
    const other = await create(token, "/tiers/definitions", tierBody(ladderB.id, { name: "Other ladder", value_min: 10, value_maintain: 5 }));
    const p = await makeProfile(token);
    const q = await makeProfile(token);
    const assign = async (profileId: string, tier: string | null) =>
      json(await api(`/profiles/${profileId}/tiers`, { method: "PUT", token, json: { tier_definition_id: tier, point_definition_id: ladderA.id, reason: "by hand" } }), 200);
    await assign(p.id, other.id); // attained (ladder B)
    await assign(p.id, gold.id); // attained: none before on ladder A, whatever ladder B holds
    await assign(p.id, silver.id); // downgraded
    await assign(p.id, silver.id); // maintained
    await assign(p.id, plat.id); // attained
    await assign(p.id, null); // downgraded, off the ladder
    await assign(q.id, null); // maintained: none, and none still

    await settled();
    const tierRows = (rows: string[]) => rows.filter((r) => / tiers_(attained|maintained|downgraded) /.test(r));
    const incremental = tierRows(await rollupRows());
    const today = services().reporting.today();
    const count = (metric: string, dim: string) => incremental.filter((r) => r.startsWith(today) && r.includes(` ${metric}  ${dim} = `)).map((r) => Number(r.split(" = ")[1]))[0] ?? 0;
    expect([count("tiers_attained", other.id), count("tiers_attained", gold.id), count("tiers_attained", plat.id)]).toEqual([1, 1, 1]);
    expect([count("tiers_downgraded", silver.id), count("tiers_maintained", silver.id)]).toEqual([1, 1]);
    expect(count("tiers_downgraded", "")).toBeGreaterThanOrEqual(1);
    expect(count("tiers_maintained", "")).toBeGreaterThanOrEqual(1);

    await services().reporting.rebuild(systemActor("test"));
    expect(tierRows(await rollupRows())).toEqual(incremental);
  });
});

function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
