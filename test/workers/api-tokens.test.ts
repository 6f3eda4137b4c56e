// The API's front door and its token routes: authentication before routing, the public endpoints,
// who-am-I, and the life of an API token (shown once, hashed, scoped, expiring, revocable).
import { and, eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { apiTokens, auditLog } from "../../db/schema/access";
import { systemActor } from "../../workers/access/actor";
import { fixedClock } from "../../workers/platform/clock";
import { sha256Hex } from "../../workers/platform/crypto";
import { createServices } from "../../workers/services";
import { env } from "cloudflare:workers";
import { api, countRows, makeToken, makeUser, problem, services } from "./helpers";

const FUTURE = "2099-01-01T00:00:00.000Z";

async function tokenRow(id: string) {
  return (await services().db.query.apiTokens.findFirst({ where: eq(apiTokens.id, id) }))!;
}

describe("authentication comes before routing", () => {
  const callers = [
    { name: "no Authorization header", headers: {} as Record<string, string>, detail: 'Send an API token as "Authorization: Bearer <token>"' },
    { name: "a Basic header", headers: { Authorization: "Basic dXNlcjpwYXNz" }, detail: 'The Authorization header must be "Bearer <token>"' },
    { name: "an unknown token", headers: { Authorization: `Bearer le_${"A".repeat(40)}` }, detail: "The API token is unknown, expired or revoked" },
    { name: "a token of another kind", headers: { Authorization: "Bearer ghp_0123456789abcdef" }, detail: "The API token is unknown, expired or revoked" },
    { name: "an absurdly long token", headers: { Authorization: `Bearer le_${"x".repeat(500)}` }, detail: "The API token is unknown, expired or revoked" },
  ];
  const routes = [
    { method: "GET", path: "/users/me", exists: true },
    { method: "GET", path: "/auth/api-tokens", exists: true },
    { method: "POST", path: "/auth/api-tokens", exists: true },
    { method: "DELETE", path: `/auth/api-tokens/${crypto.randomUUID()}`, exists: true },
    { method: "GET", path: "/no-such-route", exists: false },
    { method: "POST", path: "/admin/export-everything", exists: false },
  ];

  it.each(callers.flatMap((c) => routes.map((r) => ({ ...c, ...r }))))(
    "$name → $method $path: 401 problem+json with WWW-Authenticate",
    async ({ headers, method, path, detail }) => {
      const res = await api(path, { method, headers, ...(method === "POST" ? { json: { name: "x", scopes: ["*"] } } : {}) });
      expect(res.status).toBe(401);
      expect(res.headers.get("WWW-Authenticate")).toBe('Bearer realm="api"');
      const body = await problem(res);
      expect(body).toMatchObject({ status: 401, code: "unauthenticated", title: "Authentication required", detail });
      expect(body.request_id).toBe(res.headers.get("X-Request-Id"));
    },
  );

  it("an anonymous caller cannot tell an existing route from a missing one", async () => {
    const strip = async (res: Response) => {
      const { request_id: _id, ...rest } = await problem(res);
      return { status: res.status, rest, auth: res.headers.get("WWW-Authenticate") };
    };
    expect(await strip(await api("/auth/api-tokens"))).toEqual(await strip(await api("/definitely/not/here")));
  });

  it("with a valid token a missing route is a plain 404 (the 401s above are about the token)", async () => {
    const { token } = await makeToken(["profiles:read"]);
    const res = await api("/no-such-route", { token });
    expect(res.status).toBe(404);
    expect(await problem(res)).toMatchObject({ code: "not_found", detail: "No route for GET /api/v3/no-such-route" });
    const post = await api("/no-such-route", { method: "POST", token, json: {} });
    expect(post.status).toBe(404);
    expect(await problem(post)).toMatchObject({ code: "not_found" });
  });
});

describe("public endpoints", () => {
  it("/health answers without a token", async () => {
    const res = await api("/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ data: { status: "ok", version: "3.0.0" } });
  });

  it("/openapi.json is an OpenAPI 3.1 document of the token routes, without a token", async () => {
    const res = await api("/openapi.json");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string }> }>>;
      components: { securitySchemes: Record<string, unknown>; schemas: Record<string, unknown> };
    };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/health", "/users/me", "/auth/api-tokens", "/auth/api-tokens/{id}"]));
    expect(Object.keys(doc.paths["/auth/api-tokens"]!).sort()).toEqual(["get", "post"]);
    expect(Object.keys(doc.paths["/auth/api-tokens/{id}"]!)).toEqual(["delete"]);
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
    expect(doc.components.schemas).toHaveProperty("CreateApiTokenInput");
    expect(doc.components.schemas).toHaveProperty("Problem");
    const header = doc.paths["/auth/api-tokens"]!.post!.parameters?.find((p) => p.in === "header");
    expect(header?.name.toLowerCase()).toBe("idempotency-key");
  });
});

