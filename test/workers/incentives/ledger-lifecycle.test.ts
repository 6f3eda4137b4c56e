// The ledger DO over time and across profiles: expiry and reminders fired by its alarm, the outbox
// flushed to D1 and the queue after a simulated failure, issuing by hand (and refusing bad input),
// void and extend, benefits claimed and redeemed, tiers assigned by hand and maintained on the
// anniversary, merge moving the loser's ledger, and storefront tokens with CORS.
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { events, incentiveInstances, incentiveLedger, profileIncentiveState } from "../../../db/schema";
import type { LedgerResult, MoveSnapshot } from "../../../workers/incentives/profile-ledger/contract";
import type { TestProfileLedger } from "../../support/test-profile-ledger";
import { fixedClock } from "../../../workers/platform/clock";
import { createServices } from "../../../workers/services";
import { api, makeToken, problem, services } from "../helpers";
import { postTx } from "../commerce/support";
import { benefitBody, create, rateBody, tierBody, tierPointsBody } from "./support";
import { balances, issueReward, json, ledgerStub, makeProfile, pointsOf, pointsProgramme, purchase, rewardDef, shiftClock } from "./ledger-support";

let token: string;
beforeAll(async () => {
  token = (await makeToken(["*"])).token;
});

const DAY = 86_400_000;

async function eventsOf(profileId: string) {
  return services().db.select().from(events).where(eq(events.profileId, profileId));
}

/** Test seam: the ledger's next `n` flushes fail before writing anything (0: clear the fault). */
async function failFlushes(stub: DurableObjectStub<TestProfileLedger>, n: number) {
  await runInDurableObject(stub, (instance: TestProfileLedger) => {
    instance.flushFailures = n;
  });
}

/** Does the alarm's work now (expiry, reminders, flush), whether or not the alarm already ran. */
async function flushNow(profileId: string) {
  expect(await ledgerStub(profileId).tick()).toBe(true);
}

describe("alarms: expiry, reminders and the outbox", () => {
  it("expires a reward on time, after reminding N days before, and says so once each", async () => {
    const def = await rewardDef(token, { value: "8.00", period: 10, notification_offsets: [3] });
    const profile = await makeProfile(token);
    const reward = await issueReward(token, profile.id, def.id);
    await flushNow(profile.id);
    expect((await balances(token, profile.id)).reward_balance).toBe(8);

    await shiftClock(profile.id, 8 * DAY);
    await flushNow(profile.id);
    await shiftClock(profile.id, 3 * DAY + 60_000);
    await flushNow(profile.id);
    await flushNow(profile.id);

    const types = (await eventsOf(profile.id)).map((e) => e.type);
    expect(types.filter((t) => t === "reward.issued")).toHaveLength(1);
    expect(types.filter((t) => t === "reward.expiring")).toHaveLength(1);
    expect(types.filter((t) => t === "reward.expired")).toHaveLength(1);
    const rewards = await json<Array<{ id: string; status: string }>>(await api(`/profiles/${profile.id}/rewards`, { token }), 200);
    expect(rewards.find((r) => r.id === reward.id)?.status).toBe("expired");
    const projected = await services().db.select().from(incentiveInstances).where(eq(incentiveInstances.id, reward.id));
    expect(projected[0]).toMatchObject({ status: "expired", profileId: profile.id });
  });

  it("expires points lots on time (FIFO spending is unaffected)", async () => {
    const { def } = await pointsProgramme(token, { expiry_days: 5 });
    const profile = await makeProfile(token);
    await postTx(token, purchase(profile.id, 40), 201);
    await shiftClock(profile.id, 7 * DAY);
    await flushNow(profile.id);
    expect(pointsOf(await balances(token, profile.id), def.id)).toBe(0);
    const expired = (await eventsOf(profile.id)).filter((e) => e.type === "points.expired");
    expect(expired.some((e) => (e.data as { point_definition_id: string; points: number }).point_definition_id === def.id && (e.data as { points: number }).points === 40)).toBe(true);
  });

  it("keeps events and projection pending through a failed flush and delivers them, once, on the retry", async () => {
    const def = await rewardDef(token);
    const profile = await makeProfile(token);
    const stub = ledgerStub(profile.id);
    // every flush fails until the fault is cleared (the alarm may also try on its own meanwhile)
    await failFlushes(stub, 1_000_000);
    const reward = await issueReward(token, profile.id, def.id);
    await runDurableObjectAlarm(stub);
    expect(await stub.tick()).toBe(false);
    // the failures wrote nothing to D1 and left the outbox pending
    expect((await eventsOf(profile.id)).filter((e) => e.type === "reward.issued")).toHaveLength(0);
    expect((await stub.pending()).outbox).toBeGreaterThan(0);
    await failFlushes(stub, 0);
    // the retry the failure scheduled delivers it
    await runDurableObjectAlarm(stub);
    await stub.flush();
    const rows = await eventsOf(profile.id);
    expect(rows.filter((e) => e.type === "reward.issued")).toHaveLength(1);
    expect(rows.find((e) => e.type === "reward.issued")!.sentAt).not.toBeNull();
    expect((await stub.pending()).outbox).toBe(0);
    const state = await services().db.select().from(profileIncentiveState).where(eq(profileIncentiveState.profileId, profile.id));
    expect(state[0]?.rewardBalance).toBe(1000);
    expect((await services().db.select().from(incentiveInstances).where(eq(incentiveInstances.id, reward.id))).length).toBe(1);
    // a further flush has nothing to send: no duplicates
    await stub.tick();
    expect((await eventsOf(profile.id)).filter((e) => e.type === "reward.issued")).toHaveLength(1);
  });
});

