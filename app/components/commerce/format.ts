// Display helpers for the commerce pages: money from cents, a moment in a given time zone, and the
// first instant of a calendar day in a zone (for date filters). Pure, shared by server and client; the
// locale is fixed so the server and the browser render the same text.

const LOCALE = "en-AU";

/** Money from integer cents in the transaction's currency ($12.50, -$3.05). */
export function money(cents: number | null | undefined, currency = "AUD"): string {
  if (cents === null || cents === undefined) return "—";
  try {
    return new Intl.NumberFormat(LOCALE, { style: "currency", currency }).format(cents / 100);
  } catch {
    return `${(cents / 100).toFixed(2)} ${currency}`;
  }
}

/** A time zone Intl knows, or UTC. */
export function safeZone(tz: string | null | undefined): string {
  if (!tz) return "UTC";
  try {
    new Intl.DateTimeFormat(LOCALE, { timeZone: tz });
    return tz;
  } catch {
    return "UTC";
  }
}

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

/** How far `tz` is ahead of UTC at the instant `at` (ms). */
function offsetAt(at: number, tz: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: tz,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(at));
  const n = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(n("year"), n("month") - 1, n("day"), n("hour") % 24, n("minute"), n("second"));
  return wall - Math.floor(at / 1000) * 1000;
}

/** Midnight at the start of year-month-day in `tz`, as an instant (handles DST: two passes). */
function zonedMidnight(year: number, month: number, day: number, tz: string): number {
  const wall = Date.UTC(year, month - 1, day);
  const first = wall - offsetAt(wall, tz);
  return wall - offsetAt(first, tz);
}

export const CALENDAR_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * The instants a calendar day (YYYY-MM-DD) spans in `tz`: its first millisecond, or its last one when
 * `end` (so "to 2025-03-12" includes the whole of the 12th). Null when the text is not a real day.
 */
export function dayBoundary(day: string, tz: string, end: boolean): Date | null {
  const m = CALENDAR_DAY.exec(day);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null;
  const zone = safeZone(tz);
  return new Date(end ? zonedMidnight(y, mo, d + 1, zone) - 1 : zonedMidnight(y, mo, d, zone));
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
