// A profile's lifecycle: its type (active, member, …, deleted), soft delete and restore, the right to
// erasure (purge) and depersonalisation. Merge has its own module.
import { and, eq, inArray, sql } from "drizzle-orm";
import { addresses, auditLog, events, identities, interactions, profileAggregations, profiles, transactionItems, transactions, type ProfileType } from "../../db/schema";
import type { Actor } from "../access/actor";
import { DomainError } from "../platform/errors";
import { batchGuard, isGuardFailure } from "../platform/sql";
import type { ProfileDeps, ProfileLifecycleHooks, ProfileReads } from "./context";
import { eventProfile, type Profile, type ProfileView } from "./views";

export class ProfileLifecycle {
  constructor(
    private readonly deps: ProfileDeps,
    private readonly reads: ProfileReads,
    /** read at each call: the composition root may add hooks after construction */
    private readonly hooks: readonly ProfileLifecycleHooks[],
  ) {}

  async updateType(id: string, type: ProfileType, actor: Actor): Promise<ProfileView> {
    const current = await this.reads.require(id);
    if (current.type === type) return this.reads.withRelations(current);
    // a merged profile stays deleted: its identities, receipts and points live on in its winner
    if (current.mergedInto) throw new DomainError("conflict", `This profile was merged into ${current.mergedInto} and cannot change type`);
    const now = this.deps.clock.now();
    const updated = { ...current, type, deletedAt: type === "deleted" ? now : null, updatedAt: now };
    const event = this.deps.outbox.event(type === "deleted" ? "profile.deleted" : "profile.updated", { profile: eventProfile(updated), changed: ["type"] }, { profileId: id });
    await this.deps.db.batch([
      this.deps.db.update(profiles).set({ type, deletedAt: updated.deletedAt, updatedAt: now }).where(eq(profiles.id, id)),
      this.deps.outbox.insert([event]),
      this.deps.audit.entry(actor, { action: "profile.type_changed", entityType: "profile", entityId: id, oldValues: { type: current.type }, newValues: { type } }),
    ]);
    this.deps.publish([event]);
    return this.reads.withRelations(updated);
  }

  /** Soft delete: recoverable with restore(). */
  async softDelete(id: string, actor: Actor): Promise<ProfileView> {
    return this.updateType(id, "deleted", actor);
  }

  async restore(id: string, actor: Actor): Promise<ProfileView> {
    const current = await this.reads.require(id);
    if (current.mergedInto) throw new DomainError("conflict", `This profile was merged into ${current.mergedInto} and cannot be restored`);
    return this.updateType(id, "active", actor);
  }

  /**
   * The right to erasure: the person and everything linked (identities, addresses, interactions,
   * transactions and their items, aggregations, events, the ledger via hooks) is deleted, and audit
   * entries about them lose their values. The purge itself is audited without personal data.
   */
  async purge(id: string, actor: Actor): Promise<void> {
    const current = await this.reads.require(id);
    const event = this.deps.outbox.event("profile.deleted", { profile: { id: current.id }, purged: true }, { profileId: id });
    const txIds = this.deps.db.select({ id: transactions.id }).from(transactions).where(eq(transactions.profileId, id));
    // the ledger goes before the D1 commit as well as after it: a purge that crashes after its commit
    // has left nothing there for a retry (which finds no profile) to miss, and the second pass takes
    // whatever a write in between added; purging a ledger twice is harmless
    for (const h of this.hooks) await h.onPurge?.(id);
    const purged = this.deps.db.batch([
      // a purge that raced this one has committed in between: roll back, it is gone
      batchGuard(this.deps.db, sql`EXISTS (SELECT 1 FROM ${profiles} WHERE id = ${id})`),
      this.deps.db.delete(transactionItems).where(inArray(transactionItems.transactionId, txIds)),
      this.deps.db.delete(transactions).where(eq(transactions.profileId, id)),
      this.deps.db.delete(interactions).where(eq(interactions.profileId, id)),
      this.deps.db.delete(identities).where(eq(identities.profileId, id)),
      this.deps.db.delete(addresses).where(eq(addresses.profileId, id)),
      this.deps.db.delete(profileAggregations).where(eq(profileAggregations.profileId, id)),
      this.deps.db.delete(events).where(eq(events.profileId, id)),
      this.deps.db.update(auditLog).set({ oldValues: null, newValues: null }).where(and(eq(auditLog.entityType, "profile"), eq(auditLog.entityId, id))),
      this.deps.db.delete(profiles).where(eq(profiles.id, id)),
      this.deps.outbox.insert([event]),
      this.deps.audit.entry(actor, { action: "profile.purged", entityType: "profile", entityId: id }),
    ]);
    try {
      await purged;
    } catch (err) {
      if (isGuardFailure(err)) throw new DomainError("not_found", `No profile with id ${id}`);
      throw err;
    }
    this.deps.publish([event]);
    for (const h of this.hooks) await h.onPurge?.(id);
  }

  /** Overwrite personal data, keep the figures (transactions, aggregations) for reporting. */
  async depersonalise(id: string, actor: Actor): Promise<ProfileView> {
    const current = await this.reads.require(id);
    const now = this.deps.clock.now();
    const change = {
      firstName: null,
      lastName: null,
      email: `depersonalised+${id}@invalid.loyaltyedge.dev`,
      mobilePhone: null,
      gender: null,
      birthDay: null,
      birthMonth: null,
      birthYear: null,
      company: null,
      comms: {},
      appearance: {},
      customAttributes: [],
      dates: [],
      tags: [],
      updatedAt: now,
    } satisfies Partial<Profile>;
    const updated = { ...current, ...change };
    const event = this.deps.outbox.event("profile.updated", { profile: eventProfile(updated), depersonalised: true }, { profileId: id });
    await this.deps.db.batch([
      this.deps.db.update(profiles).set(change).where(eq(profiles.id, id)),
      this.deps.db.delete(identities).where(eq(identities.profileId, id)),
      this.deps.db.delete(addresses).where(eq(addresses.profileId, id)),
      this.deps.db.update(auditLog).set({ oldValues: null, newValues: null }).where(and(eq(auditLog.entityType, "profile"), eq(auditLog.entityId, id))),
      this.deps.outbox.insert([event]),
      this.deps.audit.entry(actor, { action: "profile.depersonalised", entityType: "profile", entityId: id }),
    ]);
    this.deps.publish([event]);
    return { ...updated, identities: [], addresses: [] };
  }
}
