// Expiry and reminders, run by the alarm: lots, rewards and benefits past their expiry expire (written
// down and announced once), due reward reminders go out; and when the alarm must next fire for them.
import { expireLots, reminderTimes } from "../../rules";
import type { LedgerSource } from "../contract";
import type { BenefitRow, LedgerStore, LotRow, RewardRow } from "../storage";
import { dollars, iso } from "../views";

/** Expires what is due and sends due reminders, in one storage transaction. */
export function processDue(store: LedgerStore): void {
  if (!store.profileId()) return;
  store.transaction(() => {
    const now = store.now();
    const at = new Date(now);
    const source: LedgerSource = { type: "expiry", id: null };
    const expired = expireLots(store.lots(), at);
    if (expired.expired.length) {
      const byDef = new Map<string, number>();
      for (const e of expired.expired) {
        const lot = store.rows<LotRow>(`SELECT definition_id, earned_at FROM lots WHERE id = ?`, e.lotId)[0]!;
        store.exec(`UPDATE lots SET points_remaining = 0, status = 'expired' WHERE id = ?`, e.lotId);
        store.entry({ kind: "points", action: "expire", definitionId: lot.definition_id, instanceId: e.lotId, delta: -e.points, source, occurredAt: lot.earned_at });
        byDef.set(lot.definition_id, (byDef.get(lot.definition_id) ?? 0) + e.points);
      }
      for (const [definitionId, points] of byDef) store.emit("points.expired", { point_definition_id: definitionId, points });
    }
    for (const r of store.rows<RewardRow>(`SELECT * FROM rewards WHERE status = 'active' AND expires_at IS NOT NULL AND expires_at <= ?`, now)) {
      store.exec(`UPDATE rewards SET status = 'expired', updated_at = ?, dirty = 1 WHERE id = ?`, now, r.id);
      store.entry({ kind: "reward", action: "expire", definitionId: r.definition_id, instanceId: r.id, delta: -r.value_remaining, source });
      store.emit("reward.expired", { reward_id: r.id, reward_definition_id: r.definition_id, handle: r.handle, value_remaining: dollars(r.value_remaining) });
    }
    for (const r of store.rows<RewardRow>(`SELECT * FROM rewards WHERE status = 'active' AND next_reminder_at IS NOT NULL AND next_reminder_at <= ?`, now)) {
      if (r.value_remaining > 0) {
        store.emit("reward.expiring", { reward_id: r.id, reward_definition_id: r.definition_id, handle: r.handle, value_remaining: dollars(r.value_remaining), expires_at: iso(r.expires_at), days_before: r.next_reminder_offset });
      }
      const next = reminderTimes(new Date(r.expires_at!), JSON.parse(r.offsets) as number[], store.meta("timezone") ?? "UTC", { notBefore: new Date(now + 1) })[0] ?? null;
      store.exec(`UPDATE rewards SET next_reminder_at = ?, next_reminder_offset = ? WHERE id = ?`, next?.remindAt.getTime() ?? null, next?.offsetDays ?? null, r.id);
    }
    for (const b of store.rows<BenefitRow>(`SELECT * FROM benefits WHERE status = 'active' AND expires_at IS NOT NULL AND expires_at <= ?`, now)) {
      store.exec(`UPDATE benefits SET status = 'expired', updated_at = ?, dirty = 1 WHERE id = ?`, now, b.id);
      store.entry({ kind: "benefit", action: "expire", definitionId: b.definition_id, instanceId: b.id, delta: -(b.max_redemptions - b.redemptions_used), source });
      store.emit("benefit.expired", { benefit_id: b.id, benefit_definition_id: b.definition_id, handle: b.handle });
    }
    store.setMeta("state_dirty", "1");
  });
}

/** When the next expiry or reminder falls due, on the ledger's clock (null: nothing is due, ever). */
export function nextDue(store: LedgerStore): number | null {
  // one statement: MIN over the four candidates (MIN of no rows, or of NULLs, is NULL)
  return (
    store.rows<{ t: number | null }>(
      `SELECT MIN(t) AS t FROM (
         SELECT MIN(expires_at) AS t FROM lots WHERE status = 'active' AND points_remaining > 0 AND expires_at > ?1
         UNION ALL SELECT MIN(expires_at) FROM rewards WHERE status = 'active' AND expires_at > ?1
         UNION ALL SELECT MIN(next_reminder_at) FROM rewards WHERE status = 'active' AND next_reminder_at > ?1
         UNION ALL SELECT MIN(expires_at) FROM benefits WHERE status = 'active' AND expires_at > ?1)`,
      store.now(),
    )[0]?.t ?? null
  );
}
