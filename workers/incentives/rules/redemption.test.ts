// Unit tests for redemption: points ↔ cents rounding, each strategy's allocation (nearest expiry first,
// FIFO lots), exact and over-balance amounts, bad input, and reversal (the window and the inverse).
import { describe, expect, it } from "vitest";
import type { PointsLot } from "./lots";
import {
  type PointsSource,
  type RedemptionBreakdown,
  type RewardInstance,
  REVERSAL_WINDOW_MS,
  allocateRedemption,
  applyRedemption,
  applyRewardAllocations,
  canReverse,
  centsForPoints,
  compareRewardsForRedemption,
  isRewardUsable,
  pointsForCents,
  redeemableBalance,
  reversalOf,
  rewardBalance,
} from "./redemption";

const d = (s: string) => new Date(s);
const AT = d("2026-06-01T00:00:00Z");
const reward = (id: string, cents: number, issued: string, expires: string | null, extra: Partial<RewardInstance> = {}): RewardInstance => ({
  id,
  valueRemainingCents: cents,
  issuedAt: d(issued),
  expiresAt: expires ? d(expires) : null,
  ...extra,
});
const lot = (id: string, points: number, earned: string, expires: string | null, extra: Partial<PointsLot> = {}): PointsLot => ({
  id,
  definitionId: "P",
  pointsRemaining: points,
  earnedAt: d(earned),
  expiresAt: expires ? d(expires) : null,
  spendableAt: d(earned),
  sourceTransactionId: null,
  ...extra,
});

const REWARDS: RewardInstance[] = [
  reward("R1", 1_000, "2026-05-01T00:00:00Z", "2026-06-10T00:00:00Z"), // nearest expiry
  reward("R2", 2_000, "2026-04-01T00:00:00Z", "2026-07-01T00:00:00Z"),
  reward("R3", 500, "2026-01-01T00:00:00Z", null), // never expires: last
  reward("R4", 700, "2026-01-01T00:00:00Z", "2026-06-01T00:00:00Z"), // expires at the exact instant
  reward("R5", 300, "2026-01-01T00:00:00Z", "2026-06-05T00:00:00Z", { isVoid: true }),
  reward("R6", 0, "2026-01-01T00:00:00Z", "2026-06-02T00:00:00Z"),
  reward("R7", 400, "2026-03-01T00:00:00Z", "2026-07-01T00:00:00Z"), // same expiry as R2, issued earlier
];
const POINTS: PointsSource = {
  definitionId: "P",
  pointsPerDollar: 100,
  lots: [
    lot("L1", 1_500, "2026-01-01T00:00:00Z", "2026-06-20T00:00:00Z"),
    lot("L2", 1_000, "2025-06-01T00:00:00Z", null),
    lot("L3", 500, "2026-05-30T00:00:00Z", null, { spendableAt: d("2026-06-13T00:00:00Z") }), // pending
  ],
};

describe("points and cents", () => {
  it.each([
    [1, 100, 1],
    [250, 100, 250],
    [1, 150, 2], // 1.5 → 2: the customer pays the fraction, never gets it free
    [2, 150, 3],
    [3, 150, 5], // 4.5 → 5
    [100, 150, 150],
    [150, 1, 2], // 1 point = $1: $1.50 takes 2 points
    [100, 1, 1],
    [0, 100, 0],
    [100_000_000_000_000, 1_000, 1_000_000_000_000_000],
  ])("%i cents at %i points per dollar take %i points", (cents, ppd, points) => {
    expect(pointsForCents(cents, ppd)).toBe(points);
  });

  it.each([
    [1, 100, 1],
    [149, 150, 99], // 99.33 → 99: the balance never shows more than it can pay
    [150, 150, 100],
    [1, 150, 0],
    [1, 1, 100],
    [0, 100, 0],
  ])("%i points at %i per dollar are worth %i cents", (points, ppd, cents) => {
    expect(centsForPoints(points, ppd)).toBe(cents);
  });

  it("never lets the worth of a balance cost more points than the balance", () => {
    for (const ppd of [1, 3, 7, 100, 150, 333, 1000]) {
      for (let p = 0; p <= 2_000; p += 13) expect(pointsForCents(centsForPoints(p, ppd), ppd)).toBeLessThanOrEqual(p);
    }
  });

  it.each([
    [() => pointsForCents(100, 0)],
    [() => pointsForCents(100, 1.5)],
    [() => pointsForCents(-1, 100)],
    [() => pointsForCents(1.5, 100)],
    [() => centsForPoints(-1, 100)],
    [() => centsForPoints(10, -100)],
  ])("refuses bad input %#", (fn) => {
    expect(fn).toThrow(RangeError);
  });
});

