// Unit tests for expiry: end of the local day N days after issue (Sydney across both DST changes, UTC,
// leap days), absolute expiries, the exact instant, pending periods and reminder times.
import { describe, expect, it } from "vitest";
import { type ExpiryPolicy, expiresAt, expiryErrors, isExpired, lastValidDate, periodFactor, periodMonthsOf, reminderTimes, spendableAt } from "./expiry";

const SYD = "Australia/Sydney";
const d = (s: string) => new Date(s);
const iso = (x: Date | null) => (x ? x.toISOString() : null);

describe("when something expires", () => {
  it.each([
    // name, policy, issued, zone, expires
    ["30 days in Sydney summer", { periodDays: 30 }, "2026-01-15T03:00:00Z", SYD, "2026-02-14T12:59:59.999Z"],
    ["0 days: the end of the issue day", { periodDays: 0 }, "2026-01-15T03:00:00Z", SYD, "2026-01-15T12:59:59.999Z"],
    // 14:00 UTC on the 15th is already the 16th in Sydney: the brand's day counts
    ["the brand's day, not UTC's", { periodDays: 1 }, "2026-01-15T14:00:00Z", SYD, "2026-01-17T12:59:59.999Z"],
    ["the same instant in UTC", { periodDays: 1 }, "2026-01-15T14:00:00Z", "UTC", "2026-01-16T23:59:59.999Z"],
    // issued in daylight time (+11), expires in standard time (+10)
    ["across the end of DST", { periodDays: 30 }, "2026-03-20T00:00:00Z", SYD, "2026-04-19T13:59:59.999Z"],
    // issued in standard time (+10), expires in daylight time (+11)
    ["across the start of DST", { periodDays: 30 }, "2026-09-20T00:00:00Z", SYD, "2026-10-20T12:59:59.999Z"],
    ["on the 25-hour day DST ends", { periodDays: 1 }, "2026-04-04T00:00:00Z", SYD, "2026-04-05T13:59:59.999Z"],
    ["on the 23-hour day DST starts", { periodDays: 1 }, "2026-10-03T00:00:00Z", SYD, "2026-10-04T12:59:59.999Z"],
    ["onto a leap day", { periodDays: 1 }, "2024-02-28T00:00:00Z", "UTC", "2024-02-29T23:59:59.999Z"],
    ["a leap year's 365 days", { periodDays: 365 }, "2024-01-01T00:00:00Z", "UTC", "2024-12-31T23:59:59.999Z"],
    ["an absolute date, the end of that local day", { absoluteExpiry: "2026-12-31" }, "2026-01-01T00:00:00Z", SYD, "2026-12-31T12:59:59.999Z"],
    ["an absolute date in UTC", { absoluteExpiry: "2026-12-31" }, "2026-01-01T00:00:00Z", "UTC", "2026-12-31T23:59:59.999Z"],
    ["an absolute instant, as given", { absoluteExpiry: d("2026-07-01T05:30:00Z") }, "2026-01-01T00:00:00Z", SYD, "2026-07-01T05:30:00.000Z"],
    ["both: the earlier (period)", { periodDays: 10, absoluteExpiry: "2026-12-31" }, "2026-01-01T00:00:00Z", "UTC", "2026-01-11T23:59:59.999Z"],
    ["both: the earlier (absolute)", { periodDays: 365, absoluteExpiry: "2026-03-31" }, "2026-01-01T00:00:00Z", "UTC", "2026-03-31T23:59:59.999Z"],
    ["neither: never", {}, "2026-01-01T00:00:00Z", SYD, null],
    ["nulls: never", { periodDays: null, absoluteExpiry: null }, "2026-01-01T00:00:00Z", SYD, null],
    // calendar months (Omneo's period_type months and years): the same local day N months on, clamped to the month's end
    ["1 month from 31 January: the end of February", { periodMonths: 1 }, "2026-01-31T03:00:00Z", "UTC", "2026-02-28T23:59:59.999Z"],
    ["1 month onto a leap February", { periodMonths: 1 }, "2028-01-31T03:00:00Z", "UTC", "2028-02-29T23:59:59.999Z"],
    ["3 months in Sydney, across the end of DST", { periodMonths: 3 }, "2026-01-15T03:00:00Z", SYD, "2026-04-15T13:59:59.999Z"],
    ["12 months from a leap day", { periodMonths: 12 }, "2028-02-29T12:00:00Z", "UTC", "2029-02-28T23:59:59.999Z"],
    ["48 months keep the calendar day (1461 days, not 4 × 365)", { periodMonths: 48 }, "2026-03-01T00:00:00Z", "UTC", "2030-03-01T23:59:59.999Z"],
    ["months replace days when both are given", { periodDays: 30, periodMonths: 1 }, "2026-03-01T00:00:00Z", "UTC", "2026-04-01T23:59:59.999Z"],
    ["months and an absolute date: the earlier", { periodMonths: 6, absoluteExpiry: "2026-03-31" }, "2026-01-01T00:00:00Z", "UTC", "2026-03-31T23:59:59.999Z"],
    // an absolute expiry already past is returned as is: the instance is born expired (the service refuses to issue it)
    ["an absolute expiry already past", { absoluteExpiry: "2025-12-31" }, "2026-01-01T00:00:00Z", "UTC", "2025-12-31T23:59:59.999Z"],
  ] as Array<[string, ExpiryPolicy, string, string, string | null]>)("%s", (_name, policy, issued, tz, expected) => {
    expect(iso(expiresAt(policy, d(issued), tz))).toBe(expected);
  });

  it.each([
    [{ periodDays: -1 }, "period"],
    [{ periodDays: 1.5 }, "period"],
    [{ periodDays: 36_501 }, "period"],
    [{ periodMonths: -1 }, "period"],
    [{ periodMonths: 1_201 }, "period"],
    [{ absoluteExpiry: "2026-02-30" }, "absolute_expiry"],
    [{ absoluteExpiry: "31/12/2026" }, "absolute_expiry"],
    [{ absoluteExpiry: d("nope") }, "absolute_expiry"],
  ] as Array<[ExpiryPolicy, string]>)("refuses %j at %s", (policy, field) => {
    expect(Object.keys(expiryErrors(policy))).toEqual([field]);
    expect(() => expiresAt(policy, d("2026-01-01T00:00:00Z"), "UTC")).toThrow(RangeError);
  });

  it("accepts sound policies", () => {
    expect(expiryErrors({ periodDays: 0 })).toEqual({});
    expect(expiryErrors({ absoluteExpiry: "2028-02-29" })).toEqual({});
    expect(expiryErrors({})).toEqual({});
  });

  it("reads a stored period back as calendar months for months and years only", () => {
    expect([periodFactor(null), periodFactor("days"), periodFactor("weeks"), periodFactor("months"), periodFactor("years")]).toEqual([1, 1, 7, 30, 365]);
    expect(periodMonthsOf(3 * 30, "months")).toBe(3);
    expect(periodMonthsOf(2 * 365, "years")).toBe(24);
    expect(periodMonthsOf(14, "weeks")).toBeNull();
    expect(periodMonthsOf(30, null)).toBeNull();
    expect(periodMonthsOf(null, "months")).toBeNull();
  });

  it("refuses an unknown zone", () => {
    expect(() => expiresAt({ periodDays: 1 }, d("2026-01-01T00:00:00Z"), "Mars/Base")).toThrow(RangeError);
  });

  it("is expired from the instant on, never when null", () => {
    const at = d("2026-02-14T12:59:59.999Z");
    expect(isExpired(at, at)).toBe(true);
    expect(isExpired(at, new Date(at.getTime() - 1))).toBe(false);
    expect(isExpired(null, d("9999-12-31T00:00:00Z"))).toBe(false);
  });

  it.each([
    ["2026-02-14T12:59:59.999Z", SYD, "2026-02-14"],
    // an expiry exactly at local midnight: the day before was the last
    ["2026-02-14T13:00:00.000Z", SYD, "2026-02-14"],
    ["2026-02-14T13:00:00.001Z", SYD, "2026-02-15"],
    ["2026-02-15T00:00:00.000Z", "UTC", "2026-02-14"],
  ])("last valid date of %s in %s is %s", (exp, tz, day) => {
    expect(lastValidDate(d(exp), tz)).toBe(day);
  });
});

