// Reporting rules, pure: which daily rollup rows an event adds (the incremental path), how the same
// facts read from the source tables fold into rows (the rebuild path), time-zone cuts, periods and
// buckets, and the figures derived from summed rollups (average transaction value, shares, rates).
import { addDaysToDate, formatDate, localDate, offsetMs, parseCalendarDay } from "../platform/time";
import { DomainError, type FieldErrors } from "../platform/errors";
import { INTERVALS, TIMESERIES_GROUPS, TIMESERIES_METRICS, type RollupMetric, type TimeseriesGroup, type TimeseriesMetric } from "./schema";

/** One additive amount on one local day. Brand-wide metrics carry location "". */
export interface RollupDelta {
  day: string;
  metric: RollupMetric;
  location: string;
  dimension: string;
  value: number;
}

/** The event as the rules need it (the outbox's DomainEvent has this shape). */
export interface RollupEvent {
  id: string;
  type: string;
  occurred_at: string;
  data: Record<string, unknown>;
}

const cents = (dollars: unknown): number => {
  const n = typeof dollars === "string" ? Number(dollars) : typeof dollars === "number" ? dollars : NaN;
  return Number.isFinite(n) ? Math.round(n * 100) : 0;
};
const int = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? Math.trunc(v) : 0);
const str = (v: unknown): string => (typeof v === "string" ? v : "");

// ── the facts, in the shape both paths share ────────────────────────────────────────────────────

export interface TransactionFact {
  transactedAt: number;
  locationId: string | null;
  profileId: string | null;
  /** cents; negative for a return */
  total: number;
}

/** A transaction's contribution; `sign` -1 takes it back out (a void). */
export function transactionDeltas(t: TransactionFact, timezone: string, sign: 1 | -1 = 1): RollupDelta[] {
  const day = localDate(new Date(t.transactedAt), timezone);
  const location = t.locationId ?? "";
  const row = (metric: RollupMetric, value: number): RollupDelta => ({ day, metric, location, dimension: "", value: sign * value });
  const out = [row(t.total < 0 ? "returns" : "transactions", 1), row("revenue", t.total)];
  if (t.profileId) out.push(row("member_transactions", t.total < 0 ? 0 : 1), row("member_revenue", t.total));
  return out.filter((d) => d.value !== 0);
}

/** A claim: an anonymous receipt becomes a member's, so the member share takes it in. */
export function claimDeltas(t: TransactionFact, timezone: string): RollupDelta[] {
  const day = localDate(new Date(t.transactedAt), timezone);
  const location = t.locationId ?? "";
  return [
    { day, metric: "member_transactions", location, dimension: "", value: t.total < 0 ? 0 : 1 },
    { day, metric: "member_revenue", location, dimension: "", value: t.total },
  ].filter((d) => d.value !== 0) as RollupDelta[];
}

export interface LedgerFact {
  createdAt: number;
  /** when it happened in the world; points earned and clawed back are dated by it (a receipt's time) */
  occurredAt?: number | null;
  kind: string;
  action: string;
  definitionId: string | null;
  /** signed points or cents, as the ledger records it */
  delta: number;
}

/** Earning and claw-back belong to the receipt's day (a backfilled year lands on its own days); the rest to when it was written. */
export function ledgerDayAt(e: Pick<LedgerFact, "kind" | "action" | "createdAt" | "occurredAt">): number {
  const byReceipt = e.kind === "points" && (e.action === "earn" || e.action === "issue" || e.action === "clawback");
  return byReceipt && typeof e.occurredAt === "number" ? e.occurredAt : e.createdAt;
}

/**
 * What one ledger entry means for the rollups (the rebuild path). The event path below must agree
 * with this for every event the ledger emits beside its entries; a workers test checks it end to end.
 */
export function ledgerDeltas(e: LedgerFact, timezone: string): RollupDelta[] {
  const day = localDate(new Date(ledgerDayAt(e)), timezone);
  const row = (metric: RollupMetric, value: number, dimension = e.definitionId ?? ""): RollupDelta => ({ day, metric, location: "", dimension, value });
  if (e.kind === "points") {
    switch (e.action) {
      case "earn":
      case "issue":
        return [row("points_earned", e.delta)];
      case "redeem":
        return [row("points_redeemed", -e.delta)];
      case "reverse":
        return [row("points_redeemed", -e.delta)];
      case "expire":
        return [row("points_expired", -e.delta)];
      case "clawback":
        return [row("points_clawed_back", -e.delta)];
      case "void":
        return [row("points_voided", -e.delta)];
    }
    return [];
  }
  if (e.kind === "reward") {
    switch (e.action) {
      case "issue":
        return [row("rewards_issued", 1), row("rewards_issued_value", e.delta)];
      case "redeem":
      case "reverse":
        return [row("rewards_redeemed_value", -e.delta, "")];
      case "expire":
        return [row("rewards_expired_value", -e.delta)];
      case "void":
        return [row("rewards_voided_value", -e.delta)];
    }
    return [];
  }
  if (e.kind === "tier") {
    if (e.action === "attain") return [row("tiers_attained", 1)];
    if (e.action === "maintained" || e.action === "held_by_floor") return [row("tiers_maintained", 1)];
    if (e.action === "downgraded") return [row("tiers_downgraded", 1)];
    // "assign" (by hand) depends on the tier before it, which one entry does not say: the rebuild's SQL
    // finds it (see assignmentAction); the event path reads it off the event
  }
  return [];
}