describe("a flush of many rows", () => {
  it("projects 30 rewards' events, instances and ledger entries at once, each kind in one statement, without duplicates", async () => {
    const def = await rewardDef(token);
    const profile = await makeProfile(token);
    const stub = ledgerStub(profile.id);
    await failFlushes(stub, 1_000_000);
    const issued = [];
    for (let i = 0; i < 30; i++) issued.push(await issueReward(token, profile.id, def.id));
    // 30 events × 6 values would be far past D1's 100 bound parameters in one multi-row INSERT
    expect(await stub.pending()).toEqual({ outbox: 30, unprojected: 30 });
    await failFlushes(stub, 0);
    await flushNow(profile.id);
    expect(await stub.pending()).toEqual({ outbox: 0, unprojected: 0 });
    const rows = await eventsOf(profile.id);
    expect(rows.filter((e) => e.type === "reward.issued")).toHaveLength(30);
    expect(rows.every((e) => e.sentAt !== null && typeof e.data === "object")).toBe(true);
    const instances = await services().db.select().from(incentiveInstances).where(eq(incentiveInstances.profileId, profile.id));
    expect(instances.map((r) => r.id).sort()).toEqual(issued.map((r) => r.id).sort());
    expect(instances.every((r) => r.kind === "reward" && r.status === "active" && r.valueRemaining === 1000 && r.issuedAt instanceof Date)).toBe(true);
    const entries = await services().db.select().from(incentiveLedger).where(eq(incentiveLedger.profileId, profile.id));
    expect(entries).toHaveLength(30);
    expect(new Set(entries.map((e) => e.seq)).size).toBe(30);
    expect(entries.every((e) => e.kind === "reward" && e.delta === 1000 && e.sourceType !== null)).toBe(true);
    const state = await services().db.select().from(profileIncentiveState).where(eq(profileIncentiveState.profileId, profile.id));
    expect(state[0]?.rewardBalance).toBe(30_000);
    // and once more changes nothing
    await flushNow(profile.id);
    expect((await eventsOf(profile.id)).filter((e) => e.type === "reward.issued")).toHaveLength(30);
  });
});

describe("remembered results", () => {
  it("forgets retry keys after a week but keeps each transaction's for good", async () => {
    await pointsProgramme(token);
    const def = await rewardDef(token);
    const profile = await makeProfile(token);
    const tx = await postTx(token, purchase(profile.id, 10), 201);
    await api(`/profiles/${profile.id}/rewards`, { method: "POST", token, json: { reward_definition_id: def.id, reason: "retry" }, headers: { "Idempotency-Key": `k-${profile.id}` } });
    const keys = () => runInDurableObject(ledgerStub(profile.id), (_i, state) => state.storage.sql.exec<{ key: string }>(`SELECT key FROM ops`).toArray().map((r) => r.key));
    expect((await keys()).some((k) => k.startsWith("reward:"))).toBe(true);
    await shiftClock(profile.id, 8 * DAY);
    await issueReward(token, profile.id, def.id); // a write, so there is something to flush
    await flushNow(profile.id);
    const left = await keys();
    expect(left).toContain(`tx:${tx.data.id}`);
    expect(left.filter((k) => k.startsWith("reward:") && k.includes(`k-${profile.id}`))).toHaveLength(0);
  });
});

