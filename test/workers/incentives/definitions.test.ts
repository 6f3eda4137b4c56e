// Incentive definitions through /api/v3: create, read, list, update (a new version with its snapshot),
// archive for every kind; each bad input a 422 naming the field and writing nothing; handle clashes
// 409; scopes.
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import {
  achievementDefinitions,
  auditLog,
  benefitDefinitions,
  definitionVersions,
  earnRates,
  pointDefinitions,
  rewardDefinitions,
  tierDefinitions,
} from "../../../db/schema";
import { api, countRows, makeToken, problem } from "../helpers";
import { achievementBody, benefitBody, create, pointBody, rateBody, read, rewardBody, tierBody, tierPointsBody, uid, type Def } from "./support";

let token: string;
let rewardPoints: Def;
let tierPoints: Def;
let benefit: Def;

beforeAll(async () => {
  token = (await makeToken(["config:read", "config:write"])).token;
  rewardPoints = await create(token, "/points/definitions", pointBody());
  tierPoints = await create(token, "/points/definitions", tierPointsBody());
  benefit = await create(token, "/benefits/definitions", benefitBody());
});

interface KindCase {
  kind: string;
  path: string;
  body: () => Record<string, unknown>;
  expected: Record<string, unknown>;
  change: Record<string, unknown>;
  changed: Record<string, unknown>;
  /** the stored snapshot, where the API answers another shape (achievements: Omneo's levels, ours as level_scheme) */
  snapshot?: Record<string, unknown>;
}

const kinds: KindCase[] = [
  {
    kind: "reward",
    path: "/rewards/definitions",
    body: () => rewardBody({ value: 10, is_extendable: true, notification_offsets: [1, 7] }),
    expected: { type: "birthday", value: 10, period: 30, absolute_expiry: null, is_extendable: true, is_published: true, notification_offsets: [7, 1] },
    change: { value: "12.50", absolute_expiry: "2030-12-31" },
    changed: { value: 12.5, absolute_expiry: "2030-12-31" },
  },
  {
    kind: "point",
    path: "/points/definitions",
    body: () => pointBody({ pending_days: 14 }),
    expected: { kind: "reward", points_per_dollar: 100, expiry_days: 365, pending_days: 14, is_published: true },
    change: { points_per_dollar: 200, expiry_days: null },
    changed: { points_per_dollar: 200, expiry_days: null },
  },
  {
    kind: "benefit",
    path: "/benefits/definitions",
    body: () => benefitBody({ is_claimable: true, eligibility: { "==": [{ var: "type" }, "active"] } }),
    expected: { max_redemptions: 3, period: 90, is_claimable: true, eligibility: { "==": [{ var: "type" }, "active"] }, is_extendable: false },
    change: { max_redemptions: 5, eligibility: null },
    changed: { max_redemptions: 5, eligibility: null },
  },
  {
    kind: "tier",
    path: "/tiers/definitions",
    body: () => tierBody(tierPoints.id, { value_min: 10_000 + Math.floor(Math.random() * 1e6), value_maintain: 100, credit_enabled: true }),
    expected: { value_maintain: 100, is_floor: false, credit_enabled: true },
    change: { value_maintain: 50, is_floor: true },
    changed: { value_maintain: 50, is_floor: true },
  },
  {
    kind: "achievement",
    path: "/achievements/definitions",
    body: () => achievementBody({ unlocks: [{ level: 2, benefit_definition_id: benefit.id }], condition: { ">=": [{ var: "total" }, 50] } }),
    expected: { level_scheme: { kind: "thresholds", thresholds: [1, 5, 10, 25] }, visibility: "standard", trigger: "transaction", condition: { ">=": [{ var: "total" }, 50] } },
    change: { levels: { kind: "every", every: 3 }, visibility: "hidden" },
    changed: { level_scheme: { kind: "every", every: 3 }, levels: [{ display_number: 1, trigger: 3, repeats: true }], visibility: "hidden", display_option: "hidden" },
    snapshot: { levels: { kind: "every", every: 3 }, visibility: "hidden" },
  },
  {
    kind: "rate",
    path: "/rates",
    body: () => rateBody(rewardPoints.id, { multiplier: 1.5, days_of_week: ["sat", "sun"], priority: 2 }),
    expected: { multiplier: 1.5, days_of_week: ["sat", "sun"], priority: 2, is_active: true, location_ids: null, specificity: 1 },
    change: { multiplier: 2.125, hours: { from: "09:00", to: "12:00" } },
    changed: { multiplier: 2.125, hours: { from: "09:00", to: "12:00" } },
  },
];

