// Omneo's routes for the customer record, as its SDK calls them: thin aliases over our services.
import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { api, BASE, makeToken, problem } from "../helpers";

type Json = Record<string, any>;  
let token: string;
let profileId: string;
const handle = `pos_${crypto.randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  token = (await makeToken(["*"])).token;
  const res = await api("/profiles", { method: "POST", token, json: { email: `omneo-${crypto.randomUUID()}@example.test`, first_name: "Omi" } });
  profileId = ((await res.json()) as Json).data.id;
});

describe("identities, Omneo's way", () => {
  it("reads, updates and deletes a profile's identity by handle and by id", async () => {
    const identifier = `card-${crypto.randomUUID()}`;
    const created = await api(`/profiles/${profileId}/identities`, { method: "POST", token, json: { handle, identifier } });
    expect(created.status).toBe(201);
    const identity = ((await created.json()) as Json).data;

    const got = await api(`/profiles/${profileId}/identities/${handle}`, { token });
    expect(((await got.json()) as Json).data).toMatchObject({ id: identity.id, handle, identifier });
    const byId = await api(`/profiles/${profileId}/identities/id/${identity.id}`, { token });
    expect(((await byId.json()) as Json).data.id).toBe(identity.id);

    const changed = await api(`/profiles/${profileId}/identities/${handle}`, { method: "PUT", token, json: { handle, identifier: `${identifier}-2` } });
    expect(changed.status).toBe(200);
    expect(((await changed.json()) as Json).data.identifier).toBe(`${identifier}-2`);

    // search-profile and the global list find it
    const found = await api(`/identities/search-profile/${identifier}-2`, { token });
    expect(((await found.json()) as Json).data.map((p: Json) => p.id)).toEqual([profileId]);
    const listed = (await (await api(`/identities?filter[handle]=${handle}&include=profile`, { token })).json()) as Json;
    expect(listed.data).toHaveLength(1);
    expect(listed.data[0]).toMatchObject({ handle, profile_id: profileId, profile: { id: profileId } });

    const del = await api(`/profiles/${profileId}/identities/${handle}`, { method: "DELETE", token });
    expect(del.status).toBe(204);
    expect((await api(`/profiles/${profileId}/identities/${handle}`, { token })).status).toBe(404);
  });

  it("refuses an identifier that belongs to another profile", async () => {
    const taken = `taken-${crypto.randomUUID()}`;
    const other = ((await (await api("/profiles", { method: "POST", token, json: { email: `other-${crypto.randomUUID()}@example.test` } })).json()) as Json).data.id;
    await api(`/profiles/${other}/identities`, { method: "POST", token, json: { handle, identifier: taken } });
    const mine = ((await (await api(`/profiles/${profileId}/identities`, { method: "POST", token, json: { handle, identifier: `mine-${crypto.randomUUID()}` } })).json()) as Json).data;
    const res = await api(`/profiles/${profileId}/identities/id/${mine.id}`, { method: "PUT", token, json: { identifier: taken } });
    expect(res.status).toBe(422);
    expect((await problem(res)).errors).toHaveProperty(["identifier"]);
  });
});

describe("profiles/search-id", () => {
  it("finds a profile by an identity handle, by email, and says 404 for nothing", async () => {
    const identifier = `sid-${crypto.randomUUID()}`;
    await api(`/profiles/${profileId}/identities`, { method: "POST", token, json: { handle: "shopify", identifier } });
    const res = await api("/profiles/search-id", { method: "POST", token, json: { type: "shopify", id: identifier } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Json).data.id).toBe(profileId);
    const missing = await api("/profiles/search-id", { method: "POST", token, json: { type: "shopify", id: `none-${identifier}` } });
    expect(missing.status).toBe(404);
  });
});

describe("health", () => {
  it("answers at /api/health", async () => {
    const res = await exports.default.fetch(new Request(new URL("/api/health", BASE)));
    expect(res.status).toBe(200);
  });
});

describe("auth/verify", () => {
  it("answers 200 with the token's user for a good token and 401 for a bad one", async () => {
    const res = await api("/auth/verify", { token });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Json).data).toHaveProperty("user");
    expect((await api("/auth/verify", { token: "le_not_a_token" })).status).toBe(401);
  });
});