describe("issuing by hand", () => {
  it("issues rewards, points, benefits and achievements with a reason, audited and in the ledger", async () => {
    const { def } = await pointsProgramme(token);
    const reward = await rewardDef(token, { value: "12.50" });
    const benefit = await create(token, "/benefits/definitions", benefitBody());
    const profile = await makeProfile(token);
    const r = await issueReward(token, profile.id, reward.id, { value: 20, reason: "service recovery" });
    expect(r.value_remaining).toBe(20);
    const lot = await json<{ points_initial: number }>(await api(`/profiles/${profile.id}/points`, { method: "POST", token, json: { point_definition_id: def.id, value: 300, reason: "goodwill" } }), 201);
    expect(lot.points_initial).toBe(300);
    await json(await api(`/profiles/${profile.id}/benefits`, { method: "POST", token, json: { benefit_definition_id: benefit.id, reason: "VIP" } }), 201);
    const b = await balances(token, profile.id);
    expect(b).toMatchObject({ reward_balance: 20, benefit_balance: 1 });
    expect(pointsOf(b, def.id)).toBe(300);
    const ledger = await json<Array<{ kind: string; action: string; reason: string | null; source: { type: string } }>>(await api(`/profiles/${profile.id}/ledgers`, { token }), 200);
    expect(ledger.map((e) => `${e.kind}:${e.action}:${e.reason}`)).toEqual(expect.arrayContaining(["reward:issue:service recovery", "points:issue:goodwill", "benefit:issue:VIP"]));
    expect(ledger.every((e) => e.source.type === "token")).toBe(true);
    // each issue is audited exactly once, with its reason (a failing read fails the test; it is not skipped)
    const audit = await services().audit.list({ entityId: profile.id }, { number: 1, size: 50 });
    const issued = audit.rows.filter((e) => e.action.endsWith(".issued")).map((e) => `${e.action}:${(e.newValues as { reason?: string } | null)?.reason}`);
    expect(issued.sort()).toEqual(["benefit.issued:VIP", "points.issued:goodwill", "reward.issued:service recovery"]);
  });

  it("refuses bad input naming the field, and writes nothing", async () => {
    const { def } = await pointsProgramme(token);
    const reward = await rewardDef(token);
    const profile = await makeProfile(token);
    const cases: Array<[string, Record<string, unknown>, number, string]> = [
      ["rewards", { reward_definition_id: reward.id }, 422, "reason"],
      ["rewards", { reward_definition_id: reward.id, reason: "x", value: -5 }, 422, "value"],
      ["rewards", { reward_definition_id: reward.id, reason: "x", value: "ten" }, 422, "value"],
      ["rewards", { reward_definition_id: "nope", reason: "x" }, 422, "reward_definition_id"],
      ["rewards", { reward_definition_id: reward.id, reason: "x", expires_at: "2020-01-01T00:00:00Z" }, 422, "expires_at"],
      ["points", { point_definition_id: def.id, value: -10, reason: "x" }, 422, "value"],
      ["points", { point_definition_id: def.id, value: 1.5, reason: "x" }, 422, "value"],
      ["points", { point_definition_id: def.id, value: "many", reason: "x" }, 422, "value"],
      ["benefits", { benefit_definition_id: "nope", reason: "x" }, 422, "benefit_definition_id"],
    ];
    for (const [path, body, status, field] of cases) {
      const res = await api(`/profiles/${profile.id}/${path}`, { method: "POST", token, json: body });
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(Object.keys((await problem(res)).errors ?? {}), JSON.stringify(body)).toContain(field);
    }
    const ledger = await json<unknown[]>(await api(`/profiles/${profile.id}/ledgers`, { token }), 200);
    expect(ledger).toHaveLength(0);
    // a read-only token cannot issue
    const reader = (await makeToken(["incentives:read"])).token;
    expect((await api(`/profiles/${profile.id}/rewards`, { method: "POST", token: reader, json: { reward_definition_id: reward.id, reason: "x" } })).status).toBe(403);
  });

  it("void keeps the record; extend works once; benefits are claimed, redeemed down and extended once", async () => {
    const reward = await rewardDef(token, { value: "9.00", period: 30, is_extendable: true });
    const claimable = await create(token, "/benefits/definitions", benefitBody({ max_redemptions: 2, is_claimable: true, is_extendable: true, eligibility: { "==": [{ var: "type" }, "active"] } }));
    const profile = await makeProfile(token);
    const r = await issueReward(token, profile.id, reward.id);
    const extended = await json<{ expires_at: string; extended_at: string }>(await api(`/profiles/${profile.id}/rewards/${r.id}/extend`, { method: "POST", token, json: {} }), 200);
    expect(new Date(extended.expires_at).getTime() - new Date(r.expires_at!).getTime()).toBeGreaterThan(29 * DAY);
    expect((await api(`/profiles/${profile.id}/rewards/${r.id}/extend`, { method: "POST", token, json: {} })).status).toBe(200); // replayed, not extended twice
    const voided = await json<{ status: string }>(await api(`/profiles/${profile.id}/rewards/${r.id}/void`, { method: "POST", token, json: { reason: "issued in error" } }), 200);
    expect(voided.status).toBe("void");
    const rewards = await json<Array<{ id: string; status: string; void_reason: string }>>(await api(`/profiles/${profile.id}/rewards`, { token }), 200);
    expect(rewards.find((x) => x.id === r.id)).toMatchObject({ status: "void", void_reason: "issued in error" });
    expect((await balances(token, profile.id)).reward_balance).toBe(0);

    const claimed = await json<{ id: string; claimed: boolean; redemptions_remaining: number }>(await api(`/profiles/${profile.id}/benefits/claim`, { method: "POST", token, json: { benefit_definition_id: claimable.id } }), 201);
    expect(claimed).toMatchObject({ claimed: true, redemptions_remaining: 2 });
    expect((await api(`/profiles/${profile.id}/benefits/claim`, { method: "POST", token, json: { benefit_definition_id: claimable.id } })).status).toBe(409);
    const stretched = await json<{ expires_at: string; extended_at: string | null }>(await api(`/profiles/${profile.id}/benefits/${claimed.id}/extend`, { method: "POST", token, json: { days: 10 } }), 200);
    expect(stretched.extended_at).not.toBeNull();
    // once: extending again replays the extension, the expiry does not move twice
    const again = await json<{ expires_at: string }>(await api(`/profiles/${profile.id}/benefits/${claimed.id}/extend`, { method: "POST", token, json: { days: 10 } }), 200);
    expect(again.expires_at).toBe(stretched.expires_at);
    const badDays = await api(`/profiles/${profile.id}/rewards/${r.id}/extend`, { method: "POST", token, json: { days: 0 } });
    expect(badDays.status).toBe(422);
    await json(await api(`/profiles/${profile.id}/benefits/${claimed.id}/redeem`, { method: "POST", token, json: {} }), 200);
    // Omneo's SDK redeems with no body at all
    await json(await api(`/profiles/${profile.id}/benefits/${claimed.id}/redeem`, { method: "POST", token }), 200);
    const third = await api(`/profiles/${profile.id}/benefits/${claimed.id}/redeem`, { method: "POST", token, json: {} });
    expect(third.status).toBe(409);
    expect((await problem(third)).detail).toMatch(/no redemptions left/);
  });
});

