// The public face of the customer record: its row types and the pure serializers from rows to the
// API's (and the console's) shapes, and the profile an event carries. No I/O.
import type { addresses, identities, interactions, profiles, tags } from "../../db/schema";
import { fromCents } from "../platform/money";
import { datesOf, serializeDate } from "./dates";
import { fullName, type Aggregations } from "./rules";

export type Profile = typeof profiles.$inferSelect;
export type Identity = typeof identities.$inferSelect;
export type Address = typeof addresses.$inferSelect;
export type Interaction = typeof interactions.$inferSelect;

export interface ProfileView extends Profile {
  identities: Identity[];
  addresses: Address[];
}

export function serializeProfile(p: ProfileView) {
  return {
    id: p.id,
    first_name: p.firstName,
    last_name: p.lastName,
    full_name: fullName(p.firstName, p.lastName),
    email: p.email,
    mobile_phone: p.mobilePhone,
    gender: p.gender,
    birth_day: p.birthDay,
    birth_month: p.birthMonth,
    birth_year: p.birthYear,
    company: p.company,
    currency: p.currency,
    type: p.type,
    profile_type: p.type,
    mobile_phone_e164: p.mobilePhone,
    joined_at: p.joinedAt.toISOString(),
    joined_location_id: p.joinedLocationId,
    preferred_location_id: p.preferredLocationId,
    tags: p.tags,
    attributes: { comms: p.comms as Record<string, unknown>, appearance: p.appearance, custom: p.customAttributes, dates: datesOf(p.dates).map((d) => serializeDate(p.id, d)) },
    custom_attributes: customAttributeMap(p.customAttributes),
    identities: p.identities.map(serializeIdentity),
    addresses: p.addresses.map(serializeAddress),
    deleted_at: p.deletedAt?.toISOString() ?? null,
    created_at: p.createdAt.toISOString(),
    updated_at: p.updatedAt.toISOString(),
  };
}

/** Omneo's `custom_attributes`: namespace → handle → value. */
export function customAttributeMap(list: Profile["customAttributes"]): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const a of list) (out[a.namespace] ??= {})[a.handle] = a.value;
  return out;
}

/** One custom attribute in Omneo's shape (GET /profiles/{id}/attributes/custom…). */
export function serializeCustomAttribute(profileId: string, a: Profile["customAttributes"][number]) {
  return { profile_id: profileId, namespace: a.namespace, handle: a.handle, type: a.type, value: a.value };
}

export function serializeIdentity(i: Identity) {
  return { id: i.id, profile_id: i.profileId, handle: i.handle, identifier: i.identifier, is_primary: i.isPrimary, is_active: i.isActive };
}

export function serializeAddress(a: Address) {
  return {
    id: a.id,
    type: a.type,
    is_default: a.isDefault,
    address_line_1: a.address1,
    address_line_2: a.address2,
    city: a.city,
    state: a.state,
    postcode: a.postcode,
    country: a.country,
  };
}

export function serializeAggregations(a: Aggregations & { updatedAt?: Date | null }) {
  return {
    spend_12m: fromCents(a.spend12m),
    spend_all: fromCents(a.spendAll),
    spend_atv_12m: fromCents(a.spendAtv12m),
    shop_count: a.shopCount,
    first_shop_date: a.firstShopDate,
    latest_shop_date: a.latestShopDate,
    average_shop_days: a.averageShopDays,
    at_risk_date: a.atRiskDate,
    most_transacted_location_id: a.mostTransactedLocationId,
  };
}

export function serializeInteraction(i: Interaction) {
  return {
    id: i.id,
    profile_id: i.profileId,
    action: i.action,
    channel: i.channel,
    signal: i.signal,
    name: i.name,
    interacted_at: i.interactedAt.toISOString(),
    location_id: i.locationId,
    meta: i.meta ?? null,
    created_at: i.createdAt.toISOString(),
  };
}

/** The data a profile event carries: enough for the live feed and consumers, no more. */
export function eventProfile(p: Profile) {
  return { id: p.id, full_name: fullName(p.firstName, p.lastName), email: p.email, joined_at: p.joinedAt.toISOString(), joined_location_id: p.joinedLocationId, joined_channel: p.joinedChannel, type: p.type };
}

/** A tag of the catalogue, in Omneo's shape. */
export function serializeTag(t: typeof tags.$inferSelect) {
  return { id: t.id, handle: t.handle, name: t.name, created_at: t.createdAt.toISOString(), updated_at: t.updatedAt.toISOString() };
}
