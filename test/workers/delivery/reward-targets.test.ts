// Reward definitions in Omneo's shape: period_type (days, weeks, months or years, echoed), and issue/expiry/extend targets
// fired by the reward-targets event handler: one delivery per (event, target), redelivery sends nothing twice,
// the issue notice waits notify_issue_offset_days, and bad references or unsupported period types are a 422
// that saves nothing.
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { deliveries, rewardDefinitions } from "../../../db/schema";
import { handleEvent } from "../../../workers/events/consumer";
import { api, countRows, makeToken, problem, services } from "../helpers";
import { issueReward, json, makeProfile, uid } from "../incentives/ledger-support";
import { eventsOf } from "../reactions/support";

async function makeTarget(token: string) {
  const handle = uid("notice-");
  const res = await api("/targets", { method: "POST", token, json: { name: "Notice", handle, url: `https://receiver.test/${uid("b")}/ok`, template: '{"reward": "{{ reward.reward_id }}"}' } });
  return json<{ id: string; handle: string }>(res, 201);
}

const definition = (o: Record<string, unknown>) => ({ name: `Notified ${uid()}`, handle: uid("nr-"), type: "spend", value: 10, period: 2, period_type: "weeks", is_extendable: true, ...o });

describe("reward definitions: period_type and targets", () => {
  it("stores period_type weeks as days and echoes it; a target by handle is kept as its id", async () => {
    const { token } = await makeToken(["*"], { role: "admin" });
    const target = await makeTarget(token);
    const def = await json<Record<string, unknown>>(await api("/rewards/definitions", { method: "POST", token, json: definition({ issue_target_id: target.handle }) }), 201);
    expect(def).toMatchObject({ period: 2, period_type: "weeks", issue_target_id: target.id, expiry_target_id: null, extend_target_id: null });
    const row = await services().db.query.rewardDefinitions.findFirst({ where: eq(rewardDefinitions.id, def.id as string) });
    expect(row!.periodDays).toBe(14);
    const put = await json<Record<string, unknown>>(await api(`/rewards/definitions/${def.id}`, { method: "PUT", token, json: { period: 3, period_type: "days" } }), 200);
    expect(put).toMatchObject({ period: 3, period_type: "days" });
  });

  it("sends the issue target once per reward.issued event, after the issue offset, and the extend target on extension", async () => {
    const { token } = await makeToken(["*"], { role: "admin" });
    const issue = await makeTarget(token);
    const extend = await makeTarget(token);
    const def = await json<{ id: string }>(await api("/rewards/definitions", { method: "POST", token, json: definition({ issue_target_id: issue.id, extend_target_id: extend.handle, notify_issue_offset_days: 2 }) }), 201);
    const profile = await makeProfile(token);
    const reward = await issueReward(token, profile.id, def.id);

    const [issued] = await eventsOf(profile.id, "reward.issued");
    expect(await handleEvent(issued!, services())).toContain("reward-targets");
    await handleEvent(issued!, services());
    const sent = await services().db.select().from(deliveries).where(and(eq(deliveries.targetId, issue.id), eq(deliveries.eventId, issued!.id)));
    expect(sent).toHaveLength(1);
    expect(sent[0]!.nextAttemptAt!.getTime() - sent[0]!.createdAt.getTime()).toBe(2 * 86_400_000);
    expect(JSON.parse(sent[0]!.body)).toEqual({ reward: reward.id });

    expect((await api(`/profiles/${profile.id}/rewards/${reward.id}/extend`, { method: "POST", token, json: { days: 7 } })).status).toBeLessThan(300);
    const [extended] = await eventsOf(profile.id, "reward.extended");
    await handleEvent(extended!, services());
    expect(await countRows(deliveries, and(eq(deliveries.targetId, extend.id), eq(deliveries.eventId, extended!.id)))).toBe(1);
  });

  it.each([
    [{ period_type: "absolute_month" }, "period_type", /not supported/],
    [{ period_type: "fortnights" }, "period_type", /one of days, weeks, months, years/],
    [{ expiry_target_id: "no-such-target" }, "expiry_target_id", /no-such-target/],
  ])("refuses %j naming %s, saving nothing", async (over, field, msg) => {
    const { token } = await makeToken(["*"], { role: "admin" });
    const before = await countRows(rewardDefinitions);
    const res = await api("/rewards/definitions", { method: "POST", token, json: definition(over) });
    expect(res.status).toBe(422);
    expect((await problem(res)).errors?.[field]?.[0]).toMatch(msg);
    expect(await countRows(rewardDefinitions)).toBe(before);
  });
});
