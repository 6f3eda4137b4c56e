// Unit tests for the access rules: the permission matrix, API scopes, login throttling, session expiry
// and the last-Admin guard. Expectations are written out by hand, not derived from the code under test.
import { describe, expect, it } from "vitest";
import {
  API_SCOPES,
  scopeFromOmneo,
  can,
  canLogIn,
  hasScope,
  LOGIN_WINDOW_MS,
  loginLockout,
  MAX_FAILURES_PER_EMAIL,
  MAX_FAILURES_PER_IP,
  PERMISSIONS,
  ROLES,
  scopesAllowedForRole,
  SESSION_ABSOLUTE_MS,
  SESSION_IDLE_MS,
  slideSessionExpiry,
  wouldRemoveLastAdmin,
  type ApiScope,
  type Permission,
  type Role,
} from "./rules";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe("permission matrix", () => {
  // A = admin, M = manager, R = reporting, machine never has a console permission.
  const MATRIX: Record<Permission, { admin: boolean; manager: boolean; reporting: boolean; machine: boolean }> = {
    "dashboard:view": { admin: true, manager: true, reporting: true, machine: false },
    "profiles:view": { admin: true, manager: true, reporting: true, machine: false },
    "profiles:edit": { admin: true, manager: true, reporting: false, machine: false },
    "transactions:view": { admin: true, manager: true, reporting: true, machine: false },
    "incentives:view": { admin: true, manager: true, reporting: true, machine: false },
    "incentives:issue": { admin: true, manager: true, reporting: false, machine: false },
    "config:view": { admin: true, manager: true, reporting: true, machine: false },
    "config:edit": { admin: true, manager: false, reporting: false, machine: false },
    "settings:view": { admin: true, manager: false, reporting: false, machine: false },
    "tokens:manage": { admin: true, manager: false, reporting: false, machine: false },
    "users:manage": { admin: true, manager: false, reporting: false, machine: false },
    "audit:view": { admin: true, manager: false, reporting: false, machine: false },
    // CSV exports carry members' personal data in bulk: not for read-only reporting users
    "data:export": { admin: true, manager: true, reporting: false, machine: false },
  };

  it("the expected table covers every permission and role the code defines", () => {
    expect(Object.keys(MATRIX).sort()).toEqual([...PERMISSIONS].sort());
    expect([...ROLES].sort()).toEqual(["admin", "machine", "manager", "reporting"]);
  });

  const cases = PERMISSIONS.flatMap((permission) => ROLES.map((role) => ({ role, permission, allowed: MATRIX[permission][role] })));
  it.each(cases)("can($role, $permission) is $allowed", ({ role, permission, allowed }) => {
    expect(can(role, permission)).toBe(allowed);
  });

  it.each<{ role: Role; allowed: boolean }>([
    { role: "admin", allowed: true },
    { role: "manager", allowed: true },
    { role: "reporting", allowed: true },
    { role: "machine", allowed: false },
  ])("canLogIn($role) is $allowed", ({ role, allowed }) => {
    expect(canLogIn(role)).toBe(allowed);
  });
});

describe("hasScope", () => {
  it.each<{ granted: string[]; required: ApiScope; ok: boolean }>([
    { granted: ["*"], required: "profiles:read", ok: true },
    { granted: ["*"], required: "config:write", ok: true },
    { granted: ["*"], required: "*", ok: true },
    { granted: ["profiles:read"], required: "profiles:read", ok: true },
    { granted: ["profiles:write"], required: "profiles:read", ok: true },
    { granted: ["config:write"], required: "config:read", ok: true },
    { granted: ["profiles:read"], required: "profiles:write", ok: false },
    { granted: ["profiles:write"], required: "transactions:read", ok: false },
    { granted: ["transactions:write"], required: "profiles:write", ok: false },
    { granted: ["profiles:write", "transactions:write", "incentives:write", "config:write"], required: "*", ok: false },
    { granted: [], required: "profiles:read", ok: false },
    // a scope is matched exactly, not by prefix
    { granted: ["profiles:readx"], required: "profiles:read", ok: false },
  ])("$granted satisfies $required: $ok", ({ granted, required, ok }) => {
    expect(hasScope(granted, required)).toBe(ok);
  });
});

