// Unit tests for earn rates: exact points arithmetic, scopes and specificity, time windows in local
// time, rate selection (specificity, priority, id), per-item product conditions, returns, validation.
import { describe, expect, it } from "vitest";
import {
  type EarnItem,
  type EarnRate,
  type EarnTransaction,
  calculateEarn,
  inTimeWindow,
  matchRate,
  multiplierThousandths,
  pointsForSpend,
  productConditionData,
  rateErrors,
  rateSpecificity,
  selectRate,
} from "./rates";

const rate = (id: string, extra: Partial<EarnRate> = {}): EarnRate => ({ id, pointDefinitionId: "P", multiplier: 1, priority: 0, ...extra });
const item = (quantity: number, priceSell: number, extra: Partial<EarnItem> = {}): EarnItem => ({ quantity, priceSell, ...extra });
const txn = (items: EarnItem[], extra: Partial<EarnTransaction> = {}): EarnTransaction => ({
  locationId: "L1",
  timezone: "Australia/Sydney",
  totalCents: items.reduce((s, i) => s + i.quantity * i.priceSell, 0),
  items,
  ...extra,
});
// a Wednesday, 12:00 in Sydney (AEDT, +11)
const NOON = new Date("2026-01-14T01:00:00Z");
const gold = { tier: "gold", tags: ["vip"] };
const isGold = { "==": [{ var: "tier" }, "gold"] };
const isShoes = { "==": [{ var: "category" }, "shoes"] };

describe("points for spend", () => {
  it.each([
    [10_000, 1, 100],
    [999, 1, 9], // $9.99 at 1 per dollar: 9
    [1_999, 1.5, 29], // 29.985 → 29
    [150, 1.5, 2], // 2.25 → 2
    [333, 3, 9], // 9.99 → 9
    [10_000, 1.15, 115], // 10000 × 1.15 in floats is 11499.999…: exact arithmetic gives 115
    [100_000, 0.001, 1],
    [99_999, 0.001, 0],
    [0, 2, 0],
    [12_345, 0, 0],
    [-999, 1, -9], // a return rounds toward zero: gives back what the purchase earned
    [-1_999, 1.5, -29],
    [-10_000, 1.15, -115],
    [100_000_000_000_000, 1000, 1_000_000_000_000_000], // far past 2^53 in the intermediate product
  ])("%i cents at %d → %i points", (cents, multiplier, points) => {
    expect(pointsForSpend(cents, multiplier)).toBe(points);
  });

  it("makes a purchase and its full return cancel exactly", () => {
    for (const [cents, m] of [[1_999, 1.5], [12_345, 2.25], [7, 0.333]] as const) {
      expect(pointsForSpend(cents, m) + pointsForSpend(-cents, m)).toBe(0);
    }
  });

  it.each([
    [100, 1.0005, "a fourth decimal"],
    [100, -1, "a negative multiplier"],
    [100, Number.NaN, "NaN"],
    [100, Number.POSITIVE_INFINITY, "infinity"],
    [10.5, 1, "fractional cents"],
    [Number.NaN, 1, "NaN cents"],
  ])("refuses %d cents at %d (%s)", (cents, multiplier) => {
    expect(() => pointsForSpend(cents, multiplier)).toThrow(RangeError);
  });

  it.each([
    [1, 1000],
    [1.5, 1500],
    [1.1, 1100],
    [0.001, 1],
    [0, 0],
    [2.675, 2675],
    [1.0005, null],
    [-0.5, null],
  ])("multiplier %d is %j thousandths", (m, th) => {
    expect(multiplierThousandths(m)).toBe(th);
  });
});