describe("definitions CRUD", () => {
  it.each(kinds)("$kind: create, get, list, update (new version + snapshot), archive — each audited", async ({ kind, path, body, expected, change, changed, snapshot }) => {
    const created = await create(token, path, body());
    expect(created).toMatchObject({ ...expected, version: 1, archived_at: null });
    expect(typeof created.created_at).toBe("string");
    expect(await read(token, `${path}/${created.id}`)).toEqual(created);

    const list = await api(`${path}?page[size]=100${kind === "tier" || kind === "rate" ? `&filter[point_definition_id]=${created.point_definition_id}` : `&search=${created.handle ?? ""}`}`, { token });
    expect(list.status).toBe(200);
    const listed = (await list.json()) as { data: Def[]; meta: { total: number } };
    expect(listed.data.map((d) => d.id)).toContain(created.id);

    const upd = await api(`${path}/${created.id}`, { method: "PUT", token, json: change });
    expect(upd.status, await upd.clone().text()).toBe(200);
    const updated = ((await upd.json()) as { data: Def }).data;
    expect(updated).toMatchObject({ ...changed, version: 2 });

    // the same change again is no change: no new version
    const again = await api(`${path}/${created.id}`, { method: "PATCH", token, json: change });
    expect(((await again.json()) as { data: Def }).data.version).toBe(2);

    const versions = await api(`${path}/${created.id}/versions`, { token });
    const v = ((await versions.json()) as { data: Array<{ version: number; snapshot: Record<string, unknown> }> }).data;
    expect(v.map((x) => x.version)).toEqual([2, 1]);
    expect(v[0]!.snapshot).toMatchObject(snapshot ?? changed);
    expect(await countRows(definitionVersions, and(eq(definitionVersions.definitionId, created.id), eq(definitionVersions.definitionType, kind)))).toBe(2);

    const del = await api(`${path}/${created.id}`, { method: "DELETE", token });
    expect(del.status).toBe(200);
    const archived = ((await del.json()) as { data: Def }).data;
    expect(archived.archived_at).not.toBeNull();
    // kept, not deleted: gone from reads by id (404, as Omneo answers for a deleted one) and from the
    // default list; in the archived one, with its archived_at
    expect((await api(`${path}/${created.id}`, { token })).status).toBe(404);
    const live = (await (await api(`${path}?page[size]=100`, { token })).json()) as { data: Def[] };
    expect(live.data.map((d) => d.id)).not.toContain(created.id);
    const arch = (await (await api(`${path}?page[size]=100&filter[archived]=true`, { token })).json()) as { data: Def[] };
    expect(arch.data.find((d) => d.id === created.id)?.archived_at).toBe(archived.archived_at);
    // an archived definition cannot change
    expect((await api(`${path}/${created.id}`, { method: "PUT", token, json: change })).status).toBe(409);

    const entity = kind === "rate" ? "earn_rate" : `${kind}_definition`;
    for (const action of ["created", "updated", "archived"]) {
      expect(await countRows(auditLog, and(eq(auditLog.action, `${entity}.${action}`), eq(auditLog.entityId, created.id))), action).toBe(1);
    }
  });

  it("derives a handle from the name when none is given, and keeps it unique", async () => {
    const name = `Welcome Back ${uid()}`;
    const a = await create(token, "/rewards/definitions", { name, type: "campaign", value: 20, period: 60 });
    const b = await create(token, "/rewards/definitions", { name, type: "campaign", value: 20, period: 60 });
    expect(a.handle).toBe(name.toLowerCase().replaceAll(" ", "-"));
    expect(b.handle).toBe(`${a.handle}-2`);
  });

  it("returns 404 for an unknown id", async () => {
    for (const path of ["/rewards/definitions", "/points/definitions", "/benefits/definitions", "/tiers/definitions", "/achievements/definitions", "/rates"]) {
      const res = await api(`${path}/${crypto.randomUUID()}`, { token });
      expect(res.status, path).toBe(404);
    }
  });

  it("lists a ladder ordered by value_min", async () => {
    const tp = await create(token, "/points/definitions", tierPointsBody());
    for (const [name, min, keep] of [["Platinum", 1500, 1200], ["Silver", 0, 0], ["Gold", 500, 400]] as const) {
      await create(token, "/tiers/definitions", tierBody(tp.id, { name, handle: uid(`${name.toLowerCase()}-`), value_min: min, value_maintain: keep }));
    }
    const res = await api(`/tiers/definitions?filter[point_definition_id]=${tp.id}`, { token });
    const { data } = (await res.json()) as { data: Def[] };
    expect(data.map((t) => [t.name, t.value_min])).toEqual([["Silver", 0], ["Gold", 500], ["Platinum", 1500]]);
  });
});

