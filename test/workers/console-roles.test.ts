// Role × route: every console page answers each role by the permission matrix, anonymous visitors are
// sent to /login, and the Settings actions refuse roles without the permission before writing anything.
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { CONSOLE_PAGES } from "../../app/lib/navigation";
import { apiTokens, auditLog, users } from "../../db/schema/access";
import { can, type Role } from "../../workers/access/rules";
import { countRows, fetchWorker, makeToken, makeUser, services, signIn } from "./helpers";

type ConsoleRole = Exclude<Role, "machine">;
const ROLES: ConsoleRole[] = ["admin", "manager", "reporting"];
const cookies = {} as Record<ConsoleRole, string>;

beforeAll(async () => {
  for (const role of ROLES) cookies[role] = await signIn((await makeUser(role)).email);
});

describe("console pages", () => {
  it("the table walks every page of the navigation", () => {
    // a guard against an empty or shrunken table silently passing
    expect(CONSOLE_PAGES.length).toBeGreaterThanOrEqual(17);
    expect(CONSOLE_PAGES.map((p) => p.to)).toEqual(expect.arrayContaining(["/dashboard", "/settings/users", "/settings/api-tokens", "/settings/audit"]));
  });

  it.each(CONSOLE_PAGES)("anonymous → $to redirects to /login", async ({ to }) => {
    const res = await fetchWorker(to);
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe(`/login?redirectTo=${encodeURIComponent(to)}`);
  });

  const cases = CONSOLE_PAGES.flatMap((page) => ROLES.map((role) => ({ ...page, role, expected: can(role, page.permission) ? 200 : 403 })));
  it.each(cases)("$role → $to ($permission) is $expected", async ({ to, role, expected }) => {
    const res = await fetchWorker(to, { cookie: cookies[role] });
    expect(res.status).toBe(expected);
    const html = await res.text();
    if (expected === 403) {
      expect(html).toContain('data-status="403"');
    } else {
      expect(html).not.toContain('data-testid="error-page"');
    }
  });

  it.each(ROLES)("the %s's navigation links only to pages the role may open", async (role) => {
    const html = await (await fetchWorker("/dashboard", { cookie: cookies[role] })).text();
    for (const page of CONSOLE_PAGES) {
      expect(html.includes(`href="${page.to}"`), `${role} link to ${page.to}`).toBe(can(role, page.permission));
    }
  });
});

describe("Settings actions refuse roles without the permission", () => {
  let target: Awaited<ReturnType<typeof makeUser>>;
  let tokenId: string;
  beforeAll(async () => {
    target = await makeUser("reporting");
    tokenId = (await makeToken(["profiles:read"])).record.id;
  });

  const forms: Array<{ path: string; intent: string; fields: () => Record<string, string> }> = [
    {
      path: "/settings/users",
      intent: "create",
      fields: () => ({ name: "Sneaky", email: `sneaky-${crypto.randomUUID()}@example.test`, role: "admin", password: "a long enough password" }),
    },
    { path: "/settings/users", intent: "role", fields: () => ({ id: target.id, role: "admin" }) },
    { path: "/settings/users", intent: "active", fields: () => ({ id: target.id, is_active: "false" }) },
    { path: "/settings/api-tokens", intent: "create", fields: () => ({ name: "Sneaky token", scopes: "*", user_id: target.id, expiry: "30" }) },
    { path: "/settings/api-tokens", intent: "revoke", fields: () => ({ id: tokenId }) },
    { path: "/configuration/rewards/new", intent: "save", fields: () => ({ name: "Sneaky reward", type: "other", value: "1000.00", period: "30" }) },
    { path: "/configuration/points/new", intent: "save", fields: () => ({ name: "Sneaky points", kind: "reward", points_per_dollar: "1" }) },
    { path: "/configuration/points/rates/new", intent: "save", fields: () => ({ name: "Sneaky rate", point_definition_id: "x", multiplier: "100" }) },
    { path: "/configuration/benefits/new", intent: "save", fields: () => ({ name: "Sneaky benefit", max_redemptions: "99" }) },
    { path: "/configuration/tiers/new", intent: "save", fields: () => ({ name: "Sneaky tier", point_definition_id: "x", value_min: "0", value_maintain: "0" }) },
    { path: "/configuration/achievements/new", intent: "save", fields: () => ({ name: "Sneaky achievement", "levels.kind": "on_off" }) },
  ];
  const cases = forms.flatMap((f) => (["manager", "reporting", "anonymous"] as const).map((who) => ({ ...f, who })));

  it.each(cases)("$who: POST $path intent=$intent is refused and writes nothing", async ({ path, intent, fields, who }) => {
    const before = [await countRows(users), await countRows(apiTokens), await countRows(auditLog)];
    const res = await fetchWorker(path, {
      method: "POST",
      cookie: who === "anonymous" ? undefined : cookies[who],
      body: new URLSearchParams({ intent, ...fields() }),
    });

    if (who === "anonymous") {
      expect(res.status).toBe(302);
      expect(res.headers.get("Location")).toMatch(/^\/login\?redirectTo=/);
    } else {
      expect(res.status).toBe(403);
    }
    expect([await countRows(users), await countRows(apiTokens), await countRows(auditLog)]).toEqual(before);
    const user = await userSnapshot(target.id);
    expect(user).toEqual({ role: "reporting", isActive: true });
    const token = await tokenSnapshot(tokenId);
    expect(token.revokedAt).toBeNull();
  });

  it("the same form from an Admin goes through (the refusals above are about the role)", async () => {
    const res = await fetchWorker("/settings/api-tokens", { method: "POST", cookie: cookies.admin, body: new URLSearchParams({ intent: "revoke", id: tokenId }) });
    expect(res.status).toBe(200);
    expect((await tokenSnapshot(tokenId)).revokedAt).toBeInstanceOf(Date);
  });
});

async function userSnapshot(id: string) {
  const row = await services().db.query.users.findFirst({ where: eq(users.id, id) });
  return { role: row?.role, isActive: row?.isActive };
}

async function tokenSnapshot(id: string) {
  const row = await services().db.query.apiTokens.findFirst({ where: eq(apiTokens.id, id) });
  return { revokedAt: row?.revokedAt ?? null };
}