describe("specificity", () => {
  it.each([
    [rate("r"), 0],
    [rate("r", { locationIds: ["L1"] }), 1],
    [rate("r", { locationIds: [] }), 0], // an empty list is no scope (and refused by rateErrors)
    [rate("r", { startsAt: new Date(0) }), 1],
    [rate("r", { daysOfWeek: ["sat"], hours: { from: "09:00", to: "12:00" }, endsAt: new Date(0) }), 1], // one window, however many parts
    [rate("r", { daysOfWeek: [] }), 0],
    [rate("r", { profileCondition: isGold }), 1],
    [rate("r", { profileCondition: false }), 1], // a condition that is present, even false, is a scope
    [rate("r", { productCondition: isShoes }), 1],
    [rate("r", { locationIds: ["L1"], hours: { from: "09:00", to: "12:00" }, profileCondition: isGold, productCondition: isShoes }), 4],
  ])("%j → %i", (r, n) => {
    expect(rateSpecificity(r)).toBe(n);
  });
});

describe("time windows", () => {
  const at = (s: string) => new Date(s);
  it.each([
    ["no window", rate("r"), "2026-01-14T01:00:00Z", "UTC", true],
    ["starts inclusive", rate("r", { startsAt: at("2026-01-14T01:00:00Z") }), "2026-01-14T01:00:00Z", null, true],
    ["before start", rate("r", { startsAt: at("2026-01-14T01:00:00Z") }), "2026-01-14T00:59:59.999Z", null, false],
    ["ends exclusive", rate("r", { endsAt: at("2026-01-14T01:00:00Z") }), "2026-01-14T01:00:00Z", null, false],
    ["just before the end", rate("r", { endsAt: at("2026-01-14T01:00:00Z") }), "2026-01-14T00:59:59.999Z", null, true],
    // Friday 14:30 UTC is Saturday 01:30 in Sydney: the store's day counts
    ["weekend by the store's clock", rate("r", { daysOfWeek: ["sat", "sun"] }), "2026-01-16T14:30:00Z", "Australia/Sydney", true],
    ["weekend by UTC when the transaction has no zone", rate("r", { daysOfWeek: ["sat", "sun"] }), "2026-01-16T14:30:00Z", null, false],
    ["the rate's own zone wins", rate("r", { daysOfWeek: ["fri"], timezone: "UTC" }), "2026-01-16T14:30:00Z", "Australia/Sydney", true],
    ["happy hour start", rate("r", { hours: { from: "17:00", to: "19:00" } }), "2026-01-14T06:00:00Z", "Australia/Sydney", true],
    ["happy hour end is exclusive", rate("r", { hours: { from: "17:00", to: "19:00" } }), "2026-01-14T08:00:00Z", "Australia/Sydney", false],
    ["happy hour last minute", rate("r", { hours: { from: "17:00", to: "19:00" } }), "2026-01-14T07:59:59Z", "Australia/Sydney", true],
    // 17:00 Sydney is 07:00 UTC in winter (AEST, +10), 06:00 in summer: local time is what counts
    ["happy hour in winter", rate("r", { hours: { from: "17:00", to: "19:00" } }), "2026-07-14T07:00:00Z", "Australia/Sydney", true],
    ["overnight hours, late", rate("r", { hours: { from: "22:00", to: "02:00" } }), "2026-01-14T12:30:00Z", "Australia/Sydney", true],
    ["overnight hours, early", rate("r", { hours: { from: "22:00", to: "02:00" } }), "2026-01-14T14:59:00Z", "Australia/Sydney", true],
    ["overnight hours, after", rate("r", { hours: { from: "22:00", to: "02:00" } }), "2026-01-14T15:00:00Z", "Australia/Sydney", false],
    ["days and hours together", rate("r", { daysOfWeek: ["wed"], hours: { from: "11:00", to: "13:00" } }), "2026-01-14T01:00:00Z", "Australia/Sydney", true],
    ["days and hours, wrong day", rate("r", { daysOfWeek: ["thu"], hours: { from: "11:00", to: "13:00" } }), "2026-01-14T01:00:00Z", "Australia/Sydney", false],
    ["malformed hours never match", rate("r", { hours: { from: "5pm", to: "7pm" } }), "2026-01-14T06:00:00Z", "Australia/Sydney", false],
  ])("%s", (_name, r, when, tz, inside) => {
    expect(inTimeWindow(r, at(when), tz)).toBe(inside);
  });
});

