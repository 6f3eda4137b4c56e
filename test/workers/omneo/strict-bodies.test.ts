// Strict bodies: a field the API does not declare is a 422 naming it (however deep), never passed over
// in silence, and the refused request writes nothing; Omneo's own names are accepted where they map.
import { beforeAll, describe, expect, it } from "vitest";
import { profiles } from "../../../db/schema";
import { api, countRows, makeToken, problem } from "../helpers";

let token: string;
beforeAll(async () => {
  token = (await makeToken(["*"])).token;
});
const email = () => `strict-${crypto.randomUUID()}@example.test`;

describe("unknown body fields", () => {
  it("an unknown top-level field on a profile is a 422 naming it, and nothing is written", async () => {
    const before = await countRows(profiles);
    const res = await api("/profiles", { method: "POST", token, json: { email: email(), first_name: "Ann", shoe_size: 9 } });
    expect(res.status).toBe(422);
    const body = await problem(res);
    expect(body.errors).toEqual({ shoe_size: ['Unknown field "shoe_size"'] });
    expect(body.detail).toContain("shoe_size");
    expect(await countRows(profiles)).toBe(before);
  });

  it("an unknown nested field is named by its path", async () => {
    const res = await api("/profiles", { method: "POST", token, json: { email: email(), identities: [{ handle: "shopify", identifier: "1", colour: "red" }] } });
    expect(res.status).toBe(422);
    expect((await problem(res)).errors).toHaveProperty(["identities.0.colour"]);
  });

  it("an unknown field on a transaction item is refused", async () => {
    const res = await api("/transactions", {
      method: "POST",
      token,
      json: { external_id: `strict-${crypto.randomUUID()}`, total: 10, items: [{ sku: "S1", name: "Tee", quantity: 1, price_sell: 10, flavour: "mint" }] },
    });
    expect(res.status).toBe(422);
    expect((await problem(res)).errors).toEqual({ "items.0.flavour": [`Unknown field "items.0.flavour"`] });
  });

  it("an unknown field on an API token is refused", async () => {
    const res = await api("/auth/api-tokens", { method: "POST", token, json: { name: "pos", scopes: ["*"], admin: true } });
    expect(res.status).toBe(422);
    expect((await problem(res)).errors).toEqual({ admin: ['Unknown field "admin"'] });
  });
});

describe("Omneo's profile_type", () => {
  it("is honoured on create and returned under both names", async () => {
    const res = await api("/profiles", { method: "POST", token, json: { email: email(), profile_type: "pending" } });
    expect(res.status).toBe(201);
    const { data } = (await res.json()) as { data: { id: string; type: string; profile_type: string } };
    expect(data).toMatchObject({ type: "pending", profile_type: "pending" });

    const changed = await api(`/profiles/${data.id}/update-type`, { method: "PUT", token, json: { profile_type: "active" } });
    expect(changed.status).toBe(200);
    expect(((await changed.json()) as { data: { profile_type: string } }).data.profile_type).toBe("active");
  });

  it("an Omneo type we do not model is a 422 naming profile_type, not an active member", async () => {
    const before = await countRows(profiles);
    const res = await api("/profiles", { method: "POST", token, json: { email: email(), profile_type: "temporary" } });
    expect(res.status).toBe(422);
    expect((await problem(res)).errors).toEqual({ profile_type: [expect.stringContaining('"temporary" is an Omneo type')] });
    expect(await countRows(profiles)).toBe(before);
  });

  it("update-type with neither name is a 422 naming profile_type", async () => {
    const created = await api("/profiles", { method: "POST", token, json: { email: email() } });
    const { data } = (await created.json()) as { data: { id: string } };
    const res = await api(`/profiles/${data.id}/update-type`, { method: "PUT", token, json: {} });
    expect(res.status).toBe(422);
    expect((await problem(res)).errors).toHaveProperty(["profile_type"]);
  });
});
