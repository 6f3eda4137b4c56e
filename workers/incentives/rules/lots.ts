// Points lots: each award is a lot that is spent FIFO (soonest expiry first), clawed back on a return
// and expired on time. These rules only decide which lot gives how many points; the ledger DO applies
// the allocations and writes one ledger entry per lot touched.
import { isExpired } from "./expiry";

export interface PointsLot {
  id: string;
  definitionId: string;
  /** whole points still in the lot (≥ 0) */
  pointsRemaining: number;
  earnedAt: Date;
  /** the lot is expired from this instant on; null: never expires */
  expiresAt: Date | null;
  /** the lot may be spent from this instant on (the end of its pending period; earnedAt when none) */
  spendableAt: Date;
  /** the purchase that earned it, when there was one */
  sourceTransactionId: string | null;
}

export interface LotAllocation {
  lotId: string;
  points: number;
}

export type SpendResult =
  | { ok: true; allocations: LotAllocation[]; points: number }
  | { ok: false; code: "invalid_amount"; message: string }
  | { ok: false; code: "insufficient_balance"; message: string; requested: number; available: number; shortfall: number };

export interface ClawBackResult {
  allocations: LotAllocation[];
  /** points actually taken back */
  clawedBack: number;
  /** points that could not be taken because the lots had run dry; written in the ledger, never a negative balance */
  shortfall: number;
}

export interface ExpiryResult {
  expired: LotAllocation[];
  points: number;
}

/**
 * A lot is expired from its expiresAt on (the interval is [earned, expires)): at the exact instant of
 * expiry it can no longer be spent, and the alarm set for that instant expires it.
 */
export function isLotExpired(lot: Pick<PointsLot, "expiresAt">, at: Date): boolean {
  return isExpired(lot.expiresAt, at);
}

/** Spendable at `at`: past its pending period (spendableAt ≤ at), not expired, points left. */
export function isLotSpendable(lot: PointsLot, at: Date): boolean {
  return lot.pointsRemaining > 0 && lot.spendableAt.getTime() <= at.getTime() && !isLotExpired(lot, at);
}

function assertLots(lots: readonly PointsLot[]): void {
  for (const lot of lots) {
    if (!Number.isSafeInteger(lot.pointsRemaining) || lot.pointsRemaining < 0) {
      throw new RangeError(`lot ${lot.id} has ${lot.pointsRemaining} points remaining; a lot holds a whole number ≥ 0`);
    }
  }
}

