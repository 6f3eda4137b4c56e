// Achievement definitions in Omneo's form, as its SDK sends them: levels as a list of {name, display_number,
// trigger, repeats, meta.unlocks}, display_option for our visibility, short_description kept; the answer
// carries Omneo's levels beside ours (level_scheme).
import { beforeAll, describe, expect, it } from "vitest";
import { api, makeToken, problem } from "../helpers";

type Json = Record<string, any>;
let token: string;
const uid = () => crypto.randomUUID().slice(0, 8);

beforeAll(async () => {
  token = (await makeToken(["*"])).token;
});

const omneoBody = (extra: Json = {}) => ({
  name: `Spend ${uid()}`,
  handle: `spend_${uid()}`,
  description: "Tracks monthly spend",
  is_published: true,
  display_level: true,
  display_option: "visible",
  short_description: "Your spend",
  levels: [{ name: "0100-01-01 00:00:00", display_number: 1, trigger: 100, repeats: false, allow_multiple_earn: true, meta: { unlocks: [{ type: "reward_definition", id_type: "handle" }] } }],
  ...extra,
});

async function send(method: string, path: string, body: Json): Promise<Response> {
  return api(path, { method, token, json: body });
}

describe("achievement definitions in Omneo's form", () => {
  it("creates from Omneo's levels, answers them back with ours beside, and keeps short_description and display_option", async () => {
    const res = await send("POST", "/achievements/definitions", omneoBody());
    const text = await res.text();
    expect(res.status, text).toBe(201);
    const created = JSON.parse(text).data as Json;
    expect(created).toMatchObject({ description: "Tracks monthly spend", short_description: "Your spend", display_option: "visible", visibility: "standard", level_scheme: { kind: "thresholds", thresholds: [100] } });
    expect(created.levels).toEqual([{ display_number: 1, name: "Level 1", trigger: 100, repeats: false, meta: { unlocks: [] } }]);

    const listed = await api(`/achievements/definitions?filter[handle]=${created.handle}`, { token });
    expect(((await listed.json()) as Json).data).toEqual([created]);

    const upd = await send("PUT", `/achievements/definitions/${created.id}`, { name: "Renamed", short_description: "Shorter", display_option: "internal" });
    expect(upd.status).toBe(200);
    expect(((await upd.json()) as Json).data).toMatchObject({ name: "Renamed", short_description: "Shorter", display_option: "internal", visibility: "system" });
  });

  it("reads one repeating level as 'every', several as thresholds in display order", async () => {
    const every = ((await (await send("POST", "/achievements/definitions", omneoBody({ levels: [{ name: "each 3", display_number: 1, trigger: 3, repeats: true }] }))).json()) as Json).data;
    expect(every.level_scheme).toEqual({ kind: "every", every: 3 });
    const steps = [
      { name: "b", display_number: 2, trigger: 5 },
      { name: "a", display_number: 1, trigger: 2 },
    ];
    const thresholds = ((await (await send("POST", "/achievements/definitions", omneoBody({ levels: steps }))).json()) as Json).data;
    expect(thresholds.level_scheme).toEqual({ kind: "thresholds", thresholds: [2, 5] });
    expect(thresholds.levels.map((l: Json) => l.trigger)).toEqual([2, 5]);
  });

  it("refuses levels out of order, an unlock naming a definition in a level's meta, and a bad display_option, naming the field", async () => {
    const cases: Array<[Json, string]> = [
      [{ levels: [{ display_number: 1, trigger: 5 }, { display_number: 2, trigger: 2 }] }, "levels"],
      [{ levels: [{ display_number: 1, trigger: 5, meta: { unlocks: [{ type: "benefit_definition", id_type: "id", id: "x" }] } }] }, "levels.0.meta.unlocks.0"],
      [{ levels: [] }, "levels"],
      [{ display_option: "shown" }, "display_option"],
    ];
    for (const [extra, field] of cases) {
      const res = await send("POST", "/achievements/definitions", omneoBody(extra));
      expect(res.status, field).toBe(422);
      const p = await problem(res);
      expect(Object.keys(p.errors ?? {}), JSON.stringify(p)).toContain(field);
    }
  });
});
