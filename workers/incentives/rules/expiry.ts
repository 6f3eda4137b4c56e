// Expiry of rewards, benefits and points lots, and the reminders before it, on the brand's calendar:
// "30 days" means the end of the 30th local day after issue, whatever the DST changes in between.
import type { FieldErrors } from "../../platform/errors";
import { addDaysToDate, addLocalDays, daysInMonth, endOfLocalDay, formatDate, parseTimeOfDay, zonedInstant, zonedParts } from "../../platform/time";

export interface ExpiryPolicy {
  /** expires at the end of the local day this many days after issue (0: the end of the issue day) */
  periodDays?: number | null;
  /**
   * expires at the end of the local day this many calendar months after issue (a day the month lacks
   * becomes its last day: 1 month after 31 January is the end of 28/29 February). Replaces periodDays
   * when set: Omneo's period_type months and years (12 months) are calendar periods, not 30 or 365 days.
   */
  periodMonths?: number | null;
  /** a fixed expiry: an instant, or a date "YYYY-MM-DD" meaning the end of that local day */
  absoluteExpiry?: Date | string | null;
}

/** Omneo's units of a reward's `period` this model keeps (absolute_* types are not: use absolute_expiry). */
export const PERIOD_TYPES = ["days", "weeks", "months", "years"] as const;
export type PeriodType = (typeof PERIOD_TYPES)[number];

/**
 * Days stored in `period_days` for one unit of a period type: exact for days and weeks; nominal for
 * months (30) and years (365), which only size an extension and convert back to units for display;
 * their expiry is calendar months (periodMonthsOf).
 */
export function periodFactor(periodType: string | null | undefined): number {
  return periodType === "weeks" ? 7 : periodType === "months" ? 30 : periodType === "years" ? 365 : 1;
}