describe("tiers by hand and on the anniversary", () => {
  it("assigns a tier by hand (audited) and maintains or drops it on the anniversary via the cron job", async () => {
    const tp = await create(token, "/points/definitions", tierPointsBody());
    await create(token, "/rates", rateBody(tp.id));
    const silver = await create(token, "/tiers/definitions", tierBody(tp.id, { name: "Silver", value_min: 100, value_maintain: 100, is_floor: true }));
    const gold = await create(token, "/tiers/definitions", tierBody(tp.id, { name: "Gold", value_min: 1000, value_maintain: 800 }));
    const profile = await makeProfile(token);
    const assigned = await json<{ current: { id: string }; anniversary_at: string }>(
      await api(`/profiles/${profile.id}/tiers`, { method: "PUT", token, json: { tier_definition_id: gold.id, reason: "VIP onboarding" } }),
      200,
    );
    expect(assigned.current.id).toBe(gold.id);
    await flushNow(profile.id);
    const state = (await services().db.select().from(profileIncentiveState).where(eq(profileIncentiveState.profileId, profile.id)))[0]!;
    expect(state.nextAnniversaryAt?.toISOString()).toBe(assigned.anniversary_at);

    // a year on with no tier points: the cron's job finds the anniversary in the projection and asks the
    // ledger, which drops Gold to the Silver floor beneath it
    await shiftClock(profile.id, 366 * DAY);
    const later = createServices(env, null, { clock: fixedClock(new Date(Date.now() + 366 * DAY)) });
    expect(await later.ledger.maintainDueTiers(500)).toBeGreaterThanOrEqual(1);
    const tiers = await json<Array<{ point_definition_id: string; current: { id: string } | null }>>(await api(`/profiles/${profile.id}/tiers`, { token }), 200);
    expect(tiers.find((t) => t.point_definition_id === tp.id)?.current?.id).toBe(silver.id);
    await flushNow(profile.id);
    const types = (await eventsOf(profile.id)).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(["tier.achieved", "tier.downgraded"]));
    // the projection moved a year past the old anniversary, so the next run leaves this profile alone
    const after = (await services().db.select().from(profileIncentiveState).where(eq(profileIncentiveState.profileId, profile.id)))[0]!;
    expect(after.nextAnniversaryAt!.getTime()).toBeGreaterThan(new Date(assigned.anniversary_at).getTime() + 300 * DAY);
  });
});

