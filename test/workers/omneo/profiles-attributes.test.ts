// Omneo's per-attribute routes on a profile: custom attributes by namespace:handle, the search of profiles
// by custom attribute, and named dates as records (dates_attributes on PUT /profiles/{id},
// /profiles/{id}/attributes/dates), in the shapes the SDK reads.
import { beforeAll, describe, expect, it } from "vitest";
import { api, makeToken, problem } from "../helpers";

type Json = Record<string, any>;
let token: string;
beforeAll(async () => {
  token = (await makeToken(["*"])).token;
});

async function newProfile(extra: Json = {}): Promise<Json> {
  const res = await api("/profiles", { method: "POST", token, json: { first_name: "Attr", last_name: "Test", email: `attr-${crypto.randomUUID()}@example.com`, ...extra } });
  expect(res.status).toBe(201);
  return ((await res.json()) as Json).data;
}
const body = async (res: Response) => ((await res.json()) as Json).data;

describe("custom attributes by namespace:handle", () => {
  it("sets, reads, lists, changes and removes one, then answers 404 for it", async () => {
    const p = await newProfile();
    const path = `/profiles/${p.id}/attributes/custom/loyalty:favourite_store`;
    expect((await api(path, { token })).status).toBe(404);

    const put = await api(path, { method: "PUT", token, json: { type: "string", value: "Chadstone" } });
    expect(put.status).toBe(200);
    expect(await body(put)).toEqual({ profile_id: p.id, namespace: "loyalty", handle: "favourite_store", type: "string", value: "Chadstone" });
    expect(await body(await api(path, { token }))).toMatchObject({ profile_id: p.id, value: "Chadstone" });

    const changed = await api(path, { method: "PUT", token, json: { type: "string", value: "Doncaster" } });
    expect((await body(changed)).value).toBe("Doncaster");
    const list = await body(await api(`/profiles/${p.id}/attributes/custom`, { token }));
    expect(list).toEqual([{ profile_id: p.id, namespace: "loyalty", handle: "favourite_store", type: "string", value: "Doncaster" }]);
    // the profile carries it both ways: our list and Omneo's namespace → handle → value
    const profile = await body(await api(`/profiles/${p.id}`, { token }));
    expect(profile.custom_attributes).toEqual({ loyalty: { favourite_store: "Doncaster" } });

    const del = await api(path, { method: "DELETE", token });
    expect(del.status).toBe(204);
    expect((await api(path, { token })).status).toBe(404);
    expect((await api(path, { method: "DELETE", token })).status).toBe(404);
  });

  it("refuses a value of another type, a key without a colon and unknown body fields, writing nothing", async () => {
    const p = await newProfile();
    const wrong = await api(`/profiles/${p.id}/attributes/custom/a:b`, { method: "PUT", token, json: { type: "number", value: "x" } });
    expect(wrong.status).toBe(422);
    expect((await problem(wrong)).errors).toHaveProperty(["value"]);
    const noColon = await api(`/profiles/${p.id}/attributes/custom/ab`, { method: "PUT", token, json: { value: "x" } });
    expect(noColon.status).toBe(422);
    const extra = await api(`/profiles/${p.id}/attributes/custom/a:b`, { method: "PUT", token, json: { value: "x", colour: "red" } });
    expect(extra.status).toBe(422);
    expect(await body(await api(`/profiles/${p.id}/attributes/custom`, { token }))).toEqual([]);
    expect((await api(`/profiles/not-a-profile/attributes/custom/a:b`, { method: "PUT", token, json: { value: "x" } })).status).toBe(404);
  });

  it("finds the profiles holding an attribute with one of the values, with the list envelope", async () => {
    const tag = crypto.randomUUID().slice(0, 8);
    const a = await newProfile();
    const b = await newProfile();
    await api(`/profiles/${a.id}/attributes/custom/find_${tag}:colour`, { method: "PUT", token, json: { type: "string", value: "red" } });
    await api(`/profiles/${b.id}/attributes/custom/find_${tag}:colour`, { method: "PUT", token, json: { type: "string", value: "blue" } });
    const q = `attributes[0][namespace]=find_${tag}&attributes[0][handle]=colour`;
    const red = await api(`/profiles/attributes/custom?${q}&attributes[0][value][in]=red&page[size]=10&sort=-created_at`, { token });
    expect(red.status).toBe(200);
    const redJson = (await red.json()) as Json;
    expect(redJson.data.map((p: Json) => p.id)).toEqual([a.id]);
    expect(redJson.meta.total).toBe(1);
    expect(redJson.data[0].custom_attributes[`find_${tag}`].colour).toBe("red");
    const both = (await (await api(`/profiles/attributes/custom?${q}&attributes[0][value][in]=red,blue&sort=created_at`, { token })).json()) as Json;
    expect(both.data.map((p: Json) => p.id)).toEqual([a.id, b.id]);
    const any = (await (await api(`/profiles/attributes/custom?${q}`, { token })).json()) as Json;
    expect(any.meta.total).toBe(2);
  });

  it("refuses an unknown parameter (400) and a criterion without its handle (422)", async () => {
    const unknown = await api(`/profiles/attributes/custom?attributes[0][namespace]=a&attributes[0][handle]=b&filter[x]=1`, { token });
    expect(unknown.status).toBe(400);
    expect((await problem(unknown)).errors).toHaveProperty(["filter[x]"]);
    const half = await api(`/profiles/attributes/custom?attributes[0][namespace]=a`, { token });
    expect(half.status).toBe(422);
    expect((await problem(half)).errors).toHaveProperty(["attributes[0]"]);
    expect((await api(`/profiles/attributes/custom`, { token })).status).toBe(422);
  });
});

