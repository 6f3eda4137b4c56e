// The list filters Omneo's SDK sends to the automation layer: targets by `filter[handle]` / `filter[name]`,
// triggers by `filter[name]` and `filter[is_active]=1|0` (the SDK's numeric booleans). Each was a 400 before.
import { beforeAll, describe, expect, it } from "vitest";
import { api, makeToken, problem } from "../helpers";

type Json = Record<string, any>;
let token: string;

async function create(path: string, body: Json): Promise<Json> {
  const res = await api(path, { method: "POST", token, json: body });
  expect(res.status).toBe(201);
  return ((await res.json()) as Json).data;
}

async function list(path: string): Promise<Json[]> {
  const res = await api(path, { token });
  expect(res.status).toBe(200);
  return ((await res.json()) as Json).data;
}

beforeAll(async () => {
  token = (await makeToken(["*"])).token;
});

describe("GET /targets filters", () => {
  it("answers filter[handle] with that target only, and filter[name] with the targets of that exact name", async () => {
    const suffix = crypto.randomUUID().slice(0, 8);
    const a = await create("/targets", { name: `Filter target ${suffix}`, handle: `filter_a_${suffix}`, url: "https://example.com/a", template: "{}" });
    await create("/targets", { name: `Filter target ${suffix} two`, handle: `filter_b_${suffix}`, url: "https://example.com/b", template: "{}" });

    const byHandle = await list(`/targets?filter[handle]=filter_a_${suffix}`);
    expect(byHandle.map((t) => t.id)).toEqual([a.id]);
    expect(byHandle[0]).toMatchObject({ handle: `filter_a_${suffix}`, url: "https://example.com/a", template: "{}" });

    const byName = await list(`/targets?filter[name]=${encodeURIComponent(`Filter target ${suffix}`)}`);
    expect(byName.map((t) => t.id)).toEqual([a.id]); // exact, not a fragment: "… two" is not in it
    expect(await list(`/targets?filter[handle]=nothing_${suffix}`)).toEqual([]);
  });

  it("still refuses a filter it does not know, naming it", async () => {
    const res = await api("/targets?filter[colour]=red", { token });
    expect(res.status).toBe(400);
    expect((await problem(res)).errors).toHaveProperty(["filter[colour]"]);
  });
});

describe("GET /triggers filters", () => {
  it("answers filter[name] with the triggers of that exact name, newest first", async () => {
    const name = `Filter trigger ${crypto.randomUUID()}`;
    const older = await create("/triggers", { name, trigger: "profile.created" });
    const newer = await create("/triggers", { name, trigger: "profile.created" });
    await create("/triggers", { name: `${name} other`, trigger: "profile.created" });
    const found = await list(`/triggers?filter[name]=${encodeURIComponent(name)}`);
    expect(found.map((t) => t.id).sort()).toEqual([older.id, newer.id].sort());
    expect(found.every((t) => t.name === name)).toBe(true);
  });

  it("takes filter[is_active] as 1 and 0 as well as true and false", async () => {
    const name = `Active filter ${crypto.randomUUID()}`;
    await create("/triggers", { name, trigger: "profile.created" }); // a new trigger is inactive
    const inactive = await list(`/triggers?filter[name]=${encodeURIComponent(name)}&filter[is_active]=0`);
    expect(inactive).toHaveLength(1);
    expect(inactive[0]!.is_active).toBe(false);
    expect(await list(`/triggers?filter[name]=${encodeURIComponent(name)}&filter[is_active]=1`)).toEqual([]);
    const res = await api("/triggers?filter[is_active]=yes", { token });
    expect(res.status).toBe(422);
    expect((await problem(res)).errors).toHaveProperty(["filter[is_active]"]);
  });
});
