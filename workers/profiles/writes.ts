// What the profile writes share: field checks (mobile, locations, uniqueness of email, mobile and
// identities), attribute and address shaping, and the batch that turns a unique-index race into a 422.
import { and, eq, or } from "drizzle-orm";
import type { Db } from "../../db/client";
import { identities, locations, profiles, type CommsPreferences, type CustomAttribute, type StoredDates } from "../../db/schema";
import type { Actor } from "../access/actor";
import { isUniqueViolation } from "../platform/sql";
import { newId } from "../platform/crypto";
import { DomainError, type FieldErrors } from "../platform/errors";
import type { ProfileDeps, ProfileReads } from "./context";
import { datesFromMap, datesOf, MAX_DATES, upsertDates, type ProfileDate, type ProfileDateInput } from "./dates";
import { normalizeMobile } from "./rules";
import type { CreateProfileInput } from "./schema";
import type { Address, Profile } from "./views";

type AttributeInput = NonNullable<CreateProfileInput["attributes"]>;

/** Whether an actor may learn which other profile holds a clashing email, mobile or identity. */
function mayRevealConflicts(actor: Actor): boolean {
  return actor.type === "user" || (actor.scopes ?? []).includes("*");
}

export class ProfileWrites {
  constructor(
    private readonly deps: ProfileDeps,
    private readonly reads: Pick<ProfileReads, "findByEmail">,
  ) {}

  normalizeMobileField(raw: string | null | undefined, errors: FieldErrors): string | null | undefined {
    if (raw === undefined) return undefined;
    if (raw === null || raw === "") return null;
    const e164 = normalizeMobile(raw, this.deps.defaultCountry);
    if (!e164) (errors.mobile_phone ??= []).push(`"${raw}" is not a valid mobile number (use the international format, e.g. +61 412 345 678)`);
    return e164;
  }

  async checkLocation(field: string, id: string | null | undefined, errors: FieldErrors): Promise<string | null | undefined> {
    if (id === undefined || id === null || id === "") return id === "" ? null : id;
    const loc = await this.deps.db.query.locations.findFirst({ where: or(eq(locations.id, id), eq(locations.externalId, id)) });
    if (!loc) (errors[field] ??= []).push(`No location with id or external id "${id}"`);
    return loc?.id;
  }

  /** 422s for an email, mobile or identity that another profile already holds. */
  async checkUnique(
    self: string | null,
    values: { email?: string; mobile?: string | null; identities?: Array<{ handle: string; identifier: string }> },
    actor: Actor,
    errors: FieldErrors,
  ): Promise<void> {
    const reveal = mayRevealConflicts(actor);
    const clash = (field: string, what: string, other: string) =>
      (errors[field] ??= []).push(`${what} already belongs to ${reveal ? `profile ${other}` : "another profile"}`);
    if (values.email) {
      const other = await this.reads.findByEmail(values.email);
      if (other && other.id !== self) clash("email", "This email", other.id);
    }
    if (values.mobile) {
      const other = await this.deps.db.query.profiles.findFirst({ where: eq(profiles.mobilePhone, values.mobile) });
      if (other && other.id !== self) clash("mobile_phone", "This mobile number", other.id);
    }
    for (const [i, ident] of (values.identities ?? []).entries()) {
      const other = await this.deps.db.query.identities.findFirst({ where: and(eq(identities.handle, ident.handle), eq(identities.identifier, ident.identifier)) });
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

  applyAttributes(current: Pick<Profile, "comms" | "appearance" | "customAttributes" | "dates">, input: AttributeInput | undefined, now: Date) {
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
    if (input.dates) out.dates = upsertDates(datesOf(current.dates), datesFromMap(input.dates), now).dates;
    return out;
  }

  /** Dates after Omneo's upserts (`dates_attributes`, PUT …/attributes/dates), refusing more than MAX_DATES. */
  upsertDates(current: StoredDates, inputs: ProfileDateInput[], now: Date, errors: FieldErrors, field: string): ProfileDate[] {
    const { dates } = upsertDates(datesOf(current), inputs, now);
    if (dates.length > MAX_DATES) (errors[field] ??= []).push(`A profile holds at most ${MAX_DATES} dates`);
    return dates;
  }

  addressRows(profileId: string, list: NonNullable<CreateProfileInput["addresses"]>, now: Date): Address[] {
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

  /** Runs a batch, turning a unique-index race (two sign-ups at once) into the same 422 as the pre-check. */
  async commit(statements: Parameters<Db["batch"]>[0], field = "email"): Promise<void> {
    try {
      await this.deps.db.batch(statements);
    } catch (err) {
      if (isUniqueViolation(err)) {
        const m = String((err as Error).message);
        const f = m.includes("mobile") ? "mobile_phone" : m.includes("identifier") ? "identities" : field;
        throw DomainError.field(f, `This ${f.replace("_", " ")} already belongs to another profile`);
      }
      throw err;
    }
  }
}
