// What the ledger sees: engineConfig() holds only live definitions (published, not archived) in the
// engine's shapes and reflects a change at once; the per-definition getters refuse archived ones with a
// field error; /rates/calculate picks the most specific matching rate per points definition.
import { beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "../../../workers/access/actor";
import { isDomainError } from "../../../workers/platform/errors";
import { api, makeToken, services } from "../helpers";
import { achievementBody, benefitBody, create, pointBody, rateBody, rewardBody, tierBody, tierPointsBody, uid, type Def } from "./support";

let token: string;
beforeAll(async () => {
  token = (await makeToken(["*"])).token;
});

async function calculate(json: Record<string, unknown>) {
  const res = await api("/rates/calculate", { method: "POST", token, json });
  expect(res.status, await res.clone().text()).toBe(200);
  return ((await res.json()) as { data: Array<{ point_definition_id: string; handle: string; rate_id: string; points: number; eligible_spend: number }> }).data;
}

describe("engineConfig", () => {
  it("holds live definitions only, in the engine's shapes", async () => {
    const live = await create(token, "/points/definitions", pointBody({ pending_days: 14 }));
    const unpublished = await create(token, "/points/definitions", pointBody({ is_published: false }));
    const archived = await create(token, "/points/definitions", pointBody());
    const liveRate = await create(token, "/rates", rateBody(live.id, { multiplier: 1.5, starts_at: "2025-01-01T00:00:00Z" }));
    const inactiveRate = await create(token, "/rates", rateBody(live.id, { is_active: false }));
    const archivedRate = await create(token, "/rates", rateBody(live.id));
    const unpublishedRate = await create(token, "/rates", rateBody(unpublished.id));
    const rateOfArchived = await create(token, "/rates", rateBody(archived.id));
    const tp = await create(token, "/points/definitions", tierPointsBody());
    const gold = await create(token, "/tiers/definitions", tierBody(tp.id, { value_min: 500, value_maintain: 400, credit_enabled: true }));
    const oldTier = await create(token, "/tiers/definitions", tierBody(tp.id, { value_min: 900, value_maintain: 900 }));
    const benefit = await create(token, "/benefits/definitions", benefitBody({ eligibility: { "==": [{ var: "type" }, "active"] } }));
    const notUnlocked = await create(token, "/benefits/definitions", benefitBody());
    const achievement = await create(token, "/achievements/definitions", achievementBody({ unlocks: [{ level: 2, benefit_definition_id: benefit.id }] }));
    const manual = await create(token, "/achievements/definitions", achievementBody({ trigger: "manual", levels: { kind: "on_off" } }));
    const hidden = await create(token, "/achievements/definitions", achievementBody({ is_published: false }));
    for (const [path, d] of [["/points/definitions", archived], ["/rates", archivedRate], ["/tiers/definitions", oldTier]] as const) {
      expect((await api(`${path}/${d.id}`, { method: "DELETE", token })).status).toBe(200);
    }

    const config = await services().definitions.engineConfig();
    expect(config.timezone).toBe(services().definitions.timezone);
    const ids = (list: Array<{ id: string }>) => list.map((x) => x.id);
    expect(config.pointDefinitions.find((p) => p.id === live.id)).toEqual({
      id: live.id,
      handle: live.handle,
      name: live.name,
      kind: "reward",
      pointsPerDollar: 100,
      expiryDays: 365,
      pendingDays: 14,
      version: 1,
    });
    expect(ids(config.pointDefinitions)).not.toContain(unpublished.id);
    expect(ids(config.pointDefinitions)).not.toContain(archived.id);
    expect(ids(config.rates)).toContain(liveRate.id);
    for (const r of [inactiveRate, archivedRate, unpublishedRate, rateOfArchived]) expect(ids(config.rates)).not.toContain(r.id);
    const rate = config.rates.find((r) => r.id === liveRate.id)!;
    expect(rate.multiplier).toBe(1.5);
    expect(rate.startsAt).toEqual(new Date("2025-01-01T00:00:00Z"));
    expect(rate.pointDefinitionId).toBe(live.id);
    expect(config.tiers.find((t) => t.id === gold.id)).toEqual({
      id: gold.id,
      handle: gold.handle,
      name: gold.name,
      pointDefinitionId: tp.id,
      valueMin: 500,
      valueMaintain: 400,
      isFloor: false,
      creditEnabled: true,
      version: 1,
    });
    expect(ids(config.tiers)).not.toContain(oldTier.id);
    expect(config.achievements.find((a) => a.id === achievement.id)).toMatchObject({
      trigger: "transaction",
      visibility: "standard",
      levels: { kind: "thresholds", thresholds: [1, 5, 10, 25] },
      condition: null,
      unlocks: [{ level: 2, benefitDefinitionId: benefit.id }],
    });
    expect(ids(config.achievements)).toContain(manual.id);
    expect(ids(config.achievements)).not.toContain(hidden.id);
    expect(config.benefits.find((b) => b.id === benefit.id)).toMatchObject({ maxRedemptions: 3, periodDays: 90, eligibility: { "==": [{ var: "type" }, "active"] } });
    expect(ids(config.benefits)).not.toContain(notUnlocked.id);
  });

  it("reflects a change through the service at once (the cache is cleared on every write)", async () => {
    const s = services();
    const actor = systemActor("test");
    const p = await s.definitions.createPoint({ name: `Cache ${uid()}`, handle: uid("cache-"), kind: "action" }, actor);
    const r = await s.definitions.createRate({ point_definition_id: p.id, name: "Base", multiplier: 1 }, actor);
    const first = await s.definitions.engineConfig();
    expect(first.rates.find((x) => x.id === r.id)?.multiplier).toBe(1);
    expect(await s.definitions.engineConfig()).toBe(first); // cached: the same object
    await s.definitions.updateRate(r.id, { multiplier: 2.5 }, actor);
    expect((await s.definitions.engineConfig()).rates.find((x) => x.id === r.id)?.multiplier).toBe(2.5);
    await s.definitions.archive("point", p.id, actor);
    const after = await s.definitions.engineConfig();
    expect(after.pointDefinitions.map((x) => x.id)).not.toContain(p.id);
    expect(after.rates.map((x) => x.id)).not.toContain(r.id);
  });

  it("the getters return the engine shape, and refuse an archived or unknown definition with a field error", async () => {
    const s = services();
    const reward = await create(token, "/rewards/definitions", rewardBody({ notification_offsets: [7, 1], is_extendable: true }));
    expect(await s.definitions.rewardConfig(reward.id)).toEqual({
      id: reward.id,
      handle: reward.handle,
      name: reward.name,
      type: "birthday",
      value: 1000,
      periodDays: 30,
      periodMonths: null,
      absoluteExpiry: null,
      isExtendable: true,
      notificationOffsets: [7, 1],
      version: 1,
    });
    await api(`/rewards/definitions/${reward.id}`, { method: "DELETE", token });
    const archived = await s.definitions.rewardConfig(reward.id, "reward_definition_id").catch((e: unknown) => e);
    expect(isDomainError(archived) && archived.status === 422 && archived.errors?.reward_definition_id?.[0]).toMatch(/archived/);
    const unknownField = await s.definitions.benefitConfig(crypto.randomUUID(), "benefit_definition_id").catch((e: unknown) => e);
    expect(isDomainError(unknownField) && unknownField.errors?.benefit_definition_id?.[0]).toMatch(/No benefit definition/);
    const unknown = await s.definitions.tierConfig(crypto.randomUUID()).catch((e: unknown) => e);
    expect(isDomainError(unknown) && unknown.code).toBe("not_found");
    const p = await create(token, "/points/definitions", tierPointsBody());
    expect(await s.definitions.pointConfig(p.id)).toMatchObject({ kind: "tier", pointsPerDollar: null });
  });
});

describe("POST /rates/calculate", () => {
  let points: Def;
  let store: { id: string; external_id: string };
  let base: Def;
  let atStore: Def;
  let shoesAtStore: Def;
  let vip: Def;
  let weekend: Def;

  beforeAll(async () => {
    const ext = uid("CALC-");
    const res = await api("/locations", { method: "POST", token, json: { name: `Calc store ${ext}`, external_id: ext, timezone: "Australia/Sydney" } });
    store = ((await res.json()) as { data: { id: string; external_id: string } }).data;
    points = await create(token, "/points/definitions", pointBody());
    base = await create(token, "/rates", rateBody(points.id, { name: "Base 1x", multiplier: 1 }));
    atStore = await create(token, "/rates", rateBody(points.id, { name: "Store 2x", multiplier: 2, location_ids: [store.external_id] }));
    shoesAtStore = await create(
      token,
      "/rates",
      rateBody(points.id, { name: "Shoes at the store 3x", multiplier: 3, location_ids: [store.id], product_condition: { "==": [{ var: "category" }, "shoes"] } }),
    );
    vip = await create(token, "/rates", rateBody(points.id, { name: "VIP 5x", multiplier: 5, profile_condition: { in: ["vip", { var: "tags" }] }, priority: 10 }));
    weekend = await create(token, "/rates", rateBody(points.id, { name: "Weekend 2x", multiplier: 2, days_of_week: ["sat", "sun"], timezone: "Australia/Sydney" }));
  });

  const mine = (rows: Awaited<ReturnType<typeof calculate>>) => rows.find((r) => r.point_definition_id === points.id);
  const weekday = "2025-03-05T02:00:00Z"; // a Wednesday in Sydney
  const basket = (category = "shirts") => ({
    total: 150,
    transacted_at: weekday,
    items: [
      { quantity: 1, price_sell: 100, category },
      { quantity: 1, price_sell: "50.00", category: "socks" },
    ],
  });

  it.each([
    ["elsewhere: the base rate", () => ({ transaction: basket() }), () => base, 150, 150],
    ["at the store (by external id): the location rate", () => ({ transaction: { ...basket(), location_id: store.external_id } }), () => atStore, 300, 150],
    ["shoes at the store: the most specific rate, on the shoes only", () => ({ transaction: { ...basket("shoes"), location_id: store.id } }), () => shoesAtStore, 300, 100],
    ["a VIP profile: the profile rate", () => ({ transaction: basket(), profile: { tags: ["vip"] } }), () => vip, 750, 150],
    ["a Saturday in Sydney: the weekend rate", () => ({ transaction: { ...basket(), transacted_at: "2025-03-08T02:00:00Z" } }), () => weekend, 300, 150],
  ])("%s", async (_name, body, rate, pts, spend) => {
    const row = mine(await calculate(body()));
    expect(row).toEqual({ point_definition_id: points.id, handle: points.handle, name: points.name, rate_id: rate().id, points: pts, eligible_spend: spend, specificity: expect.any(Number) });
  });

  it("uses the total when there are no items, and an archived rate no longer applies", async () => {
    expect(mine(await calculate({ transaction: { total: "20.99", transacted_at: weekday } }))).toMatchObject({ rate_id: base.id, points: 20, eligible_spend: 20.99 });
    await api(`/rates/${base.id}`, { method: "DELETE", token });
    expect(mine(await calculate({ transaction: { total: 20, transacted_at: weekday } }))).toBeUndefined();
  });

  it("names an unknown location or profile", async () => {
    const res = await api("/rates/calculate", { method: "POST", token, json: { transaction: { total: 1, location_id: uid("NOPE-") }, profile_id: crypto.randomUUID() } });
    expect(res.status).toBe(422);
    const p = (await res.json()) as { errors: Record<string, string[]> };
    expect(Object.keys(p.errors).sort()).toEqual(["profile_id", "transaction.location_id"]);
  });

  it("reads a profile's attributes from profile_id", async () => {
    const res = await api("/profiles", { method: "POST", token, json: { first_name: "Vee", last_name: "Ip", email: `${uid("vip-")}@example.test`, tags: ["vip"] } });
    expect(res.status, await res.clone().text()).toBe(201);
    const profile = ((await res.json()) as { data: { id: string } }).data;
    expect(mine(await calculate({ transaction: basket(), profile_id: profile.id }))).toMatchObject({ rate_id: vip.id, points: 750 });
  });
});