describe("rewards", () => {
  it.each([
    ["R1", true],
    ["R3", true],
    ["R4", false], // expires at this very instant
    ["R5", false], // void
    ["R6", false], // empty
  ])("%s usable: %s", (id, usable) => {
    expect(isRewardUsable(REWARDS.find((r) => r.id === id)!, AT)).toBe(usable);
  });

  it("orders nearest expiry first, never last, then oldest issued", () => {
    expect([...REWARDS].sort(compareRewardsForRedemption).map((r) => r.id)).toEqual(["R4", "R6", "R5", "R1", "R7", "R2", "R3"]);
  });

  it("sums the usable rewards", () => {
    expect(rewardBalance(REWARDS, AT)).toBe(3_900);
    expect(rewardBalance(REWARDS, new Date(AT.getTime() - 1))).toBe(4_600); // R4 still good
    expect(rewardBalance([], AT)).toBe(0);
    expect(redeemableBalance(REWARDS, POINTS, AT)).toEqual({ rewardsCents: 3_900, points: 2_500, pointsCents: 2_500 });
    expect(redeemableBalance(REWARDS, null, AT)).toEqual({ rewardsCents: 3_900, points: 0, pointsCents: 0 });
  });
});

describe("allocating a redemption", () => {
  type Row = [string, string, number, Array<[string, number]>, Array<[string, number]> | null, number];
  const r = (strategy: string, amountCents: number, points: PointsSource | null = POINTS) => allocateRedemption({ strategy, amountCents, rewards: REWARDS, points }, AT);

  it.each([
    // name, strategy, cents, rewards taken, lots taken (null: no points), points cents
    ["rewards, nearest expiry first", "rewards", 1_500, [["R1", 1_000], ["R7", 400], ["R2", 100]], null, 0],
    ["rewards, the exact balance", "rewards", 3_900, [["R1", 1_000], ["R7", 400], ["R2", 2_000], ["R3", 500]], null, 0],
    ["rewards, one cent", "rewards", 1, [["R1", 1]], null, 0],
    ["points, FIFO lots", "points", 1_234, [], [["L1", 1_234]], 1_234],
    ["points, the exact balance", "points", 2_500, [], [["L1", 1_500], ["L2", 1_000]], 2_500],
    ["rewards then points", "rewards_points", 4_000, [["R1", 1_000], ["R7", 400], ["R2", 2_000], ["R3", 500]], [["L1", 100]], 100],
    ["rewards then points, rewards cover it", "rewards_points", 900, [["R1", 900]], null, 0],
    ["points then rewards", "points_rewards", 3_000, [["R1", 500]], [["L1", 1_500], ["L2", 1_000]], 2_500],
    ["points then rewards, points cover it", "points_rewards", 100, [], [["L1", 100]], 100],
    ["the whole combined balance", "rewards_points", 6_400, [["R1", 1_000], ["R7", 400], ["R2", 2_000], ["R3", 500]], [["L1", 1_500], ["L2", 1_000]], 2_500],
  ] as Row[])("%s", (_name, strategy, cents, rewards, lots, pointsCents) => {
    const result = r(strategy, cents);
    if (!result.ok) throw new Error(result.message);
    const b = result.breakdown;
    expect(b.strategy).toBe(strategy);
    expect(b.amountCents).toBe(cents);
    expect(b.rewards).toEqual(rewards.map(([rewardId, c]) => ({ rewardId, cents: c })));
    expect(b.points?.allocations ?? null).toEqual(lots ? lots.map(([lotId, points]) => ({ lotId, points })) : null);
    expect(b.pointsCents).toBe(pointsCents);
    expect(b.rewardsCents + b.pointsCents).toBe(cents);
  });

  it.each([
    ["rewards", 3_901, 3_900, "cannot redeem 39.01: 39.00 available (rewards 39.00), 0.01 short"],
    ["points", 2_501, 2_500, "cannot redeem 25.01: 25.00 available (points 25.00), 0.01 short"],
    ["rewards_points", 6_401, 6_400, "cannot redeem 64.01: 64.00 available (rewards 39.00, points 25.00), 0.01 short"],
    ["points_rewards", 100_000, 6_400, "cannot redeem 1000.00: 64.00 available (rewards 39.00, points 25.00), 936.00 short"],
  ])("refuses %s over the balance (%i cents), all or nothing", (strategy, cents, available, message) => {
    expect(r(strategy, cents)).toEqual({
      ok: false,
      code: "insufficient_balance",
      message,
      requestedCents: cents,
      availableCents: available,
      shortfallCents: cents - available,
      balance: { rewardsCents: 3_900, points: 2_500, pointsCents: 2_500 },
    });
  });

  it("has no points to give without a points source", () => {
    expect(r("points", 1, null)).toMatchObject({ ok: false, code: "insufficient_balance", availableCents: 0 });
    const mixed = r("rewards_points", 3_900, null);
    expect(mixed.ok && mixed.breakdown.points).toBeNull();
  });

  it.each([
    ["cash", 100, "invalid_strategy"],
    ["", 100, "invalid_strategy"],
    ["rewards", 0, "invalid_amount"],
    ["rewards", -100, "invalid_amount"],
    ["points", 12.5, "invalid_amount"],
    ["points", Number.NaN, "invalid_amount"],
  ])("refuses strategy %j and %d cents: %s", (strategy, cents, code) => {
    expect(r(strategy, cents)).toMatchObject({ ok: false, code });
  });

  it("names the bad input", () => {
    expect(r("cash", 100)).toMatchObject({ message: 'strategy must be one of rewards, points, rewards_points, points_rewards; got "cash"' });
    expect(r("rewards", -100)).toMatchObject({ message: "amount must be greater than 0 with at most two decimal places, got -1.00" });
    expect(r("rewards", 12.5)).toMatchObject({ message: "amount must be greater than 0 with at most two decimal places, got 12.5 cents" });
  });

  it("rounds points up at a rate that does not divide a cent, within the balance", () => {
    const source: PointsSource = { definitionId: "P", pointsPerDollar: 150, lots: [lot("A", 149, "2026-01-01T00:00:00Z", null)] };
    const all = allocateRedemption({ strategy: "points", amountCents: 99, rewards: [], points: source }, AT);
    // 99 cents × 1.5 = 148.5 → 149 points: the whole lot, no fraction of a point
    expect(all.ok && all.breakdown.points).toEqual({ definitionId: "P", points: 149, cents: 99, allocations: [{ lotId: "A", points: 149 }] });
    expect(allocateRedemption({ strategy: "points", amountCents: 100, rewards: [], points: source }, AT)).toMatchObject({ ok: false, availableCents: 99 });
    const one = allocateRedemption({ strategy: "points", amountCents: 1, rewards: [], points: source }, AT);
    expect(one.ok && one.breakdown.points?.points).toBe(2);
  });

  it("takes from points only what they are worth, then rewards, when mixing at an awkward rate", () => {
    const source: PointsSource = { definitionId: "P", pointsPerDollar: 150, lots: [lot("A", 149, "2026-01-01T00:00:00Z", null)] };
    const res = allocateRedemption({ strategy: "points_rewards", amountCents: 150, rewards: [reward("X", 100, "2026-01-01T00:00:00Z", null)], points: source }, AT);
    if (!res.ok) throw new Error(res.message);
    expect(res.breakdown).toMatchObject({ pointsCents: 99, rewardsCents: 51, points: { points: 149 }, rewards: [{ rewardId: "X", cents: 51 }] });
  });

  it("never spends more than any instance holds, and the parts add up, for every amount", () => {
    for (const strategy of ["rewards", "points", "rewards_points", "points_rewards"]) {
      for (let cents = 1; cents <= 6_400; cents += 97) {
        const res = r(strategy, cents);
        if (!res.ok) continue;
        const after = applyRedemption(REWARDS, POINTS.lots, res.breakdown, -1);
        expect(after.rewards.every((x) => x.valueRemainingCents >= 0)).toBe(true);
        expect(after.lots.every((x) => x.pointsRemaining >= 0)).toBe(true);
        expect(res.breakdown.rewardsCents + res.breakdown.pointsCents).toBe(cents);
      }
    }
  });
});

