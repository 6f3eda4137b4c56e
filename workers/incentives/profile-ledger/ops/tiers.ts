// Tiers: the rolling 12-month total of a ladder's points, attaining on points, assigning by hand and the
// anniversary's keep/drop/hold. The ladder rules themselves are pure (rules/tiers.ts).
import type { EngineConfig, TierDefinitionConfig } from "../../engine-types";
import { addMonths } from "../../../platform/time";
import { assignTier as assignOnLadder, buildLadder, maintain, onPoints, progress as tierProgress, type TierState } from "../../rules";
import { fail, ok, type AssignTierArgs, type CalculateTiersArgs, type LedgerResult, type MaintainTiersArgs, type TierChange, type TierView } from "../contract";
import type { LedgerStore, TierRow } from "../storage";
import { iso } from "../views";

type Tiers = Pick<EngineConfig, "tiers">;

const ladderOf = (config: Tiers, ladderId: string) => buildLadder(config.tiers, ladderId) as TierDefinitionConfig[];

/** The ladder's points earned (less clawed back, voided, expired…) in the 12 months up to `nowMs`. */
export function rollingTierTotal(store: LedgerStore, ladderId: string, nowMs: number): number {
  const since = addMonths(new Date(nowMs), -12).getTime();
  const sum = store.rows<{ s: number | null }>(
    `SELECT SUM(delta) AS s FROM ledger WHERE kind = 'points' AND definition_id = ? AND occurred_at >= ? AND occurred_at <= ?`,
    ladderId,
    since,
    nowMs,
  )[0]?.s;
  return Math.max(0, sum ?? 0);
}

export function tierState(store: LedgerStore, ladderId: string, ladder: readonly TierDefinitionConfig[]): TierState {
  const row = store.rows<TierRow>(`SELECT * FROM tiers WHERE ladder_id = ?`, ladderId)[0];
  // a tier that was deleted from the ladder since counts as none
  if (!row || !row.tier_id || !ladder.some((t) => t.id === row.tier_id)) return { tierId: null, achievedAt: null, anniversaryAt: null, credit: 0 };
  return { tierId: row.tier_id, achievedAt: row.achieved_at === null ? null : new Date(row.achieved_at), anniversaryAt: row.anniversary_at === null ? null : new Date(row.anniversary_at), credit: row.credit };
}

function saveTier(store: LedgerStore, ladderId: string, state: TierState): void {
  store.exec(
    `INSERT INTO tiers (ladder_id, tier_id, achieved_at, anniversary_at, credit) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT(ladder_id) DO UPDATE SET tier_id = excluded.tier_id, achieved_at = excluded.achieved_at, anniversary_at = excluded.anniversary_at, credit = excluded.credit`,
    ladderId,
    state.tierId,
    state.achievedAt?.getTime() ?? null,
    state.anniversaryAt?.getTime() ?? null,
    state.credit,
  );
}

function tierEvent(store: LedgerStore, outcome: string, ladder: readonly TierDefinitionConfig[], from: string | null, to: string | null, state: TierState, extra: Record<string, unknown> = {}): void {
  const name = (id: string | null) => (id ? (ladder.find((t) => t.id === id)?.handle ?? id) : null);
  const rank = (id: string | null) => (id ? ladder.findIndex((t) => t.id === id) : -1);
  const type =
    outcome === "attained" ? "tier.achieved" : outcome === "maintained" || outcome === "held_by_floor" ? "tier.maintained" : outcome === "downgraded" ? "tier.downgraded" : rank(to) >= rank(from) ? "tier.achieved" : "tier.downgraded";
  store.emit(type, {
    outcome,
    from_tier_id: from,
    from_tier: name(from),
    to_tier_id: to,
    to_tier: name(to),
    achieved_at: iso(state.achievedAt?.getTime()),
    anniversary_at: iso(state.anniversaryAt?.getTime()),
    credit: state.credit,
    ...extra,
  });
}

/** After points on a tier ladder: attains the tier the rolling total now reaches, if any (inside an operation). */
export function evaluateTier(store: LedgerStore, ladderId: string, config: EngineConfig, nowMs: number): TierChange | null {
  const ladder = ladderOf(config, ladderId);
  if (!ladder.length) return null;
  const state = tierState(store, ladderId, ladder);
  const total = rollingTierTotal(store, ladderId, nowMs);
  const change = onPoints(ladder, state, total, new Date(nowMs), config.timezone);
  if (change.outcome !== "attained") return null;
  saveTier(store, ladderId, change.state);
  store.entry({ kind: "tier", action: "attain", definitionId: change.to, delta: 0, source: { type: "system", id: null }, reason: `rolling 12-month total ${total}`, occurredAt: nowMs });
  tierEvent(store, "attained", ladder, change.from, change.to, change.state, { points: total });
  return { point_definition_id: ladderId, outcome: change.outcome, from: change.from, to: change.to };
}

