// Omneo's incentive writes as its SDK sends them: a past issued_at back-dates a reward or benefit, a benefit
// takes its own expires_at, PUT /rewards/{id} and PUT /benefits/{id} change what they name (the balance moves
// by what changes while the instance is live), /benefits/extend takes extend_date and also extends an
// expired benefit; external_id and the timezone given are kept and echoed, and GET /benefits finds by them.
import { beforeAll, describe, expect, it } from "vitest";
import { api, makeToken, problem } from "../helpers";
import { benefitBody, create } from "../incentives/support";
import { balances, json, makeProfile, rewardDef } from "../incentives/ledger-support";

type Json = Record<string, any>;
let token: string;
const MEL = "Australia/Melbourne";

beforeAll(async () => {
  token = (await makeToken(["*"])).token;
});

const send = (method: string, path: string, body: unknown) => api(path, { method, token, json: body });
const get = (path: string) => api(path, { token });

describe("rewards in Omneo's form", () => {
  it("back-dates an issue: issued_at read in its timezone and printed in UTC, the timezone and external_id echoed", async () => {
    const profile = await makeProfile(token);
    const def = await rewardDef(token);
    const body = { profile_id: profile.id, reward_definition_id: def.id, value_initial: 5, value_remaining: 5, issued_at: "2024-12-05 08:30:00", expires_at: "2024-12-06 08:30:00", timezone: MEL, external_id: `ext-${crypto.randomUUID()}` };
    const created = await json<Json>(await send("POST", "/rewards", body), 201);
    expect(created).toMatchObject({ profile_id: profile.id, value_initial: 5, value_remaining: 5, issued_at: "2024-12-04 21:30:00", expires_at: "2024-12-05 21:30:00", timezone: MEL, external_id: body.external_id, is_expired: true });
    expect(await json<Json>(await get(`/rewards/${created.id}`), 200)).toMatchObject({ issued_at: "2024-12-04 21:30:00", timezone: MEL, external_id: body.external_id });
    // an expired reward holds nothing
    expect((await balances(token, profile.id)).reward_balance).toBe(0);
  });

  it("PUT changes the values and the expiry; the balance follows a live reward's remaining value", async () => {
    const profile = await makeProfile(token);
    const def = await rewardDef(token);
    const created = await json<Json>(await send("POST", "/rewards", { profile_id: profile.id, reward_definition_id: def.id, value_initial: 5 }), 201);
    expect((await balances(token, profile.id)).reward_balance).toBe(5);

    const updated = await json<Json>(await send("PUT", `/rewards/${created.id}`, { value_initial: 20, value_remaining: 12.5 }), 200);
    expect(updated).toMatchObject({ id: created.id, value_initial: 20, value_remaining: 12.5, issued_at: created.issued_at });
    expect((await balances(token, profile.id)).reward_balance).toBe(12.5);

    // an expiry in the past expires it now: its value leaves the balance; a future one brings it back
    expect(await json<Json>(await send("PUT", `/rewards/${created.id}`, { expires_at: "2024-01-01 00:00:00", timezone: "UTC" }), 200)).toMatchObject({ is_expired: true, expires_at: "2024-01-01 00:00:00", timezone: "UTC" });
    expect((await balances(token, profile.id)).reward_balance).toBe(0);
    expect(await json<Json>(await send("PUT", `/rewards/${created.id}`, { expires_at: "2099-01-01 00:00:00" }), 200)).toMatchObject({ is_active: true, value_remaining: 12.5 });
    expect((await balances(token, profile.id)).reward_balance).toBe(12.5);
  });

  it("PUT refuses a negative value or an unknown field, naming it, and changes nothing; an unknown reward is a 404", async () => {
    const profile = await makeProfile(token);
    const def = await rewardDef(token);
    const created = await json<Json>(await send("POST", "/rewards", { profile_id: profile.id, reward_definition_id: def.id, value_initial: 5 }), 201);
    for (const [body, field] of [[{ value_remaining: -1 }, "value_remaining"], [{ colour: "red" }, "colour"], [{ expires_at: "soon" }, "expires_at"]] as const) {
      const res = await send("PUT", `/rewards/${created.id}`, body);
      expect(res.status, field).toBe(422);
      expect((await problem(res)).errors?.[field]).toBeTruthy();
    }
    expect(await json<Json>(await get(`/rewards/${created.id}`), 200)).toMatchObject({ value_initial: 5, value_remaining: 5 });
    expect((await send("PUT", `/rewards/${crypto.randomUUID()}`, { value_initial: 1 })).status).toBe(404);
  });
});

