// Earn rates: which rate applies to a transaction for each points definition, and how many points it
// earns. Rates are scoped by location, time window, profile condition and product condition; the most
// specific matching rate wins. Points are exact integers: no float ever decides a point.
import type { FieldErrors } from "../../platform/errors";
import { type Weekday, WEEKDAY_NAMES, isKnownTimezone, parseTimeOfDay, zonedParts } from "../../platform/time";
import { type Condition, conditionErrors, conditionHolds } from "./conditions";

export interface EarnRate {
  id: string;
  pointDefinitionId: string;
  /**
   * Points per dollar of net spend (1 = one point per dollar, 1.5 = three points per two dollars), at most
   * three decimal places; computed exactly as thousandths.
   */
  multiplier: number;
  /** Location scope: the rate applies only at these locations. Null/absent: anywhere. */
  locationIds?: readonly string[] | null;
  /** Time window scope, each part optional: [startsAt, endsAt), days of the week, local hours. */
  startsAt?: Date | null;
  endsAt?: Date | null;
  daysOfWeek?: readonly Weekday[] | null;
  /** Local time of day, [from, to) as "HH:MM"; `to` earlier than `from` runs past midnight. */
  hours?: { from: string; to: string } | null;
  /** The zone the days and hours are read in; absent: the transaction's zone (each store's own clock), then UTC. */
  timezone?: string | null;
  /** JSON Logic over the profile context (profile fields at the root, like an event context). */
  profileCondition?: Condition | null;
  /** JSON Logic over each item (see productConditionData); only matching items' spend earns. */
  productCondition?: Condition | null;
  /** Breaks ties between equally specific rates: higher wins. */
  priority: number;
}

export interface EarnItem {
  quantity: number;
  /** per unit, what was paid (cents) */
  priceSell: number;
  sku?: string | null;
  productId?: string | null;
  name?: string | null;
  brand?: string | null;
  category?: string | null;
  tags?: readonly string[] | null;
}

export interface EarnTransaction {
  locationId?: string | null;
  /** the transaction's (its location's) time zone */
  timezone?: string | null;
  /** net total in cents; used as the spend only when the transaction has no items */
  totalCents: number;
  items: readonly EarnItem[];
}

export interface EarnResult {
  pointDefinitionId: string;
  rateId: string;
  /** net spend the rate applied to (cents); negative for a return */
  eligibleSpendCents: number;
  /** floor toward zero of eligible spend × multiplier; negative for a return (what to claw back) */
  points: number;
  /** how many scopes the winning rate has (0-4) */
  specificity: number;
}

/** Multipliers are exact to a thousandth: 1.5 → 1500. */
export const MULTIPLIER_SCALE = 1000;

/** The multiplier in thousandths, or null when it is negative, not finite or finer than 0.001. */
export function multiplierThousandths(multiplier: number): number | null {
  if (typeof multiplier !== "number" || !Number.isFinite(multiplier) || multiplier < 0) return null;
  const scaled = Math.round(multiplier * MULTIPLIER_SCALE);
  // 1.1 * 1000 is 1100.0000000000002: accept float noise, refuse a real fourth decimal
  if (Math.abs(scaled - multiplier * MULTIPLIER_SCALE) > 1e-6 || !Number.isSafeInteger(scaled)) return null;
  return scaled;
}

/**
 * Points for an amount of net spend at a multiplier: spend in dollars × multiplier, rounded toward zero.
 * A purchase rounds down; a return of the same value gives back exactly what it earned (−floor(|x|)),
 * so a customer never earns a fraction of a point and a return never takes more than it earned.
 * BigInt keeps it exact for any spend a transaction can hold.
 */
export function pointsForSpend(spendCents: number, multiplier: number): number {
  if (!Number.isSafeInteger(spendCents)) throw new RangeError(`spend must be whole cents, got ${spendCents}`);
  const m = multiplierThousandths(multiplier);
  if (m === null) throw new RangeError(`multiplier must be ≥ 0 with at most three decimals, got ${multiplier}`);
  // BigInt division truncates toward zero, which is the rule for both signs
  const points = (BigInt(spendCents) * BigInt(m)) / BigInt(100 * MULTIPLIER_SCALE);
  return Number(points);
}

/** A rate's scopes that are configured (an empty list or window part counts as not configured). */
export function rateScopes(rate: EarnRate): { location: boolean; window: boolean; profile: boolean; product: boolean } {
  return {
    location: !!rate.locationIds?.length,
    window: !!(rate.startsAt || rate.endsAt || rate.daysOfWeek?.length || rate.hours),
    profile: rate.profileCondition !== null && rate.profileCondition !== undefined,
    product: rate.productCondition !== null && rate.productCondition !== undefined,
  };
}

