// The ledger's rows as its callers see them (contract.ts): money in dollars, times as ISO strings, an
// instance past its expiry shown as expired even before the alarm has marked it.
import { REVERSAL_WINDOW_MS } from "../rules";
import type { BenefitView, LedgerEntryView, LotView, RedemptionView, RewardView } from "./contract";
import type { BenefitRow, LedgerRow, LotRow, PointDefRow, RedemptionRow, RewardRow, StoredBreakdown } from "./storage";

export const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());
export const dollars = (cents: number) => Math.round(cents) / 100;

export function rewardView(r: RewardRow): RewardView {
  return {
    id: r.id,
    reward_definition_id: r.definition_id,
    definition_version: r.definition_version,
    handle: r.handle,
    name: r.name,
    type: r.type,
    value_initial: dollars(r.value_initial),
    value_remaining: dollars(r.value_remaining),
    status: r.status === "active" && r.expires_at !== null && r.expires_at <= Date.now() ? "expired" : r.status,
    issued_at: iso(r.issued_at)!,
    expires_at: iso(r.expires_at),
    extended_at: iso(r.extended_at),
    is_extendable: !!r.is_extendable,
    void_reason: r.void_reason,
    reason: r.reason,
    source: { type: r.source_type, id: r.source_id, label: r.source_label },
  };
}

export function benefitView(b: BenefitRow): BenefitView {
  return {
    id: b.id,
    benefit_definition_id: b.definition_id,
    definition_version: b.definition_version,
    handle: b.handle,
    name: b.name,
    max_redemptions: b.max_redemptions,
    redemptions_used: b.redemptions_used,
    redemptions_remaining: Math.max(0, b.max_redemptions - b.redemptions_used),
    status: b.status === "active" && b.expires_at !== null && b.expires_at <= Date.now() ? "expired" : b.status,
    issued_at: iso(b.issued_at)!,
    expires_at: iso(b.expires_at),
    extended_at: iso(b.extended_at),
    is_extendable: !!b.is_extendable,
    claimed: !!b.claimed,
    void_reason: b.void_reason,
    reason: b.reason,
    source: { type: b.source_type, id: b.source_id, label: b.source_label },
  };
}

/** A points lot, named by its definition; `nowMs` is the ledger's clock (a lot past its expiry reads expired). */
export function lotView(l: LotRow, defs: ReadonlyMap<string, PointDefRow>, nowMs: number): LotView {
  return {
    id: l.id,
    point_definition_id: l.definition_id,
    handle: defs.get(l.definition_id)?.handle ?? "",
    kind: defs.get(l.definition_id)?.kind ?? "",
    points_initial: l.points_initial,
    points_remaining: l.points_remaining,
    status: l.status === "active" && l.expires_at !== null && l.expires_at <= nowMs ? "expired" : l.status,
    earned_at: iso(l.earned_at)!,
    spendable_at: iso(l.spendable_at)!,
    expires_at: iso(l.expires_at),
    transaction_external_id: l.source_transaction,
    reason: l.reason,
    source: { type: l.source_type, id: l.source_id, label: l.source_label },
  };
}

export function redemptionView(r: RedemptionRow, profileId: string): RedemptionView {
  const b = JSON.parse(r.breakdown) as StoredBreakdown;
  return {
    id: r.id,
    profile_id: profileId,
    strategy: r.strategy,
    amount: dollars(r.amount),
    rewards: b.rewards.map((x) => ({ reward_id: x.rewardId, amount: dollars(x.cents) })),
    rewards_amount: dollars(b.rewardsCents),
    points: b.points ? { point_definition_id: b.points.definitionId, points: b.points.points, amount: dollars(b.points.cents), lots: b.points.allocations.map((a) => ({ lot_id: a.lotId, points: a.points })) } : null,
    points_amount: dollars(b.pointsCents),
    transaction_external_id: r.transaction_external_id,
    created_at: iso(r.created_at)!,
    reversible_until: iso(r.created_at + REVERSAL_WINDOW_MS)!,
    reversed_at: iso(r.reversed_at),
  };
}

export function ledgerView(e: LedgerRow): LedgerEntryView {
  return {
    id: e.id,
    seq: e.seq,
    kind: e.kind,
    action: e.action,
    definition_id: e.definition_id,
    instance_id: e.instance_id,
    delta: e.delta,
    reason: e.reason,
    source: { type: e.source_type, id: e.source_id, label: e.source_label },
    occurred_at: iso(e.occurred_at)!,
    created_at: iso(e.created_at)!,
  };
}
