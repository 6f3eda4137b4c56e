// Merge: the loser's ledger moves into the winner's in three steps the LedgerService drives, each safe
// to repeat: the loser marks itself moving and hands over a snapshot, the winner takes it in (once per
// loser), the loser empties what moved.
import { addMonths } from "../../../platform/time";
import { fail, ok, type LedgerResult, type LedgerSource, type MoveInArgs, type MoveOutArgs, type MoveSnapshot } from "../contract";
import type { BenefitRow, LedgerStore, LotRow, RewardRow, TierRow } from "../storage";

/** Loser side, step 1: marks the profile as moving and returns everything that moves. Repeatable. */
export function beginMoveOut(store: LedgerStore, input: MoveOutArgs): LedgerResult<MoveSnapshot> {
  return store.transaction(() => {
    const bound = store.meta("profile_id");
    if (bound && bound !== input.profileId) return fail("conflict", "This ledger belongs to another profile");
    if (!bound) store.setMeta("profile_id", input.profileId);
    const moved = store.meta("moved_to");
    if (moved && moved !== input.winnerId) return fail("conflict", `This profile was already merged into ${moved}`);
    store.setMeta("moved_to", input.winnerId);
    const since = addMonths(new Date(store.now()), -12).getTime();
    const tierDefs = store.rows<{ id: string }>(`SELECT id FROM point_defs WHERE kind = 'tier'`).map((d) => d.id);
    return ok({
      from: input.profileId,
      lots: store.rows<LotRow>(`SELECT * FROM lots WHERE status = 'active' AND points_remaining > 0`),
      rewards: store.rows<RewardRow>(`SELECT * FROM rewards WHERE status = 'active'`),
      benefits: store.rows<BenefitRow>(`SELECT * FROM benefits WHERE status = 'active'`),
      achievements: store.rows(`SELECT * FROM achievements`),
      tiers: store.rows<TierRow>(`SELECT * FROM tiers WHERE tier_id IS NOT NULL`),
      tierEntries: tierDefs.length
        ? store.rows(
            `SELECT definition_id, SUM(delta) AS delta, MIN(occurred_at) AS occurred_at FROM ledger WHERE kind = 'points' AND occurred_at >= ? AND definition_id IN (${tierDefs.map(() => "?").join(",")}) AND action IN ('earn', 'clawback', 'issue') GROUP BY definition_id, occurred_at`,
            since,
            ...tierDefs,
          )
        : [],
      pointDefs: store.rows(`SELECT * FROM point_defs`),
    });
  });
}

