import { describe, expect, it } from "vitest";
import { handle } from "./zod";

describe("handle", () => {
  it("trims, lower-cases and keeps to 64 letters, digits, '-', '_' and '.'", () => {
    expect(handle().parse("  Bondi-Beach_2.0 ")).toBe("bondi-beach_2.0");
    expect(handle().safeParse("a".repeat(65)).success).toBe(false);
    for (const bad of ["-lead", "sp ace", "ünï", "a/b"]) expect(handle().safeParse(bad).success).toBe(false);
  });

  it("says a required handle is required, and an optional one that was sent must not be empty", () => {
    expect(handle({ required: true }).safeParse(undefined).error?.issues[0]?.message).toBe("handle is required");
    expect(handle({ required: true }).safeParse(" ").error?.issues[0]?.message).toBe("handle is required");
    expect(handle().safeParse(5).error?.issues[0]?.message).toBe("handle must be a string");
    expect(handle().safeParse("").error?.issues[0]?.message).toBe("handle must not be empty");
  });
});
