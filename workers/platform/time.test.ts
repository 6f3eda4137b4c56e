// Unit tests for time zones and wall-clock arithmetic in them: the zone validator (moved from
// commerce/rules.test.ts), reading and building local times (DST gaps and overlaps), calendar months
// with short months and leap days, local day boundaries (moved from incentives/rules/calendar.test.ts).
import { describe, expect, it } from "vitest";
import {
  addDaysToDate,
  addLocalDays,
  addMonths,
  canonicalTimezone,
  daysInMonth,
  endOfLocalDay,
  isKnownTimezone,
  localDate,
  offsetMs,
  parseCalendarDay,
  parseTimeOfDay,
  startOfLocalDay,
  weekdayOf,
  zonedInstant,
  zonedParts,
  zoneOrUtc,
} from "./time";

const SYD = "Australia/Sydney";
const iso = (d: Date) => d.toISOString();
const wall = (year: number, month: number, day: number, hour = 0, minute = 0, second = 0, millisecond = 0) => ({ year, month, day, hour, minute, second, millisecond });

describe("reading an instant in a zone", () => {
  it.each([
    ["2026-01-15T00:30:00.123Z", "UTC", { year: 2026, month: 1, day: 15, hour: 0, minute: 30, second: 0, millisecond: 123, weekday: "thu" }],
    ["2026-01-15T00:30:00Z", SYD, { year: 2026, month: 1, day: 15, hour: 11, minute: 30, second: 0, millisecond: 0, weekday: "thu" }],
    ["2026-01-14T13:00:00Z", SYD, { year: 2026, month: 1, day: 15, hour: 0, minute: 0, second: 0, millisecond: 0, weekday: "thu" }],
    ["2026-07-14T14:00:00Z", SYD, { year: 2026, month: 7, day: 15, hour: 0, minute: 0, second: 0, millisecond: 0, weekday: "wed" }],
    ["2026-04-04T15:59:59Z", SYD, { year: 2026, month: 4, day: 5, hour: 2, minute: 59, second: 59, millisecond: 0, weekday: "sun" }],
    ["2026-04-04T16:00:00Z", SYD, { year: 2026, month: 4, day: 5, hour: 2, minute: 0, second: 0, millisecond: 0, weekday: "sun" }],
    ["2026-03-01T05:00:00Z", "America/New_York", { year: 2026, month: 3, day: 1, hour: 0, minute: 0, second: 0, millisecond: 0, weekday: "sun" }],
  ])("%s in %s", (at, tz, parts) => {
    expect(zonedParts(new Date(at), tz)).toEqual(parts);
  });

  it.each([
    ["2026-01-15T00:00:00Z", SYD, 11 * 3600_000],
    ["2026-07-15T00:00:00Z", SYD, 10 * 3600_000],
    ["2026-07-15T00:00:00Z", "UTC", 0],
    ["2026-07-15T00:00:00Z", "Asia/Kolkata", 5.5 * 3600_000],
  ])("offset at %s in %s", (at, tz, off) => {
    expect(offsetMs(new Date(at), tz)).toBe(off);
  });

  it("refuses an unknown zone and an invalid date", () => {
    expect(() => zonedParts(new Date(), "Mars/Olympus")).toThrow(RangeError);
    expect(() => zonedParts(new Date("nope"), "UTC")).toThrow(RangeError);
    expect(isKnownTimezone("Mars/Olympus")).toBe(false);
    expect(isKnownTimezone(SYD)).toBe(true);
  });
});

