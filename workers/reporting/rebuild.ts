// The exact rebuild of the daily rollups from the source tables (transactions, profiles, the incentive
// ledger), split out of service.ts. Every statement reads one chunk of at most `chunkRows` source rows (a rowid
// range: a search on the table's own b-tree, no index needed), so no statement nears D1's 30 s limit however
// big the brand is or however its rows fall in time (a month can hold a whole import). The chunks go into
// report_staging (a local day cut by two chunks gets a row from each: the upsert adds them) and one batch
// swaps the result in: readers see the old rollups or the new, never half.
import type { Db } from "../../db/client";
import { reportRebuilds } from "../../db/schema";
import type { Actor } from "../access/actor";
import type { AuditService } from "../access/audit";
import type { Clock } from "../platform/clock";
import { offsetSegments, type OffsetSegment } from "./rules";

/** Source rows per statement: ~0.2 s each in SQLite on this machine (docs/benchmarks.md, "1M members"). */
export const REBUILD_CHUNK_ROWS = 100_000;

const DAY_MS = 86_400_000;

/**
 * The local day number (days since 1970-01-01 in the brand's zone) of a millisecond column, as integer
 * arithmetic: rows are grouped by this and only the groups are turned into dates (date() per row cost more
 * than the grouping). The CASE picks the zone's offset in force at the instant (see rules.offsetSegments).
 */
export function localDayNumberSql(column: string, segments: readonly OffsetSegment[]): string {
  if (!/^[a-z_.]+$/.test(column)) throw new Error(`not a column name: ${column}`);
  const whens = segments.slice(1).map((s, i) => `WHEN ${column} < ${s.fromMs} THEN ${segments[i]!.offsetMs}`);
  const last = segments.at(-1)!.offsetMs;
  const shift = whens.length ? `CASE ${whens.join(" ")} ELSE ${last} END` : String(last);
  return `((${column} + ${shift}) / ${DAY_MS})`;
}

const dateOf = (dayNumber: string) => `date(${dayNumber} * 86400, 'unixepoch')`;

const INSERT = `INSERT INTO report_staging (day, metric, location_id, dimension, value)`;
const UPSERT = `ON CONFLICT(day, metric, location_id, dimension) DO UPDATE SET value = report_staging.value + excluded.value`;
/** Where a statement's source rows are: the chunk (?1, ?2] of its table's rowids. */
const CHUNK = `rowid > ?1 AND rowid <= ?2`;

/** The three statements of a chunk, each bound to (?1, ?2] of its source table's rowids. */
export function rebuildStatements(segments: readonly OffsetSegment[]): { transactions: string; profiles: string; ledger: string } {
  const txDay = localDayNumberSql("transacted_at", segments);
  const joinedDay = localDayNumberSql("joined_at", segments);
  const ledgerDay = localDayNumberSql("at_ms", segments);
  return {
    // sales: purchases and returns counted apart, revenue net of returns, members' part beside it. The chunk is
    // grouped by day and location once, with the five sums side by side; the few groups then meet the five metric
    // names in a cross join (SQLite has no LATERAL/unpivot) and a CASE picks each one's value.
    transactions: `${INSERT}
       SELECT ${dateOf("g.d")}, m.metric, g.loc, '',
         CASE m.metric WHEN 'transactions' THEN g.purchases WHEN 'returns' THEN g.returns WHEN 'revenue' THEN g.revenue
           WHEN 'member_transactions' THEN g.member_purchases ELSE g.member_revenue END
       FROM (SELECT ${txDay} AS d, coalesce(location_id, '') AS loc, SUM(total >= 0) AS purchases, SUM(total < 0) AS returns, SUM(total) AS revenue,
               SUM(profile_id IS NOT NULL AND total >= 0) AS member_purchases, SUM(CASE WHEN profile_id IS NOT NULL THEN total ELSE 0 END) AS member_revenue
             FROM transactions WHERE ${CHUNK} AND is_void = 0 GROUP BY d, loc) g,
            (SELECT 'transactions' AS metric UNION ALL SELECT 'returns' UNION ALL SELECT 'revenue' UNION ALL SELECT 'member_transactions' UNION ALL SELECT 'member_revenue') m
       WHERE true ${UPSERT}`,
    profiles: `${INSERT}
       SELECT ${dateOf("d")}, 'new_members', loc, channel, n FROM (
         SELECT ${joinedDay} AS d, coalesce(joined_location_id, '') AS loc, coalesce(joined_channel, '') AS channel, COUNT(*) AS n
         FROM profiles WHERE ${CHUNK} AND type != 'system' GROUP BY d, loc, channel)
       WHERE true ${UPSERT}`,
    // the incentive ledger, entry by entry as rules.ledgerDeltas reads it
    ledger: `WITH ledger AS MATERIALIZED (
         -- (materialized, and +kind: read once by its rowid range, never through an index over the whole table)
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
         FROM incentive_ledger l WHERE ${CHUNK.replaceAll("rowid", "l.rowid")} AND +kind IN ('points', 'reward', 'tier')
       )
       ${INSERT}
       SELECT ${dateOf("d")}, metric, '', dim, SUM(v) FROM (
         SELECT ${ledgerDay} AS d,
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
         FROM ledger
         UNION ALL
         SELECT ${ledgerDay}, 'rewards_issued', coalesce(definition_id, ''), 1 FROM ledger WHERE kind = 'reward' AND action = 'issue'
       ) WHERE metric IS NOT NULL GROUP BY d, metric, dim ${UPSERT}`,
  };
}

