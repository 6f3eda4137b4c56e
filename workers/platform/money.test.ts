import { describe, expect, it } from "vitest";
import { centsToDecimal, formatMoney, toCents } from "./money";

describe("money", () => {
  it("prints cents as an exact decimal, signs and small amounts included", () => {
    expect([1999, 5, -5, 0, -120000, 10].map(centsToDecimal)).toEqual(["19.99", "0.05", "-0.05", "0.00", "-1200.00", "0.10"]);
  });

  it("round-trips through toCents", () => {
    for (const c of [0, 1, 99, 100, 12345678, -1, -250]) expect(toCents(centsToDecimal(c))).toBe(c);
  });

  it.each([
    [5990, "59.90"],
    [6000, "60.00"],
    [5, "0.05"],
    [-305, "-3.05"],
    [0, "0.00"],
  ])("formats %i cents as %s (moved from commerce/rules.test.ts, where it was formatAmount)", (cents, text) => {
    expect(centsToDecimal(cents)).toBe(text);
  });

  it("formats money for people in the currency, the same text on server and browser", () => {
    expect(formatMoney(1250)).toBe("$12.50");
    expect(formatMoney(-305)).toBe("-$3.05");
    expect(formatMoney(123456789)).toBe("$1,234,567.89");
    expect(formatMoney(1250, "nope")).toBe("12.50 nope");
  });
});