describe("merge", () => {
  it("moves the loser's points, rewards and benefits into the winner's ledger, idempotently", async () => {
    const { def } = await pointsProgramme(token);
    const reward = await rewardDef(token, { value: "7.00" });
    const winner = await makeProfile(token);
    const loser = await makeProfile(token);
    await postTx(token, purchase(loser.id, 60), 201);
    await issueReward(token, loser.id, reward.id);
    await postTx(token, purchase(winner.id, 10), 201);
    const res = await api(`/profiles/${winner.id}/merge`, { method: "POST", token, json: { loser_id: loser.id } });
    expect(res.status, await res.clone().text()).toBe(200);
    const b = await balances(token, winner.id);
    expect(pointsOf(b, def.id)).toBe(70);
    expect(b.reward_balance).toBe(7);
    // running the move again (the queue's retry) changes nothing
    await services().ledger.onMerge(winner.id, loser.id);
    const again = await balances(token, winner.id);
    expect(pointsOf(again, def.id)).toBe(70);
    expect(again.reward_balance).toBe(7);
    const loserBalances = await ledgerStub(loser.id).balances();
    expect(loserBalances?.reward_balance).toBe(0);
    // the loser's ledger refuses new business
    expect((await api(`/profiles/${loser.id}/rewards`, { method: "POST", token, json: { reward_definition_id: reward.id, reason: "x" } })).status).toBe(409);
  });
});

describe("merge, interrupted", () => {
  it("resumes a move that stopped between its steps without moving anything twice", async () => {
    const { def } = await pointsProgramme(token);
    const winner = await makeProfile(token);
    const loser = await makeProfile(token);
    await postTx(token, purchase(loser.id, 33), 201);
    // the move got as far as the winner taking the loser's snapshot, then stopped
    const snapshot = (await ledgerStub(loser.id).beginMoveOut({ profileId: loser.id, winnerId: winner.id })) as LedgerResult<MoveSnapshot>;
    expect(snapshot.ok).toBe(true);
    if (snapshot.ok) await ledgerStub(winner.id).moveIn({ profileId: winner.id, snapshot: snapshot.value });
    expect(pointsOf(await balances(token, winner.id), def.id)).toBe(33);
    expect(pointsOf((await ledgerStub(loser.id).balances())!, def.id)).toBe(33);
    // the retry (the profile.merged consumer, or the merge hook) finishes it
    await services().ledger.onMerge(winner.id, loser.id);
    expect(pointsOf(await balances(token, winner.id), def.id)).toBe(33);
    expect(pointsOf((await ledgerStub(loser.id).balances())!, def.id)).toBe(0);
  });
});