describe("building an instant from a wall time", () => {
  it.each([
    ["ordinary summer time", wall(2026, 1, 15, 11, 30), SYD, "2026-01-15T00:30:00.000Z"],
    ["ordinary winter time", wall(2026, 7, 15, 0, 0), SYD, "2026-07-14T14:00:00.000Z"],
    ["ms kept", wall(2026, 7, 15, 0, 0, 0, 999), "UTC", "2026-07-15T00:00:00.999Z"],
    // clocks go back at 03:00 AEDT → 02:00 AEST: 02:30 happens twice; the earlier (daylight) one
    ["an overlap takes the earlier instant", wall(2026, 4, 5, 2, 30), SYD, "2026-04-04T15:30:00.000Z"],
    ["just after the overlap", wall(2026, 4, 5, 3, 0), SYD, "2026-04-04T17:00:00.000Z"],
    // clocks go forward at 02:00 AEST → 03:00 AEDT: 02:30 never happens; pushed on by the gap
    ["a gap pushes forward", wall(2026, 10, 4, 2, 30), SYD, "2026-10-03T16:30:00.000Z"],
    ["the gap's start", wall(2026, 10, 4, 2, 0), SYD, "2026-10-03T16:00:00.000Z"],
    ["just before the gap", wall(2026, 10, 4, 1, 59), SYD, "2026-10-03T15:59:00.000Z"],
    // Santiago skips midnight when DST starts
    ["a skipped midnight", wall(2026, 9, 6, 0, 0), "America/Santiago", "2026-09-06T04:00:00.000Z"],
  ])("%s", (_name, w, tz, expected) => {
    expect(iso(zonedInstant(w, tz))).toBe(expected);
  });

  it("round-trips every hour of a DST-change week in Sydney", () => {
    for (let t = Date.parse("2026-04-02T00:00:00Z"); t < Date.parse("2026-04-08T00:00:00Z"); t += 15 * 60_000) {
      const at = new Date(t);
      const back = zonedInstant(zonedParts(at, SYD), SYD);
      // in the repeated hour the wall time names two instants; we give the earlier one
      expect(back.getTime() === t || back.getTime() === t - 3600_000).toBe(true);
    }
  });
});

describe("calendar dates", () => {
  it.each([
    [2024, 2, 29],
    [2025, 2, 28],
    [2100, 2, 28],
    [2000, 2, 29],
    [2026, 4, 30],
    [2026, 12, 31],
  ])("%i-%i has %i days", (y, m, n) => {
    expect(daysInMonth(y, m)).toBe(n);
  });

  it.each([
    [{ year: 2026, month: 12, day: 31 }, 1, { year: 2027, month: 1, day: 1 }],
    [{ year: 2024, month: 2, day: 28 }, 1, { year: 2024, month: 2, day: 29 }],
    [{ year: 2026, month: 3, day: 1 }, -1, { year: 2026, month: 2, day: 28 }],
    [{ year: 2026, month: 1, day: 1 }, 365, { year: 2027, month: 1, day: 1 }],
  ])("%j + %i days", (d, n, out) => {
    expect(addDaysToDate(d, n)).toEqual(out);
  });

  it.each([
    [{ year: 2026, month: 1, day: 12 }, "mon"],
    [{ year: 2026, month: 1, day: 18 }, "sun"],
    [{ year: 2024, month: 2, day: 29 }, "thu"],
  ])("%j is a %s", (d, w) => {
    expect(weekdayOf(d)).toBe(w);
  });

  it.each([
    ["2026-01-01T12:59:59Z", SYD, "2026-01-01"],
    ["2026-01-01T13:00:00Z", SYD, "2026-01-02"],
    ["2026-01-01T13:00:00Z", "UTC", "2026-01-01"],
  ])("local date of %s in %s", (at, tz, day) => {
    expect(localDate(new Date(at), tz)).toBe(day);
  });
});

describe("local day boundaries", () => {
  it.each([
    ["a summer day in Sydney", { year: 2026, month: 1, day: 15 }, SYD, "2026-01-14T13:00:00.000Z", "2026-01-15T12:59:59.999Z"],
    ["the 25-hour day DST ends", { year: 2026, month: 4, day: 5 }, SYD, "2026-04-04T13:00:00.000Z", "2026-04-05T13:59:59.999Z"],
    ["the 23-hour day DST starts", { year: 2026, month: 10, day: 4 }, SYD, "2026-10-03T14:00:00.000Z", "2026-10-04T12:59:59.999Z"],
    ["UTC", { year: 2026, month: 2, day: 28 }, "UTC", "2026-02-28T00:00:00.000Z", "2026-02-28T23:59:59.999Z"],
    ["the day before a skipped midnight", { year: 2026, month: 9, day: 5 }, "America/Santiago", "2026-09-05T04:00:00.000Z", "2026-09-06T03:59:59.999Z"],
    ["a day that starts at 01:00", { year: 2026, month: 9, day: 6 }, "America/Santiago", "2026-09-06T04:00:00.000Z", "2026-09-07T02:59:59.999Z"],
  ])("%s", (_name, d, tz, start, end) => {
    expect(iso(startOfLocalDay(d, tz))).toBe(start);
    expect(iso(endOfLocalDay(d, tz))).toBe(end);
  });
});

