// Redemption through the API: strategies and their breakdown, nearest expiry first, all or nothing,
// reversal within 10 minutes restoring exactly what was taken, bad input refused with the ledger
// unchanged, and 200 concurrent redemptions against one profile never taking more than the balance.
import { beforeAll, describe, expect, it } from "vitest";
import { api, makeToken, problem } from "../helpers";
import { postTx } from "../commerce/support";
import { balances, issueReward, json, makeProfile, pointsOf, pointsProgramme, purchase, rewardDef, shiftClock } from "./ledger-support";

let token: string;
beforeAll(async () => {
  token = (await makeToken(["*"])).token;
});

type Redemption = {
  id: string;
  amount: number;
  rewards: Array<{ reward_id: string; amount: number }>;
  rewards_amount: number;
  points: { point_definition_id: string; points: number; amount: number } | null;
  points_amount: number;
  balances: { reward_balance: number; point_balance: number; combined_balance_dollars: number };
};

const redeem = (profileId: string, body: Record<string, unknown>) => api(`/profiles/${profileId}/redemptions`, { method: "POST", token, json: body });
const ledgerLength = async (profileId: string) => (await json<unknown[]>(await api(`/profiles/${profileId}/ledgers?page[size]=200`, { token }), 200)).length;

/** A profile holding a $10 reward (30 days), a $5 reward (10 days) and 500 reward points ($5). */
async function fundedProfile() {
  const { def } = await pointsProgramme(token);
  const profile = await makeProfile(token);
  const ten = await issueReward(token, profile.id, (await rewardDef(token, { value: "10.00", period: 30 })).id);
  const five = await issueReward(token, profile.id, (await rewardDef(token, { value: "5.00", period: 10 })).id);
  await api(`/profiles/${profile.id}/points`, { method: "POST", token, json: { point_definition_id: def.id, value: 500, reason: "welcome" } });
  return { profile, def, ten, five };
}