describe("product condition data", () => {
  it("exposes API-shaped fields with money in dollars", () => {
    expect(productConditionData(item(2, 1999, { sku: "S1", category: "shoes", brand: "Acme", tags: ["sale"] }))).toEqual({
      sku: "S1",
      product_id: null,
      name: null,
      brand: "Acme",
      category: "shoes",
      tags: ["sale"],
      quantity: 2,
      price_sell: 19.99,
      line_total: 39.98,
    });
  });
});

describe("matching a rate", () => {
  const basket = txn([item(1, 10_000, { category: "shoes" }), item(2, 2_500, { category: "socks" })]);

  it.each([
    ["no scopes: all items' net", rate("r"), basket, gold, 15_000],
    ["the right location", rate("r", { locationIds: ["L2", "L1"] }), basket, gold, 15_000],
    ["the wrong location", rate("r", { locationIds: ["L2"] }), basket, gold, null],
    ["a location rate and no location", rate("r", { locationIds: ["L1"] }), txn(basket.items as EarnItem[], { locationId: null }), gold, null],
    ["the profile condition holds", rate("r", { profileCondition: isGold }), basket, gold, 15_000],
    ["the profile condition fails", rate("r", { profileCondition: isGold }), basket, { tier: "silver" }, null],
    ["the profile condition on no profile", rate("r", { profileCondition: isGold }), basket, null, null],
    ["only matching items count", rate("r", { productCondition: isShoes }), basket, gold, 10_000],
    ["no matching item: no match", rate("r", { productCondition: { "==": [{ var: "category" }, "hats"] } }), basket, gold, null],
    ["an item-less transaction uses the total", rate("r"), txn([], { totalCents: 4_200 }), gold, 4_200],
    ["an item-less transaction has nothing for a product rate", rate("r", { productCondition: isShoes }), txn([], { totalCents: 4_200 }), gold, null],
    ["a return is negative", rate("r", { productCondition: isShoes }), txn([item(-1, 10_000, { category: "shoes" })]), gold, -10_000],
    ["an exchange nets out", rate("r"), txn([item(-1, 10_000, { category: "shoes" }), item(1, 12_000, { category: "shoes" })]), gold, 2_000],
    ["outside the window", rate("r", { endsAt: new Date("2026-01-01T00:00:00Z") }), basket, gold, null],
    // json-logic-js alone would read this two-key object as a truthy literal and match everyone
    ["an invalid stored condition never matches", rate("r", { profileCondition: { tier: "gold", x: 1 } }), basket, gold, null],
  ])("%s", (_name, r, t, profile, spend) => {
    const m = matchRate(r, t, profile, NOON);
    expect(m === null ? null : m.eligibleSpendCents).toBe(spend);
  });
});

describe("selecting the rate", () => {
  const base = rate("base", { multiplier: 1 });
  const atL1 = rate("at-l1", { multiplier: 2, locationIds: ["L1"] });
  const lunch = rate("lunch", { multiplier: 3, hours: { from: "11:00", to: "14:00" } });
  const vip = rate("vip", { multiplier: 1.5, profileCondition: isGold });
  const vipAtL1 = rate("vip-at-l1", { multiplier: 4, locationIds: ["L1"], profileCondition: isGold });
  const shoes = rate("shoes", { multiplier: 5, productCondition: isShoes });
  const basket = txn([item(1, 10_000, { category: "shoes" }), item(2, 2_500, { category: "socks" })]);

  it.each([
    ["only the base", [base], gold, "base"],
    ["location beats base", [base, atL1], gold, "at-l1"],
    ["two scopes beat one", [base, atL1, vip, vipAtL1], gold, "vip-at-l1"],
    ["two scopes beat one, in any order", [vipAtL1, vip, atL1, base], gold, "vip-at-l1"],
    ["a failed scope drops the rate", [base, atL1, vip, vipAtL1], { tier: "silver" }, "at-l1"],
    ["equal specificity: higher priority", [atL1, { ...lunch, priority: 5 }, vip], gold, "lunch"],
    ["equal specificity and priority: smaller id", [vip, lunch, atL1], gold, "at-l1"],
    ["specificity beats priority", [{ ...base, priority: 100 }, atL1], gold, "at-l1"],
    ["negative priorities order too", [{ ...atL1, priority: -1 }, { ...vip, priority: -2 }], gold, "at-l1"],
    ["a product rate wins when an item matches", [base, shoes], gold, "shoes"],
    ["nothing matches", [{ ...atL1, locationIds: ["L2"] }], gold, null],
    ["no rates", [], gold, null],
  ])("%s", (_name, rates, profile, winner) => {
    expect(selectRate(rates, basket, profile, NOON)?.rate.id ?? null).toBe(winner);
  });

  it("falls back to a broader rate when the product rate matches no item", () => {
    expect(selectRate([base, shoes], txn([item(1, 5_000, { category: "socks" })]), gold, NOON)?.rate.id).toBe("base");
  });
});

