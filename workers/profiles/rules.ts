// Pure rules of the customer record: phone normalisation, names, search classification, attribute
// merging and aggregations. No I/O.
import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js";
import type { profiles, StoredDates } from "../../db/schema/profiles";
import { datesOf, mergeDates } from "./dates";
import type { Actor } from "../access/actor";
import type { JoinedChannel } from "./schema";
import { isKnownTimezone, localDate } from "../platform/time";

/** E.164 form of a mobile number, or null when it is not a valid number. */
export function normalizeMobile(raw: string, defaultCountry: string): string | null {
  const parsed = parsePhoneNumberFromString(raw.trim(), defaultCountry as CountryCode);
  if (!parsed || !parsed.isValid()) return null;
  return parsed.number;
}

export function fullName(first: string | null | undefined, last: string | null | undefined): string {
  return [first, last].filter((s) => s && s.trim()).join(" ");
}

export type SearchKind = "email" | "mobile" | "name";

/**
 * What a search box entry most likely is: an email (has @), a phone number (digits, spaces, +, -, ()),
 * or a name. Identity identifiers are looked up for every kind, since a card number looks like a phone.
 */
export function classifySearch(q: string): SearchKind {
  const s = q.trim();
  if (s.includes("@")) return "email";
  if (/^\+?[\d\s().-]{6,}$/.test(s) && (s.match(/\d/g)?.length ?? 0) >= 6) return "mobile";
  return "name";
}

/** An FTS5 MATCH expression for a name or email fragment: every word as a quoted prefix. */
export function ftsQuery(q: string): string | null {
  const words = q
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .slice(0, 6);
  if (!words.length) return null;
  return words.map((w) => `"${w.replaceAll('"', "")}"*`).join(" ");
}

export interface MergeableAttributes {
  tags: string[];
  comms: object;
  appearance: Record<string, string>;
  customAttributes: Array<{ namespace: string; handle: string; type: string; value: unknown }>;
  dates: StoredDates;
}

/** The winner keeps its own values; the loser fills gaps; tags and custom attributes are unioned. */
export function mergeAttributes(winner: MergeableAttributes, loser: MergeableAttributes): MergeableAttributes {
  const customKey = (a: { namespace: string; handle: string }) => `${a.namespace}/${a.handle}`;
  const winnerCustom = new Set(winner.customAttributes.map(customKey));
  return {
    tags: [...new Set([...winner.tags, ...loser.tags])],
    comms: { ...(loser.comms as Record<string, unknown>), ...(winner.comms as Record<string, unknown>) },
    appearance: { ...loser.appearance, ...winner.appearance },
    customAttributes: [...winner.customAttributes, ...loser.customAttributes.filter((a) => !winnerCustom.has(customKey(a)))],
    dates: mergeDates(datesOf(winner.dates), datesOf(loser.dates)),
  };
}

// ── Aggregations ────────────────────────────────────────────────────────────────────────────────

export interface TransactionFact {
  transactedAt: Date;
  /** net total in cents; negative for a return */
  total: number;
  locationId: string | null;
  timezone?: string | null;
  isVoid: boolean;
}

export interface Aggregations {
  spend12m: number;
  spendAll: number;
  spendAtv12m: number;
  shopCount: number;
  firstShopDate: string | null;
  latestShopDate: string | null;
  averageShopDays: number | null;
  atRiskDate: string | null;
  mostTransactedLocationId: string | null;
}

const DAY_MS = 86_400_000;

/** The calendar day (YYYY-MM-DD) of an instant in a time zone; UTC when the zone is missing or unknown. */
export function localDay(at: Date, timezone?: string | null): string {
  return timezone && isKnownTimezone(timezone) ? localDate(at, timezone) : at.toISOString().slice(0, 10);
}

function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);
}

/**
 * Aggregations net of returns (DOMAIN.md §1). A "shop" is a distinct day with positive net spend;
 * voided transactions are ignored. spend_atv_12m is the 12-month spend over the 12-month shop days;
 * at_risk_date is the latest shop date plus three average gaps between shops.
 */
