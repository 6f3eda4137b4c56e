import { describe, expect, it } from "vitest";
import { datesOf } from "./dates";
import { classifySearch, computeAggregations, ftsQuery, joinedChannelOf, localDay, mergeAttributes, normalizeMobile, type TransactionFact } from "./rules";

describe("normalizeMobile", () => {
  it.each([
    ["0412 345 678", "AU", "+61412345678"],
    ["+61 412 345 678", "AU", "+61412345678"],
    ["(0412) 345-678", "AU", "+61412345678"],
    ["+1 415 555 2671", "AU", "+14155552671"],
    ["07911 123456", "GB", "+447911123456"],
    ["12", "AU", null],
    ["not a phone", "AU", null],
  ])("%s in %s → %s", (raw, country, expected) => {
    expect(normalizeMobile(raw, country)).toBe(expected);
  });
});

describe("classifySearch", () => {
  it.each([
    ["ada@example.com", "email"],
    ["+61 412 345 678", "mobile"],
    ["0412345678", "mobile"],
    ["Ada Lovelace", "name"],
    ["9001", "name"],
  ])("%s is %s", (q, kind) => expect(classifySearch(q)).toBe(kind));
});

describe("ftsQuery", () => {
  it("quotes each word as a prefix and drops punctuation", () => {
    expect(ftsQuery('Ada "Love')).toBe('"ada"* "love"*');
    expect(ftsQuery("john.smith@ex")).toBe('"john"* "smith"* "ex"*');
    expect(ftsQuery("  -- ")).toBeNull();
  });
});

describe("mergeAttributes", () => {
  it("keeps the winner's values, fills gaps from the loser and unions tags and custom attributes", () => {
    const merged = mergeAttributes(
      { tags: ["vip"], comms: { email: true }, appearance: { shoe: "9" }, customAttributes: [{ namespace: "a", handle: "x", type: "string", value: "w" }], dates: {} },
      { tags: ["vip", "new"], comms: { email: false, sms: true }, appearance: { shoe: "10", shirt: "M" }, customAttributes: [{ namespace: "a", handle: "x", type: "string", value: "l" }, { namespace: "a", handle: "y", type: "number", value: 2 }], dates: { anniversary: "2020-01-01" } },
    );
    expect(merged.tags).toEqual(["vip", "new"]);
    expect(merged.comms).toEqual({ email: true, sms: true });
    expect(merged.appearance).toEqual({ shoe: "9", shirt: "M" });
    expect(merged.customAttributes.map((a) => `${a.handle}=${a.value}`)).toEqual(["x=w", "y=2"]);
    // dates are Omneo's records now; a profile stored before them holds a name → date map, read as records
    expect(datesOf(merged.dates).map((d) => [d.id, d.handle, d.date])).toEqual([[1, "anniversary", "2020-01-01"]]);
  });
});

describe("computeAggregations", () => {
  const now = new Date("2026-06-30T12:00:00Z");
  const tx = (at: string, total: number, loc = "L1", extra: Partial<TransactionFact> = {}): TransactionFact => ({
    transactedAt: new Date(at),
    total,
    locationId: loc,
    isVoid: false,
    ...extra,
  });

  it("is empty without transactions", () => {
    expect(computeAggregations([], now)).toEqual({
      spend12m: 0, spendAll: 0, spendAtv12m: 0, shopCount: 0, firstShopDate: null, latestShopDate: null,
      averageShopDays: null, atRiskDate: null, mostTransactedLocationId: null,
    });
  });

  it("nets returns, counts shop days with positive net spend and derives the at-risk date", () => {
    const facts = [
      tx("2025-01-10T10:00:00Z", 10_000, "L1"), // older than 12 months
      tx("2026-01-01T10:00:00Z", 5_000, "L2"),
      tx("2026-01-01T15:00:00Z", -2_000, "L2"), // partial return the same day: net 3,000
      tx("2026-03-01T10:00:00Z", 4_000, "L2"),
      tx("2026-03-05T10:00:00Z", -4_000, "L2"), // a full return on its own day: not a shop
      tx("2026-04-01T10:00:00Z", 9_999, "L1", { isVoid: true }), // voided: ignored
    ];
    const a = computeAggregations(facts, now);
    expect(a.spendAll).toBe(13_000);
    expect(a.spend12m).toBe(3_000);
    expect(a.shopCount).toBe(3); // 2025-01-10, 2026-01-01, 2026-03-01
    expect(a.spendAtv12m).toBe(1_500); // 3,000 over 2 shop days in the last 12 months
    expect(a.firstShopDate).toBe("2025-01-10");
    expect(a.latestShopDate).toBe("2026-03-01");
    expect(a.averageShopDays).toBe(Math.round(415 / 2));
    expect(a.atRiskDate).toBe("2027-11-15"); // 2026-03-01 + 3 × 208 days
    expect(a.mostTransactedLocationId).toBe("L2");
  });

  it("uses the transaction's time zone for the shop day", () => {
    expect(localDay(new Date("2026-01-01T14:00:00Z"), "Australia/Sydney")).toBe("2026-01-02");
    expect(localDay(new Date("2026-01-01T14:00:00Z"), "Not/AZone")).toBe("2026-01-01");
    const a = computeAggregations(
      [tx("2026-01-01T14:00:00Z", 1_000, "L1", { timezone: "Australia/Sydney" }), tx("2026-01-02T01:00:00Z", 1_000, "L1", { timezone: "Australia/Sydney" })],
      now,
    );
    expect(a.shopCount).toBe(1);
  });
});

describe("joinedChannelOf", () => {
  it.each([
    ["a staff user in the console", { type: "user" as const, label: "staff@example.test" }, "console"],
    ["an API token", { type: "token" as const, label: "token till (le_ab…) of till@example.test" }, "api"],
    ["a batch import", { type: "system" as const, label: "system: batch job j1 (staff@example.test)" }, "import"],
    ["the system otherwise", { type: "system" as const, label: "system: seed" }, "system"],
  ])("%s", (_name, actor, channel) => {
    expect(joinedChannelOf(actor)).toBe(channel);
  });
});
