// Omneo's global incentive routes as its SDK calls them: POST /rewards, /benefits, /points with Omneo's
// bodies, a reward or benefit by its id alone (404 once deleted), /benefits/extend and .count, a points
// award by id, a profile's combined redeem, tiers/calculate and tiers/assign. Refusals write nothing.
import { beforeAll, describe, expect, it } from "vitest";
import { api, makeToken, problem } from "../helpers";
import { benefitBody, create, tierBody, tierPointsBody } from "./support";
import { balances, json, ledgerStub, makeProfile, pointsProgramme, rewardDef } from "./ledger-support";

type Json = Record<string, any>;
let token: string;

beforeAll(async () => {
  token = (await makeToken(["*"])).token;
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) => api(path, { method: "POST", token, json: body, headers });
const get = (path: string) => api(path, { token });
const del = (path: string) => api(path, { method: "DELETE", token });

/** A wall time `days` from now in Melbourne, as Omneo writes it, and the UTC instant it names. */
function melbourneIn(days: number): { local: string; utc: string } {
  const at = new Date(Date.now() + days * 86_400_000);
  at.setUTCSeconds(0, 0);
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", { timeZone: "Australia/Melbourne", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const utc = at.toISOString();
  return { local: `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`, utc: `${utc.slice(0, 10)} ${utc.slice(11, 19)}` };
}

async function rewardsOf(profileId: string): Promise<Json[]> {
  return json<Json[]>(await get(`/profiles/${profileId}/rewards`), 200);
}

describe("POST /rewards and a reward by id", () => {
  it("issues with Omneo's body, reads back by id at once, and the same external_id issues once", async () => {
    const profile = await makeProfile(token);
    const def = await rewardDef(token, { value: "10.00" });
    const expires = melbourneIn(20);
    const body = { profile_id: profile.id, reward_definition_id: def.id, value_initial: 5, value_remaining: 5, expires_at: expires.local, timezone: "Australia/Melbourne", external_id: "pos-77", meta: { from: "sdk" } };

    const created = await json<Json>(await post("/rewards", body), 201);
    expect(created).toMatchObject({ profile_id: profile.id, value_initial: 5, value_remaining: 5, status: "active", is_active: true, is_expired: false, expires_at: expires.utc, expires_local_at: expires.local });
    expect(created.definition).toMatchObject({ id: def.id, handle: def.handle, period_type: "days" });
    expect(created.issued_at).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);

    // the create flushed the ledger: the read by id and the global list see it without waiting
    expect(await json<Json>(await get(`/rewards/${created.id}`), 200)).toEqual(created);
    const listed = (await json<Json[]>(await get(`/rewards?filter[profile_id]=${profile.id}`), 200)).map((r) => r.id);
    expect(listed).toEqual([created.id]);

    const again = await json<Json>(await post("/rewards", body), 201);
    expect(again.id).toBe(created.id);
    expect(await rewardsOf(profile.id)).toHaveLength(1);
  });

  it("takes the definition's value when value_initial is left out, and a numeric id is read as its text", async () => {
    const profile = await makeProfile(token);
    const def = await rewardDef(token, { value: "12.50" });
    const created = await json<Json>(await post("/rewards", { profile_id: profile.id, reward_definition_id: def.id }), 201);
    expect(created).toMatchObject({ value_initial: 12.5, value_remaining: 12.5 });
    const numeric = await post("/rewards", { profile_id: profile.id, reward_definition_id: 1 });
    expect(numeric.status).toBe(422);
    expect((await problem(numeric)).errors?.reward_definition_id).toBeTruthy();
  });

  it("refuses a future issued_at, a spent value_remaining, a past expiry or an unknown field, naming it, and issues nothing", async () => {
    const profile = await makeProfile(token);
    const def = await rewardDef(token);
    const base = { profile_id: profile.id, reward_definition_id: def.id, value_initial: 5, timezone: "Australia/Melbourne" };
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...base, issued_at: "2099-12-05 08:30:00" }, "issued_at"],
      [{ ...base, issued_at: "2024-12-05 08:30:00", expires_at: "2024-12-04 08:30:00" }, "expires_at"],
      [{ ...base, value_remaining: 4 }, "value_remaining"],
      [{ ...base, expires_at: "2024-12-06 08:30:00" }, "expires_at"],
      [{ ...base, expires_at: "next tuesday" }, "expires_at"],
      [{ ...base, timezone: "Mars/Olympus" }, "timezone"],
      [{ ...base, colour: "red" }, "colour"],
    ];
    for (const [body, field] of cases) {
      const res = await post("/rewards", body);
      expect(res.status, field).toBe(422);
      const p = await problem(res);
      expect(p.errors?.[field], JSON.stringify(p)).toBeTruthy();
    }
    expect(await rewardsOf(profile.id)).toEqual([]);
    expect((await post("/rewards", { ...base, profile_id: crypto.randomUUID() })).status).toBe(404);
  });

  it("DELETE voids the reward: 204, then 404 by id (and on a second delete); the profile's ledger keeps it as void", async () => {
    const profile = await makeProfile(token);
    const def = await rewardDef(token);
    const created = await json<Json>(await post("/rewards", { profile_id: profile.id, reward_definition_id: def.id }), 201);

    const res = await del(`/rewards/${created.id}`);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    expect((await get(`/rewards/${created.id}`)).status).toBe(404);
    expect((await del(`/rewards/${created.id}`)).status).toBe(404);
    expect((await rewardsOf(profile.id)).map((r) => r.status)).toEqual(["void"]);
    expect((await balances(token, profile.id)).reward_balance).toBe(0);
    expect((await get(`/rewards/${crypto.randomUUID()}`)).status).toBe(404);
  });
});