describe("scopesAllowedForRole", () => {
  const READS: ApiScope[] = ["profiles:read", "transactions:read", "incentives:read", "config:read", "reports:read"];
  it.each<{ role: Role; expected: readonly ApiScope[] }>([
    { role: "admin", expected: API_SCOPES },
    { role: "machine", expected: API_SCOPES },
    {
      role: "manager",
      expected: ["profiles:read", "profiles:write", "transactions:read", "transactions:write", "incentives:read", "incentives:write", "config:read", "reports:read"],
    },
    { role: "reporting", expected: READS },
  ])("$role may hold exactly its scopes", ({ role, expected }) => {
    expect([...scopesAllowedForRole(role)].sort()).toEqual([...expected].sort());
  });

  it("only Admin and Machine tokens can carry * or config:write", () => {
    for (const role of ROLES) {
      const allowed = scopesAllowedForRole(role);
      const privileged = role === "admin" || role === "machine";
      expect(allowed.includes("*"), role).toBe(privileged);
      expect(allowed.includes("config:write"), role).toBe(privileged);
    }
  });

  it("a Reporting token can hold no write scope", () => {
    expect(scopesAllowedForRole("reporting").filter((s) => s.endsWith(":write") || s === "*")).toEqual([]);
  });
});

describe("loginLockout", () => {
  const now = new Date("2026-03-01T12:00:00Z");
  const ago = (ms: number) => new Date(now.getTime() - ms);

  it("pins the thresholds: 5 failures per email, 30 per IP, in 15 minutes", () => {
    expect(MAX_FAILURES_PER_EMAIL).toBe(5);
    expect(MAX_FAILURES_PER_IP).toBe(30);
    expect(LOGIN_WINDOW_MS).toBe(15 * MIN);
  });

  it.each([
    { name: "no failures", failures: { email: 0, ip: 0 } },
    { name: "4 failures for the email", failures: { email: 4, ip: 4, oldestRelevantAt: ago(MIN) } },
    { name: "29 failures from the IP", failures: { email: 0, ip: 29 } },
  ])("is open with $name", ({ failures }) => {
    expect(loginLockout(failures, now)).toEqual({ locked: false });
  });

  it.each([
    // retry when the oldest failure in the window leaves it
    { name: "5 email failures, oldest 1 min ago", failures: { email: 5, ip: 5, oldestRelevantAt: ago(MIN) }, retry: 14 * 60 },
    { name: "6 email failures, oldest 14 min ago", failures: { email: 6, ip: 6, oldestRelevantAt: ago(14 * MIN) }, retry: 60 },
    { name: "a fraction of a second rounds up", failures: { email: 5, ip: 0, oldestRelevantAt: ago(500) }, retry: 15 * 60 },
    { name: "30 IP failures, no email failures", failures: { email: 0, ip: 30 }, retry: 15 * 60 },
    { name: "an oldest failure already outside the window", failures: { email: 5, ip: 0, oldestRelevantAt: ago(20 * MIN) }, retry: 1 },
  ])("locks with $name (Retry-After $retry s)", ({ failures, retry }) => {
    expect(loginLockout(failures, now)).toEqual({ locked: true, retryAfterSeconds: retry });
  });
});