export interface RebuildDeps {
  db: Db;
  d1: D1Database;
  clock: Clock;
  audit: AuditService;
  timezone: string;
}

/** Replaces every rollup row with what the source tables say; audited, and recorded in report_rebuilds. */
export async function rebuildRollups(deps: RebuildDeps, actor: Actor, opts: { chunkRows?: number } = {}): Promise<{ rows: number; ms: number; chunks: number }> {
  const { d1 } = deps;
  const chunkRows = opts.chunkRows ?? REBUILD_CHUNK_ROWS;
  const started = deps.clock.now();
  const t0 = Date.now();
  // the time span (for the zone's offset changes) and the rowid span of each source table, in one read
  const span = await d1
    .prepare(
      `SELECT (SELECT MIN(lo) FROM (SELECT MIN(transacted_at) AS lo FROM transactions UNION ALL SELECT MIN(joined_at) FROM profiles
                 UNION ALL SELECT MIN(created_at) FROM incentive_ledger UNION ALL SELECT MIN(occurred_at) FROM incentive_ledger)) AS lo,
              (SELECT MAX(hi) FROM (SELECT MAX(transacted_at) AS hi FROM transactions UNION ALL SELECT MAX(joined_at) FROM profiles
                 UNION ALL SELECT MAX(created_at) FROM incentive_ledger UNION ALL SELECT MAX(occurred_at) FROM incentive_ledger)) AS hi,
              (SELECT MAX(rowid) FROM transactions) AS tx, (SELECT MAX(rowid) FROM profiles) AS pr, (SELECT MAX(rowid) FROM incentive_ledger) AS lg`,
    )
    .first<{ lo: number | null; hi: number | null; tx: number | null; pr: number | null; lg: number | null }>();
  const lo = span?.lo ?? started.getTime();
  const hi = span?.hi ?? started.getTime();
  const sql = rebuildStatements(offsetSegments(lo, hi, deps.timezone));
  const sources = [
    { sql: sql.transactions, maxRowid: span?.tx ?? 0 },
    { sql: sql.profiles, maxRowid: span?.pr ?? 0 },
    { sql: sql.ledger, maxRowid: span?.lg ?? 0 },
  ].map((s) => ({ ...s, stmt: d1.prepare(s.sql) }));
  await d1.prepare(`DELETE FROM report_staging`).run();
  // one batch per chunk number, with each table's statement for that chunk (tables past their last row drop out)
  const chunks = Math.max(0, ...sources.map((s) => Math.ceil(s.maxRowid / chunkRows)));
  for (let k = 0; k < chunks; k++) {
    const from = k * chunkRows;
    const batch = sources.filter((s) => s.maxRowid > from).map((s) => s.stmt.bind(from, from + chunkRows));
    if (batch.length) await d1.batch(batch);
  }
  await d1.batch([
    d1.prepare(`DELETE FROM report_daily`),
    d1.prepare(`INSERT INTO report_daily (day, metric, location_id, dimension, value) SELECT day, metric, location_id, dimension, value FROM report_staging WHERE value != 0`),
    d1.prepare(`DELETE FROM report_staging`),
    d1.prepare(`DELETE FROM report_snapshot`),
  ]);
  const count = await d1.prepare(`SELECT COUNT(*) AS n FROM report_daily`).first<{ n: number }>();
  const rows = count?.n ?? 0;
  const ms = Date.now() - t0;
  const id = crypto.randomUUID();
  await deps.db.insert(reportRebuilds).values({ id, startedAt: started, completedAt: deps.clock.now(), rows, ms, actor: actor.label });
  await deps.audit.record(actor, { action: "reports.rebuilt", entityType: "report_rollups", entityId: id, newValues: { rows, ms } });
  return { rows, ms, chunks };
}
