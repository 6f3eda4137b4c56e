// A profile's identities (loyalty card, Shopify id, …): each identifier is unique per handle across
// profiles; one per handle may be primary.
import { and, asc, count, desc, eq, ne, type SQL } from "drizzle-orm";
import { identities } from "../../db/schema";
import type { Actor } from "../access/actor";
import { newId } from "../platform/crypto";
import { DomainError, type FieldErrors } from "../platform/errors";
import { pageOffset, type PageRequest } from "../platform/pagination";
import type { ProfileDeps, ProfileReads } from "./context";
import type { IdentityInput } from "./schema";
import { eventProfile, type Identity } from "./views";
import type { ProfileWrites } from "./writes";

export class ProfileIdentities {
  constructor(
    private readonly deps: ProfileDeps,
    private readonly reads: ProfileReads,
    private readonly writes: ProfileWrites,
  ) {}

  async list(profileId: string): Promise<Identity[]> {
    await this.reads.require(profileId);
    return this.deps.db.select().from(identities).where(eq(identities.profileId, profileId)).orderBy(asc(identities.createdAt));
  }

  async add(profileId: string, input: IdentityInput, actor: Actor): Promise<Identity> {
    const profile = await this.reads.require(profileId);
    const errors: FieldErrors = {};
    await this.writes.checkUnique(profileId, { identities: [input] }, actor, errors);
    if (Object.keys(errors).length) {
      throw new DomainError("validation_failed", Object.values(errors).flat().join(" "), { errors: { identifier: Object.values(errors).flat() } });
    }
    const row: Identity = {
      id: newId(),
      profileId,
      handle: input.handle,
      identifier: input.identifier,
      isPrimary: input.is_primary ?? false,
      isActive: input.is_active ?? true,
      createdAt: this.deps.clock.now(),
    };
    const event = this.deps.outbox.event("profile.updated", { profile: eventProfile(profile), changed: ["identities"] }, { profileId });
    await this.writes.commit(
      [
        this.deps.db.insert(identities).values(row),
        ...(row.isPrimary ? [this.deps.db.update(identities).set({ isPrimary: false }).where(and(eq(identities.profileId, profileId), eq(identities.handle, row.handle), ne(identities.id, row.id)))] : []),
        this.deps.outbox.insert([event]),
        this.deps.audit.entry(actor, { action: "identity.added", entityType: "profile", entityId: profileId, newValues: { handle: row.handle, identifier: row.identifier } }),
      ],
      "identifier",
    );
    this.deps.publish([event]);
    return row;
  }

  async remove(profileId: string, identityId: string, actor: Actor): Promise<void> {
    const profile = await this.reads.require(profileId);
    const row = await this.deps.db.query.identities.findFirst({ where: and(eq(identities.id, identityId), eq(identities.profileId, profileId)) });
    if (!row) throw new DomainError("not_found", `Profile ${profileId} has no identity ${identityId}`);
    const event = this.deps.outbox.event("profile.updated", { profile: eventProfile(profile), changed: ["identities"] }, { profileId });
    await this.deps.db.batch([
      this.deps.db.delete(identities).where(eq(identities.id, identityId)),
      this.deps.outbox.insert([event]),
      this.deps.audit.entry(actor, { action: "identity.removed", entityType: "profile", entityId: profileId, oldValues: { handle: row.handle, identifier: row.identifier } }),
    ]);
    this.deps.publish([event]);
  }

  async search(filter: { handle?: string; identifier?: string; profileId?: string }, page: PageRequest, opts: { requireFilter?: boolean } = {}): Promise<{ rows: Identity[]; total: number }> {
    if ((opts.requireFilter ?? true) && !filter.handle && !filter.identifier) throw DomainError.field("identifier", "Give handle, identifier or both");
    const conds = [
      filter.handle ? eq(identities.handle, filter.handle.toLowerCase()) : undefined,
      filter.identifier ? eq(identities.identifier, filter.identifier) : undefined,
      filter.profileId ? eq(identities.profileId, filter.profileId) : undefined,
    ].filter((c): c is SQL => Boolean(c));
    const where = conds.length ? and(...conds) : undefined;
    const [rows, [total]] = await this.deps.db.batch([
      this.deps.db.select().from(identities).where(where).orderBy(asc(identities.createdAt), asc(identities.id)).limit(page.size).offset(pageOffset(page)),
      this.deps.db.select({ n: count() }).from(identities).where(where),
    ]);
    return { rows, total: total?.n ?? 0 };
  }

  /** One of a profile's identities, by its id or (Omneo's way) by its handle. */
  async get(profileId: string, ref: { id: string } | { handle: string }): Promise<Identity> {
    await this.reads.require(profileId);
    const where = "id" in ref ? eq(identities.id, ref.id) : eq(identities.handle, ref.handle.toLowerCase());
    const row = await this.deps.db.query.identities.findFirst({ where: and(where, eq(identities.profileId, profileId)), orderBy: [desc(identities.isPrimary), asc(identities.createdAt)] });
    if (!row) throw new DomainError("not_found", `Profile ${profileId} has no identity ${"id" in ref ? ref.id : `with handle "${ref.handle}"`}`);
    return row;
  }

  /** Change an identity's identifier or flags; the identifier stays unique across profiles. */
  async update(profileId: string, identityId: string, input: { identifier?: string; is_primary?: boolean; is_active?: boolean }, actor: Actor): Promise<Identity> {
    const profile = await this.reads.require(profileId);
    const row = await this.get(profileId, { id: identityId });
    const next: Identity = { ...row, identifier: input.identifier ?? row.identifier, isPrimary: input.is_primary ?? row.isPrimary, isActive: input.is_active ?? row.isActive };
    if (next.identifier !== row.identifier) {
      const taken = await this.deps.db.query.identities.findFirst({ where: and(eq(identities.handle, row.handle), eq(identities.identifier, next.identifier), ne(identities.id, row.id)) });
      if (taken) throw DomainError.field("identifier", `The ${row.handle} identifier "${next.identifier}" belongs to another profile`);
    }
    const event = this.deps.outbox.event("profile.updated", { profile: eventProfile(profile), changed: ["identities"] }, { profileId });
    await this.writes.commit(
      [
        this.deps.db.update(identities).set({ identifier: next.identifier, isPrimary: next.isPrimary, isActive: next.isActive }).where(eq(identities.id, row.id)),
        ...(next.isPrimary && !row.isPrimary ? [this.deps.db.update(identities).set({ isPrimary: false }).where(and(eq(identities.profileId, profileId), eq(identities.handle, row.handle), ne(identities.id, row.id)))] : []),
        this.deps.outbox.insert([event]),
        this.deps.audit.entry(actor, { action: "identity.updated", entityType: "profile", entityId: profileId, oldValues: { identifier: row.identifier, is_primary: row.isPrimary, is_active: row.isActive }, newValues: { identifier: next.identifier, is_primary: next.isPrimary, is_active: next.isActive } }),
      ],
      "identifier",
    );
    this.deps.publish([event]);
    return next;
  }
}