describe("calculating earn", () => {
  const rates: EarnRate[] = [
    rate("p-base", { multiplier: 1 }),
    rate("p-shoes", { multiplier: 2.5, productCondition: isShoes }),
    rate("t-base", { pointDefinitionId: "T", multiplier: 1 }),
    rate("t-outlet", { pointDefinitionId: "T", multiplier: 0, locationIds: ["OUTLET"] }),
    rate("a-vip", { pointDefinitionId: "A", multiplier: 10, profileCondition: isGold }),
  ];

  it.each([
    [
      "a purchase earns on each definition",
      txn([item(1, 10_099, { category: "shoes" }), item(1, 5_000, { category: "socks" })]),
      gold,
      [
        { pointDefinitionId: "A", rateId: "a-vip", eligibleSpendCents: 15_099, points: 1_509, specificity: 1 },
        // only the shoes' $100.99 counts at 2.5: 252.475 → 252
        { pointDefinitionId: "P", rateId: "p-shoes", eligibleSpendCents: 10_099, points: 252, specificity: 1 },
        { pointDefinitionId: "T", rateId: "t-base", eligibleSpendCents: 15_099, points: 150, specificity: 0 },
      ],
    ],
    [
      "a definition with no matching rate is left out",
      txn([item(1, 999, { category: "socks" })]),
      { tier: "silver" },
      [
        { pointDefinitionId: "P", rateId: "p-base", eligibleSpendCents: 999, points: 9, specificity: 0 },
        { pointDefinitionId: "T", rateId: "t-base", eligibleSpendCents: 999, points: 9, specificity: 0 },
      ],
    ],
    [
      "a zero rate is a specific 'no points here'",
      txn([item(1, 5_000)], { locationId: "OUTLET" }),
      { tier: "silver" },
      [
        { pointDefinitionId: "P", rateId: "p-base", eligibleSpendCents: 5_000, points: 50, specificity: 0 },
        { pointDefinitionId: "T", rateId: "t-outlet", eligibleSpendCents: 5_000, points: 0, specificity: 1 },
      ],
    ],
    [
      "a return yields negative points to claw back",
      txn([item(-1, 10_099, { category: "shoes" })]),
      { tier: "silver" },
      [
        { pointDefinitionId: "P", rateId: "p-shoes", eligibleSpendCents: -10_099, points: -252, specificity: 1 },
        { pointDefinitionId: "T", rateId: "t-base", eligibleSpendCents: -10_099, points: -100, specificity: 0 },
      ],
    ],
    [
      "a zero-value transaction earns zero",
      txn([item(1, 0)]),
      { tier: "silver" },
      [
        { pointDefinitionId: "P", rateId: "p-base", eligibleSpendCents: 0, points: 0, specificity: 0 },
        { pointDefinitionId: "T", rateId: "t-base", eligibleSpendCents: 0, points: 0, specificity: 0 },
      ],
    ],
  ])("%s", (_name, t, profile, expected) => {
    expect(calculateEarn(t, profile, rates, NOON)).toEqual(expected);
  });

  it("earns nothing without rates", () => {
    expect(calculateEarn(txn([item(1, 5_000)]), gold, [], NOON)).toEqual([]);
  });

  it("is deterministic whatever order the rates come in", () => {
    const t = txn([item(1, 10_099, { category: "shoes" })]);
    const expected = calculateEarn(t, gold, rates, NOON);
    expect(calculateEarn(t, gold, [...rates].reverse(), NOON)).toEqual(expected);
  });

  it("judges the window at the instant it is given", () => {
    const windowed = [rate("base"), rate("sale", { multiplier: 2, startsAt: new Date("2026-01-10T00:00:00Z"), endsAt: new Date("2026-01-20T00:00:00Z") })];
    const t = txn([item(1, 10_000)]);
    expect(calculateEarn(t, gold, windowed, NOON)[0]).toMatchObject({ rateId: "sale", points: 200 });
    expect(calculateEarn(t, gold, windowed, new Date("2026-01-20T00:00:00Z"))[0]).toMatchObject({ rateId: "base", points: 100 });
  });
});