describe("benefits in Omneo's form", () => {
  it("issues back-dated with its own expiry, echoed in its timezone, and GET /benefits finds it by external_id", async () => {
    const profile = await makeProfile(token);
    const def = await create(token, "/benefits/definitions", benefitBody({ period: 30 }));
    const external = `ext-${crypto.randomUUID()}`;
    const created = await json<Json>(await send("POST", "/benefits", { profile_id: profile.id, benefit_definition_id: def.id, external_id: external, expires_at: "2024-12-06", issued_at: "2024-12-06 08:30:00", timezone: MEL }), 201);
    expect(created).toMatchObject({ profile_id: profile.id, external_id: external, issued_at: "2024-12-06 08:30:00", expires_at: "2024-12-06 00:00:00", timezone: MEL, is_expired: true, definition: { id: def.id } });

    const listed = (await (await get(`/benefits?filter[external_id]=${external}`)).json()) as { data: Json[] };
    expect(listed.data).toHaveLength(1);
    expect(listed.data[0]).toMatchObject({ id: created.id, external_id: external, issued_at: "2024-12-06 08:30:00", timezone: MEL, definition: { id: def.id } });
  });

  it("PUT changes the expiry and external_id; a future expiry makes an expired benefit redeemable again", async () => {
    const profile = await makeProfile(token);
    const def = await create(token, "/benefits/definitions", benefitBody({ period: 30 }));
    const created = await json<Json>(await send("POST", "/benefits", { profile_id: profile.id, benefit_definition_id: def.id, expires_at: "2024-12-06", timezone: MEL, external_id: "a" }), 201);
    expect((await balances(token, profile.id)).benefit_balance).toBe(0);
    const updated = await json<Json>(await send("PUT", `/benefits/${created.id}`, { external_id: "a-updated", expires_at: "2099-12-01" }), 200);
    expect(updated).toMatchObject({ external_id: "a-updated", expires_at: "2099-12-01 00:00:00", is_redeemable: true });
    expect((await balances(token, profile.id)).benefit_balance).toBe(1);
    expect((await send("PUT", `/benefits/${created.id}`, { value_initial: 2 })).status).toBe(422);
  });

  it("extends to extend_date or by extend_days after the current expiry, also once expired; once only", async () => {
    const profile = await makeProfile(token);
    const def = await create(token, "/benefits/definitions", benefitBody({ period: 30, is_extendable: true }));
    const issue = async () => json<Json>(await send("POST", "/benefits", { profile_id: profile.id, benefit_definition_id: def.id, expires_at: "2024-12-06", issued_at: "2024-12-06 08:30:00", timezone: MEL }), 201);
    const [a, b] = [await issue(), await issue()];
    const byDate = await json<Json[]>(await send("POST", "/benefits/extend", { profile_id: profile.id, ids: [a.id], extend_date: "2025-01-01 00:00:00" }), 200);
    expect(byDate[0]).toMatchObject({ id: a.id, expires_at: "2025-01-01 00:00:00" });
    expect(typeof byDate[0]!.extended_at).toBe("string");
    const byDays = await json<Json[]>(await send("POST", "/benefits/extend", { profile_id: profile.id, ids: [b.id], extend_days: 1 }), 200);
    expect(byDays[0]).toMatchObject({ id: b.id, expires_at: "2024-12-07 00:00:00" });
    expect((await send("POST", "/benefits/extend", { profile_id: profile.id, ids: [b.id], extend_days: 1 })).status).toBe(409);
  });
});