function byId(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** FIFO order: soonest expiry first (never-expiring last), then the oldest earned, then by id. */
export function compareLotsForSpending(a: PointsLot, b: PointsLot): number {
  const ea = a.expiresAt?.getTime() ?? Infinity;
  const eb = b.expiresAt?.getTime() ?? Infinity;
  if (ea !== eb) return ea < eb ? -1 : 1;
  if (a.earnedAt.getTime() !== b.earnedAt.getTime()) return a.earnedAt.getTime() - b.earnedAt.getTime();
  return byId(a, b);
}

/** Points by state at `at`: spendable now, pending (earned, not yet spendable), and both together. Expired lots count nowhere. */
export function lotBalance(lots: readonly PointsLot[], at: Date): { spendable: number; pending: number; total: number } {
  assertLots(lots);
  let spendable = 0;
  let pending = 0;
  for (const lot of lots) {
    if (isLotExpired(lot, at) || lot.pointsRemaining === 0) continue;
    if (lot.spendableAt.getTime() <= at.getTime()) spendable += lot.pointsRemaining;
    else pending += lot.pointsRemaining;
  }
  return { spendable, pending, total: spendable + pending };
}

/**
 * Which lots pay for spending `amount` points at `at`: only spendable lots (past pending, unexpired), in
 * FIFO order (soonest expiry, never-expiring last, then oldest earned). All or nothing: more than the
 * spendable balance is refused with the shortfall, never partly spent. Zero spends nothing; a negative
 * or fractional amount is refused. The lots must all belong to one points definition.
 */
export function spendPoints(lots: readonly PointsLot[], amount: number, at: Date): SpendResult {
  assertLots(lots);
  if (!Number.isSafeInteger(amount) || amount < 0) {
    return { ok: false, code: "invalid_amount", message: `points to spend must be a whole number ≥ 0, got ${amount}` };
  }
  if (new Set(lots.map((l) => l.definitionId)).size > 1) throw new RangeError("spendPoints takes the lots of one points definition");
  const usable = lots.filter((l) => isLotSpendable(l, at)).sort(compareLotsForSpending);
  const available = usable.reduce((s, l) => s + l.pointsRemaining, 0);
  if (amount > available) {
    return {
      ok: false,
      code: "insufficient_balance",
      message: `cannot spend ${amount} points: ${available} spendable`,
      requested: amount,
      available,
      shortfall: amount - available,
    };
  }
  const allocations: LotAllocation[] = [];
  let left = amount;
  for (const lot of usable) {
    if (left === 0) break;
    const take = Math.min(left, lot.pointsRemaining);
    allocations.push({ lotId: lot.id, points: take });
    left -= take;
  }
  return { ok: true, allocations, points: amount };
}

/**
 * Which lots give back `points` for a return of a purchase: first what is left of the lots that purchase
 * earned (oldest first), then the newest other lots (latest earned first, so the points most likely
 * earned since are taken before old ones). Pending lots count (the pending period exists for returns);
 * expired lots do not (their points are gone). Never below zero: what cannot be found is the shortfall,
 * for the ledger to record. `sourceTransactionId` null (a return we cannot link) goes straight to the
 * newest lots. `points` is the positive amount to take back (the return's earn, negated).
 */
export function clawBackReturn(lots: readonly PointsLot[], points: number, sourceTransactionId: string | null, at: Date): ClawBackResult {
  assertLots(lots);
  if (!Number.isSafeInteger(points) || points < 0) throw new RangeError(`points to claw back must be a whole number ≥ 0, got ${points}`);
  const live = lots.filter((l) => l.pointsRemaining > 0 && !isLotExpired(l, at));
  const own = live
    .filter((l) => sourceTransactionId !== null && l.sourceTransactionId === sourceTransactionId)
    .sort((a, b) => a.earnedAt.getTime() - b.earnedAt.getTime() || byId(a, b));
  const others = live
    .filter((l) => !(sourceTransactionId !== null && l.sourceTransactionId === sourceTransactionId))
    .sort((a, b) => b.earnedAt.getTime() - a.earnedAt.getTime() || byId(b, a));
  const allocations: LotAllocation[] = [];
  let left = points;
  for (const lot of [...own, ...others]) {
    if (left === 0) break;
    const take = Math.min(left, lot.pointsRemaining);
    allocations.push({ lotId: lot.id, points: take });
    left -= take;
  }
  return { allocations, clawedBack: points - left, shortfall: left };
}

/** The lots that are expired at `at` with points still in them, and how many points go. */
export function expireLots(lots: readonly PointsLot[], at: Date): ExpiryResult {
  assertLots(lots);
  const expired = lots
    .filter((l) => l.pointsRemaining > 0 && isLotExpired(l, at))
    .sort(compareLotsForSpending)
    .map((l) => ({ lotId: l.id, points: l.pointsRemaining }));
  return { expired, points: expired.reduce((s, e) => s + e.points, 0) };
}

/** When the next lot with points in it expires after `at` (for the DO's alarm); null when none will. */
export function nextLotExpiry(lots: readonly PointsLot[], at: Date): Date | null {
  let next: number | null = null;
  for (const l of lots) {
    if (l.pointsRemaining <= 0 || l.expiresAt === null || isLotExpired(l, at)) continue;
    const t = l.expiresAt.getTime();
    if (next === null || t < next) next = t;
  }
  return next === null ? null : new Date(next);
}

/**
 * Lots after allocations are taken (direction −1: a spend, claw-back or expiry) or given back (+1: a
 * reversal restores exactly what was taken, to the same lots). Throws when an allocation names an
 * unknown lot, is not a positive whole number, or would take a lot below zero: that is a bug, not a
 * customer's mistake.
 */
export function applyLotAllocations(lots: readonly PointsLot[], allocations: readonly LotAllocation[], direction: 1 | -1): PointsLot[] {
  const remaining = new Map(lots.map((l) => [l.id, l.pointsRemaining]));
  for (const a of allocations) {
    const current = remaining.get(a.lotId);
    if (current === undefined) throw new RangeError(`no lot ${a.lotId}`);
    if (!Number.isSafeInteger(a.points) || a.points <= 0) throw new RangeError(`allocation of ${a.points} points to lot ${a.lotId}`);
    const next = current + direction * a.points;
    if (next < 0) throw new RangeError(`lot ${a.lotId} has ${current} points; cannot take ${a.points}`);
    remaining.set(a.lotId, next);
  }
  return lots.map((l) => ({ ...l, pointsRemaining: remaining.get(l.id)! }));
}
