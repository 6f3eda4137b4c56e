import { describe, expect, it } from "vitest";
import { jsonBoundsError, jsonShape, jsonTextDepth } from "./json-bounds";

describe("jsonTextDepth", () => {
  it.each([
    ["{}", 1],
    ['{"a":[1,{"b":[]}]}', 4],
    ['{"a":"[[[[{{{{"}', 1],
    ['["\\"[[["]', 1],
    ["[".repeat(100_000) + "]".repeat(100_000), 100_000],
    ["42", 0],
  ])("%s → %i", (text, depth) => expect(jsonTextDepth(text)).toBe(depth));
});

describe("jsonShape and jsonBoundsError", () => {
  it("walks 50,000 levels without a stack overflow", () => {
    let deep: unknown = [];
    for (let i = 0; i < 50_000; i++) deep = [deep];
    expect(jsonShape(deep).depth).toBe(50_001);
    expect(jsonBoundsError("meta", deep)).toBe("meta nests more than 8 levels deep");
  });
  it("counts keys and bytes", () => {
    expect(jsonShape({ a: [1, 2], b: { c: null } })).toEqual({ depth: 2, keys: 5, bytes: 26 });
    expect(jsonBoundsError("meta", Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`k${i}`, i])))).toContain("500 keys");
    expect(jsonBoundsError("meta", { a: "x".repeat(20_000) })).toContain("16 KB");
    expect(jsonBoundsError("meta", { a: { b: [1] } })).toBeNull();
  });
});
