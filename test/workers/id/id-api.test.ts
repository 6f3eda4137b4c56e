// Omneo's storefront API (/id/api/v1, the SDK's `ID` client): an API token mints an ID token (a JWT naming
// the profile as `pid`), and the shopper's /profiles/me routes are the REST API's, for that profile only.
import { exports } from "cloudflare:workers";
import { decodeJwt, SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "../../../workers/access/actor";
import { ID_ROUTES, idRouteAllowed } from "../../../workers/id-api";
import { api, BASE, makeToken, problem, services } from "../helpers";

type Json = Record<string, any>;
let adminToken: string;
let profileId: string;
let otherId: string;
let email: string;

function id(path: string, init: RequestInit & { token?: string; json?: unknown } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.token) headers.set("Authorization", `Bearer ${init.token}`);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set("Content-Type", "application/json");
    body = JSON.stringify(init.json);
  }
  return exports.default.fetch(new Request(new URL(`/id/api/v1${path}`, BASE), { ...init, headers, body }));
}

async function idToken(apiToken: string, body: Json): Promise<{ token: string; exp: number }> {
  const res = await id("/auth/token", { method: "POST", token: apiToken, json: body });
  expect(res.status).toBe(200);
  return ((await res.json()) as Json).data;
}

async function newProfile(token: string, extra: Json = {}): Promise<string> {
  const res = await api("/profiles", { method: "POST", token, json: { email: `id-${crypto.randomUUID()}@example.test`, first_name: "Ida", ...extra } });
  expect(res.status).toBe(201);
  return ((await res.json()) as Json).data.id;
}

beforeAll(async () => {
  adminToken = (await makeToken(["*"])).token;
  email = `id-${crypto.randomUUID()}@example.test`;
  profileId = await newProfile(adminToken, { email });
  otherId = await newProfile(adminToken);
});

describe("POST /id/api/v1/auth/token", () => {
  it("mints a JWT whose pid is the profile and whose exp is the one answered", async () => {
    const before = Math.floor(Date.now() / 1000);
    const { token, exp } = await idToken(adminToken, { id: profileId });
    const claims = decodeJwt(token);
    expect(claims.pid).toBe(profileId);
    expect(claims.exp).toBe(exp);
    expect(exp).toBeGreaterThan(before);
  });

  it("finds the profile by an identity when id_handle names it", async () => {
    const identifier = `card-${crypto.randomUUID()}`;
    expect((await api(`/profiles/${profileId}/identities`, { method: "POST", token: adminToken, json: { handle: "loyalty_card", identifier } })).status).toBe(201);
    const { token } = await idToken(adminToken, { id: identifier, id_handle: "loyalty_card" });
    expect(decodeJwt(token).pid).toBe(profileId);
  });

  it("gives an anonymous token for an empty id, whose /profiles/me is a 404 (Omneo's encoding: pid is the string null)", async () => {
    const { token } = await idToken(adminToken, { id: "" });
    expect(decodeJwt(token).pid).toBe("null");
    const res = await id("/profiles/me", { token });
    expect(res.status).toBe(404);
    expect(res.headers.get("Content-Type")).toContain("application/problem+json");
  });

  it("refuses an unknown profile, an unknown field, no token and a token without profiles:read", async () => {
    const unknown = await id("/auth/token", { method: "POST", token: adminToken, json: { id: crypto.randomUUID() } });
    expect(unknown.status).toBe(422);
    expect((await problem(unknown)).errors).toHaveProperty(["id"]);
    const extra = await id("/auth/token", { method: "POST", token: adminToken, json: { id: profileId, pid: "x" } });
    expect(extra.status).toBe(422);
    expect(JSON.stringify((await problem(extra)).errors)).toContain("pid");
    expect((await id("/auth/token", { method: "POST", json: { id: profileId } })).status).toBe(401);
    const narrow = (await makeToken(["transactions:read"])).token;
    expect((await id("/auth/token", { method: "POST", token: narrow, json: { id: profileId } })).status).toBe(403);
  });
});