/**
 * A tier assigned by hand, as the tier metrics count it: a higher rung (or a first tier) is attained, a
 * lower one (or none) downgraded, the same rung maintained (kept by hand). `direction` compares the two
 * rungs' places on the ladder (value_min): > 0 up, < 0 down; it is only read when the tiers differ.
 * The rebuild's SQL (service.ts) asks the same of each `assign` entry and the tier entry before it.
 */
export function assignmentAction(from: string | null, to: string | null, direction: number): "attain" | "maintained" | "downgraded" {
  if (from === to) return "maintained";
  if (to === null) return "downgraded";
  if (from === null) return "attain";
  return direction < 0 ? "downgraded" : "attain";
}

/** The rollup rows one domain event adds (the incremental path). Events that report nothing: []. */
export function eventDeltas(event: RollupEvent, timezone: string): RollupDelta[] {
  const d = event.data;
  const tx = d.transaction as Record<string, unknown> | undefined;
  const txFact = (): TransactionFact | null => {
    if (!tx || typeof tx.transacted_at !== "string") return null;
    const at = Date.parse(tx.transacted_at);
    if (Number.isNaN(at)) return null;
    return { transactedAt: at, locationId: (tx.location_id as string | null) ?? null, profileId: (tx.profile_id as string | null) ?? null, total: cents(tx.total) };
  };
  switch (event.type) {
    case "transaction.created": {
      const f = txFact();
      // a transaction already void when created (never today) reports nothing
      return f && tx?.is_void !== true ? transactionDeltas(f, timezone) : [];
    }
    case "transaction.voided": {
      const f = txFact();
      return f ? transactionDeltas(f, timezone, -1) : [];
    }
    case "transaction.claimed": {
      const f = txFact();
      return f && tx?.is_void !== true ? claimDeltas(f, timezone) : [];
    }
    case "profile.created": {
      const p = d.profile as Record<string, unknown> | undefined;
      if (!p || typeof p.joined_at !== "string" || p.type === "system") return [];
      const at = Date.parse(p.joined_at);
      if (Number.isNaN(at)) return [];
      // by joined location, and by the channel the member joined through ('' for profiles from before it was kept)
      return [{ day: localDate(new Date(at), timezone), metric: "new_members", location: str(p.joined_location_id), dimension: str(p.joined_channel), value: 1 }];
    }
  }
  const at = Date.parse(event.occurred_at);
  if (Number.isNaN(at)) return [];
  const happened = typeof d.occurred_at === "string" ? Date.parse(d.occurred_at) : NaN;
  const ledger = (kind: string, action: string, definitionId: unknown, delta: number) =>
    ledgerDeltas({ createdAt: at, occurredAt: Number.isNaN(happened) ? null : happened, kind, action, definitionId: str(definitionId) || null, delta }, timezone);
  switch (event.type) {
    case "points.awarded":
      return ledger("points", "earn", d.point_definition_id, int(d.points));
    case "points.redeemed":
      return ledger("points", "redeem", d.point_definition_id, -int(d.points));
    case "points.expired":
      return ledger("points", "expire", d.point_definition_id, -int(d.points));
    case "points.clawed_back":
      return ledger("points", "clawback", d.point_definition_id, -int(d.points));
    case "points.voided":
      return ledger("points", "void", d.point_definition_id, -int(d.points));
    case "reward.issued":
      return ledger("reward", "issue", d.reward_definition_id, cents(d.value));
    case "reward.redeemed":
      return ledger("reward", "redeem", d.reward_definition_id, -cents(d.amount));
    case "reward.expired":
      return ledger("reward", "expire", d.reward_definition_id, -cents(d.value_remaining));
    case "reward.voided":
      return ledger("reward", "void", d.reward_definition_id, -cents(d.value_remaining));
    case "redemption.reversed": {
      const out: RollupDelta[] = [];
      for (const r of (d.rewards as Array<{ amount?: unknown }> | undefined) ?? []) out.push(...ledger("reward", "reverse", null, cents(r.amount)));
      const p = d.points as { point_definition_id?: unknown; points?: unknown } | null | undefined;
      if (p) out.push(...ledger("points", "reverse", p.point_definition_id, int(p.points)));
      return out;
    }
    case "tier.achieved":
    case "tier.maintained":
    case "tier.downgraded": {
      const outcome = str(d.outcome);
      // a tier assigned by hand counts by where it moved the member (the ledger names the event so:
      // tier.achieved for the same rung or higher, tier.downgraded for lower or none)
      const action =
        outcome === "assigned"
          ? assignmentAction((d.from_tier_id as string | null) ?? null, (d.to_tier_id as string | null) ?? null, event.type === "tier.downgraded" ? -1 : 1)
          : outcome === "attained"
            ? "attain"
            : outcome;
      return ledger("tier", action, d.to_tier_id, 0);
    }
  }
  return [];
}

