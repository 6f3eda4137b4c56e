// The ledger's reads (no D1: the edge answers balances from here), each one query or a few of the store
// mapped through views.ts. Tiers and achievements read with their operations (ops/tiers.ts,
// ops/achievements.ts).
import { centsForPoints, lotBalance, type PointsLot } from "../rules";
import type { Balances, BenefitView, LedgerPage, LotView, PointsBalance, RedemptionView, RewardView } from "./contract";
import type { BenefitRow, LedgerRow, LedgerStore, LotRow, RewardRow } from "./storage";
import { benefitView, dollars, ledgerView, lotView, redemptionView, rewardView } from "./views";

/** The balances at `nowMs`: usable rewards, spendable points per definition (and their worth), benefits. */
export function balancesOf(store: LedgerStore, profileId: string, nowMs: number): Balances {
  const at = new Date(nowMs);
  const rewardCents =
    store.rows<{ s: number | null }>(`SELECT SUM(value_remaining) AS s FROM rewards WHERE status = 'active' AND value_remaining > 0 AND (expires_at IS NULL OR expires_at > ?)`, nowMs)[0]?.s ?? 0;
  const benefitCount = store.count(`SELECT COUNT(*) AS n FROM benefits WHERE status = 'active' AND redemptions_used < max_redemptions AND (expires_at IS NULL OR expires_at > ?)`, nowMs);
  const defs = store.pointDefs();
  const byDef = new Map<string, PointsLot[]>();
  for (const lot of store.lots()) {
    const list = byDef.get(lot.definitionId) ?? [];
    list.push(lot);
    byDef.set(lot.definitionId, list);
  }
  const points: PointsBalance[] = [];
  let rewardPoints = 0;
  let rewardPointsCents = 0;
  for (const def of defs.values()) {
    const b = lotBalance(byDef.get(def.id) ?? [], at);
    const cents = def.kind === "reward" && def.points_per_dollar ? centsForPoints(b.spendable, def.points_per_dollar) : null;
    if (def.kind === "reward") {
      rewardPoints += b.spendable;
      rewardPointsCents += cents ?? 0;
    }
    points.push({ point_definition_id: def.id, handle: def.handle, name: def.name, kind: def.kind, balance: b.total, spendable: b.spendable, pending: b.pending, dollars: cents === null ? null : dollars(cents) });
  }
  points.sort((a, b) => a.handle.localeCompare(b.handle));
  return {
    profile_id: profileId,
    reward_balance: dollars(rewardCents),
    point_balance: rewardPoints,
    point_balance_dollars: dollars(rewardPointsCents),
    combined_balance_dollars: dollars(rewardCents + rewardPointsCents),
    benefit_balance: benefitCount,
    points,
    updated_at: at.toISOString(),
  };
}

export function rewardViews(store: LedgerStore): RewardView[] {
  return store.rows<RewardRow>(`SELECT * FROM rewards ORDER BY issued_at DESC, id`).map(rewardView);
}

export function benefitViews(store: LedgerStore): BenefitView[] {
  return store.rows<BenefitRow>(`SELECT * FROM benefits ORDER BY issued_at DESC, id`).map(benefitView);
}

export function lotViews(store: LedgerStore): LotView[] {
  const defs = store.pointDefs();
  const now = store.now();
  return store.rows<LotRow>(`SELECT * FROM lots ORDER BY earned_at DESC, id`).map((l) => lotView(l, defs, now));
}

/** One page of the ledger, newest first: `before` is the previous page's next_before. */
export function ledgerPage(store: LedgerStore, opts: { before?: number | null; limit: number }): LedgerPage {
  const limit = Math.max(1, Math.min(200, opts.limit));
  const rows = opts.before
    ? store.rows<LedgerRow>(`SELECT * FROM ledger WHERE seq < ? ORDER BY seq DESC LIMIT ?`, opts.before, limit + 1)
    : store.rows<LedgerRow>(`SELECT * FROM ledger ORDER BY seq DESC LIMIT ?`, limit + 1);
  const page = rows.slice(0, limit);
  return { entries: page.map(ledgerView), next_before: rows.length > limit ? page.at(-1)!.seq : null };
}

export function redemptionOf(store: LedgerStore, id: string): RedemptionView | null {
  const row = store.redemption(id);
  return row ? redemptionView(row, store.profileId() ?? "") : null;
}

/** What is still to be flushed: for health checks and tests. */
export function pendingCounts(store: LedgerStore): { outbox: number; unprojected: number } {
  return {
    outbox: store.count(`SELECT COUNT(*) AS n FROM outbox WHERE flushed = 0`),
    unprojected: store.count(`SELECT COUNT(*) AS n FROM ledger WHERE projected = 0`),
  };
}