describe("GET /users/me", () => {
  it("returns the token's owner and the token's scopes, never its secret", async () => {
    const { token, record, owner } = await makeToken(["profiles:read", "transactions:write"]);
    const res = await api("/users/me", { token });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({
      // Omneo's User at the top level (what the SDK's users.me() reads), ours under data
      id: expect.any(Number),
      uuid: owner.id,
      name: owner.name,
      email: owner.email,
      throttle: null,
      role: "machine",
      roles: [{ id: 4, handle: "machine", name: "Machine" }],
      permissions: [],
      is_active: true,
      created_at: expect.any(String),
      updated_at: expect.any(String),
      last_login_at: null,
      data: {
        user: { id: owner.id, email: owner.email, name: owner.name, role: "machine", is_active: true, created_at: expect.any(String), last_login_at: null },
        token: { id: record.id, name: record.name, prefix: token.slice(0, 9), scopes: ["profiles:read", "transactions:write"], expires_at: null },
      },
    });
    expect(text).not.toContain(token);
    expect(text).not.toContain(await sha256Hex(token));
  });
});

describe("the life of an API token", () => {
  it("POST creates a * token: the secret is returned once (201), works, and only its hash is stored", async () => {
    const { token: caller, record: callerRecord, owner } = await makeToken(["*"]);
    const res = await api("/auth/api-tokens", { method: "POST", token: caller, json: { name: "Storefront", scopes: ["*"], expires_at: FUTURE } });

    expect(res.status).toBe(201);
    const { data } = (await res.json()) as { data: Record<string, unknown> & { token: string; id: string } };
    expect(data).toMatchObject({ name: "Storefront", scopes: ["*"], user_id: owner.id, status: "active", expires_at: FUTURE, last_used_at: null, revoked_at: null });
    expect(data.token).toMatch(/^le_[A-Za-z0-9_-]{40}$/);
    expect(data.prefix).toBe(data.token.slice(0, 9));

    const stored = await tokenRow(data.id);
    expect(stored.tokenHash).toBe(await sha256Hex(data.token));
    expect(JSON.stringify(stored)).not.toContain(data.token);
    expect(stored.createdBy).toBe(owner.id);

    const [audit] = await services().db.select().from(auditLog).where(and(eq(auditLog.action, "api_token.created"), eq(auditLog.entityId, data.id)));
    expect(audit).toMatchObject({ actorType: "token", actorId: callerRecord.id, newValues: { name: "Storefront", scopes: ["*"], user_id: owner.id } });
    expect(JSON.stringify(audit)).not.toContain(data.token);

    const me = await api("/users/me", { token: data.token });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ data: { token: { id: data.id } } });
  });

  it("GET lists tokens newest first, in the list envelope, without any secret or hash", async () => {
    const { token: caller } = await makeToken(["*"]);
    const created = (await (await api("/auth/api-tokens", { method: "POST", token: caller, json: { name: "Listed", scopes: ["profiles:read"] } })).json()) as {
      data: { id: string; token: string };
    };

    const res = await api("/auth/api-tokens?page[size]=100", { token: caller });
    expect(res.status).toBe(200);
    const text = await res.text();
    const body = JSON.parse(text) as { data: Array<Record<string, unknown>>; links: Record<string, string | null>; meta: Record<string, number> };
    expect(body.data[0]).toMatchObject({ id: created.data.id, name: "Listed", status: "active" });
    expect(body.meta).toMatchObject({ current_page: 1, per_page: 100, total: await countRows(apiTokens) });
    expect(body.links.first).toContain("page%5Bnumber%5D=1");
    for (const item of body.data) {
      expect(Object.keys(item).sort()).toEqual(["created_at", "expires_at", "id", "last_used_at", "name", "namespace", "prefix", "revoked_at", "scopes", "status", "user_id"]);
    }
    expect(text).not.toContain(created.data.token);
    expect(text).not.toContain(await sha256Hex(created.data.token));
    expect(text).not.toContain(caller);
  });

  it("DELETE revokes a token: it stops working at once, and revoking again changes nothing", async () => {
    const { token: admin } = await makeToken(["*"], { role: "admin" });
    const victim = await makeToken(["profiles:read"]);
    expect((await api("/users/me", { token: victim.token })).status).toBe(200);

    const res = await api(`/auth/api-tokens/${victim.record.id}`, { method: "DELETE", token: admin });
    expect(res.status).toBe(200);
    const { data } = (await res.json()) as { data: { status: string; revoked_at: string } };
    expect(data.status).toBe("revoked");
    expect(data.revoked_at).toEqual(expect.any(String));

    const after = await api("/users/me", { token: victim.token });
    expect(after.status).toBe(401);
    expect(after.headers.get("WWW-Authenticate")).toBe('Bearer realm="api"');

    const auditBefore = await countRows(auditLog);
    const again = await api(`/auth/api-tokens/${victim.record.id}`, { method: "DELETE", token: admin });
    expect(again.status).toBe(200);
    expect(((await again.json()) as { data: { revoked_at: string } }).data.revoked_at).toBe(data.revoked_at);
    expect(await countRows(auditLog)).toBe(auditBefore);
  });

  it("DELETE of an unknown token is a 404 problem", async () => {
    const { token } = await makeToken(["*"]);
    const res = await api(`/auth/api-tokens/${crypto.randomUUID()}`, { method: "DELETE", token });
    expect(res.status).toBe(404);
    expect(await problem(res)).toMatchObject({ code: "not_found" });
  });

  it("an expired token is refused with 401", async () => {
    // made on a clock in the past, with an expiry that has since passed
    const past = createServices(env, null, { clock: fixedClock("2024-01-01T00:00:00Z") });
    const owner = await makeUser("machine");
    const { token } = await past.tokens.create({ name: "old", scopes: ["*"], user_id: owner.id, expires_at: "2024-06-01T00:00:00Z" }, systemActor("test"));
    expect(await past.tokens.authenticate(token)).not.toBeNull();

    const res = await api("/users/me", { token });
    expect(res.status).toBe(401);
    expect(await problem(res)).toMatchObject({ code: "unauthenticated" });
  });

  it("a token whose owner is deactivated is refused with 401", async () => {
    const { token, owner } = await makeToken(["*"]);
    expect((await api("/users/me", { token })).status).toBe(200);
    await services().users.update(owner.id, { is_active: false }, systemActor("test"));
    expect((await api("/users/me", { token })).status).toBe(401);
  });

  it("records when a token was last used", async () => {
    const { token, record } = await makeToken(["profiles:read"]);
    expect(record.lastUsedAt).toBeNull();
    expect((await api("/users/me", { token })).status).toBe(200);
    // the write is deferred past the response (ctx.waitUntil), so wait for it to land
    await vi.waitFor(async () => expect((await tokenRow(record.id)).lastUsedAt).toBeInstanceOf(Date));

    // a stale stamp is refreshed by the next use
    const stale = new Date(Date.now() - 10 * 60_000);
    await services().db.update(apiTokens).set({ lastUsedAt: stale }).where(eq(apiTokens.id, record.id));
    expect((await api("/users/me", { token })).status).toBe(200);
    await vi.waitFor(async () => expect((await tokenRow(record.id)).lastUsedAt!.getTime()).toBeGreaterThan(stale.getTime()));
  });
});