describe("named dates as Omneo's records", () => {
  const record = { name: "Mum's birthday", date: "2024-12-02", type: "birthday", handle: "mums_birthday", is_recurring: true, recurring_schedule: "Yearly", note: "flowers", relationship: "Mother", description: "every year" };

  it("adds dates_attributes on PUT /profiles/{id}, lists them with numeric ids and the profile id", async () => {
    const p = await newProfile();
    const res = await api(`/profiles/${p.id}`, { method: "PUT", token, json: { dates_attributes: [record] } });
    expect(res.status).toBe(200);
    const dates = (await body(res)).attributes.dates;
    expect(dates).toHaveLength(1);
    expect(dates[0]).toMatchObject({ ...record, profile_id: p.id });
    expect(dates[0].id).toBeTypeOf("number");
    expect(await body(await api(`/profiles/${p.id}/attributes/dates`, { token }))).toEqual(dates);
  });

  it("changes the date with the same handle and relationship in place, keeping its id; another relationship is another date", async () => {
    const p = await newProfile();
    const first = (await body(await api(`/profiles/${p.id}`, { method: "PUT", token, json: { dates_attributes: [record] } }))).attributes.dates[0];
    const put = await api(`/profiles/${p.id}/attributes/dates`, { method: "PUT", token, json: { ...record, name: "Mum", note: "chocolates" } });
    expect(put.status).toBe(200);
    expect(await body(put)).toMatchObject({ id: first.id, name: "Mum", note: "chocolates", description: "every year", profile_id: p.id });
    const other = await body(await api(`/profiles/${p.id}/attributes/dates`, { method: "PUT", token, json: { ...record, relationship: "Father" } }));
    expect(other.id).not.toBe(first.id);
    expect(await body(await api(`/profiles/${p.id}/attributes/dates`, { token }))).toHaveLength(2);
  });

  it("removes a date by id and answers the dates left; an unknown id is a 404", async () => {
    const p = await newProfile();
    const dates = (await body(await api(`/profiles/${p.id}`, { method: "PUT", token, json: { dates_attributes: [record, { ...record, handle: "wedding", relationship: null }] } }))).attributes.dates;
    const del = await api(`/profiles/${p.id}/attributes/dates/${dates[0].id}`, { method: "DELETE", token });
    expect(del.status).toBe(200);
    expect((await body(del)).map((d: Json) => d.handle)).toEqual(["wedding"]);
    expect((await api(`/profiles/${p.id}/attributes/dates/${dates[0].id}`, { method: "DELETE", token })).status).toBe(404);
    expect((await api(`/profiles/${p.id}/attributes/dates/abc`, { method: "DELETE", token })).status).toBe(422);
  });

  it("refuses a bad date and an unknown field naming them, writing nothing", async () => {
    const p = await newProfile();
    const bad = await api(`/profiles/${p.id}`, { method: "PUT", token, json: { dates_attributes: [{ ...record, date: "2 Dec" }] } });
    expect(bad.status).toBe(422);
    expect((await problem(bad)).errors).toHaveProperty(["dates_attributes.0.date"]);
    const extra = await api(`/profiles/${p.id}/attributes/dates`, { method: "PUT", token, json: { ...record, colour: "red" } });
    expect(extra.status).toBe(422);
    const noHandle = await api(`/profiles/${p.id}/attributes/dates`, { method: "PUT", token, json: { date: "2024-01-01" } });
    expect(noHandle.status).toBe(422);
    expect((await problem(noHandle)).errors).toHaveProperty(["handle"]);
    expect(await body(await api(`/profiles/${p.id}/attributes/dates`, { token }))).toEqual([]);
  });

  it("keeps taking our attributes.dates map (name → date): each becomes a date record", async () => {
    const p = await newProfile({ attributes: { dates: { anniversary: "2020-01-01" } } });
    expect(p.attributes.dates).toEqual([expect.objectContaining({ id: 1, handle: "anniversary", name: "anniversary", date: "2020-01-01", profile_id: p.id })]);
    const again = await body(await api(`/profiles/${p.id}`, { method: "PUT", token, json: { attributes: { dates: { anniversary: "2021-01-01" } } } }));
    expect(again.attributes.dates).toEqual([expect.objectContaining({ id: 1, date: "2021-01-01" })]);
  });
});
