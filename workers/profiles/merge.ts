// Merging two profiles of one person: the winner absorbs the loser's identities, transactions,
// interactions, addresses and attributes in one D1 batch; other areas follow through lifecycle hooks.
import { eq, sql } from "drizzle-orm";
import { addresses, identities, interactions, profileAggregations, profiles, transactions, type CommsPreferences, type CustomAttribute } from "../../db/schema";
import type { Actor } from "../access/actor";
import { DomainError } from "../platform/errors";
import { batchGuard, isGuardFailure } from "../platform/sql";
import type { ProfileAggregations } from "./aggregations";
import type { ProfileDeps, ProfileLifecycleHooks, ProfileReads } from "./context";
import { mergeAttributes } from "./rules";
import { eventProfile, type Profile, type ProfileView } from "./views";

export interface MergeContext {
  deps: ProfileDeps;
  reads: ProfileReads;
  aggregations: ProfileAggregations;
  /** read at each call: the composition root may add hooks after construction */
  hooks: readonly ProfileLifecycleHooks[];
}

/**
 * Merge: the winner absorbs the loser's identities, transactions, interactions, addresses and
 * attributes (the winner's own values win; gaps are filled); the loser is deleted and remembers its
 * winner. Lifecycle hooks move what other areas own (the ledger). Merging the same pair again is
 * idempotent: it resumes a move a crash interrupted and answers with the winner.
 */
export async function mergeProfiles({ deps, reads, aggregations, hooks }: MergeContext, winnerId: string, loserId: string, actor: Actor): Promise<ProfileView> {
  const { db, clock, audit, outbox } = deps;
  if (winnerId === loserId) throw DomainError.field("loser_id", "A profile cannot be merged into itself");
  const winner = await reads.require(winnerId);
  const loser = await reads.find(loserId);
  if (!loser) throw DomainError.field("loser_id", `No profile with id ${loserId}`);
  if (winner.type === "deleted") throw new DomainError("conflict", "The winning profile is deleted; restore it first");
  // a retry of a merge that committed: finish what other areas move (idempotent), answer as the first did
  if (loser.mergedInto === winnerId) return resumeMerge({ deps, reads, aggregations, hooks }, winnerId, loserId);
  if (loser.mergedInto) throw DomainError.field("loser_id", `That profile was already merged into ${loser.mergedInto}`);
  const now = clock.now();
  const attrs = mergeAttributes(winner, loser);
  const fill = {
    firstName: winner.firstName ?? loser.firstName,
    lastName: winner.lastName ?? loser.lastName,
    mobilePhone: winner.mobilePhone ?? loser.mobilePhone,
    gender: winner.gender ?? loser.gender,
    birthDay: winner.birthDay ?? loser.birthDay,
    birthMonth: winner.birthMonth ?? loser.birthMonth,
    birthYear: winner.birthYear ?? loser.birthYear,
    company: winner.company ?? loser.company,
    joinedAt: new Date(Math.min(winner.joinedAt.getTime(), loser.joinedAt.getTime())),
  };
  const updated: Profile = { ...winner, ...fill, ...attrs, updatedAt: now } as Profile;
  const event = outbox.event("profile.merged", { winner_id: winnerId, loser_id: loserId, profile: eventProfile(updated) }, { profileId: winnerId });
  const written = db.batch([
    // the check above, again inside the batch: a merge that raced this one (the same loser, or this
    // winner as its loser) has committed in between; then the whole batch rolls back (see mergeGuard)
    batchGuard(db, mergeGuard(winnerId, loserId)),
    // the loser gives up its mobile first, so the winner can take it without a unique clash
    db.update(profiles).set({ mobilePhone: null, type: "deleted", deletedAt: now, mergedInto: winnerId, updatedAt: now }).where(eq(profiles.id, loserId)),
    db
      .update(profiles)
      .set({ ...fill, tags: attrs.tags, comms: attrs.comms as CommsPreferences, appearance: attrs.appearance, customAttributes: attrs.customAttributes as CustomAttribute[], dates: attrs.dates, updatedAt: now })
      .where(eq(profiles.id, winnerId)),
    db.update(identities).set({ profileId: winnerId, isPrimary: false }).where(eq(identities.profileId, loserId)),
    db.update(transactions).set({ profileId: winnerId }).where(eq(transactions.profileId, loserId)),
    db.update(interactions).set({ profileId: winnerId }).where(eq(interactions.profileId, loserId)),
    db.update(addresses).set({ profileId: winnerId, isDefault: false }).where(eq(addresses.profileId, loserId)),
    db.delete(profileAggregations).where(eq(profileAggregations.profileId, loserId)),
    outbox.insert([event]),
    audit.entry(actor, { action: "profile.merged", entityType: "profile", entityId: winnerId, newValues: { loser_id: loserId } }),
  ]);
  try {
    await written;
  } catch (err) {
    if (!isGuardFailure(err)) throw err;
    const [w, l] = [await reads.find(winnerId), await reads.find(loserId)];
    // the same merge, committed by a concurrent request: both answer with the merged winner
    if (l?.mergedInto === winnerId) return resumeMerge({ deps, reads, aggregations, hooks }, winnerId, loserId);
    if (l?.mergedInto) throw DomainError.field("loser_id", `That profile was already merged into ${l.mergedInto}`);
    if (!l) throw DomainError.field("loser_id", `No profile with id ${loserId}`);
    throw new DomainError("conflict", w?.mergedInto ? `The winning profile was merged into ${w.mergedInto}` : "The winning profile is deleted; restore it first");
  }
  try {
    await aggregations.recompute(winnerId);
    for (const h of hooks) await h.onMerge?.(winnerId, loserId);
  } finally {
    // published even when a hook failed: its `ledger-merge` consumer resumes the move (the sweep
    // sends it if this publish is lost too), and a retry of the request resumes it at once
    deps.publish([event]);
  }
  return reads.get(winnerId);
}

/** A committed merge, again: the hooks' steps are idempotent, so this finishes an interrupted move and changes nothing else. */
async function resumeMerge({ reads, aggregations, hooks }: MergeContext, winnerId: string, loserId: string): Promise<ProfileView> {
  await aggregations.recompute(winnerId);
  for (const h of hooks) await h.onMerge?.(winnerId, loserId);
  return reads.get(winnerId);
}

/** What a merge's batch re-checks first (batchGuard): the loser exists unmerged, the winner is neither merged nor deleted. */
function mergeGuard(winnerId: string, loserId: string) {
  return sql`EXISTS (SELECT 1 FROM ${profiles} WHERE id = ${loserId} AND merged_into IS NULL)
    AND EXISTS (SELECT 1 FROM ${profiles} WHERE id = ${winnerId} AND merged_into IS NULL AND type <> 'deleted')`;
}
