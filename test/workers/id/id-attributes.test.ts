// The shopper's custom attributes (`namespace:handle`) and named dates through the ID API: the REST API's
// /profiles/{id}/attributes routes for the token's profile, never another's. Each was a 404 before.
import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { api, BASE, makeToken } from "../helpers";
import { makeProfile } from "../commerce/support";

type Json = Record<string, any>;
let admin: string;
let profileId: string;
let otherId: string;
let idToken: string;

function id(path: string, init: RequestInit & { json?: unknown } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("Authorization", `Bearer ${idToken}`);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set("Content-Type", "application/json");
    body = JSON.stringify(init.json);
  }
  return exports.default.fetch(new Request(new URL(`/id/api/v1${path}`, BASE), { ...init, headers, body }));
}

beforeAll(async () => {
  admin = (await makeToken(["*"])).token;
  profileId = (await makeProfile(admin)).id;
  otherId = (await makeProfile(admin)).id;
  const minted = await exports.default.fetch(
    new Request(new URL("/id/api/v1/auth/token", BASE), { method: "POST", headers: { Authorization: `Bearer ${admin}`, "Content-Type": "application/json" }, body: JSON.stringify({ id: profileId }) }),
  );
  idToken = ((await minted.json()) as Json).data.token;
});

describe("/id/api/v1/profiles/me/attributes/custom", () => {
  it("puts, reads, lists and deletes the shopper's own custom attribute", async () => {
    const put = await id("/profiles/me/attributes/custom/shop:size", { method: "PUT", json: { type: "string", value: "M" } });
    expect(put.status).toBe(200);
    expect(((await put.json()) as Json).data).toMatchObject({ profile_id: profileId, namespace: "shop", handle: "size", type: "string", value: "M" });
    const one = await id("/profiles/me/attributes/custom/shop:size");
    expect(((await one.json()) as Json).data.value).toBe("M");
    const list = ((await (await id("/profiles/me/attributes/custom")).json()) as Json).data as Json[];
    expect(list.map((a) => `${a.namespace}:${a.handle}`)).toContain("shop:size");
    // the REST API sees it on this profile, and not on another
    expect((await api(`/profiles/${profileId}/attributes/custom/shop:size`, { token: admin })).status).toBe(200);
    expect((await api(`/profiles/${otherId}/attributes/custom/shop:size`, { token: admin })).status).toBe(404);
    expect((await id("/profiles/me/attributes/custom/shop:size", { method: "DELETE" })).status).toBe(204);
    expect((await id("/profiles/me/attributes/custom/shop:size")).status).toBe(404);
  });
});

describe("/id/api/v1/profiles/me/attributes/dates", () => {
  it("adds, lists and deletes the shopper's own named date", async () => {
    const handle = `anniv_${crypto.randomUUID().slice(0, 8)}`;
    const put = await id("/profiles/me/attributes/dates", {
      method: "PUT",
      json: { name: "Anniversary", date: "2024-12-02", type: "test", handle, is_recurring: true, recurring_schedule: "Yearly", note: "n", relationship: "Me", description: "d" },
    });
    expect(put.status).toBe(200);
    const date = ((await put.json()) as Json).data;
    expect(date).toMatchObject({ profile_id: profileId, handle, name: "Anniversary", relationship: "Me" });
    const list = ((await (await id("/profiles/me/attributes/dates")).json()) as Json).data as Json[];
    expect(list.some((d) => d.handle === handle)).toBe(true);
    expect(((await (await api(`/profiles/${otherId}/attributes/dates`, { token: admin })).json()) as Json).data).toEqual([]);
    const del = await id(`/profiles/me/attributes/dates/${date.id}`, { method: "DELETE" });
    expect(del.status).toBe(200);
    expect((((await del.json()) as Json).data as Json[]).some((d) => d.handle === handle)).toBe(false);
  });
});
