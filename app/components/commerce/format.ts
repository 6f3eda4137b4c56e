// Display helpers for the commerce pages: money from cents, a moment in a given time zone, and the
// first instant of a calendar day in a zone (for date filters). Pure, shared by server and client; the
// locale is fixed so the server and the browser render the same text. The zone and day arithmetic is
// platform/time's.
import { formatMoney } from "../../../workers/platform/money";
import { endOfLocalDay, parseCalendarDay, startOfLocalDay, zoneOrUtc } from "../../../workers/platform/time";

const LOCALE = "en-AU";

/** Money from integer cents in the transaction's currency ($12.50, -$3.05); a dash when there is none. */
export function money(cents: number | null | undefined, currency = "AUD"): string {
  return cents === null || cents === undefined ? "—" : formatMoney(cents, currency, LOCALE);
}

/** A time zone Intl knows (in its canonical case), or UTC. */
export const safeZone = zoneOrUtc;

export interface ZonedMoment {
  /** "12 Mar 2025" */
  date: string;
  /** "2:35 pm" */
  time: string;
  /** "AEDT", "GMT+8" */
  zone: string;
  /** "Wednesday, 12 March 2025 at 2:35:07 pm Australian Eastern Daylight Time" */
  full: string;
}

/** An instant as the clock on the wall read it in `tz` (the transaction's or its location's zone). */
export function inZone(iso: string | Date, tz: string | null | undefined): ZonedMoment {
  const at = typeof iso === "string" ? new Date(iso) : iso;
  const timeZone = safeZone(tz);
  const date = at.toLocaleDateString(LOCALE, { day: "numeric", month: "short", year: "numeric", timeZone });
  const time = at.toLocaleTimeString(LOCALE, { hour: "numeric", minute: "2-digit", timeZone });
  const zone = new Intl.DateTimeFormat(LOCALE, { timeZone, timeZoneName: "short" }).formatToParts(at).find((p) => p.type === "timeZoneName")?.value ?? timeZone;
  const full = at.toLocaleString(LOCALE, { dateStyle: "full", timeStyle: "long", timeZone });
  return { date, time, zone, full: `${full} (${timeZone})` };
}

/**
 * The instants a calendar day (YYYY-MM-DD) spans in `tz`: its first millisecond, or its last one when
 * `end` (so "to 2025-03-12" includes the whole of the 12th). Null when the text is not a real day.
 */
export function dayBoundary(day: string, tz: string, end: boolean): Date | null {
  const date = parseCalendarDay(day);
  if (!date) return null;
  const zone = safeZone(tz);
  return end ? endOfLocalDay(date, zone) : startOfLocalDay(date, zone);
}

/** "store" → "Store". */
export function titleCase(s: string | null | undefined): string {
  if (!s) return "—";
  return s.charAt(0).toUpperCase() + s.slice(1).replace(/[_-]+/g, " ");
}

/** The list's status filter (void or not). */
export const STATUS_FILTERS = [
  { value: "", label: "All statuses" },
  { value: "valid", label: "Not voided" },
  { value: "void", label: "Voided" },
] as const;
