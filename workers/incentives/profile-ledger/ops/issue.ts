// Issuing by hand (staff, API tokens, reactions): rewards and points; and what staff do to an instance
// afterwards: void it (kept, marked invalid) or extend a reward once. Benefits are in benefits.ts.
import type { RewardDefinitionConfig } from "../../engine-types";
import { expiresAt as expiryFor, reminderTimes } from "../../rules";
import { fail, ok, type ExtendArgs, type IssuePointsArgs, type IssueRewardArgs, type LedgerResult, type LedgerSource, type LotView, type RewardView, type VoidInstanceArgs, type VoidResult } from "../contract";
import { lotViews } from "../reads";
import type { LedgerStore } from "../storage";
import { dollars, iso, rewardView } from "../views";
import { addLot } from "./earn";
import { extensionOf } from "./extension";
import { evaluateTier } from "./tiers";

export function issueReward(store: LedgerStore, input: IssueRewardArgs): LedgerResult<RewardView> {
  store.rememberTimezone(input.timezone);
  return store.run(
    input.profileId,
    input.key,
    () => {
      store.rememberDefinitions(input.pointDefinitions ?? []);
      const value = input.valueCents ?? input.definition.value;
      if (!Number.isSafeInteger(value) || value <= 0) return fail("validation_failed", "value must be greater than 0", { value: ["value must be greater than 0"] });
      const at = backDate(store, input.at);
      if (at === null) return fail("validation_failed", "at must be a time no later than now", { at: ["at must be a time no later than now"] });
      if (input.expiresAt !== null && input.expiresAt !== undefined && input.expiresAt <= at) {
        const message = input.at ? "expires_at must be after the reward is issued" : "expires_at must be in the future";
        return fail("validation_failed", message, { expires_at: [message] });
      }
      const id = addReward(store, input.definition, value, input.expiresAt ?? null, input.source, input.reason, input.timezone, at);
      return ok(rewardView(store.reward(id)!));
    },
    input.source.causation ?? null,
  );
}

/**
 * The time a write is dated: the ledger's now, or a back-dated write's `at` (a backfill replaying history);
 * null for an `at` in the future or not a time.
 */
export function backDate(store: LedgerStore, at: number | null | undefined): number | null {
  const now = store.now();
  if (at === null || at === undefined) return now;
  return Number.isSafeInteger(at) && at <= now ? at : null;
}

/**
 * Writes a new reward instance (its expiry and first reminder), its entry and event, all dated `now` (a
 * back-dated issue's time: its expiry counts from then; reminders only from the ledger's now on); returns its id.
 */
function addReward(store: LedgerStore, def: RewardDefinitionConfig, valueCents: number, expiresAtMs: number | null, source: LedgerSource, reason: string | null, timezone: string, now = store.now()): string {
  const id = crypto.randomUUID();
  const expires = expiresAtMs ?? expiryFor({ periodDays: def.periodDays, periodMonths: def.periodMonths, absoluteExpiry: def.absoluteExpiry }, new Date(now), timezone)?.getTime() ?? null;
  const reminder = expires === null ? null : (reminderTimes(new Date(expires), def.notificationOffsets, timezone, { notBefore: new Date(store.now()) })[0] ?? null);
  store.exec(
    `INSERT INTO rewards (id, definition_id, definition_version, handle, name, type, value_initial, value_remaining, issued_at, expires_at, is_extendable, period_days,
       offsets, next_reminder_at, next_reminder_offset, status, source_type, source_id, source_label, reason, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?, ?)`,
    id,
    def.id,
    def.version,
    def.handle,
    def.name,
    def.type,
    valueCents,
    valueCents,
    now,
    expires,
    def.isExtendable ? 1 : 0,
    def.periodDays,
    JSON.stringify(def.notificationOffsets),
    reminder?.remindAt.getTime() ?? null,
    reminder?.offsetDays ?? null,
    source.type,
    source.id,
    source.label ?? null,
    reason,
    now,
  );
  store.entry({ kind: "reward", action: "issue", definitionId: def.id, instanceId: id, delta: valueCents, source, reason, at: now });
  store.emit("reward.issued", { reward_id: id, reward_definition_id: def.id, handle: def.handle, value: dollars(valueCents), expires_at: iso(expires), source, reason }, now);
  return id;
}