describe("adding calendar months", () => {
  it.each([
    ["12 months after a leap day is 28 February", "2024-02-29T10:00:00.000Z", 12, "UTC", "2025-02-28T10:00:00.000Z"],
    ["48 months after a leap day is a leap day", "2024-02-29T10:00:00.000Z", 48, "UTC", "2028-02-29T10:00:00.000Z"],
    ["a month after 31 January (leap year)", "2024-01-31T00:00:00.000Z", 1, "UTC", "2024-02-29T00:00:00.000Z"],
    ["a month after 31 January", "2026-01-31T00:00:00.000Z", 1, "UTC", "2026-02-28T00:00:00.000Z"],
    ["a month after 31 March", "2026-03-31T08:00:00.000Z", 1, "UTC", "2026-04-30T08:00:00.000Z"],
    ["across the year end", "2026-11-15T00:00:00.000Z", 3, "UTC", "2027-02-15T00:00:00.000Z"],
    ["backwards", "2026-03-31T00:00:00.000Z", -1, "UTC", "2026-02-28T00:00:00.000Z"],
    ["zero", "2026-03-31T00:00:00.000Z", 0, "UTC", "2026-03-31T00:00:00.000Z"],
    // 10:00 Sydney on 29 Feb 2024 is 23:00 UTC on the 28th: the local calendar decides
    ["the local calendar, not UTC's", "2024-02-28T23:00:00.000Z", 12, SYD, "2025-02-27T23:00:00.000Z"],
    // 09:00 AEDT (summer) to 09:00 AEST (winter): same wall time, one hour more in UTC
    ["the same wall time across DST", "2026-01-14T22:00:00.000Z", 6, SYD, "2026-07-14T23:00:00.000Z"],
  ])("%s", (_name, at, months, tz, expected) => {
    expect(iso(addMonths(new Date(at), months, tz))).toBe(expected);
  });

  it("refuses fractional months", () => {
    expect(() => addMonths(new Date(), 1.5)).toThrow(RangeError);
  });

  it.each([
    ["14 days over DST's end keeps 10:00 local", "2026-03-28T23:00:00.000Z", 14, SYD, "2026-04-12T00:00:00.000Z"],
    ["UTC", "2026-03-28T23:00:00.000Z", 14, "UTC", "2026-04-11T23:00:00.000Z"],
    ["zero", "2026-03-28T23:00:00.000Z", 0, SYD, "2026-03-28T23:00:00.000Z"],
  ])("local days: %s", (_name, at, days, tz, expected) => {
    expect(iso(addLocalDays(new Date(at), days, tz))).toBe(expected);
  });
});

describe("times of day", () => {
  it.each([
    ["00:00", 0],
    ["09:30", 570],
    ["23:59", 1439],
    ["24:00", null],
    ["9:30", null],
    ["12:60", null],
    ["", null],
  ])("%j → %j", (s, m) => {
    expect(parseTimeOfDay(s)).toBe(m);
  });
});

describe("time zones", () => {
  it.each([
    ["Australia/Sydney", "Australia/Sydney"],
    ["australia/sydney", "Australia/Sydney"],
    ["UTC", "UTC"],
    ["America/Argentina/Buenos_Aires", "America/Argentina/Buenos_Aires"],
    ["Asia/Kolkata", "Asia/Kolkata"],
    ["Etc/GMT+10", "Etc/GMT+10"],
  ])("accepts %s as %s", (tz, canonical) => {
    expect(canonicalTimezone(tz)).toBe(canonical);
  });

  it.each(["Mars/Olympus_Mons", "Sydney", "+10:00", "", "Australia/Sydney; drop table", "../etc/passwd"])("refuses %j", (tz) => {
    expect(canonicalTimezone(tz)).toBeNull();
  });
});

describe("zoneOrUtc and calendar days", () => {
  it("falls back to UTC for a missing or unknown zone, and fixes a known zone's case", () => {
    expect([null, undefined, "", "Mars/Olympus", "+10:00"].map(zoneOrUtc)).toEqual(["UTC", "UTC", "UTC", "UTC", "UTC"]);
    expect(zoneOrUtc("australia/sydney")).toBe(SYD);
    expect(zoneOrUtc(SYD)).toBe(SYD);
  });

  it("reads real YYYY-MM-DD days only", () => {
    expect(parseCalendarDay("2024-02-29")).toEqual({ year: 2024, month: 2, day: 29 });
    for (const bad of ["2025-02-29", "2026-02-30", "2026-13-01", "2026-2-1", "2026-02-01T00:00"]) expect(parseCalendarDay(bad)).toBeNull();
  });
});