describe("/id/api/v1/profiles/me", () => {
  it("reads the shopper's own profile, balances and identities through the REST API's views", async () => {
    const { token } = await idToken(adminToken, { id: profileId });
    const me = await id("/profiles/me", { token });
    expect(me.status).toBe(200);
    const rest = ((await (await api(`/profiles/${profileId}`, { token: adminToken })).json()) as Json).data;
    expect(((await me.json()) as Json).data).toEqual(rest);
    const balances = await id("/profiles/me/balances", { token });
    expect(balances.status).toBe(200);
    // the same view as the REST API's (updated_at is the time of the read)
    const { updated_at: _mine, ...mine } = ((await balances.json()) as Json).data;
    const { updated_at: _theirs, ...theirs } = ((await (await api(`/profiles/${profileId}/balances`, { token: adminToken })).json()) as Json).data;
    expect(mine).toEqual(theirs);
    expect(mine.profile_id).toBe(profileId);
    const identities = await id("/profiles/me/identities", { token });
    expect(identities.status).toBe(200);
    expect(Array.isArray(((await identities.json()) as Json).data)).toBe(true);
  });

  it("creates, reads by id, updates and deletes the shopper's identity, on that profile only", async () => {
    const { token } = await idToken(adminToken, { id: profileId });
    const identifier = `sf-${crypto.randomUUID()}`;
    const created = await id("/profiles/me/identities", { method: "POST", token, json: { handle: "storefront", identifier } });
    expect(created.status).toBe(201);
    const identity = ((await created.json()) as Json).data;
    expect(identity.profile_id ?? profileId).toBe(profileId);
    const onRest = await api(`/profiles/${profileId}/identities/id/${identity.id}`, { token: adminToken });
    expect(((await onRest.json()) as Json).data.identifier).toBe(identifier);

    const updated = await id(`/profiles/me/identities/id/${identity.id}`, { method: "PUT", token, json: { identifier: `${identifier}-2` } });
    expect(updated.status).toBe(200);
    expect(((await updated.json()) as Json).data.identifier).toBe(`${identifier}-2`);
    expect((await id(`/profiles/me/identities/id/${identity.id}`, { method: "DELETE", token })).status).toBe(204);
    expect((await api(`/profiles/${profileId}/identities/id/${identity.id}`, { token: adminToken })).status).toBe(404);
  });

  it("cannot reach another profile's identity by its id", async () => {
    const theirs = ((await (await api(`/profiles/${otherId}/identities`, { method: "POST", token: adminToken, json: { handle: "storefront", identifier: `their-${crypto.randomUUID()}` } })).json()) as Json).data;
    const { token } = await idToken(adminToken, { id: profileId });
    expect((await id(`/profiles/me/identities/id/${theirs.id}`, { token })).status).toBe(404);
    expect((await id(`/profiles/me/identities/id/${theirs.id}`, { method: "DELETE", token })).status).toBe(404);
    expect((await api(`/profiles/${otherId}/identities/id/${theirs.id}`, { token: adminToken })).status).toBe(200);
  });

  it("updates the shopper's profile with the REST API's validation, and audits the change as the shopper", async () => {
    const { token } = await idToken(adminToken, { id: profileId });
    const ok = await id("/profiles/me", { method: "PUT", token, json: { first_name: "Idalina" } });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as Json).data.first_name).toBe("Idalina");
    const bad = await id("/profiles/me", { method: "PUT", token, json: { first_name: "x", favourite_colour: "teal" } });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(await problem(bad))).toContain("favourite_colour");
    const audit = await services().db.query.auditLog.findMany({ where: (a, { eq }) => eq(a.entityId, profileId), orderBy: (a, { desc }) => desc(a.at), limit: 5 });
    expect(audit.some((a) => /^shopper .* via ID token of token /.test(a.actorLabel))).toBe(true);
  });

  it("allows only the shopper's routes: staff work and path tricks are refused, never routed to another profile", async () => {
    const { token } = await idToken(adminToken, { id: profileId });
    // routes the REST API has for staff, not for a shopper
    expect((await id("/profiles/me/merge", { method: "POST", token, json: { source_id: otherId } })).status).toBe(404);
    expect((await id("/profiles/me/rewards", { method: "POST", token, json: {} })).status).toBe(405);
    expect((await id("/profiles/me", { method: "DELETE", token })).status).toBe(405);
    expect((await id("/profiles/me/purge", { method: "POST", token })).status).toBe(404);
    // ways out of /profiles/me
    for (const path of [`/profiles/me/..%2F${otherId}`, `/profiles/me/%2e%2e/${otherId}`, `/profiles/me//balances`, `/profiles/me/identities/id/a%2Fb`]) {
      const res = await id(path, { token });
      expect(res.status, path).toBe(404);
    }
    expect((await id("/nothing", { token })).status).toBe(404);
  });

  it("can never do more than the API token that minted it, re-checked on every request", async () => {
    const { token: readOnly, record } = await makeToken(["profiles:read"]);
    const { token } = await idToken(readOnly, { id: profileId });
    expect((await id("/profiles/me", { token })).status).toBe(200);
    expect((await id("/profiles/me", { method: "PUT", token, json: { first_name: "Nope" } })).status).toBe(403);
    // revoking the API token ends every ID token it minted
    await services().tokens.revoke(record.id, systemActor("test"));
    expect((await id("/profiles/me", { token })).status).toBe(401);
  });

  it("refuses a forged, expired or foreign-audience token with a 401", async () => {
    const { token } = await idToken(adminToken, { id: profileId });
    const [h, p] = token.split(".");
    expect((await id("/profiles/me", { token: `${h}.${p}.AAAA` })).status).toBe(401);
    const forged = await new SignJWT({ pid: otherId, tid: "x" }).setProtectedHeader({ alg: "HS256" }).setAudience("loyalty-edge:id").setIssuer("loyalty-edge").setExpirationTime("1h").sign(new TextEncoder().encode("not-the-secret-0123456789abcdef0123456789"));
    expect((await id("/profiles/me", { token: forged })).status).toBe(401);
    const sf = await api("/auth/storefront-tokens", { method: "POST", token: adminToken, json: { profile_id: profileId } });
    const storefrontToken = ((await sf.json()) as Json).data.token;
    expect((await id("/profiles/me", { token: storefrontToken })).status).toBe(401);
    expect((await id("/profiles/me", {})).status).toBe(401);
  });
});

describe("the allowlist", () => {
  it("names only routes the REST API documents under /profiles/{id}", async () => {
    const doc = (await (await api("/openapi.json")).json()) as { paths: Record<string, Record<string, unknown>> };
    for (const [method, template] of ID_ROUTES) {
      const path = `/profiles/{id}${template}`;
      const ops = doc.paths[path];
      expect(ops, `${method} ${path}`).toBeDefined();
      expect(Object.keys(ops!), `${method} ${path}`).toContain(method.toLowerCase());
    }
  });

  it("matches whole segments only", () => {
    expect(idRouteAllowed("GET", "")).toBe(true);
    expect(idRouteAllowed("GET", "/identities/id/abc")).toBe(true);
    expect(idRouteAllowed("GET", "/identities/id/abc/extra")).toBe(false);
    expect(idRouteAllowed("GET", "/identities/id/..")).toBe(false);
    expect(idRouteAllowed("GET", "/identities/id/a%2fb")).toBe(false);
    expect(idRouteAllowed("GET", "balances")).toBe(false);
    expect(idRouteAllowed("POST", "/balances")).toBe(false);
  });
});