export function issuePoints(store: LedgerStore, input: IssuePointsArgs): LedgerResult<LotView> {
  return store.run(
    input.profileId,
    input.key,
    () => {
      if (!Number.isSafeInteger(input.points) || input.points <= 0) return fail("validation_failed", "value must be a whole number of points greater than 0", { value: ["value must be a whole number of points greater than 0"] });
      store.rememberDefinitions([input.definition, ...input.config.pointDefinitions]);
      const now = store.now();
      const id = addLot(store, input.definition, input.points, { source: input.source, reason: input.reason, transactionExternalId: null, earnedAt: now, occurredAt: now, action: "issue", timezone: input.config.timezone });
      if (input.definition.kind === "tier") evaluateTier(store, input.definition.id, input.config, now);
      return ok(lotViews(store).find((l) => l.id === id)!);
    },
    input.source.causation ?? null,
  );
}

/** Void marks an instance invalid and keeps it; voiding it again changes nothing. */
export function voidInstance(store: LedgerStore, input: VoidInstanceArgs): LedgerResult<VoidResult> {
  return store.run(input.profileId, input.key, () => {
    const now = store.now();
    if (input.kind === "reward") {
      const r = store.reward(input.id);
      if (!r) return fail("not_found", `No reward ${input.id} on this profile`);
      if (r.status === "void") return ok({ id: r.id, status: r.status });
      store.exec(`UPDATE rewards SET status = 'void', void_reason = ?, updated_at = ?, dirty = 1 WHERE id = ?`, input.reason, now, r.id);
      store.entry({ kind: "reward", action: "void", definitionId: r.definition_id, instanceId: r.id, delta: -r.value_remaining, source: input.source, reason: input.reason });
      store.emit("reward.voided", { reward_id: r.id, reward_definition_id: r.definition_id, value_remaining: dollars(r.value_remaining), reason: input.reason });
    } else if (input.kind === "benefit") {
      const b = store.benefit(input.id);
      if (!b) return fail("not_found", `No benefit ${input.id} on this profile`);
      if (b.status === "void") return ok({ id: b.id, status: b.status });
      store.exec(`UPDATE benefits SET status = 'void', void_reason = ?, updated_at = ?, dirty = 1 WHERE id = ?`, input.reason, now, b.id);
      store.entry({ kind: "benefit", action: "void", definitionId: b.definition_id, instanceId: b.id, delta: -(b.max_redemptions - b.redemptions_used), source: input.source, reason: input.reason });
      store.emit("benefit.voided", { benefit_id: b.id, benefit_definition_id: b.definition_id, reason: input.reason });
    } else {
      const l = store.lot(input.id);
      if (!l) return fail("not_found", `No points lot ${input.id} on this profile`);
      if (l.status === "void") return ok({ id: l.id, status: l.status });
      store.exec(`UPDATE lots SET status = 'void', points_remaining = 0 WHERE id = ?`, l.id);
      store.entry({ kind: "points", action: "void", definitionId: l.definition_id, instanceId: l.id, delta: -l.points_remaining, source: input.source, reason: input.reason, occurredAt: l.earned_at });
      store.emit("points.voided", { lot_id: l.id, point_definition_id: l.definition_id, points: l.points_remaining, reason: input.reason });
    }
    return ok({ id: input.id, status: "void" });
  }, input.source.causation ?? null);
}

/** Extends a reward once: a new expiry, and the reminders recomputed for it. */
export function extendReward(store: LedgerStore, input: ExtendArgs): LedgerResult<RewardView> {
  return store.run(input.profileId, input.key, () => {
    const r = store.reward(input.id);
    if (!r) return fail("not_found", `No reward ${input.id} on this profile`);
    const extension = extensionOf("reward", r, input.days, input.timezone);
    if (!extension.ok) return extension;
    const now = store.now();
    const expires = extension.value;
    const offsets = JSON.parse(r.offsets) as number[];
    const reminder = reminderTimes(new Date(expires), offsets, input.timezone, { notBefore: new Date(now) })[0] ?? null;
    store.exec(
      `UPDATE rewards SET expires_at = ?, extended_at = ?, next_reminder_at = ?, next_reminder_offset = ?, updated_at = ?, dirty = 1 WHERE id = ?`,
      expires,
      now,
      reminder?.remindAt.getTime() ?? null,
      reminder?.offsetDays ?? null,
      now,
      r.id,
    );
    store.entry({ kind: "reward", action: "extend", definitionId: r.definition_id, instanceId: r.id, delta: 0, source: input.source, reason: `extended to ${iso(expires)}` });
    store.emit("reward.extended", { reward_id: r.id, reward_definition_id: r.definition_id, expires_at: iso(expires) });
    return ok(rewardView(store.reward(r.id)!));
  }, input.source.causation ?? null);
}