describe("slideSessionExpiry", () => {
  const created = new Date("2026-03-01T08:00:00Z");
  const at = (ms: number) => new Date(created.getTime() + ms);

  it("pins the idle (8 h) and absolute (7 days) limits", () => {
    expect(SESSION_IDLE_MS).toBe(8 * HOUR);
    expect(SESSION_ABSOLUTE_MS).toBe(7 * DAY);
  });

  it.each([
    { name: "seen 10 min after sign-in: not worth a write", expiresAt: at(8 * HOUR), now: at(10 * MIN), next: null },
    { name: "seen 1 h after sign-in: extended to now + 8 h", expiresAt: at(8 * HOUR), now: at(HOUR), next: at(9 * HOUR) },
    { name: "just under a tenth of the idle window: not extended", expiresAt: at(8 * HOUR), now: at(48 * MIN - 1), next: null },
    { name: "exactly a tenth of the idle window: extended", expiresAt: at(8 * HOUR), now: at(48 * MIN), next: at(8 * HOUR + 48 * MIN) },
    { name: "near the absolute limit: capped at 7 days", expiresAt: at(7 * DAY - 5 * HOUR), now: at(7 * DAY - HOUR), next: at(7 * DAY) },
    { name: "already at the absolute limit: never extended", expiresAt: at(7 * DAY), now: at(7 * DAY - 2 * HOUR), next: null },
  ])("$name", ({ expiresAt, now, next }) => {
    expect(slideSessionExpiry({ createdAt: created, expiresAt }, now)).toEqual(next);
  });
});

describe("wouldRemoveLastAdmin", () => {
  const activeAdmin = { role: "admin" as const, isActive: true };
  it.each<{ name: string; target: { role: Role; isActive: boolean }; change: { role?: Role; isActive?: boolean }; admins: number; blocked: boolean }>([
    { name: "demoting the only active Admin", target: activeAdmin, change: { role: "manager" }, admins: 1, blocked: true },
    { name: "deactivating the only active Admin", target: activeAdmin, change: { isActive: false }, admins: 1, blocked: true },
    { name: "making the only Admin a Machine user", target: activeAdmin, change: { role: "machine" }, admins: 1, blocked: true },
    { name: "re-saving the only Admin as Admin and inactive", target: activeAdmin, change: { role: "admin", isActive: false }, admins: 1, blocked: true },
    { name: "demoting one of two active Admins", target: activeAdmin, change: { role: "reporting" }, admins: 2, blocked: false },
    { name: "deactivating one of two active Admins", target: activeAdmin, change: { isActive: false }, admins: 2, blocked: false },
    { name: "re-saving the only Admin as Admin", target: activeAdmin, change: { role: "admin", isActive: true }, admins: 1, blocked: false },
    { name: "a change that touches neither role nor status", target: activeAdmin, change: {}, admins: 1, blocked: false },
    { name: "demoting an inactive Admin", target: { role: "admin", isActive: false }, change: { role: "manager" }, admins: 1, blocked: false },
    { name: "deactivating a Manager", target: { role: "manager", isActive: true }, change: { isActive: false }, admins: 1, blocked: false },
  ])("$name → blocked: $blocked", ({ target, change, admins, blocked }) => {
    expect(wouldRemoveLastAdmin(target, change, admins)).toBe(blocked);
  });
});

describe("scopeFromOmneo", () => {
  it.each([
    ["read-profiles", "profiles:read"],
    ["update-profiles", "profiles:write"],
    ["read-identities", "profiles:read"],
    ["create-transactions", "transactions:write"],
    ["return", "transactions:write"],
    ["redeem-benefits", "incentives:write"],
    ["read-points", "incentives:read"],
    ["create-reward-definitions", "config:write"],
    ["view-statuses", "config:read"],
    ["delete-webhooks", "config:write"],
    ["profiles:read", "profiles:read"],
    ["*", "*"],
  ])("%s is %s", (name, scope) => {
    expect(scopeFromOmneo(name)).toBe(scope);
  });

  it.each(["root", "read", "read-", "READ-PROFILES", "destroy-profiles"])("%s is not a scope", (name) => {
    expect(scopeFromOmneo(name)).toBeNull();
  });
});
