// Omneo's edits of an issued reward or benefit (PUT /rewards/{id}, PUT /benefits/{id}, and its extend to a
// date or by days, also of one already past its expiry): set the values or the expiry an instance carries.
// A new expiry in the future brings an expired instance back (what expired is credited back), one in the
// past expires it now (what was left is debited), each with its ledger entry and the catalogue's event.
import { fail, ok, type AmendInstanceArgs, type BenefitView, type LedgerResult, type RewardView } from "../contract";
import type { BenefitRow, RewardRow } from "../storage";
import type { LedgerStore } from "../storage";
import { benefitView, dollars, iso, rewardView } from "../views";

type Live = "active" | "expired";

/** Whether an instance with this expiry is live or expired at `now`. */
const stateAt = (expiresAt: number | null, now: number): Live => (expiresAt !== null && expiresAt <= now ? "expired" : "active");

export function amendReward(store: LedgerStore, input: AmendInstanceArgs): LedgerResult<RewardView> {
  return store.run(input.profileId, input.key, () => {
    const r: RewardRow | undefined = store.reward(input.id);
    if (!r) return fail("not_found", `No reward ${input.id} on this profile`);
    if (r.status === "void" || r.status === "redeemed") return fail("conflict", `This reward is ${r.status === "void" ? "deleted" : "redeemed"}; it cannot be changed`);
    const now = store.now();
    const initial = input.valueInitialCents ?? r.value_initial;
    const remaining = input.valueRemainingCents ?? r.value_remaining;
    for (const [field, v] of [["value_initial", initial], ["value_remaining", remaining]] as const) {
      if (!Number.isSafeInteger(v) || v < 0) return fail("validation_failed", `${field} must be 0 or more`, { [field]: [`${field} must be 0 or more`] });
    }
    const expires = input.expiresAt === undefined ? r.expires_at : input.expiresAt;
    const before: Live = r.status === "expired" ? "expired" : stateAt(r.expires_at, now) === "expired" ? "expired" : "active";
    const after = stateAt(expires, now);
    const source = input.source;
    // the balance holds an active reward's remaining value: move it by what changes
    const held = (state: Live, value: number) => (state === "active" ? value : 0);
    const delta = held(after, remaining) - held(before, r.value_remaining);
    store.exec(
      `UPDATE rewards SET value_initial = ?, value_remaining = ?, expires_at = ?, extended_at = ?, status = ?, updated_at = ?, dirty = 1 WHERE id = ?`,
      initial,
      remaining,
      expires,
      input.extended ? now : r.extended_at,
      after,
      now,
      r.id,
    );
    const action = after === "expired" && before === "active" ? "expire" : expires !== r.expires_at ? "extend" : "adjust";
    store.entry({ kind: "reward", action, definitionId: r.definition_id, instanceId: r.id, delta, source, reason: input.reason });
    // the catalogue's events: an expiry moved into the past expires it, one moved otherwise extends it (a change of values alone is in the ledger only)
    if (action === "expire") store.emit("reward.expired", { reward_id: r.id, reward_definition_id: r.definition_id, handle: r.handle, value_remaining: dollars(remaining) });
    else if (action === "extend") store.emit("reward.extended", { reward_id: r.id, reward_definition_id: r.definition_id, expires_at: iso(expires) });
    return ok(rewardView(store.reward(r.id)!));
  }, input.source.causation ?? null);
}

export function amendBenefit(store: LedgerStore, input: AmendInstanceArgs): LedgerResult<BenefitView> {
  return store.run(input.profileId, input.key, () => {
    const b: BenefitRow | undefined = store.benefit(input.id);
    if (!b) return fail("not_found", `No benefit ${input.id} on this profile`);
    if (b.status === "void" || b.status === "redeemed") return fail("conflict", `This benefit is ${b.status === "void" ? "deleted" : "redeemed"}; it cannot be changed`);
    const now = store.now();
    const expires = input.expiresAt === undefined ? b.expires_at : input.expiresAt;
    const before: Live = b.status === "expired" ? "expired" : stateAt(b.expires_at, now);
    const after = stateAt(expires, now);
    const uses = b.max_redemptions - b.redemptions_used;
    const delta = (after === "active" ? uses : 0) - (before === "active" ? uses : 0);
    store.exec(`UPDATE benefits SET expires_at = ?, extended_at = ?, status = ?, updated_at = ?, dirty = 1 WHERE id = ?`, expires, input.extended ? now : b.extended_at, after, now, b.id);
    const action = after === "expired" && before === "active" ? "expire" : "extend";
    store.entry({ kind: "benefit", action, definitionId: b.definition_id, instanceId: b.id, delta, source: input.source, reason: input.reason });
    if (action === "expire") store.emit("benefit.expired", { benefit_id: b.id, benefit_definition_id: b.definition_id, handle: b.handle });
    else if (expires !== b.expires_at || input.extended) store.emit("benefit.extended", { benefit_id: b.id, expires_at: iso(expires) });
    return ok(benefitView(store.benefit(b.id)!));
  }, input.source.causation ?? null);
}