/** Winner side: takes the loser's snapshot in, once (keyed by the loser). */
export function moveIn(store: LedgerStore, input: MoveInArgs): LedgerResult<{ lots: number; rewards: number; benefits: number }> {
  const s = input.snapshot;
  return store.run(input.profileId, `merge-in:${s.from}`, () => {
    const source: LedgerSource = { type: "merge", id: s.from, label: null };
    const now = store.now();
    for (const d of s.pointDefs) {
      store.exec(`INSERT OR IGNORE INTO point_defs (id, handle, name, kind, points_per_dollar) VALUES (?, ?, ?, ?, ?)`, d.id, d.handle, d.name, d.kind, d.points_per_dollar);
    }
    for (const l of s.lots as LotRow[]) {
      store.exec(
        `INSERT OR IGNORE INTO lots (id, definition_id, points_initial, points_remaining, earned_at, expires_at, spendable_at, source_type, source_id, source_label, source_transaction, reason)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        l.id, l.definition_id, l.points_remaining, l.points_remaining, l.earned_at, l.expires_at, l.spendable_at, l.source_type, l.source_id, l.source_label, l.source_transaction, `moved from ${s.from}`,
      );
      // tier points keep counting toward the rolling window through the tier entries below
      store.entry({ kind: "points", action: "move_in", definitionId: l.definition_id, instanceId: l.id, delta: l.points_remaining, source, occurredAt: 0 });
    }
    for (const e of s.tierEntries) {
      store.entry({ kind: "points", action: "move_in_window", definitionId: e.definition_id as string, delta: e.delta as number, source, occurredAt: e.occurred_at as number, reason: "tier points inside the rolling window" });
    }
    for (const r of s.rewards as RewardRow[]) {
      const cols = Object.keys(r).filter((k) => k !== "dirty");
      store.exec(`INSERT OR IGNORE INTO rewards (${cols.join(",")}, dirty) VALUES (${cols.map(() => "?").join(",")}, 1)`, ...cols.map((c) => r[c]));
      store.entry({ kind: "reward", action: "move_in", definitionId: r.definition_id, instanceId: r.id, delta: r.value_remaining, source });
    }
    for (const b of s.benefits as BenefitRow[]) {
      const cols = Object.keys(b).filter((k) => k !== "dirty");
      store.exec(`INSERT OR IGNORE INTO benefits (${cols.join(",")}, dirty) VALUES (${cols.map(() => "?").join(",")}, 1)`, ...cols.map((c) => b[c]));
      store.entry({ kind: "benefit", action: "move_in", definitionId: b.definition_id, instanceId: b.id, delta: b.max_redemptions - b.redemptions_used, source });
    }
    for (const a of s.achievements) {
      store.exec(
        `INSERT INTO achievements (definition_id, count, level, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(definition_id) DO UPDATE SET count = count + excluded.count, level = MAX(level, excluded.level), updated_at = excluded.updated_at`,
        a.definition_id, a.count, a.level, now,
      );
    }
    for (const t of s.tiers as TierRow[]) {
      // the winner keeps its own tier on a ladder where it has one; otherwise it takes the loser's
      store.exec(`INSERT OR IGNORE INTO tiers (ladder_id, tier_id, achieved_at, anniversary_at, credit) VALUES (?, ?, ?, ?, ?)`, t.ladder_id, t.tier_id, t.achieved_at, t.anniversary_at, t.credit);
    }
    store.exec(`UPDATE rewards SET dirty = 1`);
    store.exec(`UPDATE benefits SET dirty = 1`);
    store.emit("profile.incentives_merged", { from_profile_id: s.from, lots: s.lots.length, rewards: s.rewards.length, benefits: s.benefits.length });
    return ok({ lots: s.lots.length, rewards: s.rewards.length, benefits: s.benefits.length });
  });
}

/** Loser side, step 2: empties what moved (kept in the ledger as move_out entries). Repeatable. */
export function completeMoveOut(store: LedgerStore, input: MoveOutArgs): LedgerResult<{ done: true }> {
  return store.transaction(() => {
    if (store.meta("moved_to") !== input.winnerId) return fail("conflict", "This profile is not being merged into that profile");
    if (store.meta("move_completed")) return ok({ done: true as const });
    const source: LedgerSource = { type: "merge", id: input.winnerId, label: null };
    for (const l of store.rows<LotRow>(`SELECT * FROM lots WHERE status = 'active' AND points_remaining > 0`)) {
      store.entry({ kind: "points", action: "move_out", definitionId: l.definition_id, instanceId: l.id, delta: -l.points_remaining, source, occurredAt: 0 });
    }
    store.exec(`UPDATE lots SET status = 'moved', points_remaining = 0 WHERE status = 'active'`);
    for (const r of store.rows<RewardRow>(`SELECT * FROM rewards WHERE status = 'active'`)) {
      store.entry({ kind: "reward", action: "move_out", definitionId: r.definition_id, instanceId: r.id, delta: -r.value_remaining, source });
    }
    // the instances now belong to the winner: drop them here so the projection keeps one owner
    store.exec(`DELETE FROM rewards WHERE status = 'active'`);
    store.exec(`DELETE FROM benefits WHERE status = 'active'`);
    store.exec(`DELETE FROM tiers`);
    store.exec(`DELETE FROM achievements`);
    store.setMeta("move_completed", String(store.now()));
    store.setMeta("state_dirty", "1");
    return ok({ done: true as const });
  });
}
