// The list the dashboard's redemption figures summarise: every reward and points redemption (and
// reversal) across profiles, from the incentive ledger's D1 projection, newest first, by the brand's local
// days (as the rollups date them: when the ledger wrote the entry). Read-only; paged by page number.
import { parseCalendarDay, startOfLocalDay } from "../platform/time";
import { addDays } from "./rules";
import { REDEMPTIONS_PAGE_SIZE, type RedemptionEntry, type RedemptionsPage } from "./views";

const REDEMPTION_ID = /^(?:redemption|reversal of) (\S+)$/;

export async function listRedemptions(d1: D1Database, timezone: string, q: { from: string; to: string; page: number }): Promise<RedemptionsPage> {
  const lo = startOfLocalDay(parseCalendarDay(q.from)!, timezone).getTime();
  const hi = startOfLocalDay(parseCalendarDay(addDays(q.to, 1))!, timezone).getTime();
  const where = `l.kind IN ('reward', 'points') AND l.action IN ('redeem', 'reverse') AND l.created_at >= ?1 AND l.created_at < ?2`;
  const [totals, rows] = await d1.batch<Record<string, unknown>>([
    d1
      .prepare(
        `SELECT COUNT(*) AS n, coalesce(SUM(CASE WHEN l.kind = 'reward' THEN -l.delta ELSE 0 END), 0) AS cents, coalesce(SUM(CASE WHEN l.kind = 'points' THEN -l.delta ELSE 0 END), 0) AS points
         FROM incentive_ledger l WHERE ${where}`,
      )
      .bind(lo, hi),
    d1
      .prepare(
        `SELECT l.id, l.created_at, l.profile_id, l.kind, l.action, l.definition_id, l.delta, l.reason, l.source_type,
           trim(coalesce(p.first_name, '') || ' ' || coalesce(p.last_name, '')) AS name, p.email,
           coalesce((SELECT name FROM reward_definitions WHERE id = l.definition_id), (SELECT name FROM point_definitions WHERE id = l.definition_id)) AS definition_name
         FROM incentive_ledger l LEFT JOIN profiles p ON p.id = l.profile_id
         WHERE ${where} ORDER BY l.created_at DESC, l.id LIMIT ?3 OFFSET ?4`,
      )
      .bind(lo, hi, REDEMPTIONS_PAGE_SIZE, (q.page - 1) * REDEMPTIONS_PAGE_SIZE),
  ]);
  const t = (totals!.results[0] ?? {}) as { n?: number; cents?: number; points?: number };
  const total = Number(t.n ?? 0);
  return {
    from: q.from,
    to: q.to,
    page: q.page,
    pages: Math.max(1, Math.ceil(total / REDEMPTIONS_PAGE_SIZE)),
    total,
    reward_value: Number(t.cents ?? 0) / 100,
    points: Number(t.points ?? 0),
    entries: rows!.results.map((r) => {
      const kind = r.kind === "reward" ? "reward" : "points";
      const delta = -Number(r.delta);
      return {
        id: String(r.id),
        at: new Date(Number(r.created_at)).toISOString(),
        profile_id: String(r.profile_id),
        profile_name: String(r.name || r.email || r.profile_id),
        kind,
        action: r.action === "reverse" ? "reverse" : "redeem",
        definition_id: (r.definition_id as string | null) ?? null,
        definition_name: (r.definition_name as string | null) ?? null,
        amount: kind === "reward" ? delta / 100 : delta,
        redemption_id: REDEMPTION_ID.exec(String(r.reason ?? ""))?.[1] ?? null,
        source_type: String(r.source_type),
      } satisfies RedemptionEntry;
    }),
  };
}
