// Omneo's user shape: the role ids, the body rules and the serializer, written out by hand.
import { describe, expect, it } from "vitest";
import { OmneoCreateUserInput, OmneoUpdateUserInput, roleFromOmneoId, roleOf, serializeOmneoUser } from "./users.omneo";

describe("Omneo's role ids", () => {
  it.each([
    [1, "admin"],
    [2, "manager"],
    [3, "reporting"],
    [4, "machine"],
    [0, null],
    [5, null],
  ])("%i → %s", (id, role) => expect(roleFromOmneoId(id)).toBe(role));

  it("a body names its role by roles [{id}] or by role, else none", () => {
    expect(roleOf({ roles: [{ id: 2 }] })).toBe("manager");
    expect(roleOf({ role: "reporting" })).toBe("reporting");
    expect(roleOf({})).toBeUndefined();
  });
});

describe("Omneo's user bodies", () => {
  const ok = { name: "A", email: "a@example.test", password: "twelve-chars-or-more", password_confirmation: "twelve-chars-or-more" };
  it("accepts Omneo's create body", () => {
    expect(OmneoCreateUserInput.safeParse({ ...ok, throttle: 1000, roles: [{ id: 1 }] }).success).toBe(true);
  });
  it.each([
    ["a mismatched confirmation", { ...ok, password_confirmation: "something-else-entirely" }, "password_confirmation"],
    ["a password without confirmation", { name: "A", email: "a@example.test", password: "twelve-chars-or-more" }, "password_confirmation"],
    ["two roles", { ...ok, roles: [{ id: 1 }, { id: 3 }] }, "roles"],
    ["an unknown role id", { ...ok, roles: [{ id: 7 }] }, "roles.0.id"],
    ["both role and roles", { ...ok, role: "admin", roles: [{ id: 1 }] }, "role"],
    ["a negative throttle", { ...ok, throttle: -1 }, "throttle"],
  ])("refuses %s, naming %s", (_name, body, field) => {
    const r = OmneoCreateUserInput.safeParse(body);
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join("."))).toContain(field);
  });
  it("an update may change one field alone", () => {
    expect(OmneoUpdateUserInput.parse({ name: "B" })).toEqual({ name: "B" });
  });
});

describe("serializeOmneoUser", () => {
  it("shows Omneo's numeric id, our uuid, the role as roles and its permissions", () => {
    const at = new Date("2026-12-01T00:00:00Z");
    const out = serializeOmneoUser({ id: "u-1", number: 7, email: "r@example.test", name: "R", role: "reporting", isActive: true, throttle: 60, createdAt: at, updatedAt: at, lastLoginAt: null });
    expect(out).toEqual({
      id: 7,
      uuid: "u-1",
      name: "R",
      email: "r@example.test",
      throttle: 60,
      role: "reporting",
      roles: [{ id: 3, handle: "reporting", name: "Reporting" }],
      permissions: [
        { id: 1, handle: "dashboard:view" },
        { id: 2, handle: "profiles:view" },
        { id: 4, handle: "transactions:view" },
        { id: 5, handle: "incentives:view" },
        { id: 7, handle: "config:view" },
      ],
      is_active: true,
      created_at: "2026-12-01T00:00:00.000Z",
      updated_at: "2026-12-01T00:00:00.000Z",
      last_login_at: null,
    });
  });
});
