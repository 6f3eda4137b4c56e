// Redemption: an amount taken from rewards and/or points by strategy, nearest expiry first, checked and
// spent in one transaction (concurrent redemptions can never take more than the balance); and its
// reversal within the window, restoring exactly what it took.
import { redemptionId } from "../../redemption-ids";
import { allocateRedemption, canReverse, lotBalance, type PointsLot, type RewardInstance } from "../../rules";
import { fail, ok, type LedgerResult, type RedeemArgs, type RedemptionResult, type ReverseRedemptionArgs } from "../contract";
import { balancesOf } from "../reads";
import { backDate } from "./issue";
import type { LedgerStore, LotRow, RewardRow, StoredBreakdown } from "../storage";
import { dollars, redemptionView } from "../views";

/** The rewards a redemption may take from; as of `issuedBy` (a back-dated redemption) only those issued by then. */
function rewardInstances(store: LedgerStore, issuedBy = Number.MAX_SAFE_INTEGER): RewardInstance[] {
  return store.rows<RewardRow>(`SELECT * FROM rewards WHERE status IN ('active', 'redeemed') AND issued_at <= ?`, issuedBy).map((r) => ({
    id: r.id,
    valueRemainingCents: r.value_remaining,
    valueInitialCents: r.value_initial,
    issuedAt: new Date(r.issued_at),
    expiresAt: r.expires_at === null ? null : new Date(r.expires_at),
    isVoid: false,
  }));
}

/** The reward-kind definition a points redemption spends: the one with the most spendable points. */
function pointsSource(store: LedgerStore, at: Date) {
  let best: { definitionId: string; pointsPerDollar: number; lots: PointsLot[]; spendable: number } | null = null;
  for (const def of store.pointDefs().values()) {
    if (def.kind !== "reward" || !def.points_per_dollar) continue;
    const lots = store.lots(def.id);
    const spendable = lotBalance(lots, at).spendable;
    if (!best || spendable > best.spendable) best = { definitionId: def.id, pointsPerDollar: def.points_per_dollar, lots, spendable };
  }
  return best;
}

export function redeem(store: LedgerStore, input: RedeemArgs): LedgerResult<RedemptionResult> {
  return store.run(input.profileId, input.key, () => {
    store.rememberDefinitions(input.pointDefinitions);
    // a back-dated redemption (history a backfill replays) is written as of its time and takes from the
    // rewards as they stood then; points lots are not kept as of a past time, so it spends rewards only
    const backDated = input.at !== null && input.at !== undefined;
    const now = backDate(store, input.at);
    if (now === null) return fail("validation_failed", "at must be a time no later than now", { at: ["at must be a time no later than now"] });
    if (backDated && input.strategy !== "rewards") return fail("validation_failed", "a back-dated redemption spends rewards only", { strategy: ["a back-dated redemption spends rewards only"] });
    const at = new Date(now);
    const result = allocateRedemption({ strategy: input.strategy, amountCents: input.amountCents, rewards: rewardInstances(store, now), points: backDated ? null : pointsSource(store, at) }, at);
    if (!result.ok) {
      const field = result.code === "invalid_strategy" ? "strategy" : "amount";
      return fail("validation_failed", result.message, { [field]: [result.message] }, result.code === "insufficient_balance" ? { available: dollars(result.availableCents), shortfall: dollars(result.shortfallCents) } : undefined);
    }
    const b = result.breakdown;
    const id = redemptionId(input.profileId);
    for (const r of b.rewards) {
      store.exec(
        `UPDATE rewards SET value_remaining = value_remaining - ?, status = CASE WHEN value_remaining - ? = 0 THEN 'redeemed' ELSE status END, updated_at = ?, dirty = 1 WHERE id = ?`,
        r.cents,
        r.cents,
        now,
        r.rewardId,
      );
      const row = store.reward(r.rewardId)!;
      store.entry({ kind: "reward", action: "redeem", definitionId: row.definition_id, instanceId: r.rewardId, delta: -r.cents, source: input.source, reason: `redemption ${id}`, at: now });
      store.emit("reward.redeemed", { reward_id: r.rewardId, reward_definition_id: row.definition_id, amount: dollars(r.cents), value_remaining: dollars(row.value_remaining), redemption_id: id }, now);
    }
    if (b.points) {
      store.applyLots(b.points.allocations, -1);
      for (const a of b.points.allocations) {
        store.entry({ kind: "points", action: "redeem", definitionId: b.points.definitionId, instanceId: a.lotId, delta: -a.points, source: input.source, reason: `redemption ${id}` });
      }
      store.emit("points.redeemed", { point_definition_id: b.points.definitionId, points: b.points.points, amount: dollars(b.points.cents), redemption_id: id });
    }
    store.exec(
      `INSERT INTO redemptions (id, strategy, amount, breakdown, transaction_external_id, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
      id,
      b.strategy,
      b.amountCents,
      JSON.stringify(b),
      input.transactionExternalId,
      now,
    );
    const view = redemptionView(store.redemption(id)!, input.profileId);
    store.emit("redemption.created", { ...view, source: input.source }, now);
    return ok({ redemption: view, balances: balancesOf(store, input.profileId, store.now()) });
  }, input.source.causation ?? null);
}

/** Restores exactly what a redemption took, once, within 10 minutes. */
export function reverseRedemption(store: LedgerStore, input: ReverseRedemptionArgs): LedgerResult<RedemptionResult> {
  return store.run(input.profileId, input.key, () => {
    const row = store.redemption(input.id);
    if (!row) return fail("not_found", `No redemption ${input.id}`);
    const now = store.now();
    const check = canReverse({ createdAt: new Date(row.created_at), reversedAt: row.reversed_at === null ? null : new Date(row.reversed_at) }, new Date(now));
    if (!check.ok) return fail("conflict", check.message, undefined, { reason: check.code });
    const b = JSON.parse(row.breakdown) as StoredBreakdown;
    for (const r of b.rewards) {
      store.exec(`UPDATE rewards SET value_remaining = value_remaining + ?, status = CASE WHEN status = 'redeemed' THEN 'active' ELSE status END, updated_at = ?, dirty = 1 WHERE id = ?`, r.cents, now, r.rewardId);
      const reward = store.rows<RewardRow>(`SELECT definition_id FROM rewards WHERE id = ?`, r.rewardId)[0];
      store.entry({ kind: "reward", action: "reverse", definitionId: reward?.definition_id ?? null, instanceId: r.rewardId, delta: r.cents, source: input.source, reason: `reversal of ${row.id}` });
    }
    if (b.points) {
      store.applyLots(b.points.allocations, 1);
      for (const a of b.points.allocations) {
        const lot = store.rows<LotRow>(`SELECT earned_at FROM lots WHERE id = ?`, a.lotId)[0];
        store.entry({ kind: "points", action: "reverse", definitionId: b.points.definitionId, instanceId: a.lotId, delta: a.points, source: input.source, reason: `reversal of ${row.id}`, occurredAt: lot?.earned_at });
      }
    }
    store.exec(`UPDATE redemptions SET reversed_at = ? WHERE id = ?`, now, row.id);
    const view = redemptionView(store.redemption(row.id)!, input.profileId);
    store.emit("redemption.reversed", { ...view, source: input.source });
    return ok({ redemption: view, balances: balancesOf(store, input.profileId, now) });
  }, input.source.causation ?? null);
}