describe("POST /benefits, a benefit by id, .count and extend", () => {
  it("issues with Omneo's body, answers by id globally and under its profile only, counts, and DELETE makes it 404", async () => {
    const profile = await makeProfile(token);
    const other = await makeProfile(token);
    const def = await create(token, "/benefits/definitions", benefitBody({ max_redemptions: 2 }));
    const before = await json<Json>(await get("/benefits.count"), 200);

    const created = await json<Json>(await post("/benefits", { profile_id: profile.id, benefit_definition_id: def.id, timezone: "Australia/Melbourne", external_id: "b-1" }), 201);
    expect(created).toMatchObject({ profile_id: profile.id, benefit_definition_id: def.id, max_redemptions: 2, redemptions_remaining: 2, is_redeemable: true, status: "active" });
    expect(created.definition).toMatchObject({ id: def.id, period_type: "days" });
    expect(await json<Json>(await get(`/benefits/${created.id}`), 200)).toEqual(created);
    expect(await json<Json>(await get(`/profiles/${profile.id}/benefits/${created.id}`), 200)).toEqual(created);
    expect((await get(`/profiles/${other.id}/benefits/${created.id}`)).status).toBe(404);
    expect((await del(`/profiles/${other.id}/benefits/${created.id}`)).status).toBe(404);

    await json(await post(`/profiles/${profile.id}/benefits/${created.id}/redeem`, {}), 200);
    const after = await json<Json>(await get("/benefits.count"), 200);
    expect(after).toEqual({ countAll: before.countAll + 1, countRedeemed: before.countRedeemed + 1 });

    expect((await del(`/profiles/${profile.id}/benefits/${created.id}`)).status).toBe(204);
    expect((await get(`/benefits/${created.id}`)).status).toBe(404);
    expect((await del(`/benefits/${created.id}`)).status).toBe(404);
    expect(await json<Json>(await get("/benefits.count"), 200)).toEqual(before);
  });

  it("refuses an expires_at that is not a date or a future issued_at with the field named, issuing nothing", async () => {
    const profile = await makeProfile(token);
    const def = await create(token, "/benefits/definitions", benefitBody());
    for (const [extra, field] of [[{ expires_at: "next tuesday" }, "expires_at"], [{ issued_at: "2099-12-06 08:30:00", timezone: "Australia/Melbourne" }, "issued_at"]] as const) {
      const res = await post("/benefits", { profile_id: profile.id, benefit_definition_id: def.id, ...extra });
      expect(res.status).toBe(422);
      expect((await problem(res)).errors?.[field]).toBeTruthy();
    }
    expect(await json<Json[]>(await get(`/profiles/${profile.id}/benefits`), 200)).toEqual([]);
  });

  it("extends each benefit by extend_days after its expiry, once; a refused request extends none", async () => {
    const profile = await makeProfile(token);
    const def = await create(token, "/benefits/definitions", benefitBody({ is_extendable: true, period: 30 }));
    const a = await json<Json>(await post("/benefits", { profile_id: profile.id, benefit_definition_id: def.id }), 201);
    const b = await json<Json>(await post("/benefits", { profile_id: profile.id, benefit_definition_id: def.id }), 201);

    // one unknown id among them: nothing is extended
    const refused = await post("/benefits/extend", { profile_id: profile.id, ids: [a.id, crypto.randomUUID()], extend_days: 5 });
    expect(refused.status).toBe(422);
    expect((await problem(refused)).errors?.["ids.1"]).toBeTruthy();
    expect((await json<Json>(await get(`/benefits/${a.id}`), 200)).extended_at).toBeNull();

    const extended = await json<Json[]>(await post("/benefits/extend", { profile_id: profile.id, ids: [a.id, b.id], extend_days: 5 }), 200);
    expect(extended.map((x) => x.id)).toEqual([a.id, b.id]);
    for (const [i, original] of [a, b].entries()) {
      expect(extended[i]!.extended_at).toBeTruthy();
      expect(extended[i]!.expires_at).not.toBe(original.expires_at);
    }
    const twice = await post("/benefits/extend", { profile_id: profile.id, ids: [a.id], extend_days: 5 });
    expect(twice.status).toBe(409);

    for (const [body, field] of [[{ extend_date: "2030-01-01 00:00:00", extend_days: 2 }, "extend_date"], [{}, "extend_days"]] as const) {
      const res = await post("/benefits/extend", { profile_id: profile.id, ids: [b.id], ...body });
      expect(res.status).toBe(422);
      expect((await problem(res)).errors?.[field]).toBeTruthy();
    }
  });
});

