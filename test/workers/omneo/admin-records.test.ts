// Omneo's admin resources as its SDK calls them: /users (Admin tokens only, no escalation), /tags and
// /audits, each over our own services.
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { apiTokens, users } from "../../../db/schema";
import { api, countRows, makeToken, problem } from "../helpers";

type Json = Record<string, any>;
const json = async (res: Response) => (await res.json()) as Json;
const uniq = () => crypto.randomUUID().slice(0, 8);
const password = "a-long-enough-password-123";

let admin: string;
beforeAll(async () => {
  admin = (await makeToken(["*"], { role: "admin" })).token;
});

describe("/users in Omneo's shape", () => {
  it("creates with roles [{id}], reads by Omneo's numeric id, lists with filter[name], updates and deletes (204, then 404)", async () => {
    const email = `omneo-user-${uniq()}@example.test`;
    const created = await api("/users", { method: "POST", token: admin, json: { name: "Omneo Staff", email, throttle: 1000, password, password_confirmation: password, roles: [{ id: 2 }] } });
    expect(created.status).toBe(201);
    const user = (await json(created)).data;
    expect(user).toMatchObject({ name: "Omneo Staff", email, throttle: 1000, role: "manager", roles: [{ id: 2, handle: "manager" }] });
    expect(typeof user.id).toBe("number");
    expect(user.permissions.map((p: Json) => p.handle)).toContain("profiles:edit");

    expect((await json(await api(`/users/${user.id}`, { token: admin }))).data.uuid).toBe(user.uuid);
    expect((await json(await api(`/users/${user.uuid}`, { token: admin }))).data.id).toBe(user.id);

    const listed = await json(await api(`/users?filter[name]=${encodeURIComponent("Omneo Staff")}`, { token: admin }));
    expect(listed.data.length).toBeGreaterThan(0);
    expect(listed.data.every((u: Json) => u.name === "Omneo Staff")).toBe(true);

    const renamed = await api(`/users/${user.id}`, { method: "PUT", token: admin, json: { name: "Renamed Staff", throttle: 10 } });
    expect(renamed.status).toBe(200);
    expect((await json(renamed)).data).toMatchObject({ name: "Renamed Staff", throttle: 10 });

    const del = await api(`/users/${user.id}`, { method: "DELETE", token: admin });
    expect(del.status).toBe(204);
    expect((await api(`/users/${user.id}`, { token: admin })).status).toBe(404);
    const row = await countRows(users, eq(users.id, user.uuid));
    expect(row).toBe(1); // kept for the audit log, hidden from reads
  });

  it("gives Reporting (least access) when the body names no role", async () => {
    const res = await api("/users", { method: "POST", token: admin, json: { name: "No Role", email: `norole-${uniq()}@example.test`, password, password_confirmation: password } });
    expect(res.status).toBe(201);
    expect((await json(res)).data.roles).toEqual([{ id: 3, handle: "reporting", name: "Reporting" }]);
  });

  it("refuses every users route unless the token is an Admin's with `*` (a Machine user's `*` token, a Manager's, an Admin's narrow one)", async () => {
    const machine = (await makeToken(["*"], { role: "machine" })).token;
    const manager = (await makeToken(["profiles:write", "config:read"], { role: "manager" })).token;
    const narrowAdmin = (await makeToken(["config:write"], { role: "admin" })).token;
    const email = `escalate-${uniq()}@example.test`;
    for (const token of [machine, manager, narrowAdmin]) {
      const res = await api("/users", { method: "POST", token, json: { name: "Sneaky", email, password, password_confirmation: password, roles: [{ id: 1 }] } });
      expect(res.status).toBe(403);
      expect((await api("/users", { token })).status).toBe(403);
    }
    expect(await countRows(users, eq(users.email, email))).toBe(0);
  });

  it("a Machine user's `*` token cannot promote its own owner to Admin", async () => {
    const { token, owner } = await makeToken(["*"], { role: "machine" });
    const res = await api(`/users/${owner.id}`, { method: "PUT", token, json: { roles: [{ id: 1 }] } });
    expect(res.status).toBe(403);
    expect(await countRows(users, and(eq(users.id, owner.id), eq(users.role, "machine")))).toBe(1);
    expect((await api("/users/me", { token }).then(json)).role).toBe("machine");
  });

  it("refuses a mismatched confirmation, two roles, an unknown role id and unknown fields, writing nothing", async () => {
    const email = `bad-${uniq()}@example.test`;
    const cases: Array<[Json, string]> = [
      [{ password, password_confirmation: `${password}x` }, "password_confirmation"],
      [{ password, password_confirmation: password, roles: [{ id: 1 }, { id: 2 }] }, "roles"],
      [{ password, password_confirmation: password, roles: [{ id: 9 }] }, "roles.0.id"],
      [{ password, password_confirmation: password, is_superuser: true }, "is_superuser"],
      [{ roles: [{ id: 2 }] }, "password"],
    ];
    for (const [extra, field] of cases) {
      const res = await api("/users", { method: "POST", token: admin, json: { name: "Bad", email, ...extra } });
      expect(res.status, JSON.stringify(extra)).toBe(422);
      expect(Object.keys((await problem(res)).errors ?? {}), JSON.stringify(extra)).toContain(field);
    }
    expect(await countRows(users, eq(users.email, email))).toBe(0);
  });

  it("deleting a user revokes its tokens; the last active Admin cannot be deleted", async () => {
    const { token, owner } = await makeToken(["profiles:read"], { role: "manager" });
    expect((await api("/users/me", { token })).status).toBe(200);
    expect((await api(`/users/${owner.id}`, { method: "DELETE", token: admin })).status).toBe(204);
    expect((await api("/users/me", { token })).status).toBe(401);
    const live = await countRows(apiTokens, eq(apiTokens.userId, owner.id));
    expect(live).toBe(1);

    // every other Admin gone: the remaining one (this token's owner) stays
    const me = await json(await api("/users/me", { token: admin }));
    const admins = await json(await api("/users?filter[role]=admin&page[size]=100", { token: admin }));
    for (const a of admins.data.filter((u: Json) => u.id !== me.id)) {
      expect((await api(`/users/${a.id}`, { method: "DELETE", token: admin })).status).toBe(204);
    }
    const last = await api(`/users/${me.id}`, { method: "DELETE", token: admin });
    expect(last.status).toBe(409);
    expect((await api(`/users/${me.id}`, { token: admin })).status).toBe(200);
  });

  it("GET /users/me carries Omneo's User at the top level beside our data {user, token}", async () => {
    const body = await json(await api("/users/me", { token: admin }));
    expect(typeof body.id).toBe("number");
    expect(body).toMatchObject({ role: "admin", roles: [{ id: 1, handle: "admin" }] });
    expect(body.data.user.role).toBe("admin");
    expect(body.data.token.scopes).toEqual(["*"]);
  });

  it("an unknown filter or sort on /users is a 400 naming it", async () => {
    const res = await api("/users?filter[nickname]=x", { token: admin });
    expect(res.status).toBe(400);
    expect((await problem(res)).detail).toContain("filter[nickname]");
  });
});

