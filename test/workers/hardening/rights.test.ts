// Issue 14, rights: a token is bounded by its owner's current role on every request, destructive
// profile operations need the admin scope, /parties reaches only the live feed from our own origin,
// ledger operations by hand are audited, and the console sends CSP, HSTS and a __Host- cookie it renews.
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { auditLog, sessions } from "../../../db/schema/access";
import { systemActor } from "../../../workers/access/actor";
import { sha256Hex } from "../../../workers/platform/crypto";
import { api, fetchWorker, makeToken, makeUser, services, SESSION_COOKIE, signedInAs } from "../helpers";
import { uid } from "../commerce/support";
import { json, makeProfile, pointsProgramme } from "../incentives/ledger-support";

let admin: string;
beforeAll(async () => {
  admin = (await makeToken(["*"])).token;
});

describe("a token is bounded by its owner's current role", () => {
  it("a demoted Admin's * token can no longer write configuration; a deactivated owner's token is a 401", async () => {
    await makeUser("admin"); // another Admin, so this owner is not the last one
    const { token, owner } = await makeToken(["*"], { role: "admin" });
    expect((await api("/locations", { method: "POST", token, json: { name: `Before ${uid()}`, type: "store" } })).status).toBe(201);

    await services().users.update(owner.id, { role: "reporting" }, systemActor("test"));
    expect((await api("/locations", { method: "POST", token, json: { name: `After ${uid()}`, type: "store" } })).status).toBe(403);
    expect((await api("/auth/api-tokens", { token })).status).toBe(403);
    // what the Reporting role may still do, the token still does
    expect((await api("/locations", { token })).status).toBe(200);

    await services().users.update(owner.id, { is_active: false }, systemActor("test"));
    expect((await api("/locations", { token })).status).toBe(401);
  });
});

describe("destructive profile operations need the * scope", () => {
  it("merge, delete and restore with profiles:write are a 403 and change nothing", async () => {
    const { token } = await makeToken(["profiles:write"]);
    const a = await makeProfile(admin);
    const b = await makeProfile(admin);
    expect((await api(`/profiles/${a.id}/merge`, { method: "POST", token, json: { loser_id: b.id } })).status).toBe(403);
    expect((await api(`/profiles/${a.id}`, { method: "DELETE", token })).status).toBe(403);
    expect((await api(`/profiles/${b.id}`, { token: admin })).status).toBe(200);
    expect((await api(`/profiles/${a.id}`, { method: "DELETE", token: admin })).status).toBe(200);
    expect((await api(`/profiles/${a.id}/restore`, { method: "POST", token })).status).toBe(403);
    expect((await api(`/profiles/${a.id}/restore`, { method: "POST", token: admin })).status).toBe(200);
  });
});

describe("/parties", () => {
  it("routes only to the live feed, and only from the console's origin", async () => {
    const { cookie } = await signedInAs("manager");
    const other = await fetchWorker(`/parties/profile-ledger/${crypto.randomUUID()}`, { cookie, headers: { Upgrade: "websocket" } });
    expect(other.status).toBe(404);
    const crossSite = await fetchWorker("/parties/live-feed/signups", { cookie, headers: { Upgrade: "websocket", Origin: "https://evil.example" } });
    expect(crossSite.status).toBe(403);
    const bogus = await fetchWorker("/parties/live-feed/signups", { cookie, headers: { Upgrade: "websocket", Origin: "not a url" } });
    expect(bogus.status).toBe(403);
  });
});

describe("ledger operations are audited", () => {
  it("a redemption and its reversal each write an audit entry", async () => {
    const { def } = await pointsProgramme(admin);
    const profile = await makeProfile(admin);
    await json(await api(`/profiles/${profile.id}/points`, { method: "POST", token: admin, json: { point_definition_id: def.id, value: 500, reason: "welcome" } }), 201);
    const r = await json<{ id: string }>(await api(`/profiles/${profile.id}/redemptions`, { method: "POST", token: admin, json: { strategy: "points", amount: 1 } }), 201);
    expect((await api(`/redemptions/${r.id}/reversal`, { method: "POST", token: admin })).status).toBeLessThan(300);
    const rows = await services().db.select().from(auditLog).where(eq(auditLog.entityId, profile.id));
    const actions = rows.map((x) => x.action);
    expect(actions).toContain("redemption.created");
    expect(actions).toContain("redemption.reversed");
  });
});

describe("console headers and the session cookie", () => {
  it("pages carry CSP and HSTS; the cookie is __Host- and its Expires is renewed when the session slides", async () => {
    const login = await fetchWorker("/login");
    expect(login.headers.get("Content-Security-Policy")).toContain("frame-ancestors 'none'");
    expect(login.headers.get("Strict-Transport-Security")).toMatch(/max-age=\d+/);
    expect(SESSION_COOKIE.startsWith("__Host-")).toBe(true);

    const { cookie } = await signedInAs("manager");
    const token = cookie.slice(`${SESSION_COOKIE}=`.length);
    // as if the session was last extended an hour ago
    const idHash = await sha256Hex(token);
    await services().db.update(sessions).set({ expiresAt: new Date(Date.now() + 60 * 60 * 1000) }).where(and(eq(sessions.idHash, idHash)));
    const res = await fetchWorker("/dashboard", { cookie });
    const set = res.headers.get("Set-Cookie") ?? "";
    expect(set).toContain(`${SESSION_COOKIE}=${token}`);
    const expires = new Date(/Expires=([^;]+)/.exec(set)![1]!);
    expect(expires.getTime()).toBeGreaterThan(Date.now() + 2 * 60 * 60 * 1000);
  });
});