/** Specificity: +1 for each configured scope (location, time window, profile condition, product condition). */
export function rateSpecificity(rate: EarnRate): number {
  return Object.values(rateScopes(rate)).filter(Boolean).length;
}

/**
 * Whether `at` falls in a rate's time window: startsAt inclusive, endsAt exclusive; days and hours read
 * on the wall clock of the rate's zone, else the transaction's, else UTC. Hours [from, to) with `to`
 * before `from` run past midnight (22:00-02:00), and then the day tested is the day of `at` itself.
 */
export function inTimeWindow(rate: EarnRate, at: Date, transactionTimezone?: string | null): boolean {
  if (rate.startsAt && at.getTime() < rate.startsAt.getTime()) return false;
  if (rate.endsAt && at.getTime() >= rate.endsAt.getTime()) return false;
  if (!rate.daysOfWeek?.length && !rate.hours) return true;
  const tz = rate.timezone || transactionTimezone || "UTC";
  const local = zonedParts(at, tz);
  if (rate.daysOfWeek?.length && !rate.daysOfWeek.includes(local.weekday)) return false;
  if (rate.hours) {
    const from = parseTimeOfDay(rate.hours.from);
    const to = parseTimeOfDay(rate.hours.to);
    if (from === null || to === null) return false;
    const minute = local.hour * 60 + local.minute;
    const inside = from < to ? minute >= from && minute < to : minute >= from || minute < to;
    if (!inside) return false;
  }
  return true;
}

/**
 * The data a product condition sees for one item: snake_case like the API, money in decimal dollars
 * like the API (price_sell 19.99, line_total 39.98), e.g. {"==": [{"var": "category"}, "shoes"]}.
 */
export function productConditionData(item: EarnItem): Record<string, unknown> {
  return {
    sku: item.sku ?? null,
    product_id: item.productId ?? null,
    name: item.name ?? null,
    brand: item.brand ?? null,
    category: item.category ?? null,
    tags: item.tags ?? [],
    quantity: item.quantity,
    price_sell: item.priceSell / 100,
    line_total: (item.quantity * item.priceSell) / 100,
  };
}

export interface RateMatch {
  rate: EarnRate;
  specificity: number;
  eligibleSpendCents: number;
}

/**
 * Whether a rate applies to a transaction at `at`, and to how much of its spend. Every configured scope
 * must match: the location is in the list; `at` is in the window; the profile condition holds for the
 * profile context; the product condition holds for at least one item (only those items' net spend,
 * quantity × price_sell, counts). Without a product condition the spend is every item's net, or the
 * transaction total when it has no items. Null when the rate does not apply.
 */
export function matchRate(rate: EarnRate, transaction: EarnTransaction, profile: unknown, at: Date): RateMatch | null {
  const scopes = rateScopes(rate);
  if (scopes.location && !(transaction.locationId && rate.locationIds!.includes(transaction.locationId))) return null;
  if (scopes.window && !inTimeWindow(rate, at, transaction.timezone)) return null;
  if (scopes.profile && !conditionHolds(rate.profileCondition, profile)) return null;
  let eligibleSpendCents: number;
  if (scopes.product) {
    const matching = transaction.items.filter((item) => conditionHolds(rate.productCondition, productConditionData(item)));
    if (!matching.length) return null;
    eligibleSpendCents = matching.reduce((sum, i) => sum + i.quantity * i.priceSell, 0);
  } else {
    eligibleSpendCents = transaction.items.length ? transaction.items.reduce((sum, i) => sum + i.quantity * i.priceSell, 0) : transaction.totalCents;
  }
  return { rate, specificity: rateSpecificity(rate), eligibleSpendCents };
}

/** Orders matches best first: more specific, then higher priority, then smaller id (so the choice is stable). */
export function compareMatches(a: Pick<RateMatch, "rate" | "specificity">, b: Pick<RateMatch, "rate" | "specificity">): number {
  if (a.specificity !== b.specificity) return b.specificity - a.specificity;
  if (a.rate.priority !== b.rate.priority) return b.rate.priority - a.rate.priority;
  return a.rate.id < b.rate.id ? -1 : a.rate.id > b.rate.id ? 1 : 0;
}

/**
 * The winning rate for one points definition: among its rates whose scopes all match, the most specific
 * (+1 per matched scope); ties go to the higher priority, then the smaller id. Null when none matches.
 */
export function selectRate(rates: readonly EarnRate[], transaction: EarnTransaction, profile: unknown, at: Date): RateMatch | null {
  const matches = rates.map((r) => matchRate(r, transaction, profile, at)).filter((m): m is RateMatch => m !== null);
  return matches.sort(compareMatches)[0] ?? null;
}

/**
 * What a transaction earns at `at`, per points definition: the winning rate, the spend it applied to and
 * the points (rounded toward zero; negative for a return, which is what the ledger claws back).
 * Definitions where no rate matches are left out. The service passes the transaction's transacted_at
 * as `at` (a preview passes whatever time it is asked about). Sorted by definition id.
 */