describe("rate validation", () => {
  const ok: Partial<EarnRate> = { pointDefinitionId: "P", multiplier: 1.5, priority: 0 };

  it("accepts a full, sound rate", () => {
    expect(
      rateErrors({
        ...ok,
        locationIds: ["L1"],
        startsAt: new Date("2026-01-01T00:00:00Z"),
        endsAt: new Date("2026-02-01T00:00:00Z"),
        daysOfWeek: ["sat", "sun"],
        hours: { from: "22:00", to: "02:00" },
        timezone: "Australia/Sydney",
        profileCondition: isGold,
        productCondition: isShoes,
      }),
    ).toEqual({});
    expect(rateErrors({ ...ok, multiplier: 0 })).toEqual({});
  });

  it.each([
    [{ ...ok, pointDefinitionId: undefined }, "point_definition_id"],
    [{ ...ok, multiplier: -1 }, "multiplier"],
    [{ ...ok, multiplier: 1.0005 }, "multiplier"],
    [{ ...ok, multiplier: Number.NaN }, "multiplier"],
    [{ ...ok, multiplier: 2_000_000 }, "multiplier"],
    [{ ...ok, multiplier: "1.5" as unknown as number }, "multiplier"],
    [{ ...ok, priority: 1.5 }, "priority"],
    [{ ...ok, priority: undefined }, "priority"],
    [{ ...ok, locationIds: [] }, "location_ids"],
    [{ ...ok, locationIds: [""] }, "location_ids"],
    [{ ...ok, startsAt: new Date("2026-02-01T00:00:00Z"), endsAt: new Date("2026-02-01T00:00:00Z") }, "ends_at"],
    [{ ...ok, startsAt: new Date("nope") }, "starts_at"],
    [{ ...ok, daysOfWeek: ["saturday" as never] }, "days_of_week"],
    [{ ...ok, hours: { from: "9:00", to: "17:00" } }, "hours"],
    [{ ...ok, hours: { from: "09:00", to: "09:00" } }, "hours"],
    [{ ...ok, timezone: "Mars/Base" }, "timezone"],
    [{ ...ok, profileCondition: { "===": [{ var: "tier" }] } }, "profile_condition"],
    [{ ...ok, productCondition: { category: "shoes" } }, "product_condition"],
    [{ ...ok, productCondition: { "==": [1, 1], "!=": [1, 2] } }, "product_condition"],
  ])("refuses %j at %s", (r, field) => {
    const errors = rateErrors(r);
    expect(Object.keys(errors)).toEqual([field]);
  });

  it("says what is wrong with a condition", () => {
    expect(rateErrors({ ...ok, profileCondition: { and: [{ "=": [{ var: "tier" }, "gold"] }] } })).toEqual({
      profile_condition: ['and[0].=: unknown operator "="'],
    });
  });
});