/** Sum deltas with the same key, dropping zeros, so a batch writes each row once. */
export function mergeDeltas(deltas: readonly RollupDelta[]): RollupDelta[] {
  const byKey = new Map<string, RollupDelta>();
  for (const d of deltas) {
    const key = `${d.day}|${d.metric}|${d.location}|${d.dimension}`;
    const prev = byKey.get(key);
    if (prev) prev.value += d.value;
    else byKey.set(key, { ...d });
  }
  return [...byKey.values()].filter((d) => d.value !== 0);
}

// ── time zone cuts for SQL ──────────────────────────────────────────────────────────────────────

/** A span of instants in which the zone's offset is constant: [fromMs, next segment's fromMs). */
export interface OffsetSegment {
  fromMs: number;
  offsetMs: number;
}

const DAY_MS = 86_400_000;

/**
 * The zone's offsets between two instants, one segment per change (two a year with daylight saving),
 * found by stepping a day at a time and bisecting each change to the millisecond. SQLite has no time
 * zones, so the rebuild turns these into a CASE that shifts each timestamp by the offset in force.
 */
export function offsetSegments(fromMs: number, toMs: number, timezone: string): OffsetSegment[] {
  const off = (t: number) => offsetMs(new Date(t), timezone);
  const start = fromMs - DAY_MS;
  const segments: OffsetSegment[] = [{ fromMs: Number.MIN_SAFE_INTEGER, offsetMs: off(start) }];
  for (let t = start; t < toMs + DAY_MS; t += DAY_MS) {
    const a = off(t);
    const b = off(t + DAY_MS);
    if (a === b) continue;
    let lo = t;
    let hi = t + DAY_MS;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (off(mid) === a) lo = mid;
      else hi = mid;
    }
    segments.push({ fromMs: hi, offsetMs: b });
  }
  return segments;
}

/** The SQL text of the local day of an epoch-ms column: date((col + offset) / 1000, 'unixepoch'). */
export function localDaySql(column: string, segments: readonly OffsetSegment[]): string {
  if (!/^[a-z_.]+$/.test(column)) throw new Error(`not a column name: ${column}`);
  const whens = segments.slice(1).map((s, i) => `WHEN ${column} < ${s.fromMs} THEN ${segments[i]!.offsetMs}`);
  const last = segments.at(-1)!.offsetMs;
  const shift = whens.length ? `CASE ${whens.join(" ")} ELSE ${last} END` : String(last);
  return `date((${column} + ${shift}) / 1000, 'unixepoch')`;
}

// ── periods and buckets ─────────────────────────────────────────────────────────────────────────

function parseDay(s: string): { year: number; month: number; day: number } {
  const [year, month, day] = s.split("-").map(Number) as [number, number, number];
  return { year, month, day };
}

export function isCalendarDay(s: string): boolean {
  return parseCalendarDay(s) !== null;
}

export function addDays(day: string, n: number): string {
  return formatDate(addDaysToDate(parseDay(day), n));
}

/** Days from `from` to `to`, both included. */
export function daysBetween(from: string, to: string): number {
  const ms = (s: string) => {
    const d = parseDay(s);
    return Date.UTC(d.year, d.month - 1, d.day);
  };
  return Math.round((ms(to) - ms(from)) / DAY_MS) + 1;
}

/** The period of the same length that ends the day before `from`. */
export function previousPeriod(from: string, to: string): { from: string; to: string } {
  const n = daysBetween(from, to);
  return { from: addDays(from, -n), to: addDays(from, -1) };
}

export type Interval = "day" | "week" | "month";

/** The first day of the bucket a day falls in: itself, its ISO week's Monday, or the 1st of its month. */
export function bucketOf(day: string, interval: Interval): string {
  if (interval === "day") return day;
  if (interval === "month") return `${day.slice(0, 7)}-01`;
  const d = parseDay(day);
  const weekday = (new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay() + 6) % 7;
  return addDays(day, -weekday);
}

