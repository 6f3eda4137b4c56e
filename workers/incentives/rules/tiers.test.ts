// Unit tests for tiers: attain (upgrade only, several steps), maintain on the anniversary (keep, drop,
// floors), credit (made on attain, consumed at the anniversary), anniversaries across leap years and
// late runs, assignment by hand, progress, ladder validation.
import { describe, expect, it } from "vitest";
import {
  NO_TIER,
  type TierDefinition,
  type TierState,
  assignTier,
  buildLadder,
  ladderErrors,
  maintain,
  nextAnniversary,
  onPoints,
  progress,
} from "./tiers";

const tier = (id: string, valueMin: number, valueMaintain: number, extra: Partial<TierDefinition> = {}): TierDefinition => ({
  id,
  pointDefinitionId: "TP",
  valueMin,
  valueMaintain,
  isFloor: false,
  creditEnabled: true,
  ...extra,
});
const BRONZE = tier("bronze", 0, 0, { isFloor: true });
const SILVER = tier("silver", 400, 300);
const GOLD = tier("gold", 1000, 800);
const PLAT = tier("plat", 2500, 2000, { isFloor: true, creditEnabled: false });
const LADDER = [BRONZE, SILVER, GOLD, PLAT];
const NO_FLOORS = [tier("silver", 400, 300), tier("gold", 1000, 800)];

const d = (s: string) => new Date(s);
const iso = (x: Date | null) => (x ? x.toISOString() : null);
const state = (tierId: string | null, achieved: string | null, anniversary: string | null, credit = 0): TierState => ({
  tierId,
  achievedAt: achieved ? d(achieved) : null,
  anniversaryAt: anniversary ? d(anniversary) : null,
  credit,
});
const plain = (s: TierState) => ({ tierId: s.tierId, achievedAt: iso(s.achievedAt), anniversaryAt: iso(s.anniversaryAt), credit: s.credit });

describe("the ladder", () => {
  it("orders tiers by value_min and keeps one definition's", () => {
    const other = tier("other", 50, 0, { pointDefinitionId: "X" });
    expect(buildLadder([PLAT, SILVER, other, BRONZE, GOLD], "TP").map((t) => t.id)).toEqual(["bronze", "silver", "gold", "plat"]);
    expect(buildLadder([PLAT, other, BRONZE]).map((t) => t.id)).toEqual(["bronze", "other", "plat"]);
    expect(buildLadder([])).toEqual([]);
  });

  it.each([
    [LADDER, []],
    [[], []],
    [[BRONZE, tier("b2", 0, 0)], ["b2: value_min 0 is already the minimum of bronze"]],
    [[tier("x", 400, 500)], ["x: value_maintain (500) may not be more than value_min (400)"]],
    [[tier("x", -1, 0)], ["x: value_min must be a whole number ≥ 0"]],
    [[tier("x", 10.5, 0)], ["x: value_min must be a whole number ≥ 0"]],
    [[tier("x", 10, -1)], ["x: value_maintain must be a whole number ≥ 0"]],
    [[SILVER, tier("y", 900, 0, { pointDefinitionId: "OTHER" })], ["the tiers of one ladder must share a point definition"]],
  ])("validates %j", (tiers, errors) => {
    expect(ladderErrors(tiers)).toEqual(errors);
  });
});

