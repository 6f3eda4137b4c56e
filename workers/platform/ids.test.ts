import { describe, expect, it } from "vitest";
import { isUuid } from "./ids";

describe("isUuid", () => {
  it("tells an id from a handle", () => {
    expect(isUuid("0b9f3c1e-8a7d-4c2b-9e1f-123456789abc")).toBe(true);
    expect(isUuid("0B9F3C1E-8A7D-4C2B-9E1F-123456789ABC")).toBe(true);
    expect(isUuid(crypto.randomUUID())).toBe(true);
    for (const v of ["email", "", "0b9f3c1e-8a7d-4c2b-9e1f-123456789abcd", " 0b9f3c1e-8a7d-4c2b-9e1f-123456789abc"]) expect(isUuid(v)).toBe(false);
  });
});