export function calculateEarn(transaction: EarnTransaction, profile: unknown, rates: readonly EarnRate[], at: Date): EarnResult[] {
  const byDefinition = new Map<string, EarnRate[]>();
  for (const rate of rates) {
    const list = byDefinition.get(rate.pointDefinitionId) ?? [];
    list.push(rate);
    byDefinition.set(rate.pointDefinitionId, list);
  }
  const results: EarnResult[] = [];
  for (const [pointDefinitionId, list] of byDefinition) {
    const best = selectRate(list, transaction, profile, at);
    if (!best) continue;
    results.push({
      pointDefinitionId,
      rateId: best.rate.id,
      eligibleSpendCents: best.eligibleSpendCents,
      points: pointsForSpend(best.eligibleSpendCents, best.rate.multiplier),
      specificity: best.specificity,
    });
  }
  return results.sort((a, b) => (a.pointDefinitionId < b.pointDefinitionId ? -1 : a.pointDefinitionId > b.pointDefinitionId ? 1 : 0));
}

/**
 * Everything wrong with a rate's configuration, keyed by API field (the config API's 422); empty when
 * valid. The multiplier is ≥ 0 with at most three decimals (0 is allowed: a specific "no points here"
 * rate); priority is a whole number; a location list is not empty; startsAt is before endsAt; days
 * are mon..sun; hours are HH:MM and not equal; the zone is known; conditions are valid JSON Logic.
 */
export function rateErrors(rate: Partial<EarnRate>): FieldErrors {
  const errors: FieldErrors = {};
  const add = (field: string, msg: string) => (errors[field] ??= []).push(msg);
  if (!rate.pointDefinitionId) add("point_definition_id", "point_definition_id is required");
  if (typeof rate.multiplier !== "number" || multiplierThousandths(rate.multiplier) === null) {
    add("multiplier", `multiplier must be a number ≥ 0 with at most three decimal places, got ${JSON.stringify(rate.multiplier)}`);
  } else if (rate.multiplier > 1_000_000) {
    add("multiplier", "multiplier may be at most 1000000");
  }
  if (rate.priority === undefined || !Number.isSafeInteger(rate.priority)) add("priority", `priority must be a whole number, got ${JSON.stringify(rate.priority)}`);
  if (rate.locationIds !== null && rate.locationIds !== undefined) {
    if (!Array.isArray(rate.locationIds) || rate.locationIds.length === 0) add("location_ids", "location_ids must list at least one location, or be left out to apply everywhere");
    else if (rate.locationIds.some((id) => typeof id !== "string" || !id)) add("location_ids", "location_ids must be location ids");
  }
  const validDate = (d: unknown) => d instanceof Date && !Number.isNaN(d.getTime());
  if (rate.startsAt && !validDate(rate.startsAt)) add("starts_at", "starts_at must be a date-time");
  if (rate.endsAt && !validDate(rate.endsAt)) add("ends_at", "ends_at must be a date-time");
  if (rate.startsAt && rate.endsAt && validDate(rate.startsAt) && validDate(rate.endsAt) && rate.startsAt.getTime() >= rate.endsAt.getTime()) {
    add("ends_at", "ends_at must be after starts_at");
  }
  if (rate.daysOfWeek !== null && rate.daysOfWeek !== undefined) {
    const bad = Array.isArray(rate.daysOfWeek) ? rate.daysOfWeek.filter((d) => !(WEEKDAY_NAMES as readonly string[]).includes(d)) : [rate.daysOfWeek];
    if (bad.length) add("days_of_week", `days_of_week must list days from ${WEEKDAY_NAMES.join(", ")}; not ${bad.map((d) => JSON.stringify(d)).join(", ")}`);
  }
  if (rate.hours !== null && rate.hours !== undefined) {
    const from = typeof rate.hours.from === "string" ? parseTimeOfDay(rate.hours.from) : null;
    const to = typeof rate.hours.to === "string" ? parseTimeOfDay(rate.hours.to) : null;
    if (from === null || to === null) add("hours", 'hours must be {"from": "HH:MM", "to": "HH:MM"} with times from 00:00 to 23:59');
    else if (from === to) add("hours", "hours must not start and end at the same time");
  }
  if (rate.timezone && !isKnownTimezone(rate.timezone)) add("timezone", `${JSON.stringify(rate.timezone)} is not a known time zone`);
  for (const [key, field] of [["profileCondition", "profile_condition"], ["productCondition", "product_condition"]] as const) {
    const condition = rate[key];
    if (condition === null || condition === undefined) continue;
    for (const msg of conditionErrors(condition)) add(field, msg);
  }
  return errors;
}