export function computeAggregations(facts: TransactionFact[], now: Date): Aggregations {
  const live = facts.filter((f) => !f.isVoid);
  const since = new Date(now);
  since.setUTCFullYear(since.getUTCFullYear() - 1);

  const byDay = new Map<string, { net: number; recent: boolean; locations: Map<string, number> }>();
  let spendAll = 0;
  let spend12m = 0;
  for (const f of live) {
    spendAll += f.total;
    const recent = f.transactedAt.getTime() > since.getTime() && f.transactedAt.getTime() <= now.getTime();
    if (recent) spend12m += f.total;
    const day = localDay(f.transactedAt, f.timezone);
    const entry = byDay.get(day) ?? { net: 0, recent: false, locations: new Map() };
    entry.net += f.total;
    entry.recent ||= recent;
    if (f.locationId) entry.locations.set(f.locationId, (entry.locations.get(f.locationId) ?? 0) + f.total);
    byDay.set(day, entry);
  }

  const shopDays = [...byDay.entries()].filter(([, d]) => d.net > 0).sort(([a], [b]) => a.localeCompare(b));
  const shopCount = shopDays.length;
  const recentShops = shopDays.filter(([, d]) => d.recent).length;
  const firstShopDate = shopDays[0]?.[0] ?? null;
  const latestShopDate = shopDays.at(-1)?.[0] ?? null;
  const averageShopDays = shopCount >= 2 && firstShopDate && latestShopDate ? Math.round(daysBetween(firstShopDate, latestShopDate) / (shopCount - 1)) : null;
  const atRiskDate = latestShopDate && averageShopDays !== null ? addDays(latestShopDate, 3 * averageShopDays) : null;

  // the location with the most shop days; ties go to the larger net spend there, then the smaller id
  const perLocation = new Map<string, { days: number; spend: number }>();
  for (const [, d] of shopDays) {
    for (const [loc, spend] of d.locations) {
      const e = perLocation.get(loc) ?? { days: 0, spend: 0 };
      e.days += 1;
      e.spend += spend;
      perLocation.set(loc, e);
    }
  }
  const mostTransactedLocationId =
    [...perLocation.entries()].sort(([ia, a], [ib, b]) => b.days - a.days || b.spend - a.spend || ia.localeCompare(ib))[0]?.[0] ?? null;

  return {
    spend12m,
    spendAll,
    spendAtv12m: recentShops > 0 ? Math.floor(spend12m / recentShops) : 0,
    shopCount,
    firstShopDate,
    latestShopDate,
    averageShopDays,
    atRiskDate,
    mostTransactedLocationId,
  };
}

/** The channel a new member joined through, from who created the profile (a batch job acts as a system actor). */
export function joinedChannelOf(actor: Pick<Actor, "type" | "label">): JoinedChannel {
  if (actor.type === "user") return "console";
  if (actor.type === "token") return "api";
  return actor.label.startsWith("system: batch job") ? "import" : "system";
}

/**
 * The profile as JSON Logic conditions read it (earn rates' profile_condition, benefit eligibility):
 * snake_case fields at the root, custom attributes by handle under `attributes`.
 */
export function profileConditionContext(p: typeof profiles.$inferSelect): Record<string, unknown> {
  return {
    id: p.id,
    first_name: p.firstName,
    last_name: p.lastName,
    email: p.email,
    mobile_phone: p.mobilePhone,
    gender: p.gender,
    birth_day: p.birthDay,
    birth_month: p.birthMonth,
    birth_year: p.birthYear,
    company: p.company,
    type: p.type,
    tags: p.tags,
    joined_at: p.joinedAt.toISOString(),
    joined_location_id: p.joinedLocationId,
    preferred_location_id: p.preferredLocationId,
    attributes: Object.fromEntries(p.customAttributes.map((a) => [a.handle, a.value])),
  };
}
