// Use-cases of the customer record, the facade other code calls: reading and resolving a profile,
// create, update, sync and interactions here; search (search.ts), lifecycle (lifecycle.ts), merge
// (merge.ts), identities (identities.ts) and aggregations (aggregations.ts) in their own modules, with the
// checks every write shares in writes.ts. Every write validates first, then lands in one D1 batch with its
// audit entry and outbox events.
import { and, asc, count, desc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { addresses, identities, interactions, profiles } from "../../db/schema";
import type { ProfileType } from "./schema";
import type { Actor } from "../access/actor";
import type { AuditService } from "../access/audit";
import type { Clock } from "../platform/clock";
import { newId } from "../platform/crypto";
import { DomainError, type FieldErrors } from "../platform/errors";
import type { Outbox } from "../platform/outbox";
import { pageOffset, type PageRequest } from "../platform/pagination";
import { insertRows } from "../platform/sql";
import { ProfileAggregations } from "./aggregations";
import { findByCustomAttributes, type AttributeCriterion, type CustomSort } from "./attributes";
import type { ProfileDeps, ProfileLifecycleHooks, ProfileRef } from "./context";
import { ProfileIdentities } from "./identities";
import { ProfileLifecycle } from "./lifecycle";
import { mergeProfiles } from "./merge";
import { joinedChannelOf, normalizeMobile, type Aggregations, type TransactionFact } from "./rules";
import type { CreateProfileInput, IdentityInput, InteractionInput, UpdateProfileInput } from "./schema";
import { ProfileSearch, type ProfileList, type ProfileListFilter, type ProfileSort } from "./search";
import { eventProfile, serializeInteraction, type Address, type Identity, type Interaction, type Profile, type ProfileView } from "./views";
import { ProfileWrites } from "./writes";
import { ProfileTags } from "./tags";
import { isUuid } from "../platform/ids";

export type { ProfileLifecycleHooks, ProfileRef } from "./context";
export { PROFILE_SORTS, type ProfileListFilter, type ProfileSort } from "./search";
export type { Address, Identity, Interaction, Profile, ProfileView } from "./views";


/** A reference's handle, normalised: "id" (also when none is given), "email", "mobile" or an identity handle. */
function refHandle(ref: ProfileRef): string {
  const handle = ref.handle?.trim().toLowerCase();
  if (!handle || handle === "id") return "id";
  return handle === "mobile_phone" ? "mobile" : handle;
}

export class ProfilesService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly outbox: Outbox,
    private readonly opts: { defaultCountry: string; defer: (p: Promise<unknown>) => void },
    private readonly hooks: ProfileLifecycleHooks[] = [],
  ) {
    this.deps = { db, clock, audit, outbox, defaultCountry: opts.defaultCountry, publish: (rows) => opts.defer(outbox.publish(rows)) };
    this.searching = new ProfileSearch(db, opts.defaultCountry);
    this.aggregations = new ProfileAggregations(db, clock);
    this.writes = new ProfileWrites(this.deps, this);
    this.lifecycle = new ProfileLifecycle(this.deps, this, hooks);
    this.identityOps = new ProfileIdentities(this.deps, this, this.writes);
    this.tags = new ProfileTags(this.deps);
  }

  /** the tag catalogue (Omneo's /tags); profiles carry tags by handle */
  readonly tags: ProfileTags;

  private readonly deps: ProfileDeps;
  private readonly searching: ProfileSearch;
  private readonly aggregations: ProfileAggregations;
  private readonly writes: ProfileWrites;
  private readonly lifecycle: ProfileLifecycle;
  private readonly identityOps: ProfileIdentities;

  // ── reading ─────────────────────────────────────────────────────────────────────────────────

  async find(id: string): Promise<Profile | undefined> {
    if (!isUuid(id)) return undefined;
    return this.db.query.profiles.findFirst({ where: eq(profiles.id, id) });
  }

  /** Many profiles by id in one indexed query (for lists that show customers); unknown ids are skipped. */
  async findMany(ids: string[]): Promise<Profile[]> {
    const valid = [...new Set(ids.filter((id) => isUuid(id)))];
    if (!valid.length) return [];
    const out: Profile[] = [];
    // D1 allows 100 bound parameters per statement
    for (let i = 0; i < valid.length; i += 100) {
      out.push(...(await this.db.select().from(profiles).where(inArray(profiles.id, valid.slice(i, i + 100)))));
    }
    return out;
  }

  async require(id: string): Promise<Profile> {
    const p = await this.find(id);
    if (!p) throw new DomainError("not_found", `No profile with id ${id}`);
    return p;
  }

  async get(id: string): Promise<ProfileView> {
    const p = await this.require(id);
    return this.withRelations(p);
  }

  async withRelations(p: Profile): Promise<ProfileView> {
    const [ids, addrs] = await this.db.batch([
      this.db.select().from(identities).where(eq(identities.profileId, p.id)).orderBy(asc(identities.createdAt)),
      this.db.select().from(addresses).where(eq(addresses.profileId, p.id)).orderBy(asc(addresses.createdAt)),
    ]);
    return { ...p, identities: ids, addresses: addrs };
  }

  // The conditions behind finding a profile by email, mobile or identity, shared by the find* lookups
  // (rows of { profile }, at most one) and by refIdQuery, which resolveQuery and the ingest pre-read use.
  private emailIs(email: string) {
    return eq(sql`lower(${profiles.email})`, email.trim().toLowerCase());
  }

  private mobileIs(raw: string) {
    const e164 = normalizeMobile(raw, this.opts.defaultCountry);
    return e164 ? eq(profiles.mobilePhone, e164) : null;
  }

  private identityIs(handle: string, identifier: string) {
    return and(eq(identities.handle, handle.toLowerCase()), eq(identities.identifier, identifier));
  }

  private byEmailQuery(email: string) {
    return this.db.select({ profile: profiles }).from(profiles).where(this.emailIs(email)).limit(1);
  }

  private byMobileQuery(raw: string) {
    const cond = this.mobileIs(raw);
    return cond ? this.db.select({ profile: profiles }).from(profiles).where(cond).limit(1) : null;
  }

  private byIdentityQuery(handle: string, identifier: string) {
    return this.db.select({ profile: profiles }).from(identities).innerJoin(profiles, eq(profiles.id, identities.profileId)).where(this.identityIs(handle, identifier)).limit(1);
  }

  private async first(query: Promise<Array<{ profile: Profile }>> | null): Promise<Profile | undefined> {
    return query ? (await query)[0]?.profile : undefined;
  }

  async findByEmail(email: string): Promise<Profile | undefined> {
    return this.first(this.byEmailQuery(email));
  }

  async findByMobile(raw: string): Promise<Profile | undefined> {
    return this.first(this.byMobileQuery(raw));
  }

  async findByIdentity(handle: string, identifier: string): Promise<Profile | undefined> {
    return this.first(this.byIdentityQuery(handle, identifier));
  }

  /**
   * The query behind resolve(), unexecuted, so a caller can put it in its own D1 batch; its rows are
   * { profile } objects (at most one). Null when the reference cannot match anything (a bad id or mobile).
   */
  resolveQuery(ref: ProfileRef) {
    const ids = this.refIdQuery(ref);
    return ids ? this.db.select({ profile: profiles }).from(profiles).where(inArray(profiles.id, ids)).limit(1) : null;
  }

  /** The id of the profile a reference names, as a subquery (at most one row); null when none can match. */
  private refIdQuery(ref: ProfileRef) {
    const handle = refHandle(ref);
    if (handle === "id") return isUuid(ref.profileId) ? this.db.select({ id: profiles.id }).from(profiles).where(eq(profiles.id, ref.profileId)).limit(1) : null;
    if (handle === "email") return this.db.select({ id: profiles.id }).from(profiles).where(this.emailIs(ref.profileId)).limit(1);
    if (handle === "mobile") {
      const cond = this.mobileIs(ref.profileId);
      return cond ? this.db.select({ id: profiles.id }).from(profiles).where(cond).limit(1) : null;
    }
    return this.db.select({ id: identities.profileId }).from(identities).where(this.identityIs(handle, ref.profileId)).limit(1);
  }

  /**
   * Resolve a reference Omneo's way: `profile_id` alone is our id; with a handle, `profile_id` carries
   * that handle's value ("email", "mobile", "id", or any identity handle). Null when nothing matches.
   */
  async resolve(ref: ProfileRef): Promise<Profile | undefined> {
    return this.first(this.resolveQuery(ref));
  }

  async list(filter: ProfileListFilter, page: PageRequest, sort?: ProfileSort): Promise<ProfileList> {
    return this.searching.list(filter, page, sort);
  }

  /** One search box for name, email, mobile or any identity value (see ProfileSearch.searchIds). */
  async searchIds(q: string, limit = 20): Promise<string[]> {
    return this.searching.searchIds(q, limit);
  }

  async search(q: string, opts: { limit?: number; includeDeleted?: boolean } = {}): Promise<Profile[]> {
    return this.searching.search(q, opts);
  }

  /** Live profile ids holding these custom attributes (GET /profiles/attributes/custom), and how many. */
  async findByCustomAttributes(criteria: AttributeCriterion[], page: PageRequest, sort: { field: CustomSort; desc: boolean }): Promise<{ ids: string[]; total: number }> {
    return findByCustomAttributes(this.db, criteria, page, sort);
  }

  /** Profiles (with relations unless told otherwise) for ids, in the ids' order, in one D1 batch. */
  async viewsByIds(ids: string[], opts: { includeDeleted?: boolean; relations?: boolean } = {}): Promise<ProfileView[]> {
    return this.searching.viewsByIds(ids, opts);
  }

  // ── writing ─────────────────────────────────────────────────────────────────────────────────

  async create(input: CreateProfileInput, actor: Actor): Promise<ProfileView> {
    const now = this.clock.now();
    const errors: FieldErrors = {};
    const email = input.email.toLowerCase();
    const mobile = this.writes.normalizeMobileField(input.mobile_phone, errors);
    const joinedLocationId = await this.writes.checkLocation("joined_location_id", input.joined_location_id, errors);
    const preferredLocationId = await this.writes.checkLocation("preferred_location_id", input.preferred_location_id, errors);
    await this.writes.checkUnique(null, { email, mobile, identities: input.identities }, actor, errors);
    if (Object.keys(errors).length) throw new DomainError("validation_failed", `Invalid profile: ${Object.keys(errors).join(", ")}`, { errors });

    const id = newId();
    const base = { comms: {}, appearance: {}, customAttributes: [], dates: [] };
    const profile: Profile = {
      id,
      firstName: input.first_name ?? null,
      lastName: input.last_name ?? null,
      email,
      mobilePhone: mobile ?? null,
      gender: input.gender ?? null,
      birthDay: input.birth_day ?? null,
      birthMonth: input.birth_month ?? null,
      birthYear: input.birth_year ?? null,
      company: input.company ?? null,
      currency: input.currency ?? null,
      type: input.type ?? "active",
      joinedAt: input.joined_at ? new Date(input.joined_at) : now,
      joinedLocationId: joinedLocationId ?? null,
      joinedChannel: joinedChannelOf(actor),
      preferredLocationId: preferredLocationId ?? null,
      tags: [...new Set(input.tags ?? [])],
      ...base,
      ...this.writes.applyAttributes(base, input.attributes, now),
      deletedAt: null,
      mergedInto: null,
      createdAt: now,
      updatedAt: now,
    };
    const identityRows: Identity[] = (input.identities ?? []).map((i) => ({
      id: newId(),
      profileId: id,
      handle: i.handle,
      identifier: i.identifier,
      isPrimary: i.is_primary ?? false,
      isActive: i.is_active ?? true,
      createdAt: now,
    }));
    const addressRows = this.writes.addressRows(id, input.addresses ?? [], now);
    const event = this.outbox.event("profile.created", { profile: eventProfile(profile) }, { profileId: id });
    await this.writes.commit([
      this.db.insert(profiles).values(profile),
      ...insertRows(this.db, identities, identityRows),
      ...insertRows(this.db, addresses, addressRows),
      this.outbox.insert([event]),
      this.audit.entry(actor, { action: "profile.created", entityType: "profile", entityId: id, newValues: { email, mobile_phone: mobile ?? null, first_name: profile.firstName, last_name: profile.lastName } }),
    ]);
    this.deps.publish([event]);
    return { ...profile, identities: identityRows, addresses: addressRows };
  }

  async update(id: string, input: UpdateProfileInput, actor: Actor): Promise<ProfileView> {
    const current = await this.require(id);
    if (current.type === "deleted") throw new DomainError("conflict", "This profile is deleted; restore it before editing");
    const now = this.clock.now();
    const errors: FieldErrors = {};
    const change: Partial<Profile> = {};
    const set = <K extends keyof Profile>(key: K, value: Profile[K] | undefined) => {
      if (value !== undefined && JSON.stringify(value) !== JSON.stringify(current[key])) change[key] = value;
    };
    set("firstName", input.first_name);
    set("lastName", input.last_name);
    if (input.email !== undefined) set("email", input.email.toLowerCase());
    set("mobilePhone", this.writes.normalizeMobileField(input.mobile_phone, errors));
    set("gender", input.gender);
    set("birthDay", input.birth_day);
    set("birthMonth", input.birth_month);
    set("birthYear", input.birth_year);
    set("company", input.company);
    set("currency", input.currency);
    if (input.joined_at !== undefined) set("joinedAt", input.joined_at ? new Date(input.joined_at) : current.joinedAt);
    set("joinedLocationId", await this.writes.checkLocation("joined_location_id", input.joined_location_id, errors));
    set("preferredLocationId", await this.writes.checkLocation("preferred_location_id", input.preferred_location_id, errors));
    if (input.tags !== undefined) set("tags", [...new Set(input.tags)]);
    const attrs = this.writes.applyAttributes(current, input.attributes, now);
    if (input.dates_attributes) attrs.dates = this.writes.upsertDates(attrs.dates ?? current.dates, input.dates_attributes, now, errors, "dates_attributes");
    for (const [k, v] of Object.entries(attrs)) set(k as keyof Profile, v as never);
    await this.writes.checkUnique(id, { email: change.email, mobile: change.mobilePhone }, actor, errors);
    if (Object.keys(errors).length) throw new DomainError("validation_failed", `Invalid profile: ${Object.keys(errors).join(", ")}`, { errors });

    const addressRows = input.addresses ? this.writes.addressRows(id, input.addresses, now) : null;
    return this.commitChange(current, change, addressRows, actor, now);
  }

  /**
   * Change a profile's custom attributes or dates from their current value (the /attributes routes): `fn`
   * returns the new lists, or throws a DomainError (a 404 for one that is not there).
   */
  async changeAttributes(
    id: string,
    fn: (current: Profile) => Partial<Pick<Profile, "customAttributes" | "dates">>,
    actor: Actor,
  ): Promise<ProfileView> {
    const current = await this.require(id);
    if (current.type === "deleted") throw new DomainError("conflict", "This profile is deleted; restore it before editing");
    const next = fn(current);
    const change: Partial<Profile> = {};
    for (const [k, v] of Object.entries(next)) if (JSON.stringify(v) !== JSON.stringify(current[k as keyof Profile])) change[k as keyof Profile] = v as never;
    return this.commitChange(current, change, null, actor, this.clock.now());
  }

  private async commitChange(current: Profile, change: Partial<Profile>, addressRows: Address[] | null, actor: Actor, now: Date): Promise<ProfileView> {
    const id = current.id;
    if (!Object.keys(change).length && !addressRows) return this.withRelations(current);
    const updated: Profile = { ...current, ...change, updatedAt: now };
    const changedKeys = Object.keys(change);
    const event = this.outbox.event("profile.updated", { profile: eventProfile(updated), changed: changedKeys }, { profileId: id });
    await this.writes.commit([
      this.db.update(profiles).set({ ...change, updatedAt: now }).where(eq(profiles.id, id)),
      ...(addressRows ? [this.db.delete(addresses).where(eq(addresses.profileId, id))] : []),
      ...insertRows(this.db, addresses, addressRows ?? []),
      this.outbox.insert([event]),
      this.audit.entry(actor, {
        action: "profile.updated",
        entityType: "profile",
        entityId: id,
        oldValues: Object.fromEntries(changedKeys.map((k) => [k, current[k as keyof Profile]])),
        newValues: { ...change, ...(addressRows ? { addresses: addressRows.length } : {}) },
      }),
    ]);
    this.deps.publish([event]);
    return this.withRelations(updated);
  }

  /** Upsert matching on email, then mobile (POST /profiles/sync). */
  async sync(input: CreateProfileInput, actor: Actor): Promise<{ profile: ProfileView; created: boolean }> {
    let match = await this.findByEmail(input.email);
    if (!match && input.mobile_phone) match = await this.findByMobile(input.mobile_phone);
    if (!match) return { profile: await this.create(input, actor), created: true };
    const { identities: idents, type: _type, ...rest } = input;
    const profile = await this.update(match.id, rest, actor);
    for (const ident of idents ?? []) {
      const owner = await this.findByIdentity(ident.handle, ident.identifier);
      if (!owner) await this.addIdentity(match.id, ident, actor);
      else if (owner.id !== match.id) throw DomainError.field("identities", `Identity ${ident.handle}/${ident.identifier} already belongs to another profile`);
    }
    return { profile: idents?.length ? await this.get(match.id) : profile, created: false };
  }

  async updateType(id: string, type: ProfileType, actor: Actor): Promise<ProfileView> {
    return this.lifecycle.updateType(id, type, actor);
  }

  /** Soft delete: recoverable with restore(). */
  async softDelete(id: string, actor: Actor): Promise<ProfileView> {
    return this.lifecycle.softDelete(id, actor);
  }

  async restore(id: string, actor: Actor): Promise<ProfileView> {
    return this.lifecycle.restore(id, actor);
  }

  /** The right to erasure (see ProfileLifecycle.purge). */
  async purge(id: string, actor: Actor): Promise<void> {
    return this.lifecycle.purge(id, actor);
  }

  /** Overwrite personal data, keep the figures (transactions, aggregations) for reporting. */
  async depersonalise(id: string, actor: Actor): Promise<ProfileView> {
    return this.lifecycle.depersonalise(id, actor);
  }

  /** Merge two profiles of one person (see mergeProfiles). */
  async merge(winnerId: string, loserId: string, actor: Actor): Promise<ProfileView> {
    return mergeProfiles({ deps: this.deps, reads: this, aggregations: this.aggregations, hooks: this.hooks }, winnerId, loserId, actor);
  }

  // ── identities ──────────────────────────────────────────────────────────────────────────────

  async listIdentities(profileId: string): Promise<Identity[]> {
    return this.identityOps.list(profileId);
  }

  async addIdentity(profileId: string, input: IdentityInput, actor: Actor): Promise<Identity> {
    return this.identityOps.add(profileId, input, actor);
  }

  async removeIdentity(profileId: string, identityId: string, actor: Actor): Promise<void> {
    return this.identityOps.remove(profileId, identityId, actor);
  }

  async searchIdentities(filter: { handle?: string; identifier?: string; profileId?: string }, page: PageRequest, opts: { requireFilter?: boolean } = {}): Promise<{ rows: Identity[]; total: number }> {
    return this.identityOps.search(filter, page, opts);
  }

  /** One of a profile's identities, by its id or (Omneo's way) by its handle. */
  async getIdentity(profileId: string, ref: { id: string } | { handle: string }): Promise<Identity> {
    return this.identityOps.get(profileId, ref);
  }

  /** Change an identity's identifier or flags; the identifier stays unique across profiles. */
  async updateIdentity(profileId: string, identityId: string, input: { identifier?: string; is_primary?: boolean; is_active?: boolean }, actor: Actor): Promise<Identity> {
    return this.identityOps.update(profileId, identityId, input, actor);
  }

  // ── interactions ────────────────────────────────────────────────────────────────────────────

  async addInteraction(profileId: string, input: InteractionInput, actor: Actor): Promise<Interaction> {
    await this.require(profileId);
    const errors: FieldErrors = {};
    const locationId = await this.writes.checkLocation("location_id", input.location_id, errors);
    if (Object.keys(errors).length) throw new DomainError("validation_failed", "Invalid interaction: location_id", { errors });
    const now = this.clock.now();
    const row: Interaction = {
      id: newId(),
      profileId,
      action: input.action,
      channel: input.channel,
      signal: input.signal ?? 0,
      name: input.name ?? null,
      interactedAt: input.interacted_at ? new Date(input.interacted_at) : now,
      locationId: locationId ?? null,
      meta: input.meta ?? null,
      createdAt: now,
    };
    const event = this.outbox.event("interaction.created", { interaction: serializeInteraction(row) }, { profileId });
    await this.db.batch([
      this.db.insert(interactions).values(row),
      this.outbox.insert([event]),
      this.audit.entry(actor, { action: "interaction.created", entityType: "profile", entityId: profileId, newValues: { action: row.action, channel: row.channel } }),
    ]);
    this.deps.publish([event]);
    return row;
  }

  async listInteractions(profileId: string, page: PageRequest): Promise<{ rows: Interaction[]; total: number }> {
    await this.require(profileId);
    const where = eq(interactions.profileId, profileId);
    const [rows, [total]] = await this.db.batch([
      this.db.select().from(interactions).where(where).orderBy(desc(interactions.interactedAt)).limit(page.size).offset(pageOffset(page)),
      this.db.select({ n: count() }).from(interactions).where(where),
    ]);
    return { rows, total: total?.n ?? 0 };
  }

  // ── aggregations (ProfileAggregations) ──────────────────────────────────────────────────────

  /**
   * The aggregation facts of the profile a reference names (resolveQuery's profile), for a caller's own
   * D1 batch; with them and aggregationsUpsertIfUnchanged, recording a receipt stores the aggregations
   * in its write batch instead of a round trip of its own. Null when the reference cannot match.
   */
  aggregationFactsByRefQuery(ref: ProfileRef) {
    const ids = this.refIdQuery(ref);
    return ids ? this.aggregations.factsForIdsQuery(ids) : null;
  }

  /** One statement for a write batch: the aggregations over `facts`, stored only if those are still its transactions. */
  aggregationsUpsertIfUnchanged(profileId: string, facts: TransactionFact[]) {
    return this.aggregations.upsertIfUnchanged(profileId, facts);
  }

  /** Recompute a profile's aggregations from its transactions (a concurrent change makes it read again). */
  async recomputeAggregations(profileId: string): Promise<Aggregations> {
    return this.aggregations.recompute(profileId);
  }

  /** Whether a statement of aggregationsUpsertIfUnchanged wrote (its D1 result, from a batch or awaited alone). */
  aggregationsStored(result: unknown): boolean {
    return this.aggregations.stored(result);
  }

  async getAggregations(profileId: string): Promise<Aggregations> {
    await this.require(profileId);
    return this.aggregations.read(profileId);
  }

  /** Recent activity of a profile for the console: audit entries about it, newest first. */
  async auditTrail(profileId: string, page: PageRequest) {
    return this.audit.list({ entityType: "profile", entityId: profileId }, page);
  }
}