describe("POST /points and a points award by id", () => {
  it("awards whole points and answers as GET /points lists it; fractions and unknown definitions are refused", async () => {
    const profile = await makeProfile(token);
    const { def } = await pointsProgramme(token);
    const award = await json<Json>(await post("/points", { profile_id: profile.id, point_definition_id: def.id, value_initial: 250, description: "goodwill", meta: { test: true } }), 201);
    expect(award).toMatchObject({ profile_id: profile.id, point_definition_id: def.id, value_initial: 250, description: "goodwill" });
    expect(await json<Json>(await get(`/points/${award.id}`), 200)).toEqual(award);
    const listed = await json<Json[]>(await get(`/points?filter[profile_id]=${profile.id}`), 200);
    expect(listed).toEqual([award]);

    for (const [body, field] of [
      [{ value_initial: 0.1 }, "value_initial"],
      [{ value_initial: 10, value_remaining: 5 }, "value_remaining"],
      [{ value_initial: 10, point_definition_id: 1 }, "point_definition_id"],
      [{ value_initial: 10, expires_at: "2030-01-01" }, "expires_at"],
    ] as const) {
      const res = await post("/points", { profile_id: profile.id, point_definition_id: def.id, ...body });
      expect(res.status, field).toBe(422);
      expect((await problem(res)).errors?.[field]).toBeTruthy();
    }
    expect(await json<Json[]>(await get(`/points?filter[profile_id]=${profile.id}`), 200)).toHaveLength(1);
    expect((await get(`/points/${crypto.randomUUID()}`)).status).toBe(404);
  });
});

describe("POST /profiles/{id}/redeem", () => {
  it("redeems an amount from the combined balance, all or nothing", async () => {
    const profile = await makeProfile(token);
    const def = await rewardDef(token, { value: "10.00" });
    await json(await post("/rewards", { profile_id: profile.id, reward_definition_id: def.id }), 201);

    const redeemed = await json<Json>(await post(`/profiles/${profile.id}/redeem`, { amount: 4, meta: { note: "till 3" } }), 201);
    expect(redeemed).toMatchObject({ profile_id: profile.id, total: 4, total_localised: 4, rewards_amount: 4, balances: { reward_balance: 6 } });

    const tooMuch = await post(`/profiles/${profile.id}/redeem`, { amount: 7 });
    expect(tooMuch.status).toBe(422);
    expect((await balances(token, profile.id)).reward_balance).toBe(6);
    const bad = await post(`/profiles/${profile.id}/redeem`, { amount: 0 });
    expect(bad.status).toBe(422);
    expect((await problem(bad)).errors?.amount).toBeTruthy();
  });
});

