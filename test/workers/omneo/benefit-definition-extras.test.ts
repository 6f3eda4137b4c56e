// Omneo's benefit-definition extras as its SDK calls them: GET /benefits/definitions/handle/{handle}
// and POST /benefits/definitions/{id}/clone.
import { beforeAll, describe, expect, it } from "vitest";
import { api, makeToken, problem } from "../helpers";
import { benefitBody, create, uid } from "../incentives/support";

type Json = Record<string, any>;
let token: string;

beforeAll(async () => {
  token = (await makeToken(["*"])).token;
});

async function data(res: Response, status: number): Promise<Json> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return (JSON.parse(text) as { data: Json }).data;
}

describe("GET /benefits/definitions/handle/{handle}", () => {
  it("answers the live definition with that handle, and 404 once it is archived or for no such handle", async () => {
    const def = await create(token, "/benefits/definitions", benefitBody());
    expect(await data(await api(`/benefits/definitions/handle/${def.handle}`, { token }), 200)).toMatchObject({ id: def.id, handle: def.handle, name: def.name });
    expect((await api(`/benefits/definitions/handle/${uid("none-")}`, { token })).status).toBe(404);
    expect((await api(`/benefits/definitions/${def.id}`, { method: "DELETE", token })).status).toBeLessThan(300);
    expect((await api(`/benefits/definitions/handle/${def.handle}`, { token })).status).toBe(404);
  });
});

describe("POST /benefits/definitions/{id}/clone", () => {
  it("creates a new definition with the source's settings and the fields given", async () => {
    const source = await create(token, "/benefits/definitions", benefitBody({ period: 30, max_redemptions: 4, is_extendable: true }));
    const handle = uid("clone-");
    const clone = await data(await api(`/benefits/definitions/${source.id}/clone`, { method: "POST", token, json: { name: "The clone", handle } }), 201);
    expect(clone).toMatchObject({ name: "The clone", handle, period: 30, max_redemptions: 4, is_extendable: true, version: 1 });
    expect(clone.id).not.toBe(source.id);
    expect(await data(await api(`/benefits/definitions/${clone.id}`, { token }), 200)).toMatchObject({ handle, period: 30 });

    // no handle given: a fresh one, never the source's
    const second = await data(await api(`/benefits/definitions/${source.id}/clone`, { method: "POST", token, json: {} }), 201);
    expect(second.handle).not.toBe(source.handle);
    expect(second.name).toBe(source.name);
  });

  it("refuses a taken handle (409), an unknown field (422) and an unknown source (404)", async () => {
    const source = await create(token, "/benefits/definitions", benefitBody());
    const taken = await api(`/benefits/definitions/${source.id}/clone`, { method: "POST", token, json: { handle: source.handle } });
    expect(taken.status).toBe(409);
    expect((await problem(taken)).errors).toHaveProperty(["handle"]);
    const unknown = await api(`/benefits/definitions/${source.id}/clone`, { method: "POST", token, json: { handle: uid("c-"), colour: "red" } });
    expect(unknown.status).toBe(422);
    expect((await problem(unknown)).errors).toHaveProperty(["colour"]);
    expect((await api(`/benefits/definitions/${crypto.randomUUID()}/clone`, { method: "POST", token, json: { handle: uid("c-") } })).status).toBe(404);
  });
});