/** Every bucket start from `from` to `to`, so a chart has a point for every bucket, zero or not. */
export function bucketsBetween(from: string, to: string, interval: Interval): string[] {
  const out: string[] = [];
  let b = bucketOf(from, interval);
  while (b <= to) {
    out.push(b);
    if (interval === "day") b = addDays(b, 1);
    else if (interval === "week") b = addDays(b, 7);
    else {
      const d = parseDay(b);
      b = formatDate({ year: d.month === 12 ? d.year + 1 : d.year, month: d.month === 12 ? 1 : d.month + 1, day: 1 });
    }
  }
  return out;
}

// ── segments ──────────────────────────────────────────────────────────────────────────────────

/**
 * At risk on `today`: past their own at-risk date (latest shop + 3 × their average gap) while still a
 * customer of the last 365 days. The dashboard counts them and the Profiles list filters by the same rule.
 */
export function atRiskBounds(today: string): { atRiskBefore: string; shoppedSince: string } {
  return { atRiskBefore: today, shoppedSince: addDays(today, -364) };
}

// ── derived figures ─────────────────────────────────────────────────────────────────────────────

export type Totals = Partial<Record<RollupMetric, number>>;

/** Figures that are ratios of summed rollups; null where the denominator is zero. */
export function derivedFigures(t: Totals, activeMembers: number | null) {
  const v = (m: RollupMetric) => t[m] ?? 0;
  const ratio = (a: number, b: number) => (b === 0 ? null : a / b);
  const purchases = v("transactions");
  return {
    average_transaction_value: purchases === 0 ? null : Math.round(v("revenue") / purchases),
    member_revenue_share: ratio(v("member_revenue"), v("revenue")),
    redemption_rate: ratio(v("rewards_redeemed_value"), v("rewards_issued_value")),
    issuance_per_active_member: activeMembers ? Math.round(v("rewards_issued_value") / activeMembers) : null,
  };
}

/** Change from the previous period as a fraction (0.25 = +25 %); null when there was nothing before. */
export function delta(current: number | null, previous: number | null): number | null {
  if (current === null || previous === null || previous === 0) return null;
  return (current - previous) / Math.abs(previous);
}

/** The event types eventDeltas reads; the events handler subscribes to exactly these. */
export const ROLLUP_EVENT_TYPES = [
  "transaction.created",
  "transaction.voided",
  "transaction.claimed",
  "profile.created",
  "points.awarded",
  "points.redeemed",
  "points.expired",
  "points.clawed_back",
  "points.voided",
  "reward.issued",
  "reward.redeemed",
  "reward.expired",
  "reward.voided",
  "redemption.reversed",
  "tier.achieved",
  "tier.maintained",
  "tier.downgraded",
] as const;

/** The timeseries' metric, interval and group_by, each checked against what is allowed (a 400 naming every bad one). */
export function parseTimeseriesQuery(query: Record<string, string | undefined>): { metric: TimeseriesMetric; interval: Interval; groupBy: TimeseriesGroup | null } {
  const errors: FieldErrors = {};
  const metric = query.metric ?? "";
  const interval = query.interval ?? "day";
  const groupBy = query.group_by === undefined || query.group_by === "" ? null : query.group_by;
  if (!(TIMESERIES_METRICS as readonly string[]).includes(metric)) errors.metric = [`Unknown metric "${metric.slice(0, 60)}"; allowed: ${TIMESERIES_METRICS.join(", ")}`];
  if (!(INTERVALS as readonly string[]).includes(interval)) errors.interval = [`Unknown interval "${interval.slice(0, 60)}"; allowed: ${INTERVALS.join(", ")}`];
  if (groupBy !== null && !Object.hasOwn(TIMESERIES_GROUPS, groupBy)) errors.group_by = [`Unknown group_by "${groupBy.slice(0, 60)}"; allowed: ${Object.keys(TIMESERIES_GROUPS).join(", ")}`];
  else if (groupBy !== null && !errors.metric && !(TIMESERIES_GROUPS[groupBy as TimeseriesGroup] as readonly string[]).includes(metric)) {
    errors.group_by = [`group_by=${groupBy} applies only to metric ${TIMESERIES_GROUPS[groupBy as TimeseriesGroup].join(", ")}, not ${metric}`];
  }
  if (Object.keys(errors).length) throw new DomainError("bad_request", Object.values(errors)[0]![0]!, { errors });
  return { metric: metric as TimeseriesMetric, interval: interval as Interval, groupBy: groupBy as TimeseriesGroup | null };
}
