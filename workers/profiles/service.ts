// Use-cases of the customer record: create, read, search, update, lifecycle (soft delete, restore,
// purge, depersonalise), merge, identities, interactions and aggregations. Every write validates
// first, then lands in one D1 batch with its audit entry and outbox events.
import { and, asc, count, desc, eq, gte, inArray, lt, ne, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client";
import {
  addresses,
  auditLog,
  events,
  identities,
  interactions,
  locations,
  profileAggregations,
  profiles,
  transactionItems,
  transactions,
  type CommsPreferences,
  type CustomAttribute,
  type ProfileType,
} from "../../db/schema";
import type { Actor } from "../access/actor";
import type { AuditService } from "../access/audit";
import type { Clock } from "../platform/clock";
import { newId } from "../platform/crypto";
import { DomainError, type FieldErrors } from "../platform/errors";
import type { EventRow, Outbox } from "../platform/outbox";
import { pageOffset, type PageRequest } from "../platform/pagination";
import { insertRows } from "../platform/sql";
import { classifySearch, computeAggregations, ftsQuery, mergeAttributes, normalizeMobile, type Aggregations, type TransactionFact } from "./rules";
import type { CreateProfileInput, IdentityInput, InteractionInput, UpdateProfileInput } from "./schema";
import { eventProfile, serializeInteraction, type Address, type Identity, type Interaction, type Profile, type ProfileView } from "./views";

export type { Address, Identity, Interaction, Profile, ProfileView } from "./views";


/** Other areas hook into the lifecycle (the incentive ledger moves on merge and is erased on purge). */
export interface ProfileLifecycleHooks {
  onMerge?(winnerId: string, loserId: string): Promise<void>;
  onPurge?(profileId: string): Promise<void>;
}

/** How a caller names a profile: our id, or a handle ("email", "mobile", any identity handle) and its value. */
export interface ProfileRef {
  profileId: string;
  handle?: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A reference's handle, normalised: "id" (also when none is given), "email", "mobile" or an identity handle. */
function refHandle(ref: ProfileRef): string {
  const handle = ref.handle?.trim().toLowerCase();
  if (!handle || handle === "id") return "id";
  return handle === "mobile_phone" ? "mobile" : handle;
}

/** What computeAggregations reads of each of a profile's transactions. */
const FACT_FIELDS = { transactedAt: transactions.transactedAt, total: transactions.total, locationId: transactions.locationId, timezone: transactions.timezone, isVoid: transactions.isVoid };

/** Whether an actor may learn which other profile holds a clashing email, mobile or identity. */
function mayRevealConflicts(actor: Actor): boolean {
  return actor.type === "user" || (actor.scopes ?? []).includes("*");
}

function isUniqueViolation(err: unknown): boolean {
  const msg = err instanceof Error ? `${err.message} ${(err as { cause?: Error }).cause?.message ?? ""}` : String(err);
  return msg.includes("UNIQUE constraint failed");
}

type AttributeInput = NonNullable<CreateProfileInput["attributes"]>;

export const PROFILE_SORTS = ["created_at", "updated_at", "first_name", "last_name", "email"] as const;
export interface ProfileSort {
  field: (typeof PROFILE_SORTS)[number];
  desc: boolean;
}
export interface ProfileListFilter {
  search?: string;
  type?: ProfileType | "all";
  email?: string;
  firstName?: string;
  lastName?: string;
  mobilePhone?: string;
  /** the dashboard's at-risk segment */
  atRisk?: { atRiskBefore: string; shoppedSince: string };
}

export class ProfilesService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly outbox: Outbox,
    private readonly opts: { defaultCountry: string; defer: (p: Promise<unknown>) => void },
    private readonly hooks: ProfileLifecycleHooks[] = [],
  ) {}

  // ── reading ─────────────────────────────────────────────────────────────────────────────────

  async find(id: string): Promise<Profile | undefined> {
    if (!UUID.test(id)) return undefined;
    return this.db.query.profiles.findFirst({ where: eq(profiles.id, id) });
  }

  /** Many profiles by id in one indexed query (for lists that show customers); unknown ids are skipped. */
  async findMany(ids: string[]): Promise<Profile[]> {
    const valid = [...new Set(ids.filter((id) => UUID.test(id)))];
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
    if (handle === "id") return UUID.test(ref.profileId) ? this.db.select({ id: profiles.id }).from(profiles).where(eq(profiles.id, ref.profileId)).limit(1) : null;
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

  async list(filter: ProfileListFilter, page: PageRequest, sort: ProfileSort = { field: "created_at", desc: true }): Promise<{ rows: ProfileView[]; total: number }> {
    const exact = (p: { email: string; firstName: string | null; lastName: string | null; mobilePhone: string | null }) =>
      (filter.email === undefined || p.email.toLowerCase() === filter.email.toLowerCase()) &&
      (filter.firstName === undefined || p.firstName?.toLowerCase() === filter.firstName.toLowerCase()) &&
      (filter.lastName === undefined || p.lastName?.toLowerCase() === filter.lastName.toLowerCase()) &&
      (filter.mobilePhone === undefined || p.mobilePhone === filter.mobilePhone);
    if (filter.search?.trim()) {
      // search ranks up to 100 matches; the type filter and the page apply to those: two round trips
      const ids = await this.searchIds(filter.search, 100);
      const all = await this.viewsByIds(ids, { includeDeleted: filter.type === "deleted" || filter.type === "all" });
      const found = all.filter((p) => (!filter.type || filter.type === "all" || p.type === filter.type) && exact(p));
      return { rows: found.slice(pageOffset(page), pageOffset(page) + page.size), total: found.length };
    }
    // every filter the API accepts is applied here: an ignored one would answer with the wrong members
    const byType: SQL | undefined = filter.type === "all" ? undefined : filter.type ? eq(profiles.type, filter.type) : ne(profiles.type, "deleted");
    const where = and(
      byType,
      filter.email !== undefined ? sql`lower(${profiles.email}) = ${filter.email.toLowerCase()}` : undefined,
      filter.firstName !== undefined ? sql`lower(${profiles.firstName}) = ${filter.firstName.toLowerCase()}` : undefined,
      filter.lastName !== undefined ? sql`lower(${profiles.lastName}) = ${filter.lastName.toLowerCase()}` : undefined,
      filter.mobilePhone !== undefined ? eq(profiles.mobilePhone, filter.mobilePhone) : undefined,
      // the dashboard's at-risk segment (reporting's atRiskBounds): past their at-risk date, shopped within the year
      filter.atRisk
        ? inArray(
            profiles.id,
            this.db
              .select({ id: profileAggregations.profileId })
              .from(profileAggregations)
              .where(and(lt(profileAggregations.atRiskDate, filter.atRisk.atRiskBefore), gte(profileAggregations.latestShopDate, filter.atRisk.shoppedSince))),
          )
        : undefined,
    );
    const column = { created_at: profiles.createdAt, updated_at: profiles.updatedAt, first_name: profiles.firstName, last_name: profiles.lastName, email: profiles.email }[sort.field];
    const [rows, [total]] = await this.db.batch([
      this.db.select().from(profiles).where(where).orderBy(sort.desc ? desc(column) : asc(column), desc(profiles.id)).limit(page.size).offset(pageOffset(page)),
      this.db.select({ n: count() }).from(profiles).where(where),
    ]);
    return { rows: await this.attachAll(rows), total: total?.n ?? 0 };
  }

  private async attachAll(rows: Profile[]): Promise<ProfileView[]> {
    if (!rows.length) return [];
    const ids = rows.map((r) => r.id);
    const [idRows, addrRows] = await this.db.batch([
      this.db.select().from(identities).where(inArray(identities.profileId, ids)),
      this.db.select().from(addresses).where(inArray(addresses.profileId, ids)),
    ]);
    return rows.map((r) => ({ ...r, identities: idRows.filter((i) => i.profileId === r.id), addresses: addrRows.filter((a) => a.profileId === r.id) }));
  }

  /**
   * One search box for name, email, mobile or any identity value. Exact matches (E.164 mobile, identity
   * identifier, email) come first, through their indexes; an email is also matched as a prefix on the
   * lower(email) index; names and fragments go through FTS5. All of it is one D1 round trip.
   */
  async searchIds(q: string, limit = 20): Promise<string[]> {
    const query = q.trim().slice(0, 200);
    if (!query) return [];
    limit = Math.min(limit, 100);
    const kind = classifySearch(query);
    const statements = [];
    if (kind === "email") {
      const lower = query.toLowerCase();
      // exact first, then the prefix range on the same index (no FTS: ".com" would match everyone)
      statements.push(this.db.select({ id: profiles.id }).from(profiles).where(eq(sql`lower(${profiles.email})`, lower)).limit(1));
      statements.push(
        this.db
          .select({ id: profiles.id })
          .from(profiles)
          .where(and(sql`lower(${profiles.email}) > ${lower}`, sql`lower(${profiles.email}) < ${lower + "\uffff"}`))
          .orderBy(sql`lower(${profiles.email})`)
          .limit(limit),
      );
    }
    if (kind === "mobile") {
      const e164 = normalizeMobile(query, this.opts.defaultCountry);
      if (e164) statements.push(this.db.select({ id: profiles.id }).from(profiles).where(eq(profiles.mobilePhone, e164)).limit(1));
    }
    statements.push(this.db.select({ id: identities.profileId }).from(identities).where(eq(identities.identifier, query)).limit(limit));
    const fts = kind === "name" ? ftsQuery(query) : null;
    if (fts) {
      statements.push(
        this.db
          .select({ id: profiles.id })
          .from(sql`profiles_fts`)
          .innerJoin(profiles, sql`${profiles}.rowid = profiles_fts.rowid`)
          .where(sql`profiles_fts MATCH ${fts}`)
          .orderBy(sql`rank`)
          .limit(limit),
      );
    }
    const results = await this.db.batch(statements as unknown as [typeof statements[number]]);
    return [...new Set((results as Array<Array<{ id: string }>>).flat().map((r) => r.id))].slice(0, limit);
  }

  async search(q: string, opts: { limit?: number; includeDeleted?: boolean } = {}): Promise<Profile[]> {
    const views = await this.viewsByIds(await this.searchIds(q, opts.limit), { includeDeleted: opts.includeDeleted, relations: false });
    return views;
  }

  /**
   * Profiles (and, with relations, their identities and addresses) for ids, in the ids' order, in one
   * D1 batch. The ids travel as one JSON parameter, since D1 allows 100 bound parameters per statement.
   */
  async viewsByIds(ids: string[], opts: { includeDeleted?: boolean; relations?: boolean } = {}): Promise<ProfileView[]> {
    if (!ids.length) return [];
    const idSet = sql`(SELECT value FROM json_each(${JSON.stringify(ids)}))`;
    const where = opts.includeDeleted ? sql`${profiles.id} IN ${idSet}` : and(sql`${profiles.id} IN ${idSet}`, ne(profiles.type, "deleted"));
    const [rows, idRows, addrRows] = await this.db.batch([
      this.db.select().from(profiles).where(where),
      this.db.select().from(identities).where(opts.relations === false ? sql`0` : sql`${identities.profileId} IN ${idSet}`),
      this.db.select().from(addresses).where(opts.relations === false ? sql`0` : sql`${addresses.profileId} IN ${idSet}`),
    ]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids
      .map((id) => byId.get(id))
      .filter((p): p is Profile => Boolean(p))
      .map((p) => ({ ...p, identities: idRows.filter((i) => i.profileId === p.id), addresses: addrRows.filter((a) => a.profileId === p.id) }));
  }

  // ── validation helpers ──────────────────────────────────────────────────────────────────────

  private normalizeMobileField(raw: string | null | undefined, errors: FieldErrors): string | null | undefined {
    if (raw === undefined) return undefined;
    if (raw === null || raw === "") return null;
    const e164 = normalizeMobile(raw, this.opts.defaultCountry);
    if (!e164) (errors.mobile_phone ??= []).push(`"${raw}" is not a valid mobile number (use the international format, e.g. +61 412 345 678)`);
    return e164;
  }

  private async checkLocation(field: string, id: string | null | undefined, errors: FieldErrors): Promise<string | null | undefined> {
    if (id === undefined || id === null || id === "") return id === "" ? null : id;
    const loc = await this.db.query.locations.findFirst({ where: or(eq(locations.id, id), eq(locations.externalId, id)) });
    if (!loc) (errors[field] ??= []).push(`No location with id or external id "${id}"`);
    return loc?.id;
  }

  /** 422s for an email, mobile or identity that another profile already holds. */
  private async checkUnique(
    self: string | null,
    values: { email?: string; mobile?: string | null; identities?: Array<{ handle: string; identifier: string }> },
    actor: Actor,
    errors: FieldErrors,
  ): Promise<void> {
    const reveal = mayRevealConflicts(actor);
    const clash = (field: string, what: string, other: string) =>
      (errors[field] ??= []).push(`${what} already belongs to ${reveal ? `profile ${other}` : "another profile"}`);
    if (values.email) {
      const other = await this.findByEmail(values.email);
      if (other && other.id !== self) clash("email", "This email", other.id);
    }
    if (values.mobile) {
      const other = await this.db.query.profiles.findFirst({ where: eq(profiles.mobilePhone, values.mobile) });
      if (other && other.id !== self) clash("mobile_phone", "This mobile number", other.id);
    }
    for (const [i, ident] of (values.identities ?? []).entries()) {
      const other = await this.db.query.identities.findFirst({ where: and(eq(identities.handle, ident.handle), eq(identities.identifier, ident.identifier)) });
      if (other && other.profileId !== self) clash(`identities.${i}.identifier`, `Identity ${ident.handle}/${ident.identifier}`, other.profileId);
      else if (other && other.profileId === self) (errors[`identities.${i}.identifier`] ??= []).push(`Identity ${ident.handle}/${ident.identifier} is already linked to this profile`);
    }
    const seen = new Set<string>();
    for (const [i, ident] of (values.identities ?? []).entries()) {
      const key = `${ident.handle}/${ident.identifier}`;
      if (seen.has(key)) (errors[`identities.${i}.identifier`] ??= []).push(`Identity ${key} is listed twice`);
      seen.add(key);
    }
  }

  private applyAttributes(current: Pick<Profile, "comms" | "appearance" | "customAttributes" | "dates">, input: AttributeInput | undefined, now: Date) {
    if (!input) return {};
    const out: Partial<Pick<Profile, "comms" | "appearance" | "customAttributes" | "dates">> = {};
    if (input.comms) {
      const comms: CommsPreferences = { ...current.comms, consent_at: { ...(current.comms.consent_at ?? {}) } };
      for (const [channel, value] of Object.entries(input.comms)) {
        if (value === undefined) continue;
        const key = channel as keyof Omit<CommsPreferences, "consent_at">;
        if (comms[key] !== value) comms.consent_at![channel] = now.toISOString();
        comms[key] = value;
      }
      out.comms = comms;
    }
    if (input.appearance) out.appearance = { ...current.appearance, ...input.appearance };
    if (input.custom) {
      const byKey = new Map(current.customAttributes.map((a) => [`${a.namespace}/${a.handle}`, a]));
      for (const a of input.custom) byKey.set(`${a.namespace}/${a.handle}`, { namespace: a.namespace, handle: a.handle, type: a.type, value: a.value } as CustomAttribute);
      out.customAttributes = [...byKey.values()];
    }
    if (input.dates) out.dates = { ...current.dates, ...input.dates };
    return out;
  }

  private addressRows(profileId: string, list: NonNullable<CreateProfileInput["addresses"]>, now: Date): Address[] {
    return list.map((a, i) => ({
      id: newId(),
      profileId,
      type: a.type ?? "home",
      isDefault: a.is_default ?? i === 0,
      address1: a.address_line_1 ?? null,
      address2: a.address_line_2 ?? null,
      city: a.city ?? null,
      state: a.state ?? null,
      postcode: a.postcode ?? null,
      country: a.country?.toUpperCase() ?? null,
      createdAt: now,
    }));
  }

  private publish(rows: EventRow[]) {
    this.opts.defer(this.outbox.publish(rows));
  }

  /** Runs a batch, turning a unique-index race (two sign-ups at once) into the same 422 as the pre-check. */
  private async commit(statements: Parameters<Db["batch"]>[0], field = "email"): Promise<void> {
    try {
      await this.db.batch(statements);
    } catch (err) {
      if (isUniqueViolation(err)) {
        const m = String((err as Error).message);
        const f = m.includes("mobile") ? "mobile_phone" : m.includes("identifier") ? "identities" : field;
        throw DomainError.field(f, `This ${f.replace("_", " ")} already belongs to another profile`);
      }
      throw err;
    }
  }

  // ── writing ─────────────────────────────────────────────────────────────────────────────────

  async create(input: CreateProfileInput, actor: Actor): Promise<ProfileView> {
    const now = this.clock.now();
    const errors: FieldErrors = {};
    const email = input.email.toLowerCase();
    const mobile = this.normalizeMobileField(input.mobile_phone, errors);
    const joinedLocationId = await this.checkLocation("joined_location_id", input.joined_location_id, errors);
    const preferredLocationId = await this.checkLocation("preferred_location_id", input.preferred_location_id, errors);
    await this.checkUnique(null, { email, mobile, identities: input.identities }, actor, errors);
    if (Object.keys(errors).length) throw new DomainError("validation_failed", `Invalid profile: ${Object.keys(errors).join(", ")}`, { errors });

    const id = newId();
    const base = { comms: {}, appearance: {}, customAttributes: [], dates: {} };
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
      preferredLocationId: preferredLocationId ?? null,
      tags: [...new Set(input.tags ?? [])],
      ...base,
      ...this.applyAttributes(base, input.attributes, now),
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
    const addressRows = this.addressRows(id, input.addresses ?? [], now);
    const event = this.outbox.event("profile.created", { profile: eventProfile(profile) }, { profileId: id });
    await this.commit([
      this.db.insert(profiles).values(profile),
      ...insertRows(this.db, identities, identityRows),
      ...insertRows(this.db, addresses, addressRows),
      this.outbox.insert([event]),
      this.audit.entry(actor, { action: "profile.created", entityType: "profile", entityId: id, newValues: { email, mobile_phone: mobile ?? null, first_name: profile.firstName, last_name: profile.lastName } }),
    ]);
    this.publish([event]);
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
    set("mobilePhone", this.normalizeMobileField(input.mobile_phone, errors));
    set("gender", input.gender);
    set("birthDay", input.birth_day);
    set("birthMonth", input.birth_month);
    set("birthYear", input.birth_year);
    set("company", input.company);
    set("currency", input.currency);
    if (input.joined_at !== undefined) set("joinedAt", input.joined_at ? new Date(input.joined_at) : current.joinedAt);
    set("joinedLocationId", await this.checkLocation("joined_location_id", input.joined_location_id, errors));
    set("preferredLocationId", await this.checkLocation("preferred_location_id", input.preferred_location_id, errors));
    if (input.tags !== undefined) set("tags", [...new Set(input.tags)]);
    const attrs = this.applyAttributes(current, input.attributes, now);
    for (const [k, v] of Object.entries(attrs)) set(k as keyof Profile, v as never);
    await this.checkUnique(id, { email: change.email, mobile: change.mobilePhone }, actor, errors);
    if (Object.keys(errors).length) throw new DomainError("validation_failed", `Invalid profile: ${Object.keys(errors).join(", ")}`, { errors });

    const addressRows = input.addresses ? this.addressRows(id, input.addresses, now) : null;
    if (!Object.keys(change).length && !addressRows) return this.withRelations(current);
    const updated: Profile = { ...current, ...change, updatedAt: now };
    const changedKeys = Object.keys(change);
    const event = this.outbox.event("profile.updated", { profile: eventProfile(updated), changed: changedKeys }, { profileId: id });
    await this.commit([
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
    this.publish([event]);
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
    const current = await this.require(id);
    if (current.type === type) return this.withRelations(current);
    const now = this.clock.now();
    const updated = { ...current, type, deletedAt: type === "deleted" ? now : null, updatedAt: now };
    const event = this.outbox.event(type === "deleted" ? "profile.deleted" : "profile.updated", { profile: eventProfile(updated), changed: ["type"] }, { profileId: id });
    await this.db.batch([
      this.db.update(profiles).set({ type, deletedAt: updated.deletedAt, updatedAt: now }).where(eq(profiles.id, id)),
      this.outbox.insert([event]),
      this.audit.entry(actor, { action: "profile.type_changed", entityType: "profile", entityId: id, oldValues: { type: current.type }, newValues: { type } }),
    ]);
    this.publish([event]);
    return this.withRelations(updated);
  }

  /** Soft delete: recoverable with restore(). */
  async softDelete(id: string, actor: Actor): Promise<ProfileView> {
    return this.updateType(id, "deleted", actor);
  }

  async restore(id: string, actor: Actor): Promise<ProfileView> {
    const current = await this.require(id);
    if (current.mergedInto) throw new DomainError("conflict", `This profile was merged into ${current.mergedInto} and cannot be restored`);
    return this.updateType(id, "active", actor);
  }

  /**
   * The right to erasure: the person and everything linked (identities, addresses, interactions,
   * transactions and their items, aggregations, events, the ledger via hooks) is deleted, and audit
   * entries about them lose their values. The purge itself is audited without personal data.
   */
  async purge(id: string, actor: Actor): Promise<void> {
    const current = await this.require(id);
    const event = this.outbox.event("profile.deleted", { profile: { id: current.id }, purged: true }, { profileId: id });
    const txIds = this.db.select({ id: transactions.id }).from(transactions).where(eq(transactions.profileId, id));
    await this.db.batch([
      this.db.delete(transactionItems).where(inArray(transactionItems.transactionId, txIds)),
      this.db.delete(transactions).where(eq(transactions.profileId, id)),
      this.db.delete(interactions).where(eq(interactions.profileId, id)),
      this.db.delete(identities).where(eq(identities.profileId, id)),
      this.db.delete(addresses).where(eq(addresses.profileId, id)),
      this.db.delete(profileAggregations).where(eq(profileAggregations.profileId, id)),
      this.db.delete(events).where(eq(events.profileId, id)),
      this.db.update(auditLog).set({ oldValues: null, newValues: null }).where(and(eq(auditLog.entityType, "profile"), eq(auditLog.entityId, id))),
      this.db.delete(profiles).where(eq(profiles.id, id)),
      this.outbox.insert([event]),
      this.audit.entry(actor, { action: "profile.purged", entityType: "profile", entityId: id }),
    ]);
    this.publish([event]);
    for (const h of this.hooks) await h.onPurge?.(id);
  }

  /** Overwrite personal data, keep the figures (transactions, aggregations) for reporting. */
  async depersonalise(id: string, actor: Actor): Promise<ProfileView> {
    const current = await this.require(id);
    const now = this.clock.now();
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
      dates: {},
      tags: [],
      updatedAt: now,
    } satisfies Partial<Profile>;
    const updated = { ...current, ...change };
    const event = this.outbox.event("profile.updated", { profile: eventProfile(updated), depersonalised: true }, { profileId: id });
    await this.db.batch([
      this.db.update(profiles).set(change).where(eq(profiles.id, id)),
      this.db.delete(identities).where(eq(identities.profileId, id)),
      this.db.delete(addresses).where(eq(addresses.profileId, id)),
      this.db.update(auditLog).set({ oldValues: null, newValues: null }).where(and(eq(auditLog.entityType, "profile"), eq(auditLog.entityId, id))),
      this.outbox.insert([event]),
      this.audit.entry(actor, { action: "profile.depersonalised", entityType: "profile", entityId: id }),
    ]);
    this.publish([event]);
    return { ...updated, identities: [], addresses: [] };
  }

  /**
   * Merge: the winner absorbs the loser's identities, transactions, interactions, addresses and
   * attributes (the winner's own values win; gaps are filled); the loser is deleted and remembers its
   * winner. Lifecycle hooks move what other areas own (the ledger).
   */
  async merge(winnerId: string, loserId: string, actor: Actor): Promise<ProfileView> {
    if (winnerId === loserId) throw DomainError.field("loser_id", "A profile cannot be merged into itself");
    const winner = await this.require(winnerId);
    const loser = await this.find(loserId);
    if (!loser) throw DomainError.field("loser_id", `No profile with id ${loserId}`);
    if (winner.type === "deleted") throw new DomainError("conflict", "The winning profile is deleted; restore it first");
    if (loser.mergedInto) throw DomainError.field("loser_id", `That profile was already merged into ${loser.mergedInto}`);
    const now = this.clock.now();
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
    const event = this.outbox.event("profile.merged", { winner_id: winnerId, loser_id: loserId, profile: eventProfile(updated) }, { profileId: winnerId });
    await this.db.batch([
      // the loser gives up its mobile first, so the winner can take it without a unique clash
      this.db.update(profiles).set({ mobilePhone: null, type: "deleted", deletedAt: now, mergedInto: winnerId, updatedAt: now }).where(eq(profiles.id, loserId)),
      this.db
        .update(profiles)
        .set({ ...fill, tags: attrs.tags, comms: attrs.comms as CommsPreferences, appearance: attrs.appearance, customAttributes: attrs.customAttributes as CustomAttribute[], dates: attrs.dates, updatedAt: now })
        .where(eq(profiles.id, winnerId)),
      this.db.update(identities).set({ profileId: winnerId, isPrimary: false }).where(eq(identities.profileId, loserId)),
      this.db.update(transactions).set({ profileId: winnerId }).where(eq(transactions.profileId, loserId)),
      this.db.update(interactions).set({ profileId: winnerId }).where(eq(interactions.profileId, loserId)),
      this.db.update(addresses).set({ profileId: winnerId, isDefault: false }).where(eq(addresses.profileId, loserId)),
      this.db.delete(profileAggregations).where(eq(profileAggregations.profileId, loserId)),
      this.outbox.insert([event]),
      this.audit.entry(actor, { action: "profile.merged", entityType: "profile", entityId: winnerId, newValues: { loser_id: loserId } }),
    ]);
    await this.recomputeAggregations(winnerId);
    for (const h of this.hooks) await h.onMerge?.(winnerId, loserId);
    this.publish([event]);
    return this.get(winnerId);
  }

  // ── identities ──────────────────────────────────────────────────────────────────────────────

  async listIdentities(profileId: string): Promise<Identity[]> {
    await this.require(profileId);
    return this.db.select().from(identities).where(eq(identities.profileId, profileId)).orderBy(asc(identities.createdAt));
  }

  async addIdentity(profileId: string, input: IdentityInput, actor: Actor): Promise<Identity> {
    const profile = await this.require(profileId);
    const errors: FieldErrors = {};
    await this.checkUnique(profileId, { identities: [input] }, actor, errors);
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
      createdAt: this.clock.now(),
    };
    const event = this.outbox.event("profile.updated", { profile: eventProfile(profile), changed: ["identities"] }, { profileId });
    await this.commit(
      [
        this.db.insert(identities).values(row),
        ...(row.isPrimary ? [this.db.update(identities).set({ isPrimary: false }).where(and(eq(identities.profileId, profileId), eq(identities.handle, row.handle), ne(identities.id, row.id)))] : []),
        this.outbox.insert([event]),
        this.audit.entry(actor, { action: "identity.added", entityType: "profile", entityId: profileId, newValues: { handle: row.handle, identifier: row.identifier } }),
      ],
      "identifier",
    );
    this.publish([event]);
    return row;
  }

  async removeIdentity(profileId: string, identityId: string, actor: Actor): Promise<void> {
    const profile = await this.require(profileId);
    const row = await this.db.query.identities.findFirst({ where: and(eq(identities.id, identityId), eq(identities.profileId, profileId)) });
    if (!row) throw new DomainError("not_found", `Profile ${profileId} has no identity ${identityId}`);
    const event = this.outbox.event("profile.updated", { profile: eventProfile(profile), changed: ["identities"] }, { profileId });
    await this.db.batch([
      this.db.delete(identities).where(eq(identities.id, identityId)),
      this.outbox.insert([event]),
      this.audit.entry(actor, { action: "identity.removed", entityType: "profile", entityId: profileId, oldValues: { handle: row.handle, identifier: row.identifier } }),
    ]);
    this.publish([event]);
  }

  async searchIdentities(filter: { handle?: string; identifier?: string; profileId?: string }, page: PageRequest, opts: { requireFilter?: boolean } = {}): Promise<{ rows: Identity[]; total: number }> {
    if ((opts.requireFilter ?? true) && !filter.handle && !filter.identifier) throw DomainError.field("identifier", "Give handle, identifier or both");
    const conds = [
      filter.handle ? eq(identities.handle, filter.handle.toLowerCase()) : undefined,
      filter.identifier ? eq(identities.identifier, filter.identifier) : undefined,
      filter.profileId ? eq(identities.profileId, filter.profileId) : undefined,
    ].filter((c): c is SQL => Boolean(c));
    const where = conds.length ? and(...conds) : undefined;
    const [rows, [total]] = await this.db.batch([
      this.db.select().from(identities).where(where).orderBy(asc(identities.createdAt), asc(identities.id)).limit(page.size).offset(pageOffset(page)),
      this.db.select({ n: count() }).from(identities).where(where),
    ]);
    return { rows, total: total?.n ?? 0 };
  }

  /** One of a profile's identities, by its id or (Omneo's way) by its handle. */
  async getIdentity(profileId: string, ref: { id: string } | { handle: string }): Promise<Identity> {
    await this.require(profileId);
    const where = "id" in ref ? eq(identities.id, ref.id) : eq(identities.handle, ref.handle.toLowerCase());
    const row = await this.db.query.identities.findFirst({ where: and(where, eq(identities.profileId, profileId)), orderBy: [desc(identities.isPrimary), asc(identities.createdAt)] });
    if (!row) throw new DomainError("not_found", `Profile ${profileId} has no identity ${"id" in ref ? ref.id : `with handle "${ref.handle}"`}`);
    return row;
  }

  /** Change an identity's identifier or flags; the identifier stays unique across profiles. */
  async updateIdentity(profileId: string, identityId: string, input: { identifier?: string; is_primary?: boolean; is_active?: boolean }, actor: Actor): Promise<Identity> {
    const profile = await this.require(profileId);
    const row = await this.getIdentity(profileId, { id: identityId });
    const next: Identity = { ...row, identifier: input.identifier ?? row.identifier, isPrimary: input.is_primary ?? row.isPrimary, isActive: input.is_active ?? row.isActive };
    if (next.identifier !== row.identifier) {
      const taken = await this.db.query.identities.findFirst({ where: and(eq(identities.handle, row.handle), eq(identities.identifier, next.identifier), ne(identities.id, row.id)) });
      if (taken) throw DomainError.field("identifier", `The ${row.handle} identifier "${next.identifier}" belongs to another profile`);
    }
    const event = this.outbox.event("profile.updated", { profile: eventProfile(profile), changed: ["identities"] }, { profileId });
    await this.commit(
      [
        this.db.update(identities).set({ identifier: next.identifier, isPrimary: next.isPrimary, isActive: next.isActive }).where(eq(identities.id, row.id)),
        ...(next.isPrimary && !row.isPrimary ? [this.db.update(identities).set({ isPrimary: false }).where(and(eq(identities.profileId, profileId), eq(identities.handle, row.handle), ne(identities.id, row.id)))] : []),
        this.outbox.insert([event]),
        this.audit.entry(actor, { action: "identity.updated", entityType: "profile", entityId: profileId, oldValues: { identifier: row.identifier, is_primary: row.isPrimary, is_active: row.isActive }, newValues: { identifier: next.identifier, is_primary: next.isPrimary, is_active: next.isActive } }),
      ],
      "identifier",
    );
    this.publish([event]);
    return next;
  }


  // ── interactions ────────────────────────────────────────────────────────────────────────────

  async addInteraction(profileId: string, input: InteractionInput, actor: Actor): Promise<Interaction> {
    await this.require(profileId);
    const errors: FieldErrors = {};
    const locationId = await this.checkLocation("location_id", input.location_id, errors);
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
    this.publish([event]);
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

  // ── aggregations ────────────────────────────────────────────────────────────────────────────

  /** The read behind a profile's aggregations. */
  private aggregationFactsQuery(profileId: string) {
    return this.db.select(FACT_FIELDS).from(transactions).where(eq(transactions.profileId, profileId));
  }

  /**
   * The aggregation facts of the profile a reference names (resolveQuery's profile), for a caller's own
   * D1 batch; with them and aggregationsUpsertIfUnchanged, recording a receipt stores the aggregations
   * in its write batch instead of a round trip of its own. Null when the reference cannot match.
   */
  aggregationFactsByRefQuery(ref: ProfileRef) {
    const ids = this.refIdQuery(ref);
    return ids ? this.db.select(FACT_FIELDS).from(transactions).where(inArray(transactions.profileId, ids)) : null;
  }

  /**
   * One statement for a write batch: the profile's aggregations over `facts` (its transactions as a
   * pre-read saw them, plus the one the batch inserts), stored only if those are still its transactions:
   * as many rows, as many of them voided (receipts are immutable; only new, claimed, merged-in or voided
   * ones change the facts, and each changes a count). Zero rows changed means something else changed
   * them meanwhile: recomputeAggregations then.
   */
  aggregationsUpsertIfUnchanged(profileId: string, facts: TransactionFact[]) {
    return this.guardedAggregations(profileId, facts).statement;
  }

  private guardedAggregations(profileId: string, facts: TransactionFact[]) {
    const now = this.clock.now();
    const agg = computeAggregations(facts, now);
    const [factCount, voidCount] = [facts.length, facts.filter((f) => f.isVoid).length];
    const excluded = (column: string) => sql.raw(`excluded.${column}`);
    const statement = this.db
      .insert(profileAggregations)
      .select(
        sql`SELECT ${profileId}, ${agg.spend12m}, ${agg.spendAll}, ${agg.spendAtv12m}, ${agg.shopCount}, ${agg.firstShopDate}, ${agg.latestShopDate}, ${agg.averageShopDays}, ${agg.atRiskDate}, ${agg.mostTransactedLocationId}, ${now.getTime()}
            WHERE (SELECT COUNT(*) || ':' || COUNT(CASE WHEN is_void THEN 1 END) FROM transactions WHERE profile_id = ${profileId}) = ${`${factCount}:${voidCount}`}`,
      )
      .onConflictDoUpdate({
        target: profileAggregations.profileId,
        set: {
          spend12m: excluded("spend_12m"),
          spendAll: excluded("spend_all"),
          spendAtv12m: excluded("spend_atv_12m"),
          shopCount: excluded("shop_count"),
          firstShopDate: excluded("first_shop_date"),
          latestShopDate: excluded("latest_shop_date"),
          averageShopDays: excluded("average_shop_days"),
          atRiskDate: excluded("at_risk_date"),
          mostTransactedLocationId: excluded("most_transacted_location_id"),
          updatedAt: excluded("updated_at"),
        },
      });
    return { statement, aggregations: agg };
  }

  /**
   * Recompute a profile's aggregations from its transactions (called on each of its transactions). The
   * write only lands if the transactions are still those that were read, so two concurrent recomputes
   * cannot leave the older view behind; the loser reads again.
   */
  async recomputeAggregations(profileId: string): Promise<Aggregations> {
    for (let attempt = 1; ; attempt++) {
      const { statement, aggregations } = this.guardedAggregations(profileId, await this.aggregationFactsQuery(profileId));
      if (this.aggregationsStored(await statement) || attempt === 5) return aggregations;
    }
  }

  /** Whether a statement of aggregationsUpsertIfUnchanged wrote (its D1 result, from a batch or awaited alone). */
  aggregationsStored(result: unknown): boolean {
    return ((result as D1Result).meta?.changes ?? 0) > 0;
  }

  async getAggregations(profileId: string): Promise<Aggregations> {
    await this.require(profileId);
    const row = await this.db.query.profileAggregations.findFirst({ where: eq(profileAggregations.profileId, profileId) });
    if (row) return row;
    return computeAggregations([], this.clock.now());
  }

  /** Recent activity of a profile for the console: audit entries about it, newest first. */
  async auditTrail(profileId: string, page: PageRequest) {
    return this.audit.list({ entityType: "profile", entityId: profileId }, page);
  }
}
