// Time zones and wall-clock arithmetic in them, for every area: "end of the day N days after issue in the
// brand's time zone", "12 months after the tier was attained", "Tuesdays 17:00-19:00 local", a report's
// local days, the console's date filters. Built on Intl only (no tz database of our own); every function
// takes the instant and the zone it reasons in, so nothing here reads the clock. One zone validator:
// canonicalTimezone (isKnownTimezone and zoneOrUtc are its yes/no and fall-back forms).

export type Weekday = "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun";
export const WEEKDAY_NAMES: readonly Weekday[] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/** A calendar date and wall-clock time, as a person in some time zone would read it. */
export interface WallTime {
  year: number;
  /** 1-12 */
  month: number;
  /** 1-31 */
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

export interface ZonedParts extends WallTime {
  weekday: Weekday;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat("en-US", {
        timeZone: timezone,
        hourCycle: "h23",
        year: "numeric",
        month: "numeric",
        day: "numeric",
        hour: "numeric",
        minute: "numeric",
        second: "numeric",
      });
    } catch {
      throw new RangeError(`Unknown time zone ${JSON.stringify(timezone)}`);
    }
    formatters.set(timezone, f);
  }
  return f;
}

// ── zones ───────────────────────────────────────────────────────────────────────────────────────

/** canonicalTimezone's answers: resolving a zone builds an Intl formatter, which costs far more than a lookup. */
const canonical = new Map<string, string | null>();

/**
 * An IANA time zone as stored: the name given when Intl knows it, with its case fixed
 * ("australia/sydney" → "Australia/Sydney"); null when Intl does not know it. Offsets such as "+10:00"
 * are refused: a zone must be a region name or UTC. Links are kept as given (ICU would turn
 * "Asia/Kolkata" into "Asia/Calcutta").
 */
export function canonicalTimezone(tz: string): string | null {
  let known = canonical.get(tz);
  if (known === undefined) {
    known = resolveTimezone(tz);
    if (canonical.size > 1000) canonical.clear();
    canonical.set(tz, known);
  }
  return known;
}

function resolveTimezone(tz: string): string | null {
  const s = tz.trim();
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(s)) return null;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat("en-US", { timeZone: s }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
  if (resolved.toLowerCase() === s.toLowerCase()) return resolved;
  const lower = s.toLowerCase();
  return knownZones().find((z) => z.toLowerCase() === lower) ?? s;
}

let zones: string[] | null = null;
function knownZones(): string[] {
  if (!zones) {
    try {
      zones = Intl.supportedValuesOf("timeZone");
    } catch {
      zones = [];
    }
  }
  return zones;
}

/** True when the zone is one canonicalTimezone accepts (region names such as "Australia/Sydney", or "UTC"). */
export function isKnownTimezone(timezone: string): boolean {
  return canonicalTimezone(timezone) !== null;
}

/** The zone in canonical form, or UTC when it is missing or unknown (for display, where a bad zone must not throw). */
export function zoneOrUtc(tz: string | null | undefined): string {
  return (tz && canonicalTimezone(tz)) || "UTC";
}

// ── instants and wall times ─────────────────────────────────────────────────────────────────────

function assertInstant(at: Date, name = "instant"): void {
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) throw new RangeError(`${name} must be a valid Date`);
}

/** The wall-clock reading of an instant in a time zone (weekday included). */
export function zonedParts(at: Date, timezone: string): ZonedParts {
  assertInstant(at);
  const parts = formatterFor(timezone).formatToParts(at);
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  const t = at.getTime();
  const wall: WallTime = {
    year: get("year"),
    month: get("month"),
    day: get("day"),
    // some engines still print midnight as "24" even with h23
    hour: get("hour") % 24,
    minute: get("minute"),
    second: get("second"),
    millisecond: ((t % 1000) + 1000) % 1000,
  };
  return { ...wall, weekday: weekdayOf(wall) };
}

function wallToUtcMs(w: WallTime): number {
  const d = new Date(0);
  // setUTCFullYear rather than Date.UTC so years 0-99 are not read as 1900-1999
  d.setUTCFullYear(w.year, w.month - 1, w.day);
  d.setUTCHours(w.hour, w.minute, w.second, w.millisecond);
  return d.getTime();
}

/** The zone's offset from UTC at an instant, in ms (Sydney in January: +11 h). */
export function offsetMs(at: Date, timezone: string): number {
  return wallToUtcMs(zonedParts(at, timezone)) - at.getTime();
}

