// Tiers: a ladder of tiers fed by one tier-points definition over a rolling 12 months. Attain at once
// (upgrade only), maintain or drop on the anniversary (never below a floor), carry the attain overshoot
// as credit into the next cycle once, and report progress to the next tier.
//
// Credit, exactly:
// - Computed when a tier is attained (onPoints): the rolling total minus the attained tier's value_min
//   (650 on a 400 tier: 250), if that tier has credit enabled; else 0. A further upgrade in the same
//   cycle replaces it with the new overshoot. assignTier (by hand) sets it to 0.
// - Consumed at the next anniversary (maintain): the tier is judged on rolling total + credit, and
//   credit is then 0 whatever the outcome (kept, dropped, held by the floor). Maintaining never makes
//   new credit: it carries one cycle, once.
// - Not counted when attaining (onPoints) or in progress: until the anniversary, the points that made
//   the overshoot are still inside the rolling window, so adding credit would count them twice. By the
//   anniversary they have left the window (they were earned before the cycle began) and credit stands
//   in for them.
import { addMonths } from "../../platform/time";

export interface TierDefinition {
  id: string;
  pointDefinitionId: string;
  name?: string;
  /** rolling 12-month total that attains the tier */
  valueMin: number;
  /** rolling 12-month total (+ credit) that keeps it at the anniversary; ≤ valueMin */
  valueMaintain: number;
  /** once at (or above) this tier, a profile never drops below it */
  isFloor: boolean;
  /** whether attaining this tier carries the overshoot as credit */
  creditEnabled: boolean;
}

export interface TierState {
  tierId: string | null;
  achievedAt: Date | null;
  /** when the tier is next judged: achievedAt + 12 months (+ 12 more for each cycle kept) */
  anniversaryAt: Date | null;
  /** carried overshoot (whole tier points ≥ 0); see the module comment */
  credit: number;
}

export const NO_TIER: TierState = Object.freeze({ tierId: null, achievedAt: null, anniversaryAt: null, credit: 0 });

/** A tier is held for this many calendar months before it is judged. */
export const TIER_CYCLE_MONTHS = 12;

export type TierOutcome =
  /** onPoints moved up (tier.achieved) */
  | "attained"
  /** onPoints: nothing to attain */
  | "unchanged"
  /** maintain before the anniversary, or with no tier: nothing to do */
  | "not_due"
  /** maintain: total met value_maintain (tier.maintained) */
  | "maintained"
  /** maintain: total missed value_maintain but the tier is a floor, so it stays (tier.maintained) */
  | "held_by_floor"
  /** maintain: dropped to a lower tier or to none (tier.downgraded) */
  | "downgraded"
  /** staff set the tier by hand (audited) */
  | "assigned";

export interface TierChange {
  outcome: TierOutcome;
  from: string | null;
  to: string | null;
  state: TierState;
}

export interface TierProgress {
  current: TierDefinition | null;
  next: TierDefinition | null;
  /** total ÷ next.value_min, 0..1; 1 at the top of the ladder, 0 on an empty ladder */
  progress: number;
  /** points still needed for the next tier (0 at the top) */
  remaining: number;
  /** what keeping the current tier at the anniversary needs: value_maintain against total + credit */
  maintain: { target: number; remaining: number; met: boolean } | null;
}