describe("validation: a 422 naming the field, and nothing written", () => {
  const tables = [rewardDefinitions, pointDefinitions, benefitDefinitions, tierDefinitions, achievementDefinitions, earnRates, definitionVersions, auditLog] as const;
  const snapshot = () => Promise.all(tables.map((t) => countRows(t)));

  const cases: Array<[string, string, () => Record<string, unknown>, string, RegExp?]> = [
    ["reward: a negative value", "/rewards/definitions", () => rewardBody({ value: -5 }), "value"],
    ["reward: a value with three decimals", "/rewards/definitions", () => rewardBody({ value: "10.005" }), "value"],
    ["reward: an unknown type", "/rewards/definitions", () => rewardBody({ type: "bogus" }), "type"],
    ["reward: a negative period", "/rewards/definitions", () => rewardBody({ period: -1 }), "period"],
    ["reward: a bad absolute_expiry", "/rewards/definitions", () => rewardBody({ absolute_expiry: "2024-02-30" }), "absolute_expiry"],
    ["reward: fractional notification offsets", "/rewards/definitions", () => rewardBody({ notification_offsets: [1.5] }), "notification_offsets.0"],
    ["reward: eleven notification offsets", "/rewards/definitions", () => rewardBody({ notification_offsets: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10] }), "notification_offsets"],
    ["reward: no name", "/rewards/definitions", () => rewardBody({ name: "" }), "name"],
    ["reward: a bad handle", "/rewards/definitions", () => rewardBody({ handle: "has spaces" }), "handle"],
    ["points: points_per_dollar on tier kind", "/points/definitions", () => tierPointsBody({ points_per_dollar: 100 }), "points_per_dollar", /only to reward points/],
    ["points: reward kind without points_per_dollar", "/points/definitions", () => pointBody({ points_per_dollar: undefined }), "points_per_dollar", /required/],
    ["points: an unknown kind", "/points/definitions", () => pointBody({ kind: "bonus" }), "kind"],
    ["points: negative pending_days", "/points/definitions", () => pointBody({ pending_days: -1 }), "pending_days"],
    ["rate: a multiplier with 4 decimals", "/rates", () => rateBody(rewardPoints.id, { multiplier: 1.2345 }), "multiplier", /three decimal/],
    ["rate: a zero multiplier", "/rates", () => rateBody(rewardPoints.id, { multiplier: 0 }), "multiplier"],
    ["rate: bad JSON Logic in profile_condition", "/rates", () => rateBody(rewardPoints.id, { profile_condition: { nope: [1, 2] } }), "profile_condition", /nope/],
    ["rate: bad JSON Logic in product_condition", "/rates", () => rateBody(rewardPoints.id, { product_condition: "category == shoes" }), "product_condition"],
    ["rate: an unknown point_definition_id", "/rates", () => rateBody(crypto.randomUUID()), "point_definition_id", /No point definition/],
    ["rate: an unknown location", "/rates", () => rateBody(rewardPoints.id, { location_ids: [uid("NOWHERE-")] }), "location_ids", /No location/],
    ["rate: ends before it starts", "/rates", () => rateBody(rewardPoints.id, { starts_at: "2025-02-01T00:00:00Z", ends_at: "2025-01-01T00:00:00Z" }), "ends_at"],
    ["rate: an unknown day", "/rates", () => rateBody(rewardPoints.id, { days_of_week: ["funday"] }), "days_of_week"],
    ["rate: bad hours", "/rates", () => rateBody(rewardPoints.id, { hours: { from: "9am", to: "5pm" } }), "hours"],
    ["rate: an unknown time zone", "/rates", () => rateBody(rewardPoints.id, { timezone: "Mars/Base" }), "timezone"],
    ["benefit: bad JSON Logic in eligibility", "/benefits/definitions", () => benefitBody({ eligibility: { "==": [1] } }), "eligibility"],
    ["benefit: max_redemptions 0", "/benefits/definitions", () => benefitBody({ max_redemptions: 0 }), "max_redemptions"],
    ["tier: value_maintain above value_min", "/tiers/definitions", () => tierBody(tierPoints.id, { value_min: 100, value_maintain: 200 }), "value_maintain"],
    ["tier: a reward-kind points definition", "/tiers/definitions", () => tierBody(rewardPoints.id), "point_definition_id", /tier points/],
    ["tier: an unknown points definition", "/tiers/definitions", () => tierBody(crypto.randomUUID()), "point_definition_id"],
    ["tier: a negative value_min", "/tiers/definitions", () => tierBody(tierPoints.id, { value_min: -1 }), "value_min"],
    ["achievement: thresholds not increasing", "/achievements/definitions", () => achievementBody({ levels: { kind: "thresholds", thresholds: [5, 1] } }), "levels", /increasing/],
    ["achievement: every 0", "/achievements/definitions", () => achievementBody({ levels: { kind: "every", every: 0 } }), "levels"],
    ["achievement: an unknown visibility", "/achievements/definitions", () => achievementBody({ visibility: "secret" }), "visibility"],
    ["achievement: bad JSON Logic in condition", "/achievements/definitions", () => achievementBody({ condition: { bogus: 1 } }), "condition"],
    ["achievement: an unknown benefit", "/achievements/definitions", () => achievementBody({ unlocks: [{ level: 1, benefit_definition_id: crypto.randomUUID() }] }), "unlocks.0.benefit_definition_id"],
    ["achievement: an unreachable level (thresholds)", "/achievements/definitions", () => achievementBody({ unlocks: [{ level: 5, benefit_definition_id: benefit.id }] }), "unlocks.0.level"],
    [
      "achievement: an unreachable level (on/off)",
      "/achievements/definitions",
      () => achievementBody({ levels: { kind: "on_off" }, unlocks: [{ level: 2, benefit_definition_id: benefit.id }] }),
      "unlocks.0.level",
    ],
  ];

  it.each(cases)("%s", async (_name, path, body, field, message) => {
    const before = await snapshot();
    const res = await api(path, { method: "POST", token, json: body() });
    expect(res.status, await res.clone().text()).toBe(422);
    const p = await problem(res);
    expect(Object.keys(p.errors ?? {})).toContain(field);
    if (message) expect(p.errors![field]!.join(" ")).toMatch(message);
    expect(await snapshot()).toEqual(before);
  });

  it("a duplicate handle is a 409 naming handle (create and update), and nothing is written", async () => {
    const a = await create(token, "/rewards/definitions", rewardBody());
    const b = await create(token, "/rewards/definitions", rewardBody());
    const before = await snapshot();
    const dup = await api("/rewards/definitions", { method: "POST", token, json: rewardBody({ handle: a.handle }) });
    expect(dup.status).toBe(409);
    expect((await problem(dup)).errors).toHaveProperty("handle");
    const dupUpdate = await api(`/rewards/definitions/${b.id}`, { method: "PUT", token, json: { handle: a.handle } });
    expect(dupUpdate.status).toBe(409);
    expect(await snapshot()).toEqual(before);
    // the same handle in another kind is fine
    await create(token, "/benefits/definitions", benefitBody({ handle: a.handle }));
  });

  it("a tier that clashes with its ladder (same value_min) is a 422 naming value_min, on create and on update", async () => {
    const tp = await create(token, "/points/definitions", tierPointsBody());
    await create(token, "/tiers/definitions", tierBody(tp.id, { value_min: 500, value_maintain: 400 }));
    const other = await create(token, "/tiers/definitions", tierBody(tp.id, { value_min: 1500, value_maintain: 1200 }));
    const before = await snapshot();
    const clash = await api("/tiers/definitions", { method: "POST", token, json: tierBody(tp.id, { value_min: 500, value_maintain: 0 }) });
    expect(clash.status).toBe(422);
    expect((await problem(clash)).errors?.value_min?.join(" ")).toMatch(/already the minimum/);
    const clashUpdate = await api(`/tiers/definitions/${other.id}`, { method: "PUT", token, json: { value_min: 500, value_maintain: 100 } });
    expect(clashUpdate.status).toBe(422);
    expect(await snapshot()).toEqual(before);
    // an archived tier leaves the ladder: its value_min is free again
    await api(`/tiers/definitions/${other.id}`, { method: "DELETE", token });
    await create(token, "/tiers/definitions", tierBody(tp.id, { value_min: 1500, value_maintain: 1000 }));
  });

  it("kind cannot change, and updates are validated against the stored definition", async () => {
    const p = await create(token, "/points/definitions", pointBody());
    const res = await api(`/points/definitions/${p.id}`, { method: "PUT", token, json: { kind: "tier" } });
    expect(res.status).toBe(422);
    expect((await problem(res)).errors).toHaveProperty("kind");
    const nulling = await api(`/points/definitions/${p.id}`, { method: "PUT", token, json: { points_per_dollar: null } });
    expect((await problem(nulling)).errors).toHaveProperty("points_per_dollar");
    const rate = await create(token, "/rates", rateBody(rewardPoints.id, { starts_at: "2025-01-01T00:00:00Z" }));
    const badEnd = await api(`/rates/${rate.id}`, { method: "PUT", token, json: { ends_at: "2024-06-01T00:00:00Z" } });
    expect((await problem(badEnd)).errors).toHaveProperty("ends_at");
    const tier = await create(token, "/tiers/definitions", tierBody(tierPoints.id, { value_min: 7_000_000 + Math.floor(Math.random() * 1e6), value_maintain: 10 }));
    const badKeep = await api(`/tiers/definitions/${tier.id}`, { method: "PUT", token, json: { value_maintain: (tier.value_min as number) + 1 } });
    expect((await problem(badKeep)).errors).toHaveProperty("value_maintain");
    expect((await read(token, `/points/definitions/${p.id}`)).version).toBe(1);
  });

  it("rates store location ids given as external ids", async () => {
    const ext = uid("STORE-");
    const locRes = await api("/locations", { method: "POST", token, json: { name: `Rate store ${ext}`, external_id: ext } });
    const loc = ((await locRes.json()) as { data: { id: string } }).data;
    const rate = await create(token, "/rates", rateBody(rewardPoints.id, { location_ids: [ext, loc.id] }));
    expect(rate.location_ids).toEqual([loc.id]);
  });
});

