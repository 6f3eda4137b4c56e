// The access contracts as the error model reports them (moved from platform/errors.test.ts, which
// imports no area).
import { describe, expect, it } from "vitest";
import { fieldErrorsFromIssues } from "../platform/errors";
import { CreateApiTokenInput } from "./schema";

describe("fieldErrorsFromIssues", () => {
  it("names every bad field of a real schema", () => {
    const result = CreateApiTokenInput.safeParse({ name: "", scopes: ["profiles:read", "everything"], expires_at: "tomorrow" });
    expect(result.success).toBe(false);
    const errors = fieldErrorsFromIssues(result.error!.issues);
    expect(Object.keys(errors).sort()).toEqual(["expires_at", "name", "scopes.1"]);
    expect(errors.name).toEqual(["Name is required"]);
  });
});
