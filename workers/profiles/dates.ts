// A profile's named dates in Omneo's shape (`attributes.dates`, `dates_attributes`, /attributes/dates): records
// with a numeric id (per profile), a handle, the date and its recurrence, relationship and notes. They live in
// the profile's `dates` JSON column; rows written before these records held a name → date map, which reads
// as records here (handle and name = the key). Pure: no I/O.
import type { ProfileDate, StoredDates } from "../../db/schema";

export type { ProfileDate };

/** What a client sends for one date (Omneo's ProfileDatesAttributeInput); `handle` already lower-case. */
export interface ProfileDateInput {
  handle?: string | null;
  name?: string | null;
  date: string;
  type?: string | null;
  is_recurring?: boolean | null;
  recurring_schedule?: string | null;
  relationship?: string | null;
  note?: string | null;
  description?: string | null;
  meta?: Record<string, unknown> | null;
}

export const MAX_DATES = 50;

/** The records a stored value holds, the legacy map included (ids 1… in key order). */
export function datesOf(stored: StoredDates | null | undefined): ProfileDate[] {
  if (!stored) return [];
  if (Array.isArray(stored)) return stored;
  return Object.keys(stored)
    .sort()
    .map((key, i) => ({
      id: i + 1,
      handle: key,
      name: key,
      date: stored[key]!,
      type: null,
      is_recurring: false,
      recurring_schedule: null,
      relationship: null,
      note: null,
      description: null,
      meta: null,
      created_at: null,
      updated_at: null,
    }));
}

/** A date is the same one when its handle and relationship are (Omneo keeps one birthday per relationship). */
const sameDate = (a: { handle: string; relationship: string | null }, b: { handle: string; relationship: string | null }) =>
  a.handle === b.handle && (a.relationship ?? "") === (b.relationship ?? "");

/** A handle from a name, for a date sent without one. */
export function handleFromName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9_.-]+/g, "_").replace(/^[^a-z0-9]+/, "").slice(0, 64);
}

/**
 * The dates after these upserts: an input matching a record (handle + relationship) replaces the fields it
 * sends and keeps the others; any other is added with the next id. Returns the list and the records touched.
 */
export function upsertDates(current: ProfileDate[], inputs: ProfileDateInput[], now: Date): { dates: ProfileDate[]; touched: ProfileDate[] } {
  const dates = [...current];
  const touched: ProfileDate[] = [];
  let nextId = dates.reduce((m, d) => Math.max(m, d.id), 0) + 1;
  const at = now.toISOString();
  for (const input of inputs) {
    const handle = input.handle || handleFromName(input.name ?? "");
    const key = { handle, relationship: input.relationship ?? null };
    const i = dates.findIndex((d) => sameDate(d, key));
    const prev = i >= 0 ? dates[i]! : undefined;
    const pick = <K extends keyof ProfileDateInput>(k: K, fallback: ProfileDate[K & keyof ProfileDate]) => (input[k] !== undefined ? input[k] : fallback) as ProfileDate[K & keyof ProfileDate];
    const record: ProfileDate = {
      id: prev?.id ?? nextId++,
      handle,
      name: pick("name", prev?.name ?? handle) ?? handle,
      date: input.date,
      type: pick("type", prev?.type ?? null),
      is_recurring: pick("is_recurring", prev?.is_recurring ?? false) ?? false,
      recurring_schedule: pick("recurring_schedule", prev?.recurring_schedule ?? null),
      relationship: key.relationship,
      note: pick("note", prev?.note ?? null),
      description: pick("description", prev?.description ?? null),
      meta: pick("meta", prev?.meta ?? null),
      created_at: prev?.created_at ?? at,
      updated_at: at,
    };
    if (i >= 0) dates[i] = record;
    else dates.push(record);
    touched.push(record);
  }
  return { dates, touched };
}

/** The legacy `attributes.dates` map (name → YYYY-MM-DD) as upserts. */
export function datesFromMap(map: Record<string, string>): ProfileDateInput[] {
  return Object.entries(map).map(([key, date]) => ({ handle: handleFromName(key) || key, name: key, date }));
}

/** The winner's dates, then the loser's it does not have (renumbered after the winner's). */
export function mergeDates(winner: ProfileDate[], loser: ProfileDate[]): ProfileDate[] {
  let nextId = winner.reduce((m, d) => Math.max(m, d.id), 0) + 1;
  return [...winner, ...loser.filter((d) => !winner.some((w) => sameDate(w, d))).map((d) => ({ ...d, id: nextId++ }))];
}

export function serializeDate(profileId: string, d: ProfileDate) {
  return { ...d, profile_id: profileId };
}