describe("attaining a tier", () => {
  const AT = "2026-03-10T05:00:00.000Z";
  const NEXT = "2027-03-10T05:00:00.000Z";

  it.each([
    ["the floor at zero", NO_TIER, 0, "attained", state("bronze", AT, NEXT, 0)],
    ["the DOMAIN example: 650 on a 400 tier leaves 250", NO_TIER, 650, "attained", state("silver", AT, NEXT, 250)],
    ["several steps at once", NO_TIER, 1200, "attained", state("gold", AT, NEXT, 200)],
    ["exactly the minimum: no credit", state("bronze", "2025-06-01T00:00:00Z", "2026-06-01T00:00:00Z"), 400, "attained", state("silver", AT, NEXT, 0)],
    ["credit off on the attained tier", state("gold", "2025-06-01T00:00:00Z", "2026-06-01T00:00:00Z"), 5000, "attained", state("plat", AT, NEXT, 0)],
    [
      "an upgrade mid-cycle replaces the credit with the new overshoot",
      state("silver", "2025-06-01T00:00:00Z", "2026-06-01T00:00:00Z", 250),
      1100,
      "attained",
      state("gold", AT, NEXT, 100),
    ],
  ])("%s", (_name, before, total, outcome, after) => {
    const change = onPoints(LADDER, before, total, d(AT));
    expect(change.outcome).toBe(outcome);
    expect(change.from).toBe(before.tierId);
    expect(plain(change.state)).toEqual(plain(after));
  });

  it.each([
    ["one short of the next tier", state("bronze", "2025-06-01T00:00:00Z", "2026-06-01T00:00:00Z"), 399],
    ["a lower total never drops a tier", state("gold", "2025-06-01T00:00:00Z", "2026-06-01T00:00:00Z", 10), 0],
    ["the same tier again", state("gold", "2025-06-01T00:00:00Z", "2026-06-01T00:00:00Z"), 1500],
    ["the top of the ladder", state("plat", "2025-06-01T00:00:00Z", "2026-06-01T00:00:00Z"), 99_999],
    ["a negative total (returns)", NO_TIER, -50],
  ])("leaves the tier alone: %s", (_name, before, total) => {
    const change = onPoints(LADDER, before, total, d(AT));
    expect(change).toEqual({ outcome: "unchanged", from: before.tierId, to: before.tierId, state: before });
  });

  it("does nothing on an empty ladder", () => {
    expect(onPoints([], NO_TIER, 10_000, d(AT)).outcome).toBe("unchanged");
  });

  it("ignores credit when attaining (its points are still in the rolling window)", () => {
    // silver with 250 credit: 750 + 250 would reach gold, but those 250 are inside the 750 already
    expect(onPoints(LADDER, state("silver", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z", 250), 750, d(AT)).outcome).toBe("unchanged");
  });

  it.each([
    ["a leap day: 12 months on is 28 February", "2024-02-29T10:00:00.000Z", "UTC", "2025-02-28T10:00:00.000Z"],
    ["a month end", "2025-08-31T00:00:00.000Z", "UTC", "2026-08-31T00:00:00.000Z"],
    // 10:00 on 29 Feb in Sydney is 23:00 UTC on the 28th: the brand's calendar decides
    ["a leap day in Sydney", "2024-02-28T23:00:00.000Z", "Australia/Sydney", "2025-02-27T23:00:00.000Z"],
  ])("anniversary: %s", (_name, at, tz, anniversary) => {
    expect(iso(onPoints(LADDER, NO_TIER, 500, d(at), tz).state.anniversaryAt)).toBe(anniversary);
  });

  it.each([
    ["an unknown tier", state("mythril", "2025-01-01T00:00:00Z", "2026-01-01T00:00:00Z"), 1],
    ["negative credit", state("silver", "2025-01-01T00:00:00Z", "2026-01-01T00:00:00Z", -1), 1],
    ["a tier without dates", state("silver", null, null), 1],
    ["a fractional total", NO_TIER, 1.5],
  ])("refuses %s", (_name, s, total) => {
    expect(() => onPoints(LADDER, s, total, d(AT))).toThrow(RangeError);
  });
});

describe("maintaining on the anniversary", () => {
  const ANNIV = "2026-03-01T00:00:00.000Z";
  const silver = (credit = 0) => state("silver", "2025-03-01T00:00:00Z", ANNIV, credit);
  const gold = state("gold", "2025-03-01T00:00:00Z", ANNIV);
  const plat = state("plat", "2025-03-01T00:00:00Z", ANNIV);

  it.each([
    ["before the anniversary", LADDER, silver(), 0, "2026-02-28T23:59:59.999Z", "not_due", silver()],
    ["with no tier", LADDER, NO_TIER, 0, ANNIV, "not_due", NO_TIER],
    ["total meets value_maintain: kept, 12 months more", LADDER, silver(), 300, ANNIV, "maintained", state("silver", "2025-03-01T00:00:00Z", "2027-03-01T00:00:00Z")],
    ["the job runs a day late: same anniversary", LADDER, silver(), 300, "2026-03-02T01:00:00Z", "maintained", state("silver", "2025-03-01T00:00:00Z", "2027-03-01T00:00:00Z")],
    ["credit makes up the difference, then is gone", LADDER, silver(50), 250, ANNIV, "maintained", state("silver", "2025-03-01T00:00:00Z", "2027-03-01T00:00:00Z", 0)],
    ["one short: down to the highest tier it qualifies for", LADDER, silver(), 299, ANNIV, "downgraded", state("bronze", ANNIV, "2027-03-01T00:00:00Z")],
    ["credit is consumed when dropping too", LADDER, silver(20), 200, ANNIV, "downgraded", state("bronze", ANNIV, "2027-03-01T00:00:00Z", 0)],
    ["gold to silver on silver's value_maintain", LADDER, gold, 350, ANNIV, "downgraded", state("silver", ANNIV, "2027-03-01T00:00:00Z")],
    ["gold two steps down", LADDER, gold, 100, ANNIV, "downgraded", state("bronze", ANNIV, "2027-03-01T00:00:00Z")],
    ["a floor holds itself", LADDER, plat, 0, ANNIV, "held_by_floor", state("plat", "2025-03-01T00:00:00Z", "2027-03-01T00:00:00Z")],
    ["a floor holds even when a lower tier would qualify", LADDER, plat, 1000, ANNIV, "held_by_floor", state("plat", "2025-03-01T00:00:00Z", "2027-03-01T00:00:00Z")],
    ["without floors, down to nothing", NO_FLOORS, silver(), 0, ANNIV, "downgraded", NO_TIER],
    ["without floors, gold to silver", NO_FLOORS, gold, 300, ANNIV, "downgraded", state("silver", ANNIV, "2027-03-01T00:00:00Z")],
    ["a floor above the current tier does not lift it", [tier("silver", 400, 300), tier("gold", 1000, 800, { isFloor: true })], silver(), 0, ANNIV, "downgraded", NO_TIER],
  ])("%s", (_name, ladder, before, total, at, outcome, after) => {
    const change = maintain(ladder, before, total, d(at));
    expect(change.outcome).toBe(outcome);
    expect(change.to).toBe(after.tierId);
    expect(plain(change.state)).toEqual(plain(after));
  });

  it("uses the highest floor at or below the tier when there are several", () => {
    const ladder = [tier("a", 0, 0, { isFloor: true }), tier("b", 100, 100, { isFloor: true }), tier("c", 200, 200), tier("d", 300, 300)];
    const change = maintain(ladder, state("d", "2025-03-01T00:00:00Z", ANNIV), 0, d(ANNIV));
    expect(change).toMatchObject({ outcome: "downgraded", from: "d", to: "b" });
  });

  it.each([
    // counted from achievedAt, so 29 February comes back in a leap year
    ["a leap-day tier kept in 2025", "2024-02-29T00:00:00Z", "2025-02-28T00:00:00Z", "2025-02-28T00:00:00Z", "2026-02-28T00:00:00.000Z"],
    ["a leap-day tier kept into 2028", "2024-02-29T00:00:00Z", "2027-02-28T00:00:00Z", "2027-02-28T00:00:00Z", "2028-02-29T00:00:00.000Z"],
    // a job down for 14 months steps over the missed anniversary
    ["a very late run", "2025-03-01T00:00:00Z", "2026-03-01T00:00:00Z", "2027-05-01T00:00:00Z", "2028-03-01T00:00:00.000Z"],
  ])("next anniversary: %s", (_name, achieved, anniversary, at, next) => {
    const change = maintain(LADDER, state("silver", achieved, anniversary), 400, d(at));
    expect(change.outcome).toBe("maintained");
    expect(iso(change.state.anniversaryAt)).toBe(next);
    expect(iso(change.state.achievedAt)).toBe(new Date(achieved).toISOString());
  });

  it("anchors a dropped tier on the anniversary it dropped on", () => {
    const change = maintain(LADDER, state("gold", "2024-02-29T00:00:00Z", "2025-02-28T00:00:00Z"), 350, d("2025-03-03T00:00:00Z"));
    expect(plain(change.state)).toEqual({ tierId: "silver", achievedAt: "2025-02-28T00:00:00.000Z", anniversaryAt: "2026-02-28T00:00:00.000Z", credit: 0 });
  });

  it("carries credit one cycle, once: the DOMAIN story", () => {
    // year 0: 650 points reach silver (400): 250 credit
    let s = onPoints(LADDER, NO_TIER, 650, d("2025-03-01T00:00:00Z")).state;
    expect(s.credit).toBe(250);
    // year 1: only 100 earned in the window; 100 + 250 ≥ 300 keeps silver, and the credit is spent
    let change = maintain(LADDER, s, 100, d("2026-03-01T00:00:00Z"));
    expect(change.outcome).toBe("maintained");
    s = change.state;
    expect(s.credit).toBe(0);
    // year 2: 100 again, no credit left: down to bronze
    change = maintain(LADDER, s, 100, d("2027-03-01T00:00:00Z"));
    expect(change).toMatchObject({ outcome: "downgraded", to: "bronze" });
  });

  it("computes next anniversaries directly", () => {
    expect(iso(nextAnniversary(d("2024-02-29T12:00:00Z"), d("2024-03-01T00:00:00Z")))).toBe("2025-02-28T12:00:00.000Z");
    expect(iso(nextAnniversary(d("2024-02-29T12:00:00Z"), d("2025-02-28T12:00:00Z")))).toBe("2026-02-28T12:00:00.000Z");
    expect(iso(nextAnniversary(d("2020-02-29T12:00:00Z"), d("2027-06-01T00:00:00Z")))).toBe("2028-02-29T12:00:00.000Z");
  });
});

describe("assigning a tier by hand", () => {
  const AT = d("2026-05-05T00:00:00Z");

  it.each([
    ["up", NO_TIER, "gold", state("gold", "2026-05-05T00:00:00Z", "2027-05-05T00:00:00Z")],
    ["down, past a floor", state("plat", "2025-01-01T00:00:00Z", "2026-01-01T00:00:00Z", 0), "silver", state("silver", "2026-05-05T00:00:00Z", "2027-05-05T00:00:00Z")],
    ["clears credit", state("silver", "2025-01-01T00:00:00Z", "2026-01-01T00:00:00Z", 250), "silver", state("silver", "2026-05-05T00:00:00Z", "2027-05-05T00:00:00Z")],
    ["removed", state("silver", "2025-01-01T00:00:00Z", "2026-01-01T00:00:00Z"), null, NO_TIER],
  ])("%s", (_name, before, tierId, after) => {
    const change = assignTier(LADDER, before, tierId, AT);
    expect(change).toMatchObject({ outcome: "assigned", from: before.tierId, to: tierId });
    expect(plain(change.state)).toEqual(plain(after));
  });

  it("refuses a tier that is not on the ladder", () => {
    expect(() => assignTier(LADDER, NO_TIER, "mythril", AT)).toThrow(RangeError);
  });
});

describe("progress", () => {
  const s = (tierId: string | null, credit = 0) => (tierId ? state(tierId, "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z", credit) : NO_TIER);

  it.each([
    ["no tier yet, the first rung is free", LADDER, s(null), 0, null, "bronze", 1, 0, null],
    ["half way to silver", LADDER, s("bronze"), 200, "bronze", "silver", 0.5, 200, { target: 0, remaining: 0, met: true }],
    ["half way to gold, counted from zero", LADDER, s("silver"), 500, "silver", "gold", 0.5, 500, { target: 300, remaining: 0, met: true }],
    ["credit counts for maintain only", LADDER, s("silver", 150), 100, "silver", "gold", 0.1, 900, { target: 300, remaining: 50, met: false }],
    ["past the next minimum, not yet applied", LADDER, s("silver"), 1200, "silver", "gold", 1, 0, { target: 300, remaining: 0, met: true }],
    ["a negative total", NO_FLOORS, s(null), -50, null, "silver", 0, 450, null],
    ["the top of the ladder", LADDER, s("plat"), 3000, "plat", null, 1, 0, { target: 2000, remaining: 0, met: true }],
    ["an empty ladder", [], s(null), 500, null, null, 0, 0, null],
  ])("%s", (_name, ladder, st, total, current, next, fraction, remaining, maintainStatus) => {
    const p = progress(ladder, st, total);
    expect(p.current?.id ?? null).toBe(current);
    expect(p.next?.id ?? null).toBe(next);
    expect(p.progress).toBeCloseTo(fraction, 10);
    expect(p.remaining).toBe(remaining);
    expect(p.maintain).toEqual(maintainStatus);
  });
});
