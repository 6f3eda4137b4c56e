// Omneo's per-attribute routes on a profile's custom attributes and named dates: the change each makes to
// the profile's lists (pure, handed to ProfilesService.changeAttributes, which audits and emits it), and the
// search of profiles by custom attribute values (GET /profiles/attributes/custom).
import { and, asc, count, desc, ne, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client";
import { profiles, type CustomAttribute } from "../../db/schema";
import { DomainError } from "../platform/errors";
import { pageOffset, type PageRequest } from "../platform/pagination";
import { datesOf, upsertDates, MAX_DATES, type ProfileDate, type ProfileDateInput } from "./dates";
import type { Profile } from "./views";

/** `namespace:handle` as Omneo's paths carry it, lower-cased as handles are stored. */
export function parseAttributeKey(key: string): { namespace: string; handle: string } {
  const i = key.indexOf(":");
  if (i <= 0 || i === key.length - 1) throw DomainError.field("key", `"${key}" is not namespace:handle`);
  return { namespace: key.slice(0, i).toLowerCase(), handle: key.slice(i + 1).toLowerCase() };
}

const same = (a: { namespace: string; handle: string }, b: { namespace: string; handle: string }) => a.namespace === b.namespace && a.handle === b.handle;

export function findCustom(p: Profile, key: { namespace: string; handle: string }): CustomAttribute {
  const a = p.customAttributes.find((x) => same(x, key));
  if (!a) throw new DomainError("not_found", `Profile ${p.id} has no custom attribute ${key.namespace}:${key.handle}`);
  return a;
}

/** Set one custom attribute (added, or replaced in place). */
export function withCustom(p: Profile, attribute: CustomAttribute): Pick<Profile, "customAttributes"> {
  const i = p.customAttributes.findIndex((x) => same(x, attribute));
  const list = [...p.customAttributes];
  if (i >= 0) list[i] = attribute;
  else list.push(attribute);
  if (list.length > 100) throw DomainError.field("value", "A profile holds at most 100 custom attributes");
  return { customAttributes: list };
}

export function withoutCustom(p: Profile, key: { namespace: string; handle: string }): Pick<Profile, "customAttributes"> {
  findCustom(p, key);
  return { customAttributes: p.customAttributes.filter((x) => !same(x, key)) };
}

export function withDate(p: Profile, input: ProfileDateInput, now: Date): { change: Pick<Profile, "dates">; date: ProfileDate } {
  const { dates, touched } = upsertDates(datesOf(p.dates), [input], now);
  if (dates.length > MAX_DATES) throw DomainError.field("date", `A profile holds at most ${MAX_DATES} dates`);
  return { change: { dates }, date: touched[0]! };
}

export function withoutDate(p: Profile, id: number): Pick<Profile, "dates"> {
  const dates = datesOf(p.dates);
  if (!dates.some((d) => d.id === id)) throw new DomainError("not_found", `Profile ${p.id} has no date ${id}`);
  return { dates: dates.filter((d) => d.id !== id) };
}

/** One criterion of GET /profiles/attributes/custom: the attribute, and the values it may hold (any when empty). */
export interface AttributeCriterion {
  namespace: string;
  handle: string;
  values: string[];
}

export const CUSTOM_SORTS = ["created_at", "updated_at"] as const;
export type CustomSort = (typeof CUSTOM_SORTS)[number];

/**
 * Live profiles holding every criterion's attribute (with one of its values, compared as text). This reads
 * each candidate's attribute list (json_each), so it is meant for narrow questions on a brand's data, paged.
 */
export async function findByCustomAttributes(
  db: Db,
  criteria: AttributeCriterion[],
  page: PageRequest,
  sort: { field: CustomSort; desc: boolean },
): Promise<{ ids: string[]; total: number }> {
  const conds: SQL[] = [ne(profiles.type, "deleted")];
  for (const c of criteria) {
    const values = c.values.length
      ? sql` and cast(json_extract(a.value, '$.value') as text) in (${sql.join(c.values.map((v) => sql`${v}`), sql`, `)})`
      : sql``;
    conds.push(
      sql`exists (select 1 from json_each(${profiles.customAttributes}) a where json_extract(a.value, '$.namespace') = ${c.namespace} and json_extract(a.value, '$.handle') = ${c.handle}${values})`,
    );
  }
  const where = and(...conds);
  const column = sort.field === "updated_at" ? profiles.updatedAt : profiles.createdAt;
  const [rows, [total]] = await db.batch([
    db.select({ id: profiles.id }).from(profiles).where(where).orderBy(sort.desc ? desc(column) : asc(column), asc(profiles.id)).limit(page.size).offset(pageOffset(page)),
    db.select({ n: count() }).from(profiles).where(where),
  ]);
  return { ids: rows.map((r) => r.id), total: total?.n ?? 0 };
}
