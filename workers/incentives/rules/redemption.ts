// Redemption: how an amount in cents is taken from a profile's rewards and reward points under a
// strategy, nearest expiry first, all or nothing; and whether (and how) a redemption can be reversed.
import { centsToDecimal } from "../../platform/money";
import { type LotAllocation, type PointsLot, applyLotAllocations, lotBalance, spendPoints } from "./lots";

export const REDEMPTION_STRATEGIES = ["rewards", "points", "rewards_points", "points_rewards"] as const;
export type RedemptionStrategy = (typeof REDEMPTION_STRATEGIES)[number];

/** A redemption may be reversed up to and including this long after it was made. */
export const REVERSAL_WINDOW_MS = 10 * 60 * 1000;

export interface RewardInstance {
  id: string;
  /** cents left on the reward (≥ 0) */
  valueRemainingCents: number;
  /** when given, a reversal may not restore more than this */
  valueInitialCents?: number;
  issuedAt: Date;
  /** expired from this instant on; null: never */
  expiresAt: Date | null;
  isVoid?: boolean;
}

/** The reward points a redemption may spend: one reward-kind definition, its lots and its rate. */
export interface PointsSource {
  definitionId: string;
  /** points worth one dollar (100: 100 points = $1); a whole number ≥ 1 */
  pointsPerDollar: number;
  lots: readonly PointsLot[];
}

export interface RewardAllocation {
  rewardId: string;
  cents: number;
}

export interface RedemptionBreakdown {
  strategy: RedemptionStrategy;
  amountCents: number;
  /** which rewards give how many cents, in the order taken */
  rewards: RewardAllocation[];
  rewardsCents: number;
  /** the points spent, what they paid for and which lots they came from; null when none */
  points: { definitionId: string; points: number; cents: number; allocations: LotAllocation[] } | null;
  pointsCents: number;
}

export interface RedeemableBalance {
  rewardsCents: number;
  /** spendable points */
  points: number;
  /** what the spendable points are worth, rounded down to the cent */
  pointsCents: number;
}

export type RedemptionResult =
  | { ok: true; breakdown: RedemptionBreakdown }
  | { ok: false; code: "invalid_amount" | "invalid_strategy"; message: string }
  | { ok: false; code: "insufficient_balance"; message: string; requestedCents: number; availableCents: number; shortfallCents: number; balance: RedeemableBalance };

export interface RedemptionRecord {
  createdAt: Date;
  reversedAt?: Date | null;
}

export type ReversalCheck = { ok: true } | { ok: false; code: "already_reversed" | "reversal_window_closed"; message: string };

function assertPointsPerDollar(p: number): void {
  if (!Number.isSafeInteger(p) || p < 1) throw new RangeError(`points_per_dollar must be a whole number ≥ 1, got ${p}`);
}

/**
 * Points that pay for an amount: cents × points_per_dollar ÷ 100, rounded up. Up, so a customer never
 * gets value the points do not cover; whole, so no fraction of a point is ever spent. At 100 points per
 * dollar this is exact (one point per cent).
 */
export function pointsForCents(cents: number, pointsPerDollar: number): number {
  assertPointsPerDollar(pointsPerDollar);
  if (!Number.isSafeInteger(cents) || cents < 0) throw new RangeError(`cents must be a whole number ≥ 0, got ${cents}`);
  const n = BigInt(cents) * BigInt(pointsPerDollar);
  return Number((n + 99n) / 100n);
}

/**
 * What points are worth: points × 100 ÷ points_per_dollar, rounded down to the cent (the balance never
 * shows more than can be redeemed). pointsForCents(centsForPoints(p)) ≤ p always holds.
 */
export function centsForPoints(points: number, pointsPerDollar: number): number {
  assertPointsPerDollar(pointsPerDollar);
  if (!Number.isSafeInteger(points) || points < 0) throw new RangeError(`points must be a whole number ≥ 0, got ${points}`);
  return Number((BigInt(points) * 100n) / BigInt(pointsPerDollar));
}

/** A reward can be redeemed at `at` when it is not void, has value left and has not expired ([issued, expires)). */
export function isRewardUsable(reward: RewardInstance, at: Date): boolean {
  return !reward.isVoid && reward.valueRemainingCents > 0 && (reward.expiresAt === null || at.getTime() < reward.expiresAt.getTime());
}