function compareTiers(a: TierDefinition, b: TierDefinition): number {
  return a.valueMin - b.valueMin || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** The ladder of one tier-points definition: its tiers ordered by value_min (then id). */
export function buildLadder(tiers: readonly TierDefinition[], pointDefinitionId?: string): TierDefinition[] {
  return tiers.filter((t) => pointDefinitionId === undefined || t.pointDefinitionId === pointDefinitionId).sort(compareTiers);
}

/**
 * Everything wrong with a ladder, as messages (empty when sound): value_min and value_maintain are whole
 * numbers ≥ 0, value_maintain ≤ value_min (keeping a tier cannot ask more than reaching it, or a member
 * could attain a tier they would at once fail to keep), no two tiers share a value_min, all tiers feed
 * from one points definition. Several floors are allowed: each holds from itself up.
 */
export function ladderErrors(tiers: readonly TierDefinition[]): string[] {
  const errors: string[] = [];
  const seen = new Map<number, string>();
  for (const t of tiers) {
    const label = t.name ?? t.id;
    const minOk = Number.isSafeInteger(t.valueMin) && t.valueMin >= 0;
    if (!minOk) errors.push(`${label}: value_min must be a whole number ≥ 0`);
    if (!Number.isSafeInteger(t.valueMaintain) || t.valueMaintain < 0) errors.push(`${label}: value_maintain must be a whole number ≥ 0`);
    else if (minOk && t.valueMaintain > t.valueMin) errors.push(`${label}: value_maintain (${t.valueMaintain}) may not be more than value_min (${t.valueMin})`);
    const other = seen.get(t.valueMin);
    if (other !== undefined) errors.push(`${label}: value_min ${t.valueMin} is already the minimum of ${other}`);
    else seen.set(t.valueMin, label);
  }
  if (new Set(tiers.map((t) => t.pointDefinitionId)).size > 1) errors.push("the tiers of one ladder must share a point definition");
  return errors;
}

function indexOfTier(ladder: readonly TierDefinition[], tierId: string | null): number {
  if (tierId === null) return -1;
  const i = ladder.findIndex((t) => t.id === tierId);
  if (i < 0) throw new RangeError(`tier ${tierId} is not on this ladder`);
  return i;
}

function assertState(state: TierState): void {
  if (!Number.isSafeInteger(state.credit) || state.credit < 0) throw new RangeError(`tier credit must be a whole number ≥ 0, got ${state.credit}`);
  if (state.tierId !== null && (!state.achievedAt || !state.anniversaryAt)) throw new RangeError(`tier state for ${state.tierId} lacks achievedAt/anniversaryAt`);
}

function assertTotal(total: number): void {
  if (!Number.isSafeInteger(total)) throw new RangeError(`a tier total must be whole points, got ${total}`);
}

/** The first anniversary of `achievedAt` (every 12 calendar months, counted from it) that is after `at`. */
export function nextAnniversary(achievedAt: Date, at: Date, timezone = "UTC"): Date {
  // counted from achievedAt, not from the last anniversary, so 29 Feb comes back in leap years; a run
  // that was down for years steps over the missed anniversaries (only the current total is known)
  let cycles = 1;
  let next = addMonths(achievedAt, TIER_CYCLE_MONTHS, timezone);
  while (next.getTime() <= at.getTime()) next = addMonths(achievedAt, TIER_CYCLE_MONTHS * ++cycles, timezone);
  return next;
}

/** The highest tier whose value_min the total reaches (index into the ladder; −1 for none). */
function attainableIndex(ladder: readonly TierDefinition[], total: number): number {
  let best = -1;
  ladder.forEach((t, i) => {
    if (total >= t.valueMin) best = i;
  });
  return best;
}

/**
 * Attain: the moment the rolling 12-month total reaches a tier's value_min above the current tier, the
 * profile moves up, as many steps as the total reaches (upgrade only; a lower total never drops a tier
 * here). The new tier is achieved at `at`, its anniversary is 12 calendar months later (in `timezone`),
 * and credit becomes the overshoot over its value_min (0 when the tier has credit off).
 */
export function onPoints(ladder: readonly TierDefinition[], state: TierState, rolling12mTotal: number, at: Date, timezone = "UTC"): TierChange {
  assertState(state);
  assertTotal(rolling12mTotal);
  const current = indexOfTier(ladder, state.tierId);
  const target = attainableIndex(ladder, rolling12mTotal);
  if (target <= current) return { outcome: "unchanged", from: state.tierId, to: state.tierId, state };
  const tier = ladder[target]!;
  return {
    outcome: "attained",
    from: state.tierId,
    to: tier.id,
    state: {
      tierId: tier.id,
      achievedAt: at,
      anniversaryAt: addMonths(at, TIER_CYCLE_MONTHS, timezone),
      credit: tier.creditEnabled ? rolling12mTotal - tier.valueMin : 0,
    },
  };
}

/**
 * Maintain, on or after the anniversary (before it, or with no tier: "not_due"). With total = rolling
 * 12-month total + credit: if total ≥ the tier's value_maintain, it is kept and the next anniversary is
 * 12 months on (counted from achievedAt, so a late run does not drift). Otherwise the profile drops to
 * the highest tier at or below its own whose value_maintain the total meets, but never below the
 * highest floor at or below its current tier (at a floor it simply stays: "held_by_floor"); with
 * neither, it has no tier. A lower tier is held from the anniversary it dropped on, for another 12
 * months. Credit is consumed (0) in every case.
 */
export function maintain(ladder: readonly TierDefinition[], state: TierState, rolling12mTotal: number, at: Date, timezone = "UTC"): TierChange {
  assertState(state);
  assertTotal(rolling12mTotal);
  const current = indexOfTier(ladder, state.tierId);
  if (current < 0 || at.getTime() < state.anniversaryAt!.getTime()) return { outcome: "not_due", from: state.tierId, to: state.tierId, state };
  const tier = ladder[current]!;
  const total = rolling12mTotal + state.credit;
  if (total >= tier.valueMaintain) {
    return {
      outcome: "maintained",
      from: tier.id,
      to: tier.id,
      state: { ...state, anniversaryAt: nextAnniversary(state.achievedAt!, at, timezone), credit: 0 },
    };
  }
  let qualifying = -1;
  let floor = -1;
  for (let i = 0; i <= current; i++) {
    if (total >= ladder[i]!.valueMaintain) qualifying = i;
    if (ladder[i]!.isFloor) floor = i;
  }
  const target = Math.max(qualifying, floor);
  if (target === current) {
    return {
      outcome: "held_by_floor",
      from: tier.id,
      to: tier.id,
      state: { ...state, anniversaryAt: nextAnniversary(state.achievedAt!, at, timezone), credit: 0 },
    };
  }
  if (target < 0) return { outcome: "downgraded", from: tier.id, to: null, state: { ...NO_TIER } };
  const droppedAt = state.anniversaryAt!;
  return {
    outcome: "downgraded",
    from: tier.id,
    to: ladder[target]!.id,
    state: { tierId: ladder[target]!.id, achievedAt: droppedAt, anniversaryAt: nextAnniversary(droppedAt, at, timezone), credit: 0 },
  };
}

/**
 * Staff set a tier by hand (audited by the service): achieved now, anniversary in 12 months, no credit.
 * Null removes the tier. Up or down, floors do not stop a person with the permission.
 */
export function assignTier(ladder: readonly TierDefinition[], state: TierState, tierId: string | null, at: Date, timezone = "UTC"): TierChange {
  assertState(state);
  indexOfTier(ladder, tierId);
  if (tierId === null) return { outcome: "assigned", from: state.tierId, to: null, state: { ...NO_TIER } };
  return {
    outcome: "assigned",
    from: state.tierId,
    to: tierId,
    state: { tierId, achievedAt: at, anniversaryAt: addMonths(at, TIER_CYCLE_MONTHS, timezone), credit: 0 },
  };
}

/**
 * Where a profile stands: its tier, the next one up (the first rung when it has none), progress as
 * total ÷ next.value_min (the rolling total counts from zero, so "500 of 1,000" is half way, whatever the
 * current tier's minimum), the points still needed, and what keeping the current tier needs
 * (value_maintain against total + credit).
 */
export function progress(ladder: readonly TierDefinition[], state: TierState, rolling12mTotal: number): TierProgress {
  assertState(state);
  assertTotal(rolling12mTotal);
  const i = indexOfTier(ladder, state.tierId);
  const current = i >= 0 ? ladder[i]! : null;
  const next = ladder[i + 1] ?? null;
  let fraction: number;
  let remaining: number;
  if (next) {
    remaining = Math.max(0, next.valueMin - rolling12mTotal);
    fraction = next.valueMin <= 0 ? 1 : Math.min(1, Math.max(0, rolling12mTotal / next.valueMin));
  } else {
    remaining = 0;
    fraction = current ? 1 : 0;
  }
  const maintainTotal = rolling12mTotal + state.credit;
  return {
    current,
    next,
    progress: fraction,
    remaining,
    maintain: current
      ? { target: current.valueMaintain, remaining: Math.max(0, current.valueMaintain - maintainTotal), met: maintainTotal >= current.valueMaintain }
      : null,
  };
}
