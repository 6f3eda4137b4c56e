import { describe, expect, it } from "vitest";
import { datesOf, handleFromName, mergeDates, upsertDates } from "./dates";

const now = new Date("2026-01-02T03:04:05.000Z");

describe("profile dates", () => {
  it("reads a stored name → date map as records numbered in key order", () => {
    expect(datesOf({ wedding: "2010-05-01", anniversary: "2020-01-01" }).map((d) => [d.id, d.handle, d.name, d.date])).toEqual([
      [1, "anniversary", "anniversary", "2020-01-01"],
      [2, "wedding", "wedding", "2010-05-01"],
    ]);
    expect(datesOf([])).toEqual([]);
  });

  it("upserts by handle and relationship, keeping the id and the fields not sent", () => {
    const { dates } = upsertDates([], [{ handle: "bday", relationship: "Mother", date: "2024-12-02", note: "flowers", is_recurring: true }], now);
    const { dates: after, touched } = upsertDates(dates, [{ handle: "bday", relationship: "Mother", date: "2024-12-03" }, { handle: "bday", relationship: "Father", date: "2024-01-01" }], now);
    expect(after.map((d) => [d.id, d.relationship, d.date, d.note, d.is_recurring])).toEqual([
      [1, "Mother", "2024-12-03", "flowers", true],
      [2, "Father", "2024-01-01", null, false],
    ]);
    expect(touched.map((d) => d.id)).toEqual([1, 2]);
  });

  it("makes a handle from a name when none is sent", () => {
    expect(handleFromName("Mum's Birthday")).toBe("mum_s_birthday");
    expect(upsertDates([], [{ name: "Gotcha day", date: "2024-01-01" }], now).dates[0]).toMatchObject({ handle: "gotcha_day", name: "Gotcha day" });
  });

  it("merges the loser's dates the winner lacks, numbered after the winner's", () => {
    const winner = upsertDates([], [{ handle: "a", date: "2024-01-01" }], now).dates;
    const loser = upsertDates([], [{ handle: "a", date: "2000-01-01" }, { handle: "b", date: "2000-02-02" }], now).dates;
    expect(mergeDates(winner, loser).map((d) => [d.id, d.handle, d.date])).toEqual([
      [1, "a", "2024-01-01"],
      [2, "b", "2000-02-02"],
    ]);
  });
});
