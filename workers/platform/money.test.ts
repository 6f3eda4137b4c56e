import { describe, expect, it } from "vitest";
import { centsToDecimal, toCents } from "./money";

describe("money", () => {
  it("prints cents as an exact decimal, signs and small amounts included", () => {
    expect([1999, 5, -5, 0, -120000, 10].map(centsToDecimal)).toEqual(["19.99", "0.05", "-0.05", "0.00", "-1200.00", "0.10"]);
  });

  it("round-trips through toCents", () => {
    for (const c of [0, 1, 99, 100, 12345678, -1, -250]) expect(toCents(centsToDecimal(c))).toBe(c);
  });
});
