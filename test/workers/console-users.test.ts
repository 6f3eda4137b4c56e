// Settings → Users through its console action (intent=create|role|active): validation, role rules,
// session ends, and the audit trail every change leaves.
import { and, desc, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { auditLog, sessions, users } from "../../db/schema/access";
import { consoleAction, countRows, fetchWorker, fromIp, makeUser, PASSWORD, services, signIn } from "./helpers";

const NEW_PASSWORD = "a brand new password 42";
let admin: Awaited<ReturnType<typeof makeUser>>;
let adminCookie: string;

beforeAll(async () => {
  admin = await makeUser("admin");
  adminCookie = await signIn(admin.email);
});

function usersAction(fields: Record<string, string>) {
  return consoleAction("/settings/users", fields, { cookie: adminCookie, headers: fromIp("203.0.113.7", { "User-Agent": "vitest console" }) });
}

function uniqueEmail(label: string) {
  return `${label}-${crypto.randomUUID().slice(0, 8)}@example.test`;
}

async function findUser(email: string) {
  return services().db.query.users.findFirst({ where: eq(users.email, email) });
}

async function auditFor(entityId: string) {
  return services().db.select().from(auditLog).where(eq(auditLog.entityId, entityId)).orderBy(desc(auditLog.at));
}

async function snapshot() {
  return { users: await countRows(users), audit: await countRows(auditLog) };
}

describe("create", () => {
  it("an Admin creates a Manager, who can then sign in", async () => {
    const email = uniqueEmail("New.Manager");
    const { status, data } = await usersAction({ intent: "create", name: "Nora Manager", email: email.toUpperCase(), role: "manager", password: NEW_PASSWORD });

    expect(status).toBe(200);
    expect(data).toMatchObject({ ok: true, intent: "create", message: "Nora Manager can now sign in as Manager" });
    const row = await findUser(email.toLowerCase());
    expect(row).toMatchObject({ name: "Nora Manager", role: "manager", isActive: true, email: email.toLowerCase() });
    expect(row?.passwordHash).toMatch(/^pbkdf2-sha256\$100000\$/);
    expect(row?.passwordHash).not.toContain(NEW_PASSWORD);

    const cookie = await signIn(email.toLowerCase(), NEW_PASSWORD);
    expect((await fetchWorker("/profiles", { cookie })).status).toBe(200);
    expect((await fetchWorker("/settings/users", { cookie })).status).toBe(403);
  });

  it("writes an audit row with the actor, where from, and the new values, never the password", async () => {
    const email = uniqueEmail("audited");
    const { status } = await usersAction({ intent: "create", name: "Audra", email, role: "reporting", password: NEW_PASSWORD });
    expect(status).toBe(200);
    const created = (await findUser(email))!;

    const rows = await auditFor(created.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      action: "user.created",
      entityType: "user",
      actorType: "user",
      actorId: admin.id,
      actorLabel: admin.email,
      ip: "203.0.113.7",
      userAgent: "vitest console",
      oldValues: null,
      newValues: { email, name: "Audra", role: "reporting" },
    });
    expect(rows[0]!.requestId).toBeTruthy();
    const text = JSON.stringify(rows[0]);
    expect(text).not.toContain(NEW_PASSWORD);
    expect(text).not.toContain("pbkdf2");
    expect(text.toLowerCase()).not.toContain("password");
  });

  it("creates a Machine user without a password", async () => {
    const email = uniqueEmail("machine");
    const { status, data } = await usersAction({ intent: "create", name: "POS integration", email, role: "machine", password: "" });
    expect(status).toBe(200);
    expect(data).toMatchObject({ ok: true });
    expect(await findUser(email)).toMatchObject({ role: "machine", passwordHash: null });
  });

  it.each([
    { name: "the same email", email: (e: string) => e },
    { name: "the same email in other case", email: (e: string) => e.toUpperCase() },
  ])("refuses $name with 422 naming email, and writes nothing", async ({ email }) => {
    const existing = await makeUser("reporting");
    const before = await snapshot();
    const { status, data } = await usersAction({ intent: "create", name: "Copy", email: email(existing.email), role: "manager", password: NEW_PASSWORD });
    expect(status).toBe(422);
    expect(data).toMatchObject({ ok: false, intent: "create", errors: { email: ["A user with this email already exists"] } });
    expect(await snapshot()).toEqual(before);
  });

  it.each<{ name: string; fields: Record<string, string>; field: string; message: string }>([
    { name: "a Manager without a password", fields: { role: "manager", password: "" }, field: "password", message: "A password is required for users who sign in" },
    { name: "an Admin without a password", fields: { role: "admin" }, field: "password", message: "A password is required for users who sign in" },
    { name: "a short password", fields: { role: "reporting", password: "short" }, field: "password", message: "Password must be at least 12 characters" },
    { name: "a Machine user with a password", fields: { role: "machine", password: NEW_PASSWORD }, field: "password", message: "Machine users never sign in, so they have no password" },
    { name: "an unknown role", fields: { role: "owner", password: NEW_PASSWORD }, field: "role", message: "Role must be one of: admin, manager, reporting, machine" },
    { name: "a bad email", fields: { role: "manager", password: NEW_PASSWORD, email: "not-an-email" }, field: "email", message: "Enter a valid email address" },
    { name: "an empty name", fields: { role: "manager", password: NEW_PASSWORD, name: " " }, field: "name", message: "Name is required" },
  ])("refuses $name with 422 naming $field, and writes nothing", async ({ fields, field, message }) => {
    const email = uniqueEmail("invalid");
    const before = await snapshot();
    const { status, data, text } = await usersAction({ intent: "create", name: "Ivy", email, ...fields });
    expect(status).toBe(422);
    expect((data?.errors as Record<string, string[]>)[field]).toEqual([message]);
    // the form is sent back for re-display, but never the password
    expect(data).toMatchObject({ values: { email: fields.email ?? email } });
    expect((data?.values as Record<string, unknown>).password).toBeUndefined();
    if (fields.password) expect(text).not.toContain(fields.password);
    expect(await snapshot()).toEqual(before);
  });
});

