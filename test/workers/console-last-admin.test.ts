// The last active Admin can be neither demoted nor deactivated through Settings → Users. A file of its
// own: storage is per test file, so the number of active Admins here is exactly what these tests make.
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { auditLog, sessions, users } from "../../db/schema/access";
import { systemActor } from "../../workers/access/actor";
import { consoleAction, countRows, fetchWorker, makeUser, services, signIn } from "./helpers";

const LAST_ADMIN = "This is the last active Admin: make another user Admin first";

describe("the last active Admin", () => {
  let only: Awaited<ReturnType<typeof makeUser>>;
  let cookie: string;

  beforeAll(async () => {
    only = await makeUser("admin");
    // an inactive Admin does not count as a way back in
    const retired = await makeUser("admin");
    await services().users.update(retired.id, { is_active: false }, systemActor("test"));
    await makeUser("manager");
    cookie = await signIn(only.email);
    expect(await services().users.countActiveAdmins()).toBe(1);
  });

  it.each<{ intent: string; fields: Record<string, string>; field: string }>([
    { intent: "role", fields: { role: "manager" }, field: "role" },
    { intent: "role", fields: { role: "reporting" }, field: "role" },
    { intent: "active", fields: { is_active: "false" }, field: "is_active" },
  ])("cannot be changed with intent=$intent $fields (422 naming $field, nothing changed)", async ({ intent, fields, field }) => {
    const [auditBefore, sessionsBefore] = [await countRows(auditLog), await countRows(sessions, eq(sessions.userId, only.id))];

    const { status, data } = await consoleAction("/settings/users", { intent, id: only.id, ...fields }, { cookie });

    expect(status).toBe(422);
    expect(data).toMatchObject({ ok: false, errors: { [field]: [LAST_ADMIN] } });
    const row = await services().db.query.users.findFirst({ where: eq(users.id, only.id) });
    expect(row).toMatchObject({ role: "admin", isActive: true });
    expect(await countRows(auditLog)).toBe(auditBefore);
    // a refused change does not end the Admin's sessions either
    expect(await countRows(sessions, eq(sessions.userId, only.id))).toBe(sessionsBefore);
    expect((await fetchWorker("/settings/users", { cookie })).status).toBe(200);
  });

  it("with a second active Admin, one of them can step down; then the other is the last again", async () => {
    const second = await makeUser("admin");
    const demoted = await consoleAction("/settings/users", { intent: "role", id: second.id, role: "manager" }, { cookie });
    expect(demoted.status).toBe(200);
    expect((await services().users.get(second.id)).role).toBe("manager");

    const third = await makeUser("admin");
    const deactivated = await consoleAction("/settings/users", { intent: "active", id: third.id, is_active: "false" }, { cookie });
    expect(deactivated.status).toBe(200);
    expect((await services().users.get(third.id)).isActive).toBe(false);

    expect(await services().users.countActiveAdmins()).toBe(1);
    const refused = await consoleAction("/settings/users", { intent: "active", id: only.id, is_active: "false" }, { cookie });
    expect(refused.status).toBe(422);
  });
});
