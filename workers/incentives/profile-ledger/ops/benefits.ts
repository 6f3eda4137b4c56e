// Benefits: issued (by hand, or unlocked by an achievement level), claimed by the shopper when the
// definition allows it, redeemed a use at a time, extended once.
import type { BenefitDefinitionConfig } from "../../engine-types";
import { conditionHolds, expiresAt as expiryFor } from "../../rules";
import { fail, ok, type BenefitView, type ClaimBenefitArgs, type ExtendArgs, type IssueBenefitArgs, type LedgerResult, type LedgerSource, type RedeemBenefitArgs } from "../contract";
import type { BenefitRow, LedgerStore } from "../storage";
import { benefitView, iso } from "../views";
import { extensionOf } from "./extension";
import { backDate } from "./issue";

/** Writes a new benefit instance, its entry and events (inside an operation); returns its id. */
export function addBenefit(
  store: LedgerStore,
  def: BenefitDefinitionConfig,
  o: { source: LedgerSource; reason: string | null; claimed: boolean; timezone: string; at?: number; expiresAt?: number | null },
): string {
  const now = o.at ?? store.now();
  const id = crypto.randomUUID();
  const expires = o.expiresAt !== undefined ? o.expiresAt : (expiryFor({ periodDays: def.periodDays, absoluteExpiry: def.absoluteExpiry }, new Date(now), o.timezone)?.getTime() ?? null);
  store.exec(
    `INSERT INTO benefits (id, definition_id, definition_version, handle, name, max_redemptions, issued_at, expires_at, is_extendable, period_days, claimed, status,
       source_type, source_id, source_label, reason, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?, ?)`,
    id,
    def.id,
    def.version,
    def.handle,
    def.name,
    def.maxRedemptions,
    now,
    expires,
    def.isExtendable ? 1 : 0,
    def.periodDays,
    o.claimed ? 1 : 0,
    o.source.type,
    o.source.id,
    o.source.label ?? null,
    o.reason,
    now,
  );
  store.entry({ kind: "benefit", action: o.claimed ? "claim" : "issue", definitionId: def.id, instanceId: id, delta: def.maxRedemptions, source: o.source, reason: o.reason, at: now });
  store.emit("benefit.issued", { benefit_id: id, benefit_definition_id: def.id, handle: def.handle, max_redemptions: def.maxRedemptions, expires_at: iso(expires), source: o.source, reason: o.reason }, now);
  if (o.claimed) store.emit("benefit.claimed", { benefit_id: id, benefit_definition_id: def.id, handle: def.handle });
  return id;
}

export function issueBenefit(store: LedgerStore, input: IssueBenefitArgs): LedgerResult<BenefitView> {
  return store.run(
    input.profileId,
    input.key,
    () => {
      store.rememberDefinitions(input.pointDefinitions ?? []);
      const at = backDate(store, input.at);
      if (at === null) return fail("validation_failed", "issued_at must be a time no later than now", { issued_at: ["issued_at must be a time no later than now"] });
      const id = addBenefit(store, input.definition, { source: input.source, reason: input.reason, claimed: false, timezone: input.timezone, at, expiresAt: input.expiresAt });
      return ok(benefitView(store.benefit(id)!));
    },
    input.source.causation ?? null,
  );
}

/** The shopper takes a claimable benefit they are eligible for and do not already hold. */
export function claimBenefit(store: LedgerStore, input: ClaimBenefitArgs): LedgerResult<BenefitView> {
  return store.run(input.profileId, input.key, () => {
    const def = input.definition;
    if (!def.isClaimable) return fail("conflict", `${def.name} cannot be claimed; staff or automations issue it`);
    if (def.eligibility && !conditionHolds(def.eligibility, input.profile)) return fail("conflict", `This profile is not eligible for ${def.name}`);
    const held = store.count(
      `SELECT COUNT(*) AS n FROM benefits WHERE definition_id = ? AND status = 'active' AND redemptions_used < max_redemptions AND (expires_at IS NULL OR expires_at > ?)`,
      def.id,
      store.now(),
    );
    if (held > 0) return fail("conflict", `This profile already holds ${def.name}`);
    const id = addBenefit(store, def, { source: input.source, reason: "claimed", claimed: true, timezone: input.timezone });
    return ok(benefitView(store.benefit(id)!));
  }, input.source.causation ?? null);
}

/** Uses one of a benefit's redemptions. */
export function redeemBenefit(store: LedgerStore, input: RedeemBenefitArgs): LedgerResult<BenefitView> {
  return store.run(
    input.profileId,
    input.key,
    () => {
      const b = store.benefit(input.id);
      if (!b) return fail("not_found", `No benefit ${input.id} on this profile`);
      const now = store.now();
      if (b.status === "void") return fail("conflict", "This benefit is void");
      if (b.expires_at !== null && b.expires_at <= now) return fail("conflict", "This benefit has expired");
      if (b.redemptions_used >= b.max_redemptions) return fail("conflict", "This benefit has no redemptions left");
      const used = b.redemptions_used + 1;
      store.exec(`UPDATE benefits SET redemptions_used = ?, status = ?, updated_at = ?, dirty = 1 WHERE id = ?`, used, used >= b.max_redemptions ? "redeemed" : "active", now, b.id);
      store.entry({ kind: "benefit", action: "redeem", definitionId: b.definition_id, instanceId: b.id, delta: -1, source: input.source, reason: input.transactionExternalId ? `transaction ${input.transactionExternalId}` : null });
      store.emit("benefit.redeemed", {
        benefit_id: b.id,
        benefit_definition_id: b.definition_id,
        handle: b.handle,
        redemptions_used: used,
        redemptions_remaining: b.max_redemptions - used,
        transaction_external_id: input.transactionExternalId ?? null,
      });
      return ok(benefitView(store.benefit(b.id)!));
    },
    input.source.causation ?? null,
  );
}

export function extendBenefit(store: LedgerStore, input: ExtendArgs): LedgerResult<BenefitView> {
  return store.run(input.profileId, input.key, () => {
    const b: BenefitRow | undefined = store.benefit(input.id);
    if (!b) return fail("not_found", `No benefit ${input.id} on this profile`);
    const extension = extensionOf("benefit", b, input.days, input.timezone);
    if (!extension.ok) return extension;
    const now = store.now();
    const expires = extension.value;
    store.exec(`UPDATE benefits SET expires_at = ?, extended_at = ?, updated_at = ?, dirty = 1 WHERE id = ?`, expires, now, now, b.id);
    store.entry({ kind: "benefit", action: "extend", definitionId: b.definition_id, instanceId: b.id, delta: 0, source: input.source, reason: `extended to ${iso(expires)}` });
    store.emit("benefit.extended", { benefit_id: b.id, expires_at: iso(expires) });
    return ok(benefitView(store.benefit(b.id)!));
  }, input.source.causation ?? null);
}