/** Every ladder's current and next tier, progress and dates. */
export function tierViews(store: LedgerStore, config: Tiers): TierView[] {
  const out: TierView[] = [];
  const now = store.now();
  for (const ladderId of new Set(config.tiers.map((t) => t.pointDefinitionId))) {
    const ladder = ladderOf(config, ladderId);
    const state = tierState(store, ladderId, ladder);
    const total = rollingTierTotal(store, ladderId, now);
    const p = tierProgress(ladder, state, total);
    const cur = p.current as TierDefinitionConfig | null;
    const next = p.next as TierDefinitionConfig | null;
    out.push({
      point_definition_id: ladderId,
      current: cur ? { id: cur.id, handle: cur.handle, name: cur.name } : null,
      next: next ? { id: next.id, handle: next.handle, name: next.name, value_min: next.valueMin } : null,
      points: total,
      credit: state.credit,
      progress: p.progress,
      remaining: p.remaining,
      achieved_at: iso(state.achievedAt?.getTime()),
      anniversary_at: iso(state.anniversaryAt?.getTime()),
      maintain: p.maintain,
    });
  }
  return out;
}

/** A tier set by hand (null: none), on a ladder of the config. */
export function assignTier(store: LedgerStore, input: AssignTierArgs): LedgerResult<TierView> {
  return store.run(
    input.profileId,
    input.key,
    () => {
      const ladder = ladderOf(input.config, input.pointDefinitionId);
      if (input.tierId !== null && !ladder.some((t) => t.id === input.tierId)) return fail("validation_failed", "That tier is not on this ladder", { tier_definition_id: ["That tier is not on this ladder"] });
      const state = tierState(store, input.pointDefinitionId, ladder);
      const change = assignOnLadder(ladder, state, input.tierId, new Date(store.now()), input.config.timezone);
      saveTier(store, input.pointDefinitionId, change.state);
      store.entry({ kind: "tier", action: "assign", definitionId: input.tierId, delta: 0, source: input.source, reason: input.reason });
      tierEvent(store, "assigned", ladder, change.from, change.to, change.state, { reason: input.reason });
      return ok(tierViews(store, input.config).find((t) => t.point_definition_id === input.pointDefinitionId)!);
    },
    input.source.causation ?? null,
  );
}

/** The anniversary job: keeps, drops or holds each tier whose anniversary has come. Safe to repeat. */
export function maintainTiers(store: LedgerStore, input: MaintainTiersArgs): LedgerResult<TierChange[]> {
  const now = store.now();
  return store.run(input.profileId, `maintain:${now}`, () => {
    const out: TierChange[] = [];
    for (const row of store.rows<TierRow>(`SELECT * FROM tiers WHERE tier_id IS NOT NULL AND anniversary_at <= ?`, now)) {
      const ladder = ladderOf(input.config, row.ladder_id);
      if (!ladder.length) continue;
      const state = tierState(store, row.ladder_id, ladder);
      if (!state.tierId) continue;
      const total = rollingTierTotal(store, row.ladder_id, now);
      const change = maintain(ladder, state, total, new Date(now), input.config.timezone);
      if (change.outcome === "not_due") continue;
      saveTier(store, row.ladder_id, change.state);
      store.entry({ kind: "tier", action: change.outcome, definitionId: change.to, delta: 0, source: { type: "system", id: "tier-anniversary" }, reason: `rolling 12-month total ${total} + credit ${state.credit}` });
      tierEvent(store, change.outcome, ladder, change.from, change.to, change.state, { points: total, credit_used: state.credit });
      out.push({ point_definition_id: row.ladder_id, outcome: change.outcome, from: change.from, to: change.to });
    }
    return ok(out);
  });
}

/**
 * Omneo's tiers/calculate: attains on each ladder the tier the rolling total already reaches but the
 * profile does not hold (points only re-evaluate a ladder when they change, so a member who never earned
 * is on no tier, even one starting at 0). Writes nothing when nothing would change, so it is safe to repeat.
 */
export function calculateTiers(store: LedgerStore, input: CalculateTiersArgs): LedgerResult<TierView[]> {
  const now = store.now();
  const ladders = [...new Set(input.config.tiers.map((t) => t.pointDefinitionId))];
  const dueLadders = () =>
    ladders.filter((id) => {
      const ladder = ladderOf(input.config, id);
      return ladder.length > 0 && onPoints(ladder, tierState(store, id, ladder), rollingTierTotal(store, id, now), new Date(now), input.config.timezone).outcome === "attained";
    });
  // a ledger never written is asked over scratch tables, so a calculate that changes nothing creates no storage
  const fresh = !store.exists();
  const due = fresh ? store.scratch(dueLadders) : dueLadders();
  if (!due.length) return ok(fresh ? store.scratch(() => tierViews(store, input.config)) : tierViews(store, input.config));
  return store.run(input.profileId, `calculate:${now}`, () => {
    for (const id of due) evaluateTier(store, id, input.config, now);
    return ok(tierViews(store, input.config));
  });
}