describe("scopes and ownership rules", () => {
  it("a token lacking the route's scope gets 403 naming the scope", async () => {
    const { token } = await makeToken(["profiles:write", "config:write"]);
    for (const [method, path] of [
      ["GET", "/auth/api-tokens"],
      ["POST", "/auth/api-tokens"],
      ["DELETE", `/auth/api-tokens/${crypto.randomUUID()}`],
    ] as const) {
      const res = await api(path, { method, token, ...(method === "POST" ? { json: { name: "x", scopes: ["profiles:read"] } } : {}) });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(await problem(res)).toMatchObject({ code: "forbidden", detail: 'This token lacks the "*" scope' });
    }
    // the same token is otherwise valid
    expect((await api("/users/me", { token })).status).toBe(200);
  });

  it.each([
    { ownerRole: "reporting" as const, scopes: ["profiles:write"], beyond: "profiles:write" },
    { ownerRole: "reporting" as const, scopes: ["profiles:read", "*"], beyond: "*" },
    { ownerRole: "manager" as const, scopes: ["config:write"], beyond: "config:write" },
  ])("scopes beyond a $ownerRole owner's role ($beyond) are a 422 naming scopes", async ({ ownerRole, scopes, beyond }) => {
    const { token: adminToken } = await makeToken(["*"], { role: "admin" });
    const owner = await makeUser(ownerRole);
    const before = [await countRows(apiTokens), await countRows(auditLog)];

    const res = await api("/auth/api-tokens", { method: "POST", token: adminToken, json: { name: "too much", scopes, user_id: owner.id } });
    expect(res.status).toBe(422);
    const body = await problem(res);
    expect(Object.keys(body.errors!)).toEqual(["scopes"]);
    expect(body.errors!.scopes![0]).toContain(beyond);
    expect([await countRows(apiTokens), await countRows(auditLog)]).toEqual(before);
  });

  it("an Admin's token may create a token for another user within that user's role", async () => {
    const { token: adminToken } = await makeToken(["*"], { role: "admin" });
    const owner = await makeUser("reporting");
    const res = await api("/auth/api-tokens", { method: "POST", token: adminToken, json: { name: "report reader", scopes: ["profiles:read"], user_id: owner.id } });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ data: { user_id: owner.id } });
  });

  it("a non-Admin's token cannot revoke someone else's token (403), but may revoke its owner's own", async () => {
    const { token, owner } = await makeToken(["*"], { role: "machine" });
    const other = await makeToken(["profiles:read"]);
    const res = await api(`/auth/api-tokens/${other.record.id}`, { method: "DELETE", token });
    expect(res.status).toBe(403);
    expect((await tokenRow(other.record.id)).revokedAt).toBeNull();

    const own = await services().tokens.create({ name: "own", scopes: ["profiles:read"], user_id: owner.id }, systemActor("test"));
    expect((await api(`/auth/api-tokens/${own.record.id}`, { method: "DELETE", token })).status).toBe(200);
    expect((await tokenRow(own.record.id)).revokedAt).toBeInstanceOf(Date);
  });

  it("a non-Admin's token cannot create tokens for someone else (403)", async () => {
    const { token } = await makeToken(["*"], { role: "machine" });
    const other = await makeUser("machine");
    const before = await countRows(apiTokens);
    const res = await api("/auth/api-tokens", { method: "POST", token, json: { name: "for you", scopes: ["profiles:read"], user_id: other.id } });
    expect(res.status).toBe(403);
    expect(await problem(res)).toMatchObject({ code: "forbidden" });
    expect(await countRows(apiTokens)).toBe(before);
  });

  it.each([
    { name: "in the past", expires_at: "2020-01-01T00:00:00Z", message: "expires_at must be in the future" },
    { name: "not a date-time", expires_at: "next tuesday", message: "expires_at must be an ISO 8601 date-time, e.g. 2027-01-31T00:00:00Z" },
  ])("expires_at $name is a 422 naming expires_at", async ({ expires_at, message }) => {
    const { token } = await makeToken(["*"]);
    const before = [await countRows(apiTokens), await countRows(auditLog)];
    const res = await api("/auth/api-tokens", { method: "POST", token, json: { name: "expiring", scopes: ["profiles:read"], expires_at } });
    expect(res.status).toBe(422);
    expect((await problem(res)).errors).toEqual({ expires_at: [message] });
    expect([await countRows(apiTokens), await countRows(auditLog)]).toEqual(before);
  });
});
