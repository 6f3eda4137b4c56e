// Expiry and reminders, run by the alarm: lots, rewards and benefits past their expiry expire (written
// down and announced once), due reward reminders go out; and when the alarm must next fire for them.
import { expireLots, reminderTimes } from "../../rules";
import type { LedgerSource } from "../contract";
import type { BenefitRow, LedgerStore, LotRow, RewardRow } from "../storage";
import { dollars, iso } from "../views";

/**
 * When an expiry happened: at the instance's own expiry, not when the alarm got to it, so history a
 * backfill replays (a reward issued a year ago, expired eleven months ago) lands in the ledger, its
 * event and the daily rollups on its own day. Never later than now (an expiry is never in the future).
 */
export function expiredAt(expiresAt: number | null, now: number): number {
  return expiresAt === null ? now : Math.min(expiresAt, now);
}

/** Expires what is due and sends due reminders, in one storage transaction; each expiry dated at its expiry (expiredAt). */
export function processDue(store: LedgerStore): void {
  if (!store.profileId()) return;
  store.transaction(() => {
    const now = store.now();
    const at = new Date(now);
    const source: LedgerSource = { type: "expiry", id: null };
    const expired = expireLots(store.lots(), at);
    if (expired.expired.length) {
      // one points.expired per definition and expiry instant, dated then (see expiredAt)
      const groups = new Map<string, { definitionId: string; at: number; points: number }>();
      for (const e of expired.expired) {
        const lot = store.rows<LotRow>(`SELECT definition_id, earned_at, expires_at FROM lots WHERE id = ?`, e.lotId)[0]!;
        const when = expiredAt(lot.expires_at, now);
        store.exec(`UPDATE lots SET points_remaining = 0, status = 'expired' WHERE id = ?`, e.lotId);
        store.entry({ kind: "points", action: "expire", definitionId: lot.definition_id, instanceId: e.lotId, delta: -e.points, source, occurredAt: lot.earned_at, at: when });
        const key = `${lot.definition_id}|${when}`;
        const group = groups.get(key) ?? { definitionId: lot.definition_id, at: when, points: 0 };
        group.points += e.points;
        groups.set(key, group);
      }
      for (const g of groups.values()) store.emit("points.expired", { point_definition_id: g.definitionId, points: g.points }, g.at);
    }
    for (const r of store.rows<RewardRow>(`SELECT * FROM rewards WHERE status = 'active' AND expires_at IS NOT NULL AND expires_at <= ?`, now)) {
      const when = expiredAt(r.expires_at, now);
      store.exec(`UPDATE rewards SET status = 'expired', updated_at = ?, dirty = 1 WHERE id = ?`, now, r.id);
      store.entry({ kind: "reward", action: "expire", definitionId: r.definition_id, instanceId: r.id, delta: -r.value_remaining, source, at: when });
      store.emit("reward.expired", { reward_id: r.id, reward_definition_id: r.definition_id, handle: r.handle, value_remaining: dollars(r.value_remaining) }, when);
    }
    for (const r of store.rows<RewardRow>(`SELECT * FROM rewards WHERE status = 'active' AND next_reminder_at IS NOT NULL AND next_reminder_at <= ?`, now)) {
      if (r.value_remaining > 0) {
        store.emit("reward.expiring", { reward_id: r.id, reward_definition_id: r.definition_id, handle: r.handle, value_remaining: dollars(r.value_remaining), expires_at: iso(r.expires_at), days_before: r.next_reminder_offset });
      }
      const next = reminderTimes(new Date(r.expires_at!), JSON.parse(r.offsets) as number[], store.meta("timezone") ?? "UTC", { notBefore: new Date(now + 1) })[0] ?? null;
      store.exec(`UPDATE rewards SET next_reminder_at = ?, next_reminder_offset = ? WHERE id = ?`, next?.remindAt.getTime() ?? null, next?.offsetDays ?? null, r.id);
    }
    for (const b of store.rows<BenefitRow>(`SELECT * FROM benefits WHERE status = 'active' AND expires_at IS NOT NULL AND expires_at <= ?`, now)) {
      const when = expiredAt(b.expires_at, now);
      store.exec(`UPDATE benefits SET status = 'expired', updated_at = ?, dirty = 1 WHERE id = ?`, now, b.id);
      store.entry({ kind: "benefit", action: "expire", definitionId: b.definition_id, instanceId: b.id, delta: -(b.max_redemptions - b.redemptions_used), source, at: when });
      store.emit("benefit.expired", { benefit_id: b.id, benefit_definition_id: b.definition_id, handle: b.handle }, when);
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