describe("redemptions", () => {
  it("rewards_points takes rewards nearest expiry first, then points; the breakdown says what came from where", async () => {
    const { profile, def, ten, five } = await fundedProfile();
    const r = await json<Redemption>(await redeem(profile.id, { strategy: "rewards_points", amount: 17.5 }), 201);
    expect(r.rewards).toEqual([
      { reward_id: five.id, amount: 5 },
      { reward_id: ten.id, amount: 10 },
    ]);
    expect(r.points).toMatchObject({ point_definition_id: def.id, points: 250, amount: 2.5 });
    expect(r.balances.reward_balance).toBe(0);
    expect(pointsOf(await balances(token, profile.id), def.id)).toBe(250);
  });

  it("points_rewards takes points first; rewards and points strategies use only their source", async () => {
    const { profile, def } = await fundedProfile();
    const pr = await json<Redemption>(await redeem(profile.id, { strategy: "points_rewards", amount: "6.00" }), 201);
    expect(pr).toMatchObject({ points_amount: 5, rewards_amount: 1 });
    const onlyRewards = await json<Redemption>(await redeem(profile.id, { strategy: "rewards", amount: 2 }), 201);
    expect(onlyRewards.points).toBeNull();
    // no points left: a points redemption is refused with what is available
    const refused = await redeem(profile.id, { strategy: "points", amount: 1 });
    expect(refused.status).toBe(422);
    expect((await problem(refused)).errors?.amount?.[0]).toMatch(/cannot redeem 1\.00: 0\.00 available/);
    expect(pointsOf(await balances(token, profile.id), def.id)).toBe(0);
  });

  it("refuses bad input with a 4xx that says why, and leaves the ledger unchanged", async () => {
    const { profile } = await fundedProfile();
    const before = await ledgerLength(profile.id);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ strategy: "rewards", amount: -5 }, "amount"],
      [{ strategy: "rewards", amount: 0 }, "amount"],
      [{ strategy: "rewards", amount: "lots" }, "amount"],
      [{ strategy: "rewards", amount: 1.234 }, "amount"],
      [{ strategy: "cheapest", amount: 5 }, "strategy"],
      [{ amount: 5 }, "strategy"],
      [{ strategy: "rewards_points", amount: 1000 }, "amount"],
    ];
    for (const [body, field] of cases) {
      const res = await redeem(profile.id, body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(Object.keys((await problem(res)).errors ?? {}), JSON.stringify(body)).toContain(field);
    }
    expect(await ledgerLength(profile.id)).toBe(before);
    expect((await redeem("00000000-0000-4000-8000-000000000000", { strategy: "rewards", amount: 1 })).status).toBe(404);
  });

  it("a reversal within 10 minutes restores exactly what was taken, once; after 10 minutes it is refused", async () => {
    const { profile, def } = await fundedProfile();
    const start = await balances(token, profile.id);
    const r = await json<Redemption>(await redeem(profile.id, { strategy: "rewards_points", amount: 17 }), 201);
    const reversed = await json<Redemption & { reversed_at: string }>(await api(`/redemptions/${r.id}/reversal`, { method: "POST", token }), 200);
    expect(reversed.reversed_at).toBeTruthy();
    const after = await balances(token, profile.id);
    expect(after.reward_balance).toBe(start.reward_balance);
    expect(pointsOf(after, def.id)).toBe(pointsOf(start, def.id));
    // reversing again replays the reversal: nothing is restored twice
    const again = await json<Redemption & { reversed_at: string }>(await api(`/redemptions/${r.id}/reversal`, { method: "POST", token }), 200);
    expect(again.reversed_at).toBe(reversed.reversed_at);
    expect(pointsOf(await balances(token, profile.id), def.id)).toBe(pointsOf(start, def.id));

    const late = await json<Redemption>(await redeem(profile.id, { strategy: "rewards", amount: 3 }), 201);
    await shiftClock(profile.id, 10 * 60 * 1000 + 1000);
    const refused = await api(`/redemptions/${late.id}/reversal`, { method: "POST", token });
    expect(refused.status).toBe(409);
    expect((await problem(refused)).detail).toMatch(/within 10 minutes/);
    expect((await balances(token, profile.id)).reward_balance).toBe(start.reward_balance - 3);
    expect((await api(`/redemptions/rd_nope/reversal`, { method: "POST", token })).status).toBe(404);
  });

  it("200 concurrent redemptions never take more than the balance; the successes sum to what left it", async () => {
    const { def } = await pointsProgramme(token);
    const profile = await makeProfile(token);
    // $30.00 in rewards and 2,000 points ($20.00): $50.00 in all
    await issueReward(token, profile.id, (await rewardDef(token, { value: "30.00", period: 30 })).id);
    await api(`/profiles/${profile.id}/points`, { method: "POST", token, json: { point_definition_id: def.id, value: 2000, reason: "load" } });
    const start = await balances(token, profile.id);
    expect(start.combined_balance_dollars).toBe(50);

    const amounts = Array.from({ length: 200 }, (_, i) => [0.37, 0.5, 1.25, 0.99][i % 4]!);
    const strategies = ["rewards_points", "points_rewards", "rewards", "points"];
    const responses = await Promise.all(amounts.map((amount, i) => redeem(profile.id, { strategy: strategies[i % 4], amount })));
    let taken = 0;
    let ok = 0;
    let rewardCentsReported = 0;
    let pointsReported = 0;
    for (const [i, res] of responses.entries()) {
      if (res.status === 201) {
        ok++;
        const cents = Math.round(amounts[i]! * 100);
        taken += cents;
        const r = (await res.json()) as { data: Redemption };
        // each success says exactly where its amount came from
        expect(Math.round(r.data.amount * 100)).toBe(cents);
        expect(Math.round(r.data.rewards_amount * 100) + Math.round(r.data.points_amount * 100)).toBe(cents);
        rewardCentsReported += Math.round(r.data.rewards_amount * 100);
        pointsReported += r.data.points?.points ?? 0;
      } else {
        expect(res.status).toBe(422);
        expect(Object.keys((await problem(res)).errors ?? {})).toEqual(["amount"]);
      }
    }
    expect(ok).toBeGreaterThan(0);
    expect(ok).toBeLessThan(200);
    const end = await balances(token, profile.id);
    // exact conservation: what left each side is exactly what the successes report, and the cents
    // taken are exactly what left the combined balance (100 points a dollar: a point is a cent)
    const pointsSpent = pointsOf(start, def.id) - pointsOf(end, def.id);
    const rewardCentsSpent = Math.round((start.reward_balance - end.reward_balance) * 100);
    expect(rewardCentsSpent).toBe(rewardCentsReported);
    expect(pointsSpent).toBe(pointsReported);
    expect(rewardCentsSpent + pointsSpent).toBe(taken);
    const left = Math.round(end.reward_balance * 100) + Math.round(end.point_balance_dollars * 100);
    expect(left).toBe(5000 - taken);
    expect(Math.round(end.combined_balance_dollars * 100)).toBe(5000 - taken);
    expect(end.reward_balance).toBeGreaterThanOrEqual(0);
    expect(end.point_balance).toBeGreaterThanOrEqual(0);
  }, 60_000);

  it("an Idempotency-Key replays one redemption instead of taking twice", async () => {
    const { profile } = await fundedProfile();
    const send = () => api(`/profiles/${profile.id}/redemptions`, { method: "POST", token, json: { strategy: "rewards", amount: 4 }, headers: { "Idempotency-Key": "redeem-once-1" } });
    const a = await json<Redemption>(await send(), 201);
    const b = await json<Redemption>(await send(), 201);
    expect(b.id).toBe(a.id);
    expect((await balances(token, profile.id)).reward_balance).toBe(11);
  }, 30_000); // funding a profile takes several ledger calls: over vitest's 5 s when the machine is busy

  it("the ingest's earn shows in the balance that storefronts redeem against", async () => {
    await pointsProgramme(token);
    const profile = await makeProfile(token);
    await postTx(token, purchase(profile.id, 250), 201);
    // (other tests' programmes earn too in this shared database: whichever reward points it spends, 250 pay $2.50)
    const r = await json<Redemption>(await redeem(profile.id, { strategy: "points", amount: 2.5 }), 201);
    expect(r.points).toMatchObject({ points: 250, amount: 2.5 });
  });
});
