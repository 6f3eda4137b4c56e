// The ledger DO end to end through the API: a transaction earns per the best rate and answers with the
// points and new balances; the same receipt earns once however it is posted; a return claws back from
// its purchase first and records any shortfall; tier points attain a tier; achievements progress and
// unlock their benefits; a receipt claimed later earns then.
import { beforeAll, describe, expect, it } from "vitest";
import { api, makeToken } from "../helpers";
import { postTx } from "../commerce/support";
import { achievementBody, benefitBody, create, rateBody, tierBody, tierPointsBody } from "./support";
import { balances, json, makeProfile, pointsOf, pointsProgramme, purchase, simpleReceipt } from "./ledger-support";

let token: string;
beforeAll(async () => {
  token = (await makeToken(["*"])).token;
});

type Incentives = { points: Array<{ point_definition_id: string; points: number; rate_id: string | null }>; shortfall: number; tiers: Array<{ to: string | null; outcome: string }>; balances: { point_balance: number } };
const incentivesOf = (data: unknown) => (data as { incentives: Incentives }).incentives;

describe("earning on a transaction", () => {
  it("awards points per the best rate and returns them with the new balances", async () => {
    const { def, rate } = await pointsProgramme(token);
    // a more specific rate (a location scope that matches) wins over the base rate
    const loc = await json<{ id: string }>(await api("/locations", { method: "POST", token, json: { name: "Flagship", handle: `flag-${crypto.randomUUID().slice(0, 6)}`, timezone: "Australia/Sydney" } }), 201);
    const special = await create(token, "/rates", rateBody(def.id, { multiplier: 3, location_ids: [loc.id] }));
    const profile = await makeProfile(token);

    const first = await postTx(token, purchase(profile.id, 40), 201);
    const earned = incentivesOf(first.data).points.find((p) => p.point_definition_id === def.id)!;
    expect(earned).toMatchObject({ points: 40, rate_id: rate.id });

    const second = await postTx(token, purchase(profile.id, 10.5, { location_id: loc.id }), 201);
    expect(incentivesOf(second.data).points.find((p) => p.point_definition_id === def.id)).toMatchObject({ points: 31, rate_id: special.id });

    const b = await balances(token, profile.id);
    expect(pointsOf(b, def.id)).toBe(71);
    expect(b.point_balance).toBeGreaterThanOrEqual(71);
    const mine = b.points.find((p) => p.point_definition_id === def.id)!;
    expect(mine).toMatchObject({ kind: "reward", spendable: 71, pending: 0, dollars: 0.71 });
  });

  it("earns once when the same receipt is posted 20 times concurrently", async () => {
    const { def } = await pointsProgramme(token);
    const profile = await makeProfile(token);
    const body = purchase(profile.id, 25);
    const responses = await Promise.all(Array.from({ length: 20 }, () => api("/transactions", { method: "POST", token, json: body })));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(19);
    // every reply reports the same earn (the ledger replays its first result)
    for (const r of responses) {
      const data = ((await r.json()) as { data: unknown }).data;
      expect(incentivesOf(data).points.find((p) => p.point_definition_id === def.id)?.points).toBe(25);
    }
    expect(pointsOf(await balances(token, profile.id), def.id)).toBe(25);
    const lots = await json<Array<{ point_definition_id: string }>>(await api(`/profiles/${profile.id}/points`, { token }), 200);
    expect(lots.filter((l) => l.point_definition_id === def.id)).toHaveLength(1);
  });

  it("keeps pending points out of the spendable balance", async () => {
    const { def } = await pointsProgramme(token, { pending_days: 14 });
    const profile = await makeProfile(token);
    await postTx(token, purchase(profile.id, 30), 201);
    const mine = (await balances(token, profile.id)).points.find((p) => p.point_definition_id === def.id)!;
    expect(mine).toMatchObject({ balance: 30, spendable: 0, pending: 30, dollars: 0 });
  });

  it("claws a return back from its purchase first, then the newest lots, and records a shortfall", async () => {
    const { def } = await pointsProgramme(token);
    const profile = await makeProfile(token);
    const bought = await postTx(token, purchase(profile.id, 50), 201);
    await postTx(token, purchase(profile.id, 20), 201);
    // return $30 of the $50 purchase: 30 points come from that purchase's lot
    const ret = await postTx(token, simpleReceipt(-30, { profile_id: profile.id, transacted_at: new Date().toISOString(), original_external_id: bought.data.external_id }), 201);
    expect(incentivesOf(ret.data).points.find((p) => p.point_definition_id === def.id)?.points).toBe(-30);
    const lots = await json<Array<{ point_definition_id: string; points_remaining: number; transaction_external_id: string }>>(await api(`/profiles/${profile.id}/points`, { token }), 200);
    const ofPurchase = lots.find((l) => l.transaction_external_id === bought.data.external_id)!;
    expect(ofPurchase.points_remaining).toBe(20);
    expect(pointsOf(await balances(token, profile.id), def.id)).toBe(40);

    // returning more than is left never goes below zero: the shortfall is written in the ledger
    const big = await postTx(token, simpleReceipt(-100, { profile_id: profile.id, transacted_at: new Date().toISOString() }), 201);
    expect(incentivesOf(big.data).points.find((p) => p.point_definition_id === def.id)).toMatchObject({ points: -40, shortfall: 60 });
    expect(pointsOf(await balances(token, profile.id), def.id)).toBe(0);
    const ledger = await json<Array<{ action: string; reason: string | null; definition_id: string }>>(await api(`/profiles/${profile.id}/ledgers`, { token }), 200);
    expect(ledger.find((e) => e.action === "clawback_shortfall" && e.definition_id === def.id)?.reason).toMatch(/60 points could not be clawed back/);
  });

  it("adds tier points and attains a tier at once; GET /tiers shows current, next, progress and dates", async () => {
    const tp = await create(token, "/points/definitions", tierPointsBody());
    await create(token, "/rates", rateBody(tp.id, { multiplier: 1 }));
    const silver = await create(token, "/tiers/definitions", tierBody(tp.id, { name: "Silver", value_min: 100, value_maintain: 80 }));
    const gold = await create(token, "/tiers/definitions", tierBody(tp.id, { name: "Gold", value_min: 500, value_maintain: 400, credit_enabled: true }));
    const profile = await makeProfile(token);

    const tx = await postTx(token, purchase(profile.id, 150), 201);
    expect(incentivesOf(tx.data).tiers).toContainEqual(expect.objectContaining({ outcome: "attained", to: silver.id }));
    const tiers = await json<Array<{ point_definition_id: string; current: { id: string } | null; next: { id: string } | null; points: number; progress: number; remaining: number; achieved_at: string; anniversary_at: string }>>(
      await api(`/profiles/${profile.id}/tiers`, { token }),
      200,
    );
    const ladder = tiers.find((t) => t.point_definition_id === tp.id)!;
    expect(ladder).toMatchObject({ current: { id: silver.id }, next: { id: gold.id }, points: 150, progress: 0.3, remaining: 350 });
    const achieved = new Date(ladder.achieved_at);
    const anniversary = new Date(ladder.anniversary_at);
    expect(anniversary.getUTCFullYear() - achieved.getUTCFullYear()).toBe(1);
  });

  it("progresses transaction achievements and unlocks the benefit a level names", async () => {
    const benefit = await create(token, "/benefits/definitions", benefitBody({ max_redemptions: 2 }));
    const achievement = await create(token, "/achievements/definitions", achievementBody({ levels: { kind: "thresholds", thresholds: [1, 2] }, unlocks: [{ level: 2, benefit_definition_id: benefit.id }] }));
    const profile = await makeProfile(token);
    await postTx(token, purchase(profile.id, 5), 201);
    await postTx(token, purchase(profile.id, 5), 201);
    const list = await json<Array<{ achievement_definition_id: string; count: number; level: number }>>(await api(`/profiles/${profile.id}/achievements`, { token }), 200);
    expect(list.find((a) => a.achievement_definition_id === achievement.id)).toMatchObject({ count: 2, level: 2 });
    const benefits = await json<Array<{ benefit_definition_id: string; redemptions_remaining: number; source: { type: string } }>>(await api(`/profiles/${profile.id}/benefits`, { token }), 200);
    expect(benefits.find((b) => b.benefit_definition_id === benefit.id)).toMatchObject({ redemptions_remaining: 2, source: { type: "achievement" } });
  });

  it("a voided receipt gives back what it earned, tier points included, once", async () => {
    const { def } = await pointsProgramme(token);
    const tp = await create(token, "/points/definitions", tierPointsBody());
    await create(token, "/rates", rateBody(tp.id));
    const profile = await makeProfile(token);
    await postTx(token, purchase(profile.id, 30), 201);
    const wrong = await postTx(token, purchase(profile.id, 45), 201);
    expect(pointsOf(await balances(token, profile.id), def.id)).toBe(75);
    for (let i = 0; i < 2; i++) {
      const res = await api(`/transactions/${wrong.data.id}/void`, { method: "POST", token, json: { reason: "keyed twice" } });
      expect(res.status).toBe(200);
    }
    const b = await balances(token, profile.id);
    expect(pointsOf(b, def.id)).toBe(30);
    expect(pointsOf(b, tp.id)).toBe(30);
    await create(token, "/tiers/definitions", tierBody(tp.id, { value_min: 1000, value_maintain: 800 }));
    const tiers = await json<Array<{ point_definition_id: string; points: number }>>(await api(`/profiles/${profile.id}/tiers`, { token }), 200);
    // the rolling 12-month total lost the voided receipt's tier points too
    expect(tiers.find((t) => t.point_definition_id === tp.id)?.points).toBe(30);
    const ledger = await json<Array<{ action: string; definition_id: string; delta: number; reason: string }>>(await api(`/profiles/${profile.id}/ledgers`, { token }), 200);
    expect(ledger.filter((e) => e.action === "void" && e.definition_id === def.id)).toEqual([expect.objectContaining({ delta: -45, reason: "keyed twice" })]);
  });

  it("earns for an anonymous receipt when it is claimed, once", async () => {
    const { def } = await pointsProgramme(token);
    const profile = await makeProfile(token);
    const anon = await postTx(token, simpleReceipt(12, { transacted_at: new Date().toISOString() }), 201);
    expect(anon.data).not.toHaveProperty("incentives");
    for (let i = 0; i < 2; i++) {
      const res = await api(`/profiles/${profile.id}/transactions/claims`, { method: "POST", token, json: { external_id: anon.data.external_id } });
      expect([200, 201]).toContain(res.status);
    }
    expect(pointsOf(await balances(token, profile.id), def.id)).toBe(12);
  });
});
