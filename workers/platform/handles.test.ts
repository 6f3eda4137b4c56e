// Handles derived from names, and made unique by a number (moved from commerce/rules.test.ts).
import { describe, expect, it } from "vitest";
import { deriveHandle, uniqueHandle } from "./handles";

describe("handles", () => {
  it.each([
    ["Bondi Beach", "bondi-beach"],
    ["  Café Sydney #2 ", "cafe-sydney-2"],
    ["Zürich Bahnhofstraße", "zurich-bahnhofstra-e"],
    ["---", "location"],
    ["", "location"],
    ["日本", "location"],
    ["A".repeat(100), "a".repeat(64)],
    [`${"a".repeat(63)} b`, "a".repeat(63)],
  ])("%j → %j", (name, handle) => {
    expect(deriveHandle(name)).toBe(handle);
  });

  it("adds a number when a handle is taken, staying within 64 characters", () => {
    expect(uniqueHandle("bondi", new Set())).toBe("bondi");
    expect(uniqueHandle("bondi", new Set(["bondi"]))).toBe("bondi-2");
    expect(uniqueHandle("bondi", new Set(["bondi", "bondi-2", "bondi-3"]))).toBe("bondi-4");
    const long = "x".repeat(64);
    const next = uniqueHandle(long, new Set([long]));
    expect(next).toBe(`${"x".repeat(62)}-2`);
    expect(next.length).toBeLessThanOrEqual(64);
  });
});
