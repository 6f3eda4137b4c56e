// Reporting use-cases: apply an event to the daily rollups (the events handler), rebuild them exactly
// from the source tables, and answer the summary and timeseries reports from the rollups.
import { sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { reportRebuilds } from "../../db/schema";
import type { Actor } from "../access/actor";
import type { AuditService } from "../access/audit";
import { localDate } from "../platform/time";
import type { Clock } from "../platform/clock";
import { DomainError, type FieldErrors } from "../platform/errors";
import { fromCents } from "../platform/money";
import { listRedemptions } from "./redemptions";
import {
  addDays,
  atRiskBounds,
  bucketOf,
  bucketsBetween,
  daysBetween,
  delta,
  derivedFigures,
  eventDeltas,
  isCalendarDay,
  localDaySql,
  mergeDeltas,
  offsetSegments,
  parseTimeseriesQuery,
  previousPeriod,
  type Interval,
  type RollupEvent,
  type Totals,
} from "./rules";
import {
  DERIVED_METRICS,
  LOCATION_METRICS,
  MAX_RANGE_DAYS,
  ROLLUP_METRICS,
  SUMMARY_PARAMS,
  TIMESERIES_PARAMS,
  unitOf,
  type ReportSummary,
  type ReportTimeseries,
  type RollupMetric,
  type TimeseriesGroup,
  type TimeseriesMetric,
} from "./schema";
import { channelLabel, type RedemptionsPage } from "./views";

export interface ReportRange {
  from: string;
  to: string;
  locationId: string | null;
}

/** How long the "now" figures are reused before they are computed again. */
export const SNAPSHOT_TTL_MS = 5 * 60_000;

export interface Snapshot {
  members: number;
  active_30d: number;
  active_90d: number;
  active_365d: number;
  at_risk: number;
  reward_value_outstanding: number;
  points_outstanding: number;
  reward_value_expiring_30d: number;
  members_per_tier: Array<{ id: string; name: string; members: number }>;
}

const BRAND_WIDE = ROLLUP_METRICS.filter((m) => !LOCATION_METRICS.includes(m));
const MONEY: readonly string[] = ROLLUP_METRICS.filter((m) => unitOf(m) === "money");

export class ReportingService {
  constructor(
    private readonly db: Db,
    private readonly d1: D1Database,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly opts: { timezone: string; currency: string },
  ) {}

  get timezone(): string {
    return this.opts.timezone;
  }

  get currency(): string {
    return this.opts.currency;
  }

  /** The ledger view the redemption figures link to: redemptions and reversals across profiles, paged. */
  redemptions(q: { from: string; to: string; page: number }): Promise<RedemptionsPage> {
    return listRedemptions(this.d1, this.opts.timezone, q);
  }

  today(): string {
    return localDate(this.clock.now(), this.opts.timezone);
  }

  // ── the incremental path ──────────────────────────────────────────────────────────────────────

  /** Adds an event's rollup rows in one statement. Once per event id: the events consumer's receipt sees to that. */
  async applyEvent(event: RollupEvent): Promise<number> {
    const rows = mergeDeltas(eventDeltas(event, this.opts.timezone));
    if (!rows.length) return 0;
    // the rows travel as one JSON parameter (clear of D1's 100 bound parameters whatever their number)
    await this.d1
      .prepare(
        `INSERT INTO report_daily (day, metric, location_id, dimension, value)
         SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), json_extract(value, '$[3]'), json_extract(value, '$[4]')
         FROM json_each(?1) WHERE true
         ON CONFLICT(day, metric, location_id, dimension) DO UPDATE SET value = report_daily.value + excluded.value`,
      )
      .bind(JSON.stringify(rows.map((r) => [r.day, r.metric, r.location, r.dimension, r.value])))
      .run();
    return rows.length;
  }

  // ── the exact rebuild ─────────────────────────────────────────────────────────────────────────

  /**
   * Replaces every rollup row with what the source tables say (transactions, profiles, the incentive
   * ledger projection), swapped in by one D1 batch: readers see the old rollups or the new, never half. Day cuts in
   * the brand's zone are a CASE over the zone's offset changes, so SQLite groups without reading rows out.
   */
  async rebuild(actor: Actor): Promise<{ rows: number; ms: number }> {
    const started = this.clock.now();
    const t0 = Date.now();
    const span = await this.d1
      .prepare(
        `SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
           SELECT MIN(transacted_at) AS lo, MAX(transacted_at) AS hi FROM transactions
           UNION ALL SELECT MIN(joined_at), MAX(joined_at) FROM profiles
           UNION ALL SELECT MIN(created_at), MAX(created_at) FROM incentive_ledger
           UNION ALL SELECT MIN(occurred_at), MAX(occurred_at) FROM incentive_ledger)`,
      )
      .first<{ lo: number | null; hi: number | null }>();
    const lo = span?.lo ?? started.getTime();
    const hi = span?.hi ?? started.getTime();
    const segments = offsetSegments(lo, hi, this.opts.timezone);
    const txDay = localDaySql("transacted_at", segments);
    const joinedDay = localDaySql("joined_at", segments);
    const ledgerDay = localDaySql("at_ms", segments);
    // Built a year of source rows at a time into report_staging (so no single query nears D1's time limit
    // at any size), then swapped in with one batch: readers see the old rollups or the new, never half.
    // A local day cut by a window's edge gets a row from each window: the upsert adds them together.
    const insert = `INSERT INTO report_staging (day, metric, location_id, dimension, value)`;
    const upsert = `ON CONFLICT(day, metric, location_id, dimension) DO UPDATE SET value = report_staging.value + excluded.value`;
    await this.d1.prepare(`DELETE FROM report_staging`).run();
    const stmts: D1PreparedStatement[] = [];
    // sales: purchases and returns counted apart, revenue net of returns, members' part beside it (SQLite
    // has no LATERAL: each source row meets the five metrics in a cross join and a CASE picks its value)
    stmts.push(
      this.d1.prepare(
      `${insert}
       SELECT day, metric, loc, '', SUM(v) FROM (
         SELECT t.day, m.metric, t.loc,
           CASE m.metric
             WHEN 'transactions' THEN (t.total >= 0)
             WHEN 'returns' THEN (t.total < 0)
             WHEN 'revenue' THEN t.total
             WHEN 'member_transactions' THEN (t.profile_id IS NOT NULL AND t.total >= 0)
             WHEN 'member_revenue' THEN CASE WHEN t.profile_id IS NOT NULL THEN t.total ELSE 0 END
           END AS v
         FROM (SELECT ${txDay} AS day, coalesce(location_id, '') AS loc, total, profile_id FROM transactions WHERE is_void = 0 AND transacted_at >= ?1 AND transacted_at < ?2) t,
              (SELECT 'transactions' AS metric UNION ALL SELECT 'returns' UNION ALL SELECT 'revenue' UNION ALL SELECT 'member_transactions' UNION ALL SELECT 'member_revenue') m
       ) WHERE true GROUP BY day, metric, loc ${upsert}`,
      ),
      this.d1.prepare(
        `${insert}
         SELECT ${joinedDay} AS day, 'new_members', coalesce(joined_location_id, ''), coalesce(joined_channel, ''), COUNT(*) FROM profiles WHERE type != 'system' AND joined_at >= ?1 AND joined_at < ?2
         GROUP BY day, coalesce(joined_location_id, ''), coalesce(joined_channel, '') ${upsert}`,
      ),
      // the incentive ledger, entry by entry as rules.ledgerDeltas reads it
      this.d1.prepare(
        `WITH ledger AS (
           -- as rules.ledgerDayAt: earning and claw-back on the receipt's day, the rest when written
           SELECT *, CASE WHEN kind = 'points' AND action IN ('earn', 'issue', 'clawback') THEN coalesce(occurred_at, created_at) ELSE created_at END AS at_ms,
             -- a tier assigned by hand: the member's tier before it, from their tier entry before it on the same
             -- ladder (as rules.assignmentAction; every tier entry names the tier it leaves the member on)
             CASE WHEN kind = 'tier' AND action = 'assign' THEN (
               SELECT p.definition_id FROM incentive_ledger p
               WHERE p.profile_id = l.profile_id AND p.kind = 'tier' AND p.seq < l.seq
                 AND (l.definition_id IS NULL OR p.definition_id IS NULL OR p.definition_id IN (
                   SELECT s.id FROM tier_definitions s JOIN tier_definitions t ON t.point_definition_id = s.point_definition_id WHERE t.id = l.definition_id))
               ORDER BY p.seq DESC LIMIT 1) END AS prev_tier
           FROM incentive_ledger l WHERE (CASE WHEN kind = 'points' AND action IN ('earn', 'issue', 'clawback') THEN coalesce(occurred_at, created_at) ELSE created_at END) >= ?1
             AND (CASE WHEN kind = 'points' AND action IN ('earn', 'issue', 'clawback') THEN coalesce(occurred_at, created_at) ELSE created_at END) < ?2
         )
         ${insert}
         SELECT day, metric, '', dim, SUM(v) FROM (
           SELECT ${ledgerDay} AS day,
             CASE
               WHEN kind = 'points' AND action IN ('earn', 'issue') THEN 'points_earned'
               WHEN kind = 'points' AND action IN ('redeem', 'reverse') THEN 'points_redeemed'
               WHEN kind = 'points' AND action = 'expire' THEN 'points_expired'
               WHEN kind = 'points' AND action = 'clawback' THEN 'points_clawed_back'
               WHEN kind = 'points' AND action = 'void' THEN 'points_voided'
               WHEN kind = 'reward' AND action = 'issue' THEN 'rewards_issued_value'
               WHEN kind = 'reward' AND action IN ('redeem', 'reverse') THEN 'rewards_redeemed_value'
               WHEN kind = 'reward' AND action = 'expire' THEN 'rewards_expired_value'
               WHEN kind = 'reward' AND action = 'void' THEN 'rewards_voided_value'
               WHEN kind = 'tier' AND action = 'attain' THEN 'tiers_attained'
               WHEN kind = 'tier' AND action IN ('maintained', 'held_by_floor') THEN 'tiers_maintained'
               WHEN kind = 'tier' AND action = 'downgraded' THEN 'tiers_downgraded'
               WHEN kind = 'tier' AND action = 'assign' THEN CASE
                 WHEN ledger.prev_tier IS ledger.definition_id THEN 'tiers_maintained'
                 WHEN ledger.definition_id IS NULL THEN 'tiers_downgraded'
                 WHEN ledger.prev_tier IS NULL THEN 'tiers_attained'
                 WHEN (SELECT d.value_min FROM tier_definitions d WHERE d.id = ledger.definition_id) < (SELECT d.value_min FROM tier_definitions d WHERE d.id = ledger.prev_tier) THEN 'tiers_downgraded'
                 ELSE 'tiers_attained' END
             END AS metric,
             CASE WHEN kind = 'reward' AND action IN ('redeem', 'reverse') THEN '' ELSE coalesce(definition_id, '') END AS dim,
             CASE
               WHEN kind = 'tier' THEN 1
               WHEN kind = 'points' AND action IN ('earn', 'issue') THEN delta
               WHEN kind = 'reward' AND action = 'issue' THEN delta
               ELSE -delta
             END AS v
           FROM ledger WHERE kind IN ('points', 'reward', 'tier')
           UNION ALL
           SELECT ${ledgerDay}, 'rewards_issued', coalesce(definition_id, ''), 1 FROM ledger WHERE kind = 'reward' AND action = 'issue'
         ) WHERE metric IS NOT NULL GROUP BY day, metric, dim ${upsert}`,
      ),
    );
    const YEAR_MS = 365 * 86_400_000;
    for (let from = lo; from <= hi; from += YEAR_MS) {
      await this.d1.batch(stmts.map((st) => st.bind(from, Math.min(from + YEAR_MS, hi + 1))));
    }
    await this.d1.batch([
      this.d1.prepare(`DELETE FROM report_daily`),
      this.d1.prepare(`INSERT INTO report_daily (day, metric, location_id, dimension, value) SELECT day, metric, location_id, dimension, value FROM report_staging WHERE value != 0`),
      this.d1.prepare(`DELETE FROM report_staging`),
      this.d1.prepare(`DELETE FROM report_snapshot`),
    ]);
    const count = await this.d1.prepare(`SELECT COUNT(*) AS n FROM report_daily`).first<{ n: number }>();
    const ms = Date.now() - t0;
    const id = crypto.randomUUID();
    await this.db.insert(reportRebuilds).values({ id, startedAt: started, completedAt: this.clock.now(), rows: count?.n ?? 0, ms, actor: actor.label });
    await this.audit.record(actor, { action: "reports.rebuilt", entityType: "report_rollups", entityId: id, newValues: { rows: count?.n ?? 0, ms } });
    return { rows: count?.n ?? 0, ms };
  }

  async lastRebuild() {
    return (await this.db.select().from(reportRebuilds).orderBy(sql`${reportRebuilds.startedAt} desc`).limit(1))[0] ?? null;
  }

  // ── input ─────────────────────────────────────────────────────────────────────────────────────

  /** Checks the query's parameter names and range; every problem named in one 400. */
  async parseRange(query: Record<string, string | undefined>, allowed: readonly string[] = SUMMARY_PARAMS): Promise<ReportRange> {
    const errors: FieldErrors = {};
    const add = (field: string, msg: string) => (errors[field] ??= []).push(msg);
    for (const key of Object.keys(query)) {
      if (!allowed.includes(key)) add(key, `Unknown parameter "${key}"; allowed: ${allowed.join(", ")}`);
    }
    const from = query.from ?? "";
    const to = query.to ?? "";
    if (!isCalendarDay(from)) add("from", `from must be a calendar date (YYYY-MM-DD), got "${from}"`);
    if (!isCalendarDay(to)) add("to", `to must be a calendar date (YYYY-MM-DD), got "${to}"`);
    if (!errors.from && !errors.to) {
      if (to < from) add("to", `to (${to}) is before from (${from})`);
      else if (daysBetween(from, to) > MAX_RANGE_DAYS) add("to", `The range is ${daysBetween(from, to)} days; at most ${MAX_RANGE_DAYS} are allowed`);
    }
    const locationId = query.location_id === undefined || query.location_id === "" ? null : query.location_id;
    if (locationId !== null) {
      const found = locationId.length <= 100 ? await this.d1.prepare(`SELECT id FROM locations WHERE id = ?`).bind(locationId).first() : null;
      if (!found) add("location_id", `No location "${locationId.slice(0, 100)}"`);
    }
    if (Object.keys(errors).length) throw new DomainError("bad_request", Object.values(errors)[0]![0]!, { errors });
    return { from, to, locationId };
  }

  parseTimeseries(query: Record<string, string | undefined>): { metric: TimeseriesMetric; interval: Interval; groupBy: TimeseriesGroup | null } {
    return parseTimeseriesQuery(query);
  }

  // ── reports ───────────────────────────────────────────────────────────────────────────────────

  private locationClause(locationId: string | null): { text: string; binds: string[] } {
    if (locationId === null) return { text: "", binds: [] };
    return { text: ` AND (location_id = ? OR metric IN (${BRAND_WIDE.map((m) => `'${m}'`).join(", ")}))`, binds: [locationId] };
  }

  async summary(range: ReportRange): Promise<ReportSummary> {
    const prev = previousPeriod(range.from, range.to);
    const loc = this.locationClause(range.locationId);
    // one round trip: the grouped rollups, the names they refer to, and the cached "now" figures
    const [grouped, defs, locs, cached] = await this.d1.batch<Record<string, unknown>>([
      this.d1
        .prepare(
          `SELECT metric, location_id AS loc, dimension AS dim,
             SUM(CASE WHEN day >= ?1 THEN value ELSE 0 END) AS cur, SUM(CASE WHEN day < ?1 THEN value ELSE 0 END) AS prev
           FROM report_daily WHERE day >= ?2 AND day <= ?3${loc.text.replace("?", "?4")}
           GROUP BY metric, location_id, dimension`,
        )
        .bind(range.from, prev.from, range.to, ...loc.binds),
      this.d1.prepare(`SELECT id, name FROM point_definitions UNION ALL SELECT id, name FROM reward_definitions UNION ALL SELECT id, name FROM tier_definitions`),
      this.d1.prepare(`SELECT id, name FROM locations`),
      this.d1.prepare(`SELECT data, computed_at FROM report_snapshot WHERE id = 'now'`),
    ]);
    const results = grouped!.results as Array<{ metric: RollupMetric; loc: string; dim: string; cur: number; prev: number }>;
    const names = {
      definitions: new Map((defs!.results as Array<{ id: string; name: string }>).map((r) => [r.id, r.name])),
      locations: new Map((locs!.results as Array<{ id: string; name: string }>).map((r) => [r.id, r.name])),
    };
    const cur: Totals = {};
    const before: Totals = {};
    const breakdown = new Map<string, Map<string, { current: number; previous: number }>>();
    const addTo = (key: string, id: string, c: number, p: number) => {
      let m = breakdown.get(key);
      if (!m) breakdown.set(key, (m = new Map()));
      const e = m.get(id) ?? { current: 0, previous: 0 };
      e.current += c;
      e.previous += p;
      m.set(id, e);
    };
    for (const r of results) {
      cur[r.metric] = (cur[r.metric] ?? 0) + r.cur;
      before[r.metric] = (before[r.metric] ?? 0) + r.prev;
      if (r.dim && r.metric !== "new_members") addTo(r.metric, r.dim, r.cur, r.prev);
      if (r.metric === "revenue") addTo("revenue_by_location", r.loc, r.cur, r.prev);
      if (r.metric === "new_members") {
        addTo("new_members_by_location", r.loc, r.cur, r.prev);
        addTo("new_members_by_channel", r.dim, r.cur, r.prev);
      }
    }
    const now = await this.snapshot(cached!.results[0] as { data: string; computed_at: number } | undefined);
    const dCur = derivedFigures(cur, now.active_365d);
    const dPrev = derivedFigures(before, now.active_365d);
    const money = (m: string, v: number | null) => (v === null ? null : MONEY.includes(m) || m === "average_transaction_value" || m === "issuance_per_active_member" ? fromCents(v) : v);
    const metrics: ReportSummary["metrics"] = {};
    for (const m of ROLLUP_METRICS) {
      const c = cur[m] ?? 0;
      const p = before[m] ?? 0;
      metrics[m] = { current: money(m, c), previous: money(m, p), change: delta(c, p) };
    }
    for (const m of [...DERIVED_METRICS, "issuance_per_active_member"] as const) {
      const c = dCur[m];
      const p = dPrev[m];
      metrics[m] = { current: money(m, c), previous: money(m, p), change: delta(c, p) };
    }
    const list = (key: string, nameOf: (id: string) => string, isMoney = false) =>
      [...(breakdown.get(key) ?? new Map<string, { current: number; previous: number }>()).entries()]
        .map(([id, v]) => ({ id, name: nameOf(id), current: isMoney ? fromCents(v.current) : v.current, previous: isMoney ? fromCents(v.previous) : v.previous }))
        .sort((a, b) => b.current - a.current || a.name.localeCompare(b.name));
    const def = (id: string) => names.definitions.get(id) ?? (id || "Unknown");
    const place = (id: string) => (id ? (names.locations.get(id) ?? id) : "No location");
    return {
      from: range.from,
      to: range.to,
      previous_from: prev.from,
      previous_to: prev.to,
      location_id: range.locationId,
      timezone: this.opts.timezone,
      currency: this.opts.currency,
      metrics,
      breakdowns: {
        points_earned: list("points_earned", def),
        points_redeemed: list("points_redeemed", def),
        points_expired: list("points_expired", def),
        points_clawed_back: list("points_clawed_back", def),
        rewards_issued: list("rewards_issued", def),
        rewards_issued_value: list("rewards_issued_value", def, true),
        tiers_attained: list("tiers_attained", def),
        tiers_downgraded: list("tiers_downgraded", def),
        revenue_by_location: list("revenue_by_location", place, true).slice(0, 10),
        new_members_by_location: list("new_members_by_location", place).slice(0, 10),
        new_members_by_channel: list("new_members_by_channel", channelLabel),
      },
      now: { ...now, members_per_tier: now.members_per_tier.map((t) => ({ ...t, name: def(t.id) })) },
    };
  }

  /** Several rollup metrics bucketed in one read: one row per bucket, every bucket present (money in cents). */
  async series(range: ReportRange, metrics: readonly RollupMetric[], interval: Interval): Promise<Array<{ bucket: string } & Totals>> {
    const loc = this.locationClause(range.locationId);
    const { results } = await this.d1
      .prepare(
        `SELECT day, metric, SUM(value) AS v FROM report_daily
         WHERE day >= ?1 AND day <= ?2 AND metric IN (${metrics.map((_, i) => `?${i + 3}`).join(", ")})${loc.text.replace("?", `?${metrics.length + 3}`)}
         GROUP BY day, metric`,
      )
      .bind(range.from, range.to, ...metrics, ...loc.binds)
      .all<{ day: string; metric: RollupMetric; v: number }>();
    const buckets = new Map<string, Totals>(bucketsBetween(range.from, range.to, interval).map((b) => [b, Object.fromEntries(metrics.map((m) => [m, 0]))]));
    for (const r of results) {
      const t = buckets.get(bucketOf(r.day, interval));
      if (t) t[r.metric] = (t[r.metric] ?? 0) + r.v;
    }
    return [...buckets.entries()].map(([bucket, t]) => ({ bucket, ...t }));
  }

  /**
   * One metric bucketed and split by its dimension (new members by channel, points by definition): one row per
   * bucket, every bucket present, a key per dimension value seen in the range ('' for none). Money in cents.
   */
  async seriesBy(range: ReportRange, metric: RollupMetric, interval: Interval): Promise<{ keys: string[]; rows: Array<{ bucket: string } & Record<string, number>> }> {
    const loc = this.locationClause(range.locationId);
    const { results } = await this.d1
      .prepare(
        `SELECT day, dimension AS dim, SUM(value) AS v FROM report_daily
         WHERE day >= ?1 AND day <= ?2 AND metric = ?3${loc.text.replace("?", "?4")}
         GROUP BY day, dimension`,
      )
      .bind(range.from, range.to, metric, ...loc.binds)
      .all<{ day: string; dim: string; v: number }>();
    const keys = [...new Set(results.map((r) => r.dim))].sort();
    const buckets = new Map<string, Record<string, number>>(bucketsBetween(range.from, range.to, interval).map((b) => [b, Object.fromEntries(keys.map((k) => [k, 0]))]));
    for (const r of results) {
      const t = buckets.get(bucketOf(r.day, interval));
      if (t) t[r.dim] = (t[r.dim] ?? 0) + r.v;
    }
    return { keys, rows: [...buckets.entries()].map(([bucket, t]) => ({ ...t, bucket }) as { bucket: string } & Record<string, number>) };
  }

  async timeseries(range: ReportRange, metric: TimeseriesMetric, interval: Interval, groupBy: TimeseriesGroup | null = null): Promise<ReportTimeseries> {
    const head = { metric, unit: unitOf(metric), interval, from: range.from, to: range.to, location_id: range.locationId, timezone: this.opts.timezone, group_by: groupBy };
    if (groupBy === "channel") {
      // new members by the channel they joined through: the rollup's dimension (parseTimeseries allows only that metric)
      const { keys, rows } = await this.seriesBy(range, metric as RollupMetric, interval);
      const points = rows.map(({ bucket, ...t }) => ({ bucket, value: keys.reduce((n, k) => n + (t[k] ?? 0), 0), groups: keys.map((k) => ({ id: k, name: channelLabel(k), value: t[k] ?? 0 })) }));
      return { ...head, points };
    }
    const base: RollupMetric[] =
      metric === "average_transaction_value"
        ? ["revenue", "transactions"]
        : metric === "member_revenue_share"
          ? ["member_revenue", "revenue"]
          : metric === "redemption_rate"
            ? ["rewards_redeemed_value", "rewards_issued_value"]
            : [metric];
    const rows = await this.series(range, base, interval);
    const points = rows.map(({ bucket, ...t }) => {
      let value: number | null;
      if ((DERIVED_METRICS as readonly string[]).includes(metric)) value = derivedFigures(t, null)[metric as (typeof DERIVED_METRICS)[number]];
      else value = t[metric as RollupMetric] ?? 0;
      return { bucket, value: value !== null && head.unit === "money" ? fromCents(value) : value };
    });
    return { ...head, points };
  }

  /**
   * Figures as of now, from the profile and incentive projections (a few aggregate reads over profiles,
   * never transactions), kept in report_snapshot for SNAPSHOT_TTL_MS so a busy dashboard reads them once.
   */
  async snapshot(cached?: { data: string; computed_at: number }): Promise<Snapshot> {
    const nowMs = this.clock.now().getTime();
    if (cached === undefined) cached = (await this.d1.prepare(`SELECT data, computed_at FROM report_snapshot WHERE id = 'now'`).first<{ data: string; computed_at: number }>()) ?? undefined;
    if (cached && nowMs - cached.computed_at >= 0 && nowMs - cached.computed_at < SNAPSHOT_TTL_MS) return JSON.parse(cached.data) as Snapshot;
    const fresh = await this.computeSnapshot();
    await this.d1
      .prepare(`INSERT INTO report_snapshot (id, data, computed_at) VALUES ('now', ?1, ?2) ON CONFLICT(id) DO UPDATE SET data = excluded.data, computed_at = excluded.computed_at`)
      .bind(JSON.stringify(fresh), nowMs)
      .run();
    return fresh;
  }

  private async computeSnapshot(): Promise<Snapshot> {
    const today = this.today();
    const atRisk = atRiskBounds(today);
    const soon = this.clock.now().getTime() + 30 * 86_400_000;
    const [activity, incentives, tiers] = await this.d1.batch<Record<string, number | string | null>>([
      this.d1
        .prepare(
          `SELECT (SELECT COUNT(*) FROM profiles WHERE type = 'active') AS members,
             SUM(latest_shop_date >= ?1) AS a30, SUM(latest_shop_date >= ?2) AS a90, SUM(latest_shop_date >= ?3) AS a365,
             SUM(at_risk_date < ?4 AND latest_shop_date >= ?5) AS at_risk
           FROM profile_aggregations`,
        )
        .bind(addDays(today, -29), addDays(today, -89), addDays(today, -364), atRisk.atRiskBefore, atRisk.shoppedSince),
      this.d1
        .prepare(
          `SELECT (SELECT coalesce(SUM(reward_balance), 0) FROM profile_incentive_state) AS rewards,
             (SELECT coalesce(SUM(point_balance), 0) FROM profile_incentive_state) AS points,
             (SELECT coalesce(SUM(value_remaining), 0) FROM incentive_instances WHERE kind = 'reward' AND status = 'active' AND expires_at IS NOT NULL AND expires_at <= ?1 AND expires_at > ?2) AS expiring`,
        )
        .bind(soon, this.clock.now().getTime()),
      this.d1.prepare(`SELECT j.value AS id, COUNT(*) AS members FROM profile_incentive_state s, json_each(s.tiers) j GROUP BY j.value`),
    ]);
    const a = activity!.results[0] ?? {};
    const i = incentives!.results[0] ?? {};
    const n = (v: unknown) => (typeof v === "number" ? v : 0);
    return {
      members: n(a.members),
      active_30d: n(a.a30),
      active_90d: n(a.a90),
      active_365d: n(a.a365),
      at_risk: n(a.at_risk),
      reward_value_outstanding: fromCents(n(i.rewards)),
      points_outstanding: n(i.points),
      reward_value_expiring_30d: fromCents(n(i.expiring)),
      members_per_tier: tiers!.results.map((t) => ({ id: String(t.id), name: String(t.id), members: n(t.members) })),
    };
  }
}

export { TIMESERIES_PARAMS, SUMMARY_PARAMS };