describe("storefront tokens", () => {
  it("trade an API token for a short-lived profile-scoped token that reads /profiles/me/*", async () => {
    const def = await rewardDef(token, { value: "6.00" });
    const profile = await makeProfile(token);
    await issueReward(token, profile.id, def.id);
    const issued = await json<{ token: string; expires_at: string; profile_id: string }>(await api("/auth/storefront-tokens", { method: "POST", token, json: { profile_id: profile.id } }), 201);
    expect(issued.profile_id).toBe(profile.id);
    expect(new Date(issued.expires_at).getTime()).toBeGreaterThan(Date.now());
    const me = await json<{ profile_id: string; reward_balance: number }>(await api("/profiles/me/balances", { token: issued.token }), 200);
    expect(me).toMatchObject({ profile_id: profile.id, reward_balance: 6 });
    expect((await json<unknown[]>(await api("/profiles/me/rewards", { token: issued.token }), 200)).length).toBe(1);
    // by handle and identifier
    const byEmail = await json<{ profile_id: string }>(await api("/auth/storefront-tokens", { method: "POST", token, json: { handle: "email", identifier: profile.email } }), 201);
    expect(byEmail.profile_id).toBe(profile.id);
  });

  it("refuses expired, forged and API tokens on /profiles/me, and a storefront token elsewhere", async () => {
    const profile = await makeProfile(token);
    const short = await json<{ token: string }>(await api("/auth/storefront-tokens", { method: "POST", token, json: { profile_id: profile.id, ttl_seconds: 60 } }), 201);
    const { issueStorefrontToken } = await import("../../../workers/incentives/storefront");
    const expired = await issueStorefrontToken(env, profile.id, new Date(Date.now() - 2 * 3600_000), 60);
    const other = await makeProfile(token);
    const otherToken = await json<{ token: string }>(await api("/auth/storefront-tokens", { method: "POST", token, json: { profile_id: other.id } }), 201);
    const [head, payload] = otherToken.token.split(".");
    const forged = `${head}.${payload}.${short.token.split(".")[2]}`;
    for (const [bad, why] of [
      [expired.token, /expired/],
      [forged, /signature/],
      [token, /not a storefront token/],
      ["sf1.garbage", /not a storefront token/],
    ] as const) {
      const res = await api("/profiles/me/balances", { token: bad });
      expect(res.status).toBe(401);
      expect((await problem(res)).detail).toMatch(why);
    }
    expect((await api(`/profiles/${profile.id}/balances`, { token: short.token })).status).toBe(401);
    expect((await api("/auth/storefront-tokens", { method: "POST", token, json: {} })).status).toBe(422);
    expect((await api("/auth/storefront-tokens", { method: "POST", token, json: { profile_id: "00000000-0000-4000-8000-000000000000" } })).status).toBe(422);
  });

  it("answers CORS only for configured origins", async () => {
    const profile = await makeProfile(token);
    const sf = await json<{ token: string }>(await api("/auth/storefront-tokens", { method: "POST", token, json: { profile_id: profile.id } }), 201);
    const allowed = env.STOREFRONT_ORIGINS.split(",")[0]!.trim();
    const pre = await api("/profiles/me/balances", { method: "OPTIONS", headers: { Origin: allowed, "Access-Control-Request-Method": "GET" } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get("Access-Control-Allow-Origin")).toBe(allowed);
    const denied = await api("/profiles/me/balances", { method: "OPTIONS", headers: { Origin: "https://evil.example", "Access-Control-Request-Method": "GET" } });
    expect(denied.status).toBe(403);
    const get = await api("/profiles/me/balances", { token: sf.token, headers: { Origin: allowed } });
    expect(get.status).toBe(200);
    expect(get.headers.get("Access-Control-Allow-Origin")).toBe(allowed);
    const foreign = await api("/profiles/me/balances", { token: sf.token, headers: { Origin: "https://evil.example" } });
    expect(foreign.headers.get("Access-Control-Allow-Origin")).toBeNull();
  });
});
