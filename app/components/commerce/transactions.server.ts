// Loader helpers for the transaction pages: reading the list's filters from the query string (with
// inline errors, never a silently dropped filter), naming customers and locations, and the row shape.
import type { Services } from "../../../workers/services";
import type { FieldErrors } from "../../../workers/platform/errors";
import { UUID_PATTERN as UUID } from "../../../workers/platform/ids";
import { toCents } from "../../../workers/platform/money";
import { fullName } from "../../../workers/profiles/rules";
import type { Profile } from "../../../workers/profiles/views";
import type { Location } from "../../../workers/commerce/views";
import type { TransactionFilter, TransactionView } from "../../../workers/commerce/transactions.service";
import { lineTotal } from "../../../workers/commerce/rules";
import { dayBoundary, inZone, safeZone, STATUS_FILTERS } from "./format";


/** All locations, for the filter's select and for naming rows (brands have tens, not thousands). */
export const LOCATION_LIST_SIZE = 500;

export interface CustomerRef {
  id: string;
  name: string;
  email: string;
  deleted: boolean;
}

export function customerRef(p: Profile): CustomerRef {
  return { id: p.id, name: fullName(p.firstName, p.lastName) || p.email, email: p.email, deleted: p.type === "deleted" };
}

export interface LocationRef {
  id: string;
  name: string;
  externalId: string | null;
  timezone: string;
  placeholder: boolean;
}

export function locationRef(l: Location): LocationRef {
  return { id: l.id, name: l.name, externalId: l.externalId, timezone: l.timezone, placeholder: l.isPlaceholder };
}

/** The profiles behind a page of transactions, by id, in one query. */
export async function customersById(services: Services, ids: Array<string | null>): Promise<Map<string, CustomerRef>> {
  const found = await services.profiles.findMany(ids.filter((v): v is string => Boolean(v)));
  return new Map(found.map((p) => [p.id, customerRef(p)]));
}

/** Locations by id: the known list first, then any the list did not hold, one by one. */
export async function locationsById(services: Services, known: LocationRef[], ids: Array<string | null>): Promise<Map<string, LocationRef>> {
  const out = new Map(known.map((l) => [l.id, l]));
  const missing = [...new Set(ids.filter((v): v is string => Boolean(v) && !out.has(v!)))];
  const found = await Promise.all(missing.map((id) => services.locations.find(id)));
  for (const l of found) if (l) out.set(l.id, locationRef(l));
  return out;
}

export interface TransactionFilterValues {
  from: string;
  to: string;
  location: string;
  staff: string;
  receipt: string;
  profile: string;
  min: string;
  max: string;
  status: string;
  tz: string;
}

export interface ParsedFilters {
  values: TransactionFilterValues;
  filter: TransactionFilter;
  errors: FieldErrors;
  /** the customer the profile filter resolved to */
  customer: CustomerRef | null;
  /** the zone the date filters count days in, and why */
  zone: { name: string; source: "location" | "reader" | "utc" };
  active: boolean;
}

/** Resolve "email or id" (or a mobile, an identity value, a name that matches one person) to a profile. */
async function resolveProfile(services: Services, raw: string): Promise<{ profile: Profile } | { error: string }> {
  if (UUID.test(raw)) {
    const p = await services.profiles.find(raw);
    return p ? { profile: p } : { error: `No profile with id ${raw}` };
  }
  if (raw.includes("@")) {
    const p = await services.profiles.resolve({ profileId: raw, handle: "email" });
    return p ? { profile: p } : { error: `No profile with email ${raw}` };
  }
  const matches = await services.profiles.search(raw, { limit: 5, includeDeleted: true });
  if (matches.length === 1) return { profile: matches[0]! };
  if (!matches.length) return { error: `No profile matches “${raw}”` };
  return { error: `${matches.length === 5 ? "5 or more" : matches.length} profiles match “${raw}”: use their email or id` };
}

function amountFilter(raw: string, field: string, errors: FieldErrors): number | undefined {
  if (!raw) return undefined;
  const cents = toCents(raw.replace(/[$,\s]/g, ""));
  if (cents === null) {
    (errors[field] ??= []).push("Enter an amount such as 25 or 19.99");
    return undefined;
  }
  return cents;
}

