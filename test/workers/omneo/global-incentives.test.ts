// Omneo's global lists of issued incentives — GET /rewards, /benefits, /points across profiles, read
// from the ledger's D1 projection — and GET /profiles/{id}/rewards/{rewardId}, as its SDK calls them.
import { beforeAll, describe, expect, it } from "vitest";
import { api, makeToken, problem } from "../helpers";
import { create, benefitBody } from "../incentives/support";
import { issueReward, json, ledgerStub, makeProfile, pointsProgramme, rewardDef } from "../incentives/ledger-support";

type Json = Record<string, any>;
type List = { data: Json[]; links: Json; meta: { total: number; current_page: number; per_page: number } };
let token: string;
let profileId: string;
let otherId: string;

beforeAll(async () => {
  token = (await makeToken(["*"])).token;
  profileId = (await makeProfile(token)).id;
  otherId = (await makeProfile(token)).id;
});

async function list(path: string): Promise<List> {
  const res = await api(path, { token });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return JSON.parse(text) as List;
}

describe("GET /rewards", () => {
  it("lists issued rewards across profiles, filtered by profile, definition and status, in Omneo's envelope", async () => {
    const def = await rewardDef(token, { value: "7.50" });
    const mine = await issueReward(token, profileId, def.id);
    await issueReward(token, otherId, def.id);
    await ledgerStub(profileId).flush();
    await ledgerStub(otherId).flush();

    const byProfile = await list(`/rewards?filter[profile_id]=${profileId}`);
    expect(byProfile.data.map((r) => r.id)).toContain(mine.id);
    expect(byProfile.data.every((r) => r.profile_id === profileId)).toBe(true);
    expect(byProfile.data.find((r) => r.id === mine.id)).toMatchObject({ reward_definition_id: def.id, value_initial: 7.5, value_remaining: 7.5, status: "active", is_active: true, is_expired: false });
    expect(byProfile.meta).toMatchObject({ current_page: 1, per_page: 15 });

    const byDef = await list(`/rewards?filter[reward_definition_id]=${def.id}&sort=-issued_at`);
    expect(byDef.meta.total).toBe(2);
    expect(new Set(byDef.data.map((r) => r.profile_id))).toEqual(new Set([profileId, otherId]));
    const both = await list(`/rewards?filter[profile_id][in]=${profileId},${otherId}&filter[reward_definition_id]=${def.id}&page[size]=1`);
    expect(both.meta.total).toBe(2);
    expect(both.data).toHaveLength(1);
    expect(both.links.next).toBeTruthy();
    expect((await list(`/rewards?filter[reward_definition_id]=${def.id}&filter[status]=void`)).data).toHaveLength(0);
  });

  it("refuses an unknown filter or sort with a 400 naming it, and a bad status with a 422", async () => {
    const res = await api("/rewards?filter[colour]=red", { token });
    expect(res.status).toBe(400);
    expect((await problem(res)).detail).toContain("filter[colour]");
    const sorted = await api("/rewards?sort=-value_initial", { token });
    expect(sorted.status).toBe(400);
    expect((await api("/rewards?filter[status]=spent", { token })).status).toBe(422);
  });

  it("answers one reward of a profile, and 404 for another profile's or an unknown one", async () => {
    const def = await rewardDef(token);
    const reward = await issueReward(token, profileId, def.id);
    const got = await json<Json>(await api(`/profiles/${profileId}/rewards/${reward.id}`, { token }), 200);
    expect(got).toMatchObject({ id: reward.id, reward_definition_id: def.id, status: "active" });
    expect((await api(`/profiles/${otherId}/rewards/${reward.id}`, { token })).status).toBe(404);
    expect((await api(`/profiles/${profileId}/rewards/${crypto.randomUUID()}`, { token })).status).toBe(404);
  });
});

describe("GET /benefits", () => {
  it("lists issued benefits across profiles with redemptions remaining", async () => {
    const def = await create(token, "/benefits/definitions", benefitBody({ max_redemptions: 2 }));
    const issued = await json<Json>(await api(`/profiles/${profileId}/benefits`, { method: "POST", token, json: { benefit_definition_id: def.id, reason: "test" } }), 201);
    await ledgerStub(profileId).flush();
    const listed = await list(`/benefits?filter[benefit_definition_id]=${def.id}`);
    expect(listed.meta.total).toBe(1);
    expect(listed.data[0]).toMatchObject({ id: issued.id, profile_id: profileId, max_redemptions: 2, redemptions_remaining: 2, is_redeemable: true, status: "active" });
    expect((await api("/benefits?filter[external_ref]=x", { token })).status).toBe(400);
  });
});

describe("GET /points", () => {
  it("lists points awards across profiles by profile and definition", async () => {
    const { def } = await pointsProgramme(token);
    await json(await api(`/profiles/${profileId}/points`, { method: "POST", token, json: { point_definition_id: def.id, value: 40, reason: "goodwill" } }), 201);
    await ledgerStub(profileId).flush();
    const listed = await list(`/points?filter[point_definition_id]=${def.id}&filter[profile_id]=${profileId}`);
    expect(listed.meta.total).toBe(1);
    expect(listed.data[0]).toMatchObject({ profile_id: profileId, point_definition_id: def.id, value_initial: 40 });
    expect((await api("/points?sort=value", { token })).status).toBe(400);
  });
});