describe("scopes", () => {
  it("config:read reads but cannot write; others cannot read", async () => {
    const reader = (await makeToken(["config:read"])).token;
    const other = (await makeToken(["profiles:read", "transactions:write"])).token;
    const before = await countRows(rewardDefinitions);
    for (const path of ["/rewards/definitions", "/points/definitions", "/benefits/definitions", "/tiers/definitions", "/achievements/definitions", "/rates"]) {
      expect((await api(path, { token: reader })).status, path).toBe(200);
      expect((await api(path, { token: other })).status, path).toBe(403);
      expect((await api(path, { method: "POST", token: reader, json: {} })).status, path).toBe(403);
    }
    const r = await create(token, "/rewards/definitions", rewardBody());
    expect((await api(`/rewards/definitions/${r.id}`, { method: "PUT", token: reader, json: { value: 1 } })).status).toBe(403);
    expect((await api(`/rewards/definitions/${r.id}`, { method: "DELETE", token: reader })).status).toBe(403);
    expect((await api("/rates/calculate", { method: "POST", token: reader, json: { transaction: { total: 10 } } })).status).toBe(200);
    expect((await api("/rates/calculate", { method: "POST", token: other, json: { transaction: { total: 10 } } })).status).toBe(403);
    expect(await countRows(rewardDefinitions)).toBe(before + 1);
  });
});