/** Nearest expiry first (never-expiring last), then the oldest issued, then by id. */
export function compareRewardsForRedemption(a: RewardInstance, b: RewardInstance): number {
  const ea = a.expiresAt?.getTime() ?? Infinity;
  const eb = b.expiresAt?.getTime() ?? Infinity;
  if (ea !== eb) return ea < eb ? -1 : 1;
  if (a.issuedAt.getTime() !== b.issuedAt.getTime()) return a.issuedAt.getTime() - b.issuedAt.getTime();
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function assertRewards(rewards: readonly RewardInstance[]): void {
  for (const r of rewards) {
    if (!Number.isSafeInteger(r.valueRemainingCents) || r.valueRemainingCents < 0) throw new RangeError(`reward ${r.id} has ${r.valueRemainingCents} cents remaining`);
  }
}

/** The reward balance at `at`: the sum of what is left on usable rewards. */
export function rewardBalance(rewards: readonly RewardInstance[], at: Date): number {
  assertRewards(rewards);
  return rewards.filter((r) => isRewardUsable(r, at)).reduce((s, r) => s + r.valueRemainingCents, 0);
}

/** What a profile can redeem at `at`: reward cents, spendable points and their worth. */
export function redeemableBalance(rewards: readonly RewardInstance[], points: PointsSource | null, at: Date): RedeemableBalance {
  const rewardsCents = rewardBalance(rewards, at);
  if (!points) return { rewardsCents, points: 0, pointsCents: 0 };
  const spendable = lotBalance(points.lots, at).spendable;
  return { rewardsCents, points: spendable, pointsCents: centsForPoints(spendable, points.pointsPerDollar) };
}

/**
 * Splits a redemption of `amountCents` at `at` by strategy: `rewards` only rewards, `points` only points,
 * `rewards_points` rewards first and points for the rest, `points_rewards` the other way round. Rewards go
 * nearest expiry first; points come from lots FIFO (lots.spendPoints), and the points for a share of cents
 * are rounded up (pointsForCents). All or nothing: more than the strategy's balance is refused with the
 * shortfall, never partly redeemed. The amount must be whole cents > 0.
 */
export function allocateRedemption(
  input: { strategy: string; amountCents: number; rewards: readonly RewardInstance[]; points: PointsSource | null },
  at: Date,
): RedemptionResult {
  const { strategy, amountCents } = input;
  if (!(REDEMPTION_STRATEGIES as readonly string[]).includes(strategy)) {
    return { ok: false, code: "invalid_strategy", message: `strategy must be one of ${REDEMPTION_STRATEGIES.join(", ")}; got ${JSON.stringify(strategy)}` };
  }
  if (!Number.isSafeInteger(amountCents) || amountCents <= 0) {
    return { ok: false, code: "invalid_amount", message: `amount must be greater than 0 with at most two decimal places, got ${Number.isSafeInteger(amountCents) ? centsToDecimal(amountCents) : `${amountCents} cents`}` };
  }
  const balance = redeemableBalance(input.rewards, input.points, at);
  const useRewards = strategy !== "points";
  const usePoints = strategy !== "rewards";
  const availableCents = (useRewards ? balance.rewardsCents : 0) + (usePoints ? balance.pointsCents : 0);
  if (amountCents > availableCents) {
    const parts = [useRewards ? `rewards ${centsToDecimal(balance.rewardsCents)}` : null, usePoints ? `points ${centsToDecimal(balance.pointsCents)}` : null].filter(Boolean);
    return {
      ok: false,
      code: "insufficient_balance",
      message: `cannot redeem ${centsToDecimal(amountCents)}: ${centsToDecimal(availableCents)} available (${parts.join(", ")}), ${centsToDecimal(amountCents - availableCents)} short`,
      requestedCents: amountCents,
      availableCents,
      shortfallCents: amountCents - availableCents,
      balance,
    };
  }

  const order: Array<"rewards" | "points"> = strategy === "rewards" ? ["rewards"] : strategy === "points" ? ["points"] : strategy === "rewards_points" ? ["rewards", "points"] : ["points", "rewards"];
  let left = amountCents;
  const rewards: RewardAllocation[] = [];
  let points: RedemptionBreakdown["points"] = null;
  for (const source of order) {
    if (left === 0) break;
    if (source === "rewards") {
      for (const r of input.rewards.filter((r) => isRewardUsable(r, at)).sort(compareRewardsForRedemption)) {
        if (left === 0) break;
        const take = Math.min(left, r.valueRemainingCents);
        rewards.push({ rewardId: r.id, cents: take });
        left -= take;
      }
    } else if (input.points) {
      const cents = Math.min(left, balance.pointsCents);
      if (cents === 0) continue;
      const needed = pointsForCents(cents, input.points.pointsPerDollar);
      const spent = spendPoints(input.points.lots, needed, at);
      // cannot happen: needed ≤ spendable because cents ≤ centsForPoints(spendable)
      if (!spent.ok) throw new Error(`points allocation failed: ${spent.message}`);
      points = { definitionId: input.points.definitionId, points: needed, cents, allocations: spent.allocations };
      left -= cents;
    }
  }
  const rewardsCents = rewards.reduce((s, r) => s + r.cents, 0);
  return {
    ok: true,
    breakdown: { strategy: strategy as RedemptionStrategy, amountCents, rewards, rewardsCents, points, pointsCents: points?.cents ?? 0 },
  };
}

/**
 * A redemption can be reversed once, up to and including 10 minutes after it was made (an `at` before
 * createdAt, clock skew, counts as within).
 */
export function canReverse(redemption: RedemptionRecord, at: Date): ReversalCheck {
  if (redemption.reversedAt) return { ok: false, code: "already_reversed", message: "this redemption has already been reversed" };
  if (at.getTime() - redemption.createdAt.getTime() > REVERSAL_WINDOW_MS) {
    return { ok: false, code: "reversal_window_closed", message: "a redemption can only be reversed within 10 minutes of being made" };
  }
  return { ok: true };
}

/**
 * The inverse of a redemption: exactly the cents to give back to each reward and the points to each lot
 * it took from. Given back to the same instances even if one has expired since (the ledger then expires
 * it again), so the ledger nets to zero.
 */
export function reversalOf(breakdown: RedemptionBreakdown): { rewards: RewardAllocation[]; lots: LotAllocation[] } {
  return {
    rewards: breakdown.rewards.map((r) => ({ ...r })),
    lots: (breakdown.points?.allocations ?? []).map((a) => ({ ...a })),
  };
}

/**
 * Rewards after allocations are taken (−1) or given back (+1). Throws on an unknown reward, a
 * non-positive allocation, a reward taken below zero or restored above its initial value: a bug.
 */
export function applyRewardAllocations(rewards: readonly RewardInstance[], allocations: readonly RewardAllocation[], direction: 1 | -1): RewardInstance[] {
  const byId = new Map(rewards.map((r) => [r.id, r]));
  const remaining = new Map(rewards.map((r) => [r.id, r.valueRemainingCents]));
  for (const a of allocations) {
    const reward = byId.get(a.rewardId);
    if (!reward) throw new RangeError(`no reward ${a.rewardId}`);
    if (!Number.isSafeInteger(a.cents) || a.cents <= 0) throw new RangeError(`allocation of ${a.cents} cents to reward ${a.rewardId}`);
    const next = remaining.get(a.rewardId)! + direction * a.cents;
    if (next < 0) throw new RangeError(`reward ${a.rewardId} cannot give ${a.cents} cents`);
    if (reward.valueInitialCents !== undefined && next > reward.valueInitialCents) throw new RangeError(`reward ${a.rewardId} cannot hold more than its initial value`);
    remaining.set(a.rewardId, next);
  }
  return rewards.map((r) => ({ ...r, valueRemainingCents: remaining.get(r.id)! }));
}

/** Applies a whole breakdown (−1: take it; +1: reverse it) to rewards and lots. */
export function applyRedemption(
  rewards: readonly RewardInstance[],
  lots: readonly PointsLot[],
  breakdown: RedemptionBreakdown,
  direction: 1 | -1,
): { rewards: RewardInstance[]; lots: PointsLot[] } {
  const inverse = reversalOf(breakdown);
  return { rewards: applyRewardAllocations(rewards, inverse.rewards, direction), lots: applyLotAllocations(lots, inverse.lots, direction) };
}