describe("pending periods", () => {
  it.each([
    // 10:00 AEDT on 29 March + 14 days is 10:00 AEST on 12 April: one hour more in UTC terms
    ["14 days across the end of DST", "2026-03-28T23:00:00Z", 14, SYD, "2026-04-12T00:00:00.000Z"],
    ["14 days in UTC", "2026-03-28T23:00:00Z", 14, "UTC", "2026-04-11T23:00:00.000Z"],
    ["none", "2026-03-28T23:00:00Z", 0, SYD, "2026-03-28T23:00:00.000Z"],
  ])("%s", (_name, earned, days, tz, expected) => {
    expect(iso(spendableAt(d(earned), days, tz))).toBe(expected);
  });

  it.each([-1, 0.5])("refuses %d days", (days) => {
    expect(() => spendableAt(d("2026-01-01T00:00:00Z"), days, "UTC")).toThrow(RangeError);
  });
});

describe("reminders", () => {
  // the end of 19 April in Sydney (AEST, +10); DST ended on 5 April
  const EXP = d("2026-04-19T13:59:59.999Z");
  const times = (xs: Array<{ offsetDays: number; remindAt: Date }>) => xs.map((x) => [x.offsetDays, x.remindAt.toISOString()]);

  it("sends at 09:00 local N days before the last day, earliest first, across DST", () => {
    expect(times(reminderTimes(EXP, [0, 1, 7, 14, 20], SYD))).toEqual([
      [20, "2026-03-29T22:00:00.000Z"], // 30 March, still daylight time (+11)
      [14, "2026-04-04T23:00:00.000Z"], // 5 April, after the 03:00 change (+10)
      [7, "2026-04-11T23:00:00.000Z"],
      [1, "2026-04-17T23:00:00.000Z"],
      [0, "2026-04-18T23:00:00.000Z"], // the morning of the last day
    ]);
  });

  it("uses the time of day it is given and collapses duplicate offsets", () => {
    expect(times(reminderTimes(EXP, [3, 3], SYD, { sendAt: "18:30" }))).toEqual([[3, "2026-04-16T08:30:00.000Z"]]);
  });

  it("works in UTC", () => {
    expect(times(reminderTimes(d("2026-01-31T23:59:59.999Z"), [30], "UTC"))).toEqual([[30, "2026-01-01T09:00:00.000Z"]]);
  });

  it("skips a reminder that would come after the expiry", () => {
    // expires at 08:00 local on 10 June: a 09:00 reminder that day is too late
    const exp = d("2026-06-09T22:00:00Z");
    expect(times(reminderTimes(exp, [0, 1], SYD))).toEqual([[1, "2026-06-08T23:00:00.000Z"]]);
  });

  it("counts from the day before an expiry at local midnight", () => {
    expect(times(reminderTimes(d("2026-06-09T14:00:00Z"), [0], SYD))).toEqual([[0, "2026-06-08T23:00:00.000Z"]]);
  });

  it("skips reminders already past when the instance was issued", () => {
    expect(times(reminderTimes(EXP, [1, 7, 14], SYD, { notBefore: d("2026-04-10T00:00:00Z") }))).toEqual([
      [7, "2026-04-11T23:00:00.000Z"],
      [1, "2026-04-17T23:00:00.000Z"],
    ]);
    expect(reminderTimes(EXP, [], SYD)).toEqual([]);
  });

  it.each([
    [[-1], undefined],
    [[1.5], undefined],
    [[1], "25:00"],
    [[1], "9am"],
  ])("refuses offsets %j at %j", (offsets, sendAt) => {
    expect(() => reminderTimes(EXP, offsets, SYD, { sendAt })).toThrow(RangeError);
  });
});