describe("reversal", () => {
  const created = d("2026-06-01T12:00:00Z");

  it.each([
    ["at once", created, { ok: true }],
    ["at exactly 10 minutes", new Date(created.getTime() + REVERSAL_WINDOW_MS), { ok: true }],
    ["a millisecond later", new Date(created.getTime() + REVERSAL_WINDOW_MS + 1), { ok: false, code: "reversal_window_closed" }],
    ["a day later", d("2026-06-02T12:00:00Z"), { ok: false, code: "reversal_window_closed" }],
    ["with a clock slightly behind", new Date(created.getTime() - 1000), { ok: true }],
  ])("%s", (_name, at, expected) => {
    expect(canReverse({ createdAt: created }, at)).toMatchObject(expected);
  });

  it("reverses only once", () => {
    expect(canReverse({ createdAt: created, reversedAt: d("2026-06-01T12:01:00Z") }, d("2026-06-01T12:02:00Z"))).toMatchObject({ ok: false, code: "already_reversed" });
  });

  it("gives back exactly what was taken", () => {
    const res = allocateRedemption({ strategy: "rewards_points", amountCents: 4_000, rewards: REWARDS, points: POINTS }, AT);
    if (!res.ok) throw new Error(res.message);
    expect(reversalOf(res.breakdown)).toEqual({
      rewards: [{ rewardId: "R1", cents: 1_000 }, { rewardId: "R7", cents: 400 }, { rewardId: "R2", cents: 2_000 }, { rewardId: "R3", cents: 500 }],
      lots: [{ lotId: "L1", points: 100 }],
    });
    const taken = applyRedemption(REWARDS, POINTS.lots, res.breakdown, -1);
    expect(rewardBalance(taken.rewards, AT)).toBe(0);
    const restored = applyRedemption(taken.rewards, taken.lots, res.breakdown, 1);
    expect(restored).toEqual({ rewards: REWARDS, lots: POINTS.lots });
  });

  it("will not restore a reward past its initial value, take one below zero, or touch an unknown one", () => {
    const rewards = [reward("R", 500, "2026-01-01T00:00:00Z", null, { valueInitialCents: 1_000 })];
    expect(() => applyRewardAllocations(rewards, [{ rewardId: "R", cents: 501 }], 1)).toThrow(RangeError);
    expect(applyRewardAllocations(rewards, [{ rewardId: "R", cents: 500 }], 1)[0]!.valueRemainingCents).toBe(1_000);
    expect(() => applyRewardAllocations(rewards, [{ rewardId: "R", cents: 501 }], -1)).toThrow(RangeError);
    expect(() => applyRewardAllocations(rewards, [{ rewardId: "nope", cents: 1 }], -1)).toThrow(RangeError);
    expect(() => applyRewardAllocations(rewards, [{ rewardId: "R", cents: 0 }], -1)).toThrow(RangeError);
  });

  it("reverses a points-only redemption with no rewards touched", () => {
    const b: RedemptionBreakdown = {
      strategy: "points",
      amountCents: 10,
      rewards: [],
      rewardsCents: 0,
      points: { definitionId: "P", points: 10, cents: 10, allocations: [{ lotId: "L2", points: 10 }] },
      pointsCents: 10,
    };
    expect(reversalOf(b)).toEqual({ rewards: [], lots: [{ lotId: "L2", points: 10 }] });
  });
});
