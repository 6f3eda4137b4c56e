// No list ignores a filter: every list route of the OpenAPI document answers an unknown filter, sort
// or include with a 400 naming it (an ignored filter once let a cleanup delete unrelated members), and
// the filters Omneo's SDK sends are honoured.
import { beforeAll, describe, expect, it } from "vitest";
import { api, makeToken, problem } from "../helpers";

let token: string;
let storefront: string;
let profileId: string;

type Operation = { parameters?: Array<{ name: string; in: string }>; responses?: Record<string, { content?: Record<string, { schema?: Schema }> }> };
type Schema = { type?: string; properties?: Record<string, Schema>; $ref?: string; items?: Schema };

async function profile(email: string, first_name: string, type?: string) {
  const res = await api("/profiles", { method: "POST", token, json: { email, first_name, last_name: "Lister", ...(type ? { type } : {}) } });
  expect(res.status).toBe(201);
  return ((await res.json()) as { data: { id: string } }).data.id;
}

beforeAll(async () => {
  token = (await makeToken(["*"], { role: "admin" })).token; // an Admin's: /users answers only an Admin's * token
  profileId = await profile(`walker-${crypto.randomUUID()}@example.test`, "Walker");
  const res = await api("/auth/storefront-tokens", { method: "POST", token, json: { profile_id: profileId } });
  storefront = ((await res.json()) as { data: { token: string } }).data.token;
});

/** GET operations whose 200 body is a list (`data` is an array), with their path parameters filled. */
async function listRoutes(): Promise<string[]> {
  const doc = (await (await api("/openapi.json")).json()) as { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };
  const resolve = (s: Schema | undefined): Schema | undefined => (s?.$ref ? doc.components.schemas[s.$ref.split("/").pop()!] : s);
  const out: string[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    const get = ops.get;
    const schema = resolve(get?.responses?.["200"]?.content?.["application/json"]?.schema);
    if (resolve(schema?.properties?.data)?.type !== "array") continue;
    out.push(path.replace(/\{[^}]+\}/g, profileId));
  }
  return out;
}

describe("every list route refuses what it does not know", () => {
  it("finds the list routes in the OpenAPI document", async () => {
    const routes = await listRoutes();
    expect(routes).toEqual(expect.arrayContaining(["/profiles", "/transactions", "/rewards/definitions", "/locations", "/products", "/auth/api-tokens"]));
  });

  it("answers an unknown filter with a 400 naming it, on every list route", async () => {
    const failures: string[] = [];
    for (const path of await listRoutes()) {
      const res = await api(`${path}?filter[no_such_field]=x`, { token: path.startsWith("/profiles/me") ? storefront : token });
      const body = (await res.json()) as { errors?: Record<string, string[]>; detail?: string };
      if (res.status !== 400 || !body.errors?.["filter[no_such_field]"]) failures.push(`${path}: ${res.status} ${body.detail ?? ""}`);
    }
    expect(failures).toEqual([]);
  });

  it("answers an unknown sort field, filter operator and include with a 400 naming each", async () => {
    let res = await api("/profiles?sort=-shoe_size", { token });
    expect(res.status).toBe(400);
    expect((await problem(res)).errors).toEqual({ sort: [expect.stringContaining('"shoe_size"')] });
    res = await api("/profiles?filter[email][gt]=a", { token });
    expect(res.status).toBe(400);
    expect((await problem(res)).errors).toHaveProperty(["filter[email][gt]"]);
    res = await api("/profiles?include=everything", { token });
    expect(res.status).toBe(400);
    expect((await problem(res)).detail).toContain("include");
  });
});

describe("the filters Omneo's SDK sends are honoured", () => {
  it("filter[email] finds that member only, in any case", async () => {
    const email = `Find.Me-${crypto.randomUUID()}@example.test`;
    const id = await profile(email, "Findme");
    const res = await api(`/profiles?filter[email]=${encodeURIComponent(email.toUpperCase())}`, { token });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: Array<{ id: string }>; meta: { total: number } };
    expect(body.data.map((p) => p.id)).toEqual([id]);
    expect(body.meta.total).toBe(1);
    const none = (await (await api(`/profiles?filter[email]=nobody-${crypto.randomUUID()}@example.test`, { token })).json()) as { data: unknown[] };
    expect(none.data).toEqual([]);
  });

  it("filter[first_name] with filter[profile_type] finds only those of that type", async () => {
    const name = `Batch${crypto.randomUUID().slice(0, 8)}`;
    const pending = await profile(`b1-${crypto.randomUUID()}@example.test`, name, "pending");
    await profile(`b2-${crypto.randomUUID()}@example.test`, name);
    const res = await api(`/profiles?filter[first_name]=${name.toUpperCase()}&filter[profile_type]=pending`, { token });
    const body = (await res.json()) as { data: Array<{ id: string }> };
    expect(body.data.map((p) => p.id)).toEqual([pending]);
  });

  it("sorts by a declared field", async () => {
    const res = await api("/profiles?sort=email&page[size]=100", { token });
    expect(res.status).toBe(200);
    const emails = ((await res.json()) as { data: Array<{ email: string }> }).data.map((p) => p.email);
    expect(emails).toEqual([...emails].sort());
  });
});