/** The calendar months of a stored period (`period_days` in its type's nominal days); null for days and weeks. */
export function periodMonthsOf(periodDays: number | null | undefined, periodType: string | null | undefined): number | null {
  if (periodDays === null || periodDays === undefined) return null;
  if (periodType === "months") return Math.round(periodDays / 30);
  if (periodType === "years") return Math.round(periodDays / 365) * 12;
  return null;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseDate(s: string): { year: number; month: number; day: number } | null {
  const m = DATE.exec(s);
  if (!m) return null;
  const d = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  const check = addDaysToDate(d, 0);
  return check.year === d.year && check.month === d.month && check.day === d.day ? d : null;
}

/** Everything wrong with an expiry policy, keyed by API field; empty when valid. */
export function expiryErrors(policy: ExpiryPolicy): FieldErrors {
  const errors: FieldErrors = {};
  const { periodDays, absoluteExpiry } = policy;
  if (periodDays !== null && periodDays !== undefined && (!Number.isSafeInteger(periodDays) || periodDays < 0 || periodDays > 36_500)) {
    errors.period = [`period must be a whole number of days from 0 to 36500, got ${periodDays}`];
  }
  const { periodMonths } = policy;
  if (periodMonths !== null && periodMonths !== undefined && (!Number.isSafeInteger(periodMonths) || periodMonths < 0 || periodMonths > 1_200)) {
    errors.period = [`period must be a whole number of months from 0 to 1200, got ${periodMonths}`];
  }
  if (absoluteExpiry !== null && absoluteExpiry !== undefined) {
    const ok = absoluteExpiry instanceof Date ? !Number.isNaN(absoluteExpiry.getTime()) : typeof absoluteExpiry === "string" && parseDate(absoluteExpiry) !== null;
    if (!ok) errors.absolute_expiry = ["absolute_expiry must be a date (YYYY-MM-DD) or a date-time"];
  }
  return errors;
}

/**
 * When something issued at `issuedAt` expires, in the brand's time zone: with a period of N days (or N
 * calendar months), the last millisecond of the local day N days (months) after the issue day (23:59:59.999 local; a 23- or 25-hour
 * DST day still ends at midnight); with an absolute expiry, that instant, or the end of that local day
 * for a bare date. Both given: the earlier. Neither: null (never expires). Expiry is a half-open bound:
 * expired from that instant on (isExpired).
 */
export function expiresAt(policy: ExpiryPolicy, issuedAt: Date, timezone: string): Date | null {
  const errors = expiryErrors(policy);
  if (Object.keys(errors).length) throw new RangeError(Object.values(errors).flat().join("; "));
  const candidates: Date[] = [];
  if (policy.periodMonths !== null && policy.periodMonths !== undefined) {
    const issued = zonedParts(issuedAt, timezone);
    const index = issued.year * 12 + (issued.month - 1) + policy.periodMonths;
    const year = Math.floor(index / 12);
    const month = index - year * 12 + 1;
    candidates.push(endOfLocalDay({ year, month, day: Math.min(issued.day, daysInMonth(year, month)) }, timezone));
  } else if (policy.periodDays !== null && policy.periodDays !== undefined) {
    candidates.push(endOfLocalDay(addDaysToDate(zonedParts(issuedAt, timezone), policy.periodDays), timezone));
  }
  if (policy.absoluteExpiry instanceof Date) candidates.push(policy.absoluteExpiry);
  else if (typeof policy.absoluteExpiry === "string") candidates.push(endOfLocalDay(parseDate(policy.absoluteExpiry)!, timezone));
  if (!candidates.length) return null;
  return new Date(Math.min(...candidates.map((d) => d.getTime())));
}

/** Expired at `at` when `at` ≥ expiresAt (the alarm set for that instant finds it expired); null never expires. */
export function isExpired(expiresAt: Date | null, at: Date): boolean {
  return expiresAt !== null && at.getTime() >= expiresAt.getTime();
}

/** The last local date on which something expiring at `expiresAt` can still be used ("2026-05-01"). */
export function lastValidDate(expiresAt: Date, timezone: string): string {
  return formatDate(zonedParts(new Date(expiresAt.getTime() - 1), timezone));
}

/**
 * When points earned at `earnedAt` become spendable: the same local time `pendingDays` calendar days
 * later (0: at once). A DST change in between keeps the wall-clock time, not the hours.
 */
export function spendableAt(earnedAt: Date, pendingDays: number, timezone: string): Date {
  if (!Number.isSafeInteger(pendingDays) || pendingDays < 0) throw new RangeError(`pending period must be a whole number of days ≥ 0, got ${pendingDays}`);
  return pendingDays === 0 ? earnedAt : addLocalDays(earnedAt, pendingDays, timezone);
}

export interface Reminder {
  offsetDays: number;
  remindAt: Date;
}

/**
 * When to send "expiring soon" reminders (reward.expiring): for each offset N, at `sendAt` local time
 * (default 09:00) on the day N days before the last valid day, so N = 0 is the morning of the last day.
 * Offsets are whole days ≥ 0 (duplicates collapse). A reminder not strictly before the expiry is
 * dropped, and so is one before `notBefore` (an instance issued after its reminder time gets no late
 * reminder). Earliest first.
 */
export function reminderTimes(
  expiresAt: Date,
  offsetsDays: readonly number[],
  timezone: string,
  opts: { sendAt?: string; notBefore?: Date } = {},
): Reminder[] {
  const sendAt = parseTimeOfDay(opts.sendAt ?? "09:00");
  if (sendAt === null) throw new RangeError(`sendAt must be HH:MM, got ${opts.sendAt}`);
  const last = zonedParts(new Date(expiresAt.getTime() - 1), timezone);
  const out: Reminder[] = [];
  for (const offsetDays of new Set(offsetsDays)) {
    if (!Number.isSafeInteger(offsetDays) || offsetDays < 0) throw new RangeError(`a reminder offset must be a whole number of days ≥ 0, got ${offsetDays}`);
    const day = addDaysToDate(last, -offsetDays);
    const remindAt = zonedInstant({ ...day, hour: Math.floor(sendAt / 60), minute: sendAt % 60, second: 0, millisecond: 0 }, timezone);
    if (remindAt.getTime() >= expiresAt.getTime()) continue;
    if (opts.notBefore && remindAt.getTime() < opts.notBefore.getTime()) continue;
    out.push({ offsetDays, remindAt });
  }
  return out.sort((a, b) => a.remindAt.getTime() - b.remindAt.getTime());
}