/**
 * The instant a wall-clock time names in a zone. Where the clocks go back and a time happens twice, the
 * earlier instant; where they spring forward and a time never happens, the time is pushed on by the
 * length of the gap (02:30 on Sydney's spring-forward morning is 03:30 daylight time). These are
 * Temporal's "compatible" choices.
 */
export function zonedInstant(wall: WallTime, timezone: string): Date {
  const local = wallToUtcMs(wall);
  const DAY = 86_400_000;
  const before = offsetMs(new Date(local - DAY), timezone);
  const after = offsetMs(new Date(local + DAY), timezone);
  const candidates = [...new Set([local - before, local - after])]
    .filter((t) => t + offsetMs(new Date(t), timezone) === local)
    .sort((a, b) => a - b);
  if (candidates.length) return new Date(candidates[0]!);
  // a gap: read the wall time with the offset in force before the jump, which lands after it
  return new Date(local - before);
}

/** The day of the week of a calendar date. */
export function weekdayOf(date: Pick<WallTime, "year" | "month" | "day">): Weekday {
  const d = new Date(0);
  d.setUTCFullYear(date.year, date.month - 1, date.day);
  return WEEKDAY_NAMES[(d.getUTCDay() + 6) % 7]!;
}

/** Days in a month (month 1-12), leap years included. */
export function daysInMonth(year: number, month: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month, 0);
  return d.getUTCDate();
}

/** A calendar date moved by whole days (month and year boundaries handled). */
export function addDaysToDate<T extends Pick<WallTime, "year" | "month" | "day">>(date: T, days: number): T {
  const d = new Date(0);
  d.setUTCFullYear(date.year, date.month - 1, date.day + days);
  return { ...date, year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** "2026-05-01": the calendar date of an instant in a zone. */
export function localDate(at: Date, timezone: string): string {
  const p = zonedParts(at, timezone);
  return formatDate(p);
}

export function formatDate(d: Pick<WallTime, "year" | "month" | "day">): string {
  return `${String(d.year).padStart(4, "0")}-${String(d.month).padStart(2, "0")}-${String(d.day).padStart(2, "0")}`;
}

export const CALENDAR_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** "2026-05-01" as a date; null when it is not YYYY-MM-DD or not a real day (2026-02-30). */
export function parseCalendarDay(text: string): Pick<WallTime, "year" | "month" | "day"> | null {
  const m = CALENDAR_DAY.exec(text);
  if (!m) return null;
  const date = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  return formatDate(addDaysToDate(date, 0)) === text ? date : null;
}

/** The first instant of a calendar date in a zone (00:00, or the first existing time when midnight is skipped). */
export function startOfLocalDay(date: Pick<WallTime, "year" | "month" | "day">, timezone: string): Date {
  return zonedInstant({ year: date.year, month: date.month, day: date.day, hour: 0, minute: 0, second: 0, millisecond: 0 }, timezone);
}

/**
 * The last millisecond of a calendar date in a zone: one ms before the next day starts, so a day that
 * is 23 or 25 hours long (a DST change) still ends at local midnight.
 */
export function endOfLocalDay(date: Pick<WallTime, "year" | "month" | "day">, timezone: string): Date {
  return new Date(startOfLocalDay(addDaysToDate(date, 1), timezone).getTime() - 1);
}

/**
 * The same wall-clock time `months` calendar months later (or earlier) in a zone. A day that the target
 * month lacks becomes that month's last day: 12 months after 2024-02-29 is 2025-02-28, one month after
 * 31 January is the 28th or 29th of February.
 */
export function addMonths(at: Date, months: number, timezone = "UTC"): Date {
  if (!Number.isInteger(months)) throw new RangeError(`months must be an integer, got ${months}`);
  const p = zonedParts(at, timezone);
  const index = p.year * 12 + (p.month - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index - year * 12) + 1;
  const day = Math.min(p.day, daysInMonth(year, month));
  return zonedInstant({ ...p, year, month, day }, timezone);
}

/** The same wall-clock time `days` calendar days later in a zone (a DST change makes a day 23 or 25 hours). */
export function addLocalDays(at: Date, days: number, timezone = "UTC"): Date {
  if (!Number.isInteger(days)) throw new RangeError(`days must be an integer, got ${days}`);
  const p = zonedParts(at, timezone);
  return zonedInstant({ ...p, ...addDaysToDate(p, days) }, timezone);
}

/** Minutes since local midnight of "HH:MM", or null when it is not a time of day (00:00 to 23:59). */
export function parseTimeOfDay(hhmm: string): number | null {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}