describe("tiers/calculate and tiers/assign", () => {
  it("answers Omneo's tier progress, and assigns a tier by its handle", async () => {
    const profile = await makeProfile(token);
    const ladder = await create(token, "/points/definitions", tierPointsBody());
    const base = await create(token, "/tiers/definitions", tierBody(ladder.id, { value_min: 100, value_maintain: 0, is_floor: true }));
    const gold = await create(token, "/tiers/definitions", tierBody(ladder.id, { value_min: 500, value_maintain: 400 }));

    const assigned = await json<Json>(await post(`/profiles/${profile.id}/tiers/assign`, { tier: gold.handle }), 200);
    expect(assigned).toMatchObject({ id: ladder.id, profile_id: profile.id, is_floor: false, current_progress: 0, total_points_12m: 0, next_tier: null });
    expect(assigned.current_tier).toMatchObject({ id: gold.id, handle: gold.handle, value_min: 500, value_maintain: 400, is_assignable: true, tags: [] });
    expect(assigned.prev_tier).toMatchObject({ id: base.id });
    for (const key of ["current_credit", "current_remain", "next_progress", "next_remain", "anniversary_at", "achieved_at", "maintained_at", "assigned_at"]) expect(assigned).toHaveProperty(key);

    expect(await json<Json>(await get(`/profiles/${profile.id}/tiers/calculate`), 200)).toEqual(assigned);

    const unknown = await post(`/profiles/${profile.id}/tiers/assign`, { tier: "no-such-tier" });
    expect(unknown.status).toBe(422);
    expect((await problem(unknown)).errors?.tier).toBeTruthy();
    expect((await get(`/profiles/${crypto.randomUUID()}/tiers/calculate`)).status).toBe(404);
  });
});

describe("tiers/calculate on a ladder that starts at 0", () => {
  it("puts a member who never earned on the 0-point tier, once; an unknown profile is a 404 and gets no ledger", async () => {
    const profile = await makeProfile(token);
    const ladder = await create(token, "/points/definitions", tierPointsBody());
    const entry = await create(token, "/tiers/definitions", tierBody(ladder.id, { value_min: 0, value_maintain: 0, is_floor: true }));
    const next = await create(token, "/tiers/definitions", tierBody(ladder.id, { value_min: 300, value_maintain: 200 }));

    const first = await json<Json>(await get(`/profiles/${profile.id}/tiers/calculate`), 200);
    expect(first).toMatchObject({ id: ladder.id, is_floor: true, next_remain: 300 });
    expect(first.current_tier).toMatchObject({ id: entry.id, is_floor: true });
    expect(first.next_tier).toMatchObject({ id: next.id });
    expect(first.achieved_at).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);

    const again = await json<Json>(await get(`/profiles/${profile.id}/tiers/calculate`), 200);
    expect(again).toEqual(first);
    const entries = await json<Json[]>(await get(`/profiles/${profile.id}/ledgers`), 200);
    expect(entries.filter((e) => e.kind === "tier").map((e) => e.action)).toEqual(["attain"]);

    const unknown = crypto.randomUUID();
    expect((await get(`/profiles/${unknown}/tiers/calculate`)).status).toBe(404);
    expect(await ledgerStub(unknown).profileId()).toBeNull();
  });
});

describe("scopes", () => {
  it("a read-only token reads but cannot issue or delete", async () => {
    const reader = (await makeToken(["incentives:read"])).token;
    const profile = await makeProfile(token);
    const def = await rewardDef(token);
    const created = await json<Json>(await post("/rewards", { profile_id: profile.id, reward_definition_id: def.id }), 201);
    expect((await api(`/rewards/${created.id}`, { token: reader })).status).toBe(200);
    expect((await api("/rewards", { method: "POST", token: reader, json: { profile_id: profile.id, reward_definition_id: def.id } })).status).toBe(403);
    expect((await api(`/rewards/${created.id}`, { method: "DELETE", token: reader })).status).toBe(403);
    expect((await rewardsOf(profile.id)).map((r) => r.status)).toEqual(["active"]);
  });
});
