// The Omneo ID routes with no REST route of their own path (find-transactions, group_transactions,
// aggregations/calculate), and the REST routes the ID client reaches that the allowlist lacked (a benefit by
// id, deleting an identity by handle). Each answered 404 before.
import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { api, BASE, makeToken, problem } from "../helpers";
import { makeProfile, postTx, simpleReceipt, uid } from "../commerce/support";

type Json = Record<string, any>;
let admin: string;
let profileId: string;
let otherId: string;
let idToken: string;
const receipts: Json[] = [];

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
  for (const [i, who] of [profileId, profileId, profileId, otherId].entries()) {
    receipts.push((await postTx(admin, simpleReceipt(10 + i, { profile_id: who, transacted_at: `2024-06-0${i + 1}T10:00:00Z` }), 201)).data);
  }
  const minted = await exports.default.fetch(
    new Request(new URL("/id/api/v1/auth/token", BASE), { method: "POST", headers: { Authorization: `Bearer ${admin}`, "Content-Type": "application/json" }, body: JSON.stringify({ id: profileId }) }),
  );
  idToken = ((await minted.json()) as Json).data.token;
});

describe("GET /id/api/v1/profiles/me/find-transactions", () => {
  it("answers the shopper's transaction with that external_id as one object", async () => {
    const mine = receipts[1]!;
    const res = await id(`/profiles/me/find-transactions?filter[external_id]=${encodeURIComponent(mine.external_id)}`);
    expect(res.status).toBe(200);
    const { data } = (await res.json()) as Json;
    expect(data.id).toBe(mine.id);
    expect(data.profile_id).toBe(profileId);
  });

  it("never finds another profile's transaction, and names what it does not take", async () => {
    const theirs = receipts[3]!;
    const res = await id(`/profiles/me/find-transactions?filter[external_id]=${encodeURIComponent(theirs.external_id)}`);
    expect(res.status).toBe(404);
    expect(res.headers.get("Content-Type")).toContain("application/problem+json");
    // a filter it does not know is refused, not ignored (ignoring it could answer another of the shopper's receipts)
    const unknown = await id(`/profiles/me/find-transactions?filter[external_id]=${encodeURIComponent(receipts[0]!.external_id)}&filter[total]=10`);
    expect(unknown.status).toBe(400);
    expect((await problem(unknown)).errors).toHaveProperty(["filter[total]"]);
    // a profile_id of the shopper's choosing cannot widen it
    expect((await id(`/profiles/me/find-transactions?filter[profile_id]=${otherId}&filter[external_id]=${theirs.external_id}`)).status).toBe(400);
    const none = await id("/profiles/me/find-transactions");
    expect(none.status).toBe(422);
    expect((await problem(none)).errors).toHaveProperty(["filter[external_id]"]);
  });
});

describe("GET /id/api/v1/profiles/me/group_transactions", () => {
  it("pages the shopper's transactions as Omneo's groups, one per receipt, in Laravel's paginator", async () => {
    const res = await id("/profiles/me/group_transactions?page[size]=2");
    expect(res.status).toBe(200);
    const page = (await res.json()) as Json;
    expect(page).toMatchObject({ current_page: 1, per_page: 2, total: 3, last_page: 2, from: 1, to: 2, prev_page_url: null });
    expect(page.next_page_url).toContain("page%5Bnumber%5D=2");
    expect(page.data).toHaveLength(2);
    // newest first, as the REST list
    expect(page.data[0]).toEqual({ order_number: null, transaction_id: receipts[2]!.id, number_transactions: 1, latest_updated_at: receipts[2]!.created_at, latest_transacted_at: receipts[2]!.transacted_at });
    const second = (await (await id("/profiles/me/group_transactions?page[size]=2&page[number]=2")).json()) as Json;
    expect(second).toMatchObject({ current_page: 2, from: 3, to: 3, next_page_url: null });
    expect(second.data.map((g: Json) => g.transaction_id)).toEqual([receipts[0]!.id]);
    expect((await id("/profiles/me/group_transactions?sort=total")).status).toBe(400);
  });
});

describe("GET /id/api/v1/profiles/me/aggregations/calculate", () => {
  it("answers the shopper's aggregations, as the REST route does (they are kept current on every receipt)", async () => {
    const res = await id("/profiles/me/aggregations/calculate");
    expect(res.status).toBe(200);
    const calculated = ((await res.json()) as Json).data;
    const rest = ((await (await api(`/profiles/${profileId}/aggregations`, { token: admin })).json()) as Json).data;
    expect(calculated).toEqual(rest);
    expect(calculated.profile_id).toBe(profileId);
    expect((await id("/profiles/me/aggregations/calculate", { method: "POST" })).status).toBe(405);
  });
});

describe("routes the ID client calls that the allowlist lacked", () => {
  it("deletes the shopper's identity by its handle, and not another profile's", async () => {
    const handle = `sf_${uid().toLowerCase().replace(/[^a-z0-9]/g, "")}`.slice(0, 40);
    const made = await id("/profiles/me/identities", { method: "POST", json: { handle, identifier: uid("card-") } });
    expect(made.status).toBe(201);
    const theirs = await api(`/profiles/${otherId}/identities`, { method: "POST", token: admin, json: { handle: `${handle}_x`, identifier: uid("card-") } });
    expect(theirs.status).toBe(201);
    expect((await id(`/profiles/me/identities/${handle}_x`, { method: "DELETE" })).status).toBe(404);
    expect((await api(`/profiles/${otherId}/identities/${handle}_x`, { token: admin })).status).toBe(200);
    expect((await id(`/profiles/me/identities/${handle}`, { method: "DELETE" })).status).toBe(204);
    expect((await id(`/profiles/me/identities/${handle}`)).status).toBe(404);
  });

  it("reads one of the shopper's benefits by id (and 404s another's)", async () => {
    const list = await id("/profiles/me/benefits");
    expect(list.status).toBe(200);
    // the route is reached (not refused by the allowlist): an unknown instance is the REST route's 404, not a 405
    const res = await id(`/profiles/me/benefits/${crypto.randomUUID()}`);
    expect(res.status).toBe(404);
    expect((await problem(res)).detail).not.toMatch(/No route/);
  });
});

describe("the base followed by a doubled slash", () => {
  it("reads /id/api/v1//profiles/me/… as one slash, as Omneo's own clients send it, and only there", async () => {
    const identifier = uid("slash-");
    const res = await id("//profiles/me/identities", { method: "POST", json: { handle: "storefront_slash", identifier } });
    expect(res.status).toBe(201);
    expect(((await res.json()) as Json).data.identifier).toBe(identifier);
    expect((await id("///profiles/me")).status).toBe(200);
    // further in, an empty segment is still no route
    expect((await id("/profiles/me//balances")).status).toBe(404);
  });
});
