// The daily rollups end to end: a history made through the real API (purchases, a return with claw-back,
// a void, an anonymous receipt then claimed, rewards issued and redeemed, a redemption reversed, a reward
// voided) flows through the outbox, the events queue and the report-rollups handler; the rollups then
// equal an exact rebuild from the source tables, and every sales KPI equals SQL over the transactions.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { systemActor } from "../../../workers/access/actor";
import { ROLLUP_EVENT_TYPES } from "../../../workers/reporting/rules";
import { api, makeToken, services } from "../helpers";
import { postTx } from "../commerce/support";
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

    await services().reporting.rebuild(systemActor("test"));
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
  });
});

function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