describe("/tags", () => {
  it("creates, reads, filters by handle, renames and deletes a tag (204, then 404)", async () => {
    const handle = `sdk_tag_${uniq()}`;
    const created = await api("/tags", { method: "POST", token: admin, json: { handle, name: "VIP" } });
    expect(created.status).toBe(201);
    const tag = (await json(created)).data;
    expect(tag).toMatchObject({ handle, name: "VIP" });
    expect(typeof tag.id).toBe("number");

    expect((await json(await api(`/tags/${tag.id}`, { token: admin }))).data).toEqual(tag);
    const listed = (await json(await api(`/tags?filter[handle]=${handle}`, { token: admin }))).data;
    expect(listed).toEqual([tag]);

    const renamed = await api(`/tags/${tag.id}`, { method: "PUT", token: admin, json: { name: "Very Important" } });
    expect((await json(renamed)).data.name).toBe("Very Important");
    const rehandled = await api(`/tags/${tag.id}`, { method: "PUT", token: admin, json: { handle: `${handle}_2` } });
    expect(rehandled.status).toBe(422);

    expect((await api(`/tags/${tag.id}`, { method: "DELETE", token: admin })).status).toBe(204);
    expect((await api(`/tags/${tag.id}`, { token: admin })).status).toBe(404);
    expect((await api(`/tags/not-a-number`, { token: admin })).status).toBe(404);
  });

  it("a handle is unique in any case (422 naming handle), and tags need config scopes", async () => {
    const handle = `dup_${uniq()}`;
    expect((await api("/tags", { method: "POST", token: admin, json: { handle } })).status).toBe(201);
    const dup = await api("/tags", { method: "POST", token: admin, json: { handle: handle.toUpperCase() } });
    expect(dup.status).toBe(422);
    expect((await problem(dup)).errors).toHaveProperty("handle");

    const reader = (await makeToken(["profiles:read"])).token;
    expect((await api("/tags", { token: reader })).status).toBe(403);
    expect((await api("/tags", { method: "POST", token: reader, json: { handle: `x_${uniq()}` } })).status).toBe(403);
  });
});

describe("/audits", () => {
  it("lists the log in Omneo's shape and reads one entry by id, equal to its list entry", async () => {
    const handle = `audited_${uniq()}`;
    const tag = (await json(await api("/tags", { method: "POST", token: admin, json: { handle } }))).data;
    const { data } = await json(await api(`/audits?filter[auditable_type]=tag&filter[auditable_id]=${tag.id}`, { token: admin }));
    expect(data).toHaveLength(1);
    const entry = data[0];
    expect(entry).toMatchObject({ event: "created", action: "tag.created", auditable_type: "tag", auditable_id: tag.id, token_name: expect.any(String) });
    expect(typeof entry.user_id).toBe("number");
    expect(JSON.parse(entry.new_values)).toEqual({ handle, name: null });
    expect(JSON.parse(entry.old_values)).toEqual({});
    expect((await json(await api(`/audits/${entry.id}`, { token: admin }))).data).toEqual(entry);
  });

  it("a UUID entity's id is auditable_key (auditable_id stays null, as the SDK allows)", async () => {
    const res = await api("/profiles", { method: "POST", token: admin, json: { email: `audit-${uniq()}@example.test`, first_name: "Aud" } });
    const profile = (await json(res)).data;
    const { data } = await json(await api(`/audits?filter[auditable_type]=profile&filter[auditable_id]=${profile.id}`, { token: admin }));
    expect(data.length).toBeGreaterThan(0);
    expect(data[0]).toMatchObject({ auditable_id: null, auditable_key: profile.id, profile_id: profile.id });
  });

  it("needs the * scope; an unknown filter is a 400; a bad date is a 422; an unknown id is a 404", async () => {
    const reader = (await makeToken(["profiles:read", "config:read"])).token;
    expect((await api("/audits", { token: reader })).status).toBe(403);
    const unknown = await api("/audits?filter[ip]=1.2.3.4", { token: admin });
    expect(unknown.status).toBe(400);
    expect((await problem(unknown)).detail).toContain("filter[ip]");
    expect((await api("/audits?filter[created_at][gte]=yesterday", { token: admin })).status).toBe(422);
    expect((await api(`/audits/${crypto.randomUUID()}`, { token: admin })).status).toBe(404);
  });
});