describe("role and status changes", () => {
  it("changes a Manager to Reporting, audits old and new role, and ends their sessions", async () => {
    const manager = await makeUser("manager");
    const cookie = await signIn(manager.email);

    const { status, data } = await usersAction({ intent: "role", id: manager.id, role: "reporting" });
    expect(status).toBe(200);
    expect(data).toMatchObject({ ok: true, message: `${manager.name} is now Reporting` });
    expect((await services().users.get(manager.id)).role).toBe("reporting");

    const [row] = await auditFor(manager.id);
    expect(row).toMatchObject({
      action: "user.updated",
      actorType: "user",
      actorId: admin.id,
      actorLabel: admin.email,
      oldValues: { role: "manager" },
      newValues: { role: "reporting" },
    });

    expect(await countRows(sessions, eq(sessions.userId, manager.id))).toBe(0);
    expect((await fetchWorker("/dashboard", { cookie })).status).toBe(302);
  });

  it("deactivates and reactivates a user, auditing each change", async () => {
    const user = await makeUser("reporting");
    const cookie = await signIn(user.email);

    const off = await usersAction({ intent: "active", id: user.id, is_active: "false" });
    expect(off.status).toBe(200);
    expect(off.data).toMatchObject({ ok: true, message: `${user.name} is deactivated` });
    expect((await services().users.get(user.id)).isActive).toBe(false);
    expect((await fetchWorker("/dashboard", { cookie })).status).toBe(302);
    expect((await fetchWorker("/login", { method: "POST", body: new URLSearchParams({ email: user.email, password: PASSWORD }), headers: fromIp("203.0.113.99") })).status).toBe(401);

    const on = await usersAction({ intent: "active", id: user.id, is_active: "true" });
    expect(on.status).toBe(200);
    expect((await services().users.get(user.id)).isActive).toBe(true);

    const rows = await auditFor(user.id);
    const updates = rows.filter((r) => r.action === "user.updated").map((r) => [r.oldValues, r.newValues]);
    expect(updates).toEqual(
      expect.arrayContaining([
        [{ isActive: true }, { isActive: false }],
        [{ isActive: false }, { isActive: true }],
      ]),
    );
    expect(updates).toHaveLength(2);
    for (const r of rows.filter((r) => r.action === "user.updated")) expect(r).toMatchObject({ actorId: admin.id, actorLabel: admin.email });
  });

  it("a change to the same value writes nothing", async () => {
    const user = await makeUser("manager");
    const before = await snapshot();
    const { status } = await usersAction({ intent: "role", id: user.id, role: "manager" });
    expect(status).toBe(200);
    expect(await snapshot()).toEqual(before);
  });

  it.each([
    { name: "a console user cannot become a Machine user", from: "manager" as const, to: "machine" },
    { name: "a Machine user cannot become a console user", from: "machine" as const, to: "manager" },
  ])("$name (422 naming role, nothing changed)", async ({ from, to }) => {
    const user = await makeUser(from);
    const before = await snapshot();
    const { status, data } = await usersAction({ intent: "role", id: user.id, role: to });
    expect(status).toBe(422);
    expect(Object.keys(data?.errors as object)).toEqual(["role"]);
    expect((await services().users.get(user.id)).role).toBe(from);
    expect(await snapshot()).toEqual(before);
  });

  it("an unknown user id is a 404", async () => {
    const { status, data } = await usersAction({ intent: "role", id: crypto.randomUUID(), role: "manager" });
    expect(status).toBe(404);
    expect(data).toMatchObject({ ok: false, formError: expect.stringContaining("No user with id") });
  });

  it("an unknown intent is a 422 naming intent", async () => {
    const before = await snapshot();
    const { status, data } = await usersAction({ intent: "delete", id: admin.id });
    expect(status).toBe(422);
    expect(data).toMatchObject({ errors: { intent: ["Unknown action"] } });
    expect(await snapshot()).toEqual(before);
  });

  it("a document POST (no JavaScript) gives the same status", async () => {
    const existing = await makeUser("reporting");
    const res = await fetchWorker("/settings/users", {
      method: "POST",
      cookie: adminCookie,
      body: new URLSearchParams({ intent: "create", name: "Dup", email: existing.email, role: "manager", password: NEW_PASSWORD }),
    });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("A user with this email already exists");
    expect(await countRows(users, and(eq(users.email, existing.email), eq(users.name, "Dup")))).toBe(0);
  });
});
