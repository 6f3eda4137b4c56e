// Omneo's token routes as its SDK calls them: POST /auth/api-tokens answers {accessToken, token} beside our
// data (a token asked for in Omneo's scope names expires in a year, as Omneo's do), GET /auth/access-tokens
// answers a bare array of the current or the expired tokens, and a revoked one leaves the current list.
import { beforeAll, describe, expect, it } from "vitest";
import { api, makeToken, problem } from "../helpers";

type Json = Record<string, any>;
let admin: string;
let adminUserId: string;

beforeAll(async () => {
  const made = await makeToken(["*"], { role: "admin" });
  admin = made.token;
  adminUserId = made.owner.id;
});

async function createToken(body: Json): Promise<Json> {
  const res = await api("/auth/api-tokens", { token: admin, method: "POST", json: body });
  const text = await res.text();
  expect(res.status, text).toBe(201);
  return JSON.parse(text) as Json;
}

describe("POST /auth/api-tokens in Omneo's form", () => {
  it("answers Omneo's accessToken and token beside data, echoing the scope names asked for, expiring in a year", async () => {
    const body = await createToken({ name: "omneo form", scopes: ["read-profiles", "create-rewards"] });
    expect(body.accessToken).toBe(body.data.token);
    expect(body.token).toMatchObject({ id: body.data.id, name: "omneo form", scopes: ["read-profiles", "create-rewards"], revoked: false, client_id: null });
    expect(body.data.scopes).toEqual(["profiles:read", "incentives:write"]);
    const days = (new Date(body.token.expires_at).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(364);
    expect(days).toBeLessThan(366);
    // the secret works
    expect((await api("/auth/verify", { token: body.accessToken })).status).toBe(200);
  });

  it("keeps our form as it was: our scope names, no expiry unless asked", async () => {
    const body = await createToken({ name: "our form", scopes: ["profiles:read"] });
    expect(body.data.expires_at).toBeNull();
    expect(body.token.scopes).toEqual(["profiles:read"]);
    expect(body.token.expires_at).toBe("9999-12-31T23:59:59.000Z");
  });
});

describe("GET /auth/access-tokens", () => {
  it("lists current tokens as a bare array, drops a revoked one, and lists expired ones apart", async () => {
    const created = await createToken({ name: "to revoke", scopes: ["read-profiles"] });
    const expired = (await createToken({ name: "short-lived", scopes: ["profiles:read"], expires_at: new Date(Date.now() + 1000).toISOString() })).data;
    const current = async () => {
      const res = await api("/auth/access-tokens?type=current", { token: admin });
      expect(res.status).toBe(200);
      return (await res.json()) as Json[];
    };
    const before = await current();
    expect(Array.isArray(before)).toBe(true);
    expect(before.find((t) => t.id === created.token.id)).toMatchObject({ name: "to revoke", revoked: false });
    expect(before.every((t) => new Date(t.expires_at).getTime() > Date.now())).toBe(true);

    expect((await api(`/auth/api-tokens/${created.token.id}`, { token: admin, method: "DELETE" })).status).toBe(200);
    expect((await current()).find((t) => t.id === created.token.id)).toBeUndefined();

    await new Promise((r) => setTimeout(r, 1100));
    const res = await api("/auth/access-tokens?type=expired", { token: admin });
    const list = (await res.json()) as Json[];
    expect(list.map((t) => t.id)).toContain(expired.id);
    expect(list.every((t) => new Date(t.expires_at).getTime() <= Date.now())).toBe(true);
    expect((await current()).map((t) => t.id)).not.toContain(expired.id);
  });

  it("answers any token, with its own user's tokens only", async () => {
    const other = await makeToken(["profiles:read"]);
    const res = await api("/auth/access-tokens", { token: other.token });
    expect(res.status).toBe(200);
    const list = (await res.json()) as Json[];
    expect(list.map((t) => t.id)).toEqual([other.record.id]);
    expect(list.every((t) => t.user_id === other.owner.id && t.user_id !== adminUserId)).toBe(true);
  });
});

describe("GET /auth/verify", () => {
  it("carries Omneo's status 200 in the body beside who the token acts for", async () => {
    const res = await api("/auth/verify", { token: admin });
    expect(res.status).toBe(200);
    expect((await res.json()) as Json).toMatchObject({ status: 200, data: { user: { id: adminUserId } } });
  });

  it("refuses an unknown type with a 422 and an unknown parameter with a 400", async () => {
    expect((await api("/auth/access-tokens?type=all", { token: admin })).status).toBe(422);
    const res = await api("/auth/access-tokens?colour=red", { token: admin });
    expect(res.status).toBe(400);
    expect((await problem(res)).detail).toContain("colour");
  });
});