export async function parseTransactionFilters(services: Services, q: URLSearchParams, locations: LocationRef[]): Promise<ParsedFilters> {
  const get = (k: string, max = 200) => (q.get(k) ?? "").trim().slice(0, max);
  const values: TransactionFilterValues = {
    from: get("from", 10),
    to: get("to", 10),
    location: get("location", 100),
    staff: get("staff", 100),
    receipt: get("receipt"),
    profile: get("profile"),
    min: get("min", 20),
    max: get("max", 20),
    status: STATUS_FILTERS.some((s) => s.value === get("status")) ? get("status") : "",
    tz: get("tz", 64),
  };
  const errors: FieldErrors = {};
  const filter: TransactionFilter = {};

  const location = values.location ? locations.find((l) => l.id === values.location || l.externalId === values.location) : undefined;
  if (values.location) {
    if (location) filter.locationId = location.id;
    else (errors.location ??= []).push("No such location");
  }
  // Days are counted where they happened when one location is chosen, else in the reader's zone.
  const readerZone = values.tz && safeZone(values.tz) === values.tz ? values.tz : null;
  const zone = location
    ? { name: location.timezone, source: "location" as const }
    : readerZone
    ? { name: readerZone, source: "reader" as const }
    : { name: "UTC", source: "utc" as const };
  if (values.from) {
    const d = dayBoundary(values.from, zone.name, false);
    if (d) filter.dateFrom = d;
    else (errors.from ??= []).push("Enter a date as YYYY-MM-DD");
  }
  if (values.to) {
    const d = dayBoundary(values.to, zone.name, true);
    if (d) filter.dateTo = d;
    else (errors.to ??= []).push("Enter a date as YYYY-MM-DD");
  }
  if (filter.dateFrom && filter.dateTo && filter.dateFrom > filter.dateTo) (errors.to ??= []).push("The end date is before the start date");

  if (values.staff) filter.staffId = values.staff;
  if (values.receipt) filter.externalId = values.receipt;
  filter.totalMin = amountFilter(values.min, "min", errors);
  filter.totalMax = amountFilter(values.max, "max", errors);
  if (filter.totalMin !== undefined && filter.totalMax !== undefined && filter.totalMin > filter.totalMax)
    (errors.max ??= []).push("The maximum is below the minimum");
  if (values.status) filter.isVoid = values.status === "void";

  let customer: CustomerRef | null = null;
  if (values.profile) {
    const found = await resolveProfile(services, values.profile);
    if ("error" in found) (errors.profile ??= []).push(found.error);
    else {
      // a merged profile's transactions now belong to the profile it was merged into
      let profile: Profile | undefined = found.profile;
      for (let hops = 0; profile?.mergedInto && hops < 5; hops++) profile = (await services.profiles.find(profile.mergedInto)) ?? profile;
      customer = customerRef(profile ?? found.profile);
      filter.profileId = customer.id;
    }
  }
  const active = Object.entries(values).some(([k, v]) => k !== "tz" && v !== "");
  return { values, filter, errors, customer, zone, active };
}

export interface TransactionRow {
  id: string;
  receipt: string;
  customer: CustomerRef | null;
  /** a profile id we could not find (purged or merged away) */
  missingCustomer: string | null;
  date: string;
  time: string;
  zone: string;
  full: string;
  location: LocationRef | null;
  staff: string | null;
  channel: string | null;
  units: number;
  lines: number;
  total: number;
  currency: string;
  isVoid: boolean;
  isReturn: boolean;
}

export function transactionRow(t: TransactionView, customers: Map<string, CustomerRef>, locations: Map<string, LocationRef>): TransactionRow {
  const location = t.locationId ? locations.get(t.locationId) ?? null : null;
  const when = inZone(t.transactedAt, t.timezone ?? location?.timezone);
  const units = t.items.reduce((n, i) => n + i.quantity, 0);
  return {
    id: t.id,
    receipt: t.externalId,
    customer: t.profileId ? customers.get(t.profileId) ?? null : null,
    missingCustomer: t.profileId && !customers.has(t.profileId) ? t.profileId : null,
    ...when,
    location,
    staff: t.staffId,
    channel: t.channel,
    units,
    lines: t.items.length,
    total: t.total,
    currency: t.currency,
    isVoid: t.isVoid,
    isReturn: t.total < 0 || (units < 0 && t.total <= 0),
  };
}

/** An item of the detail page, amounts in cents. */
export function itemRow(i: TransactionView["items"][number]) {
  return {
    id: i.id,
    sku: i.sku,
    name: i.name,
    productId: i.productId,
    quantity: i.quantity,
    priceOriginal: i.priceOriginal,
    priceCurrent: i.priceCurrent,
    priceSell: i.priceSell,
    priceTax: i.priceTax,
    discounts: (i.discounts ?? []).map((d) => ({ name: d.name ?? null, amount: d.amount })),
    lineTotal: lineTotal(i),
  };
}
export type ItemRow = ReturnType<typeof itemRow>;
