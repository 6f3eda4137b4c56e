// Automations: validation before save, the query over profiles, and a run that acts exactly once
// per (scheduled time, profile) although it is started twice and its page is delivered twice.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { automationRuns, automations } from "../../../db/schema";
import { AUTOMATION_PAGE_MESSAGE } from "../../../workers/reactions/automations.service";
import { api, countRows, makeToken, problem, services } from "../helpers";
import { makeProfile, rewardDef, uid } from "../incentives/ledger-support";

const profileArg = { name: "profile_id", value: { var: "profile_id" }, is_dynamic: true };

describe("automations", () => {
  it("refuses a bad schedule, query or action with a 422 naming each field, and saves nothing", async () => {
    const { token } = await makeToken(["config:read", "config:write"]);
    const before = await countRows(automations);
    const res = await api("/automations", {
      method: "POST",
      token,
      json: {
        name: "Broken",
        type: "scheduled",
        cron: "every tuesday-ish",
        query: [{ type: "tier_is", tier: "no-such-tier" }],
        actions: [{ uuid: "reward.create", arguments: [profileArg, { name: "definition", value: "nope" }] }],
      },
    });
    expect(res.status).toBe(422);
    const p = await problem(res);
    expect(Object.keys(p.errors!).sort()).toEqual(["actions.0.arguments.1.value", "cron", "query.0.tier"]);
    const badQuery = await api("/automations", { method: "POST", token, json: { name: "x", type: "scheduled", frequency: "daily", slot: "25:00", query: [{ type: "is_lucky" }] } });
    expect(badQuery.status).toBe(422);
    expect(Object.keys((await problem(badQuery)).errors!).sort()).toEqual(["query.0.type", "slot"]);
    expect(await countRows(automations)).toBe(before);
  });

  it("matches exactly the expected profiles and rewards each once, though started twice and redelivered", async () => {
    const { token } = await makeToken(["*"] as never);
    const def = await rewardDef(token, { value: "3.00" });
    const tag = uid("vip-");
    const members = [await makeProfile(token, { tags: [tag] }), await makeProfile(token, { tags: [tag, "other"] }), await makeProfile(token, { tags: [tag] })];
    const outsider = await makeProfile(token, { tags: ["other"] });

    const created = await api("/automations", {
      method: "POST",
      token,
      json: {
        name: "VIP thank-you",
        type: "scheduled",
        frequency: "daily",
        slot: "09:30",
        query: [{ type: "has_tag", tag }],
        actions: [{ uuid: "reward.create", arguments: [profileArg, { name: "definition", value: def.handle }] }],
        is_active: true,
      },
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const automation = (await created.json<{ data: { id: string; run_at: string } }>()).data;
    expect(automation.run_at).not.toBeNull();

    const samples = await api("/automations/queries/samples", { method: "POST", token, json: { query: [{ type: "has_tag", tag }] } });
    const sample = (await samples.json<{ data: { count: number; profiles: Array<{ id: string }> } }>()).data;
    expect(sample.count).toBe(3);
    expect(sample.profiles.map((p) => p.id).sort()).toEqual(members.map((m) => m.id).sort());

    // started twice for the same time (the cron fired twice, or "run now" pressed twice)
    const now = "2026-12-07T09:30:00+11:00";
    const first = await api(`/automations/${automation.id}/trigger`, { method: "POST", token, json: { now } });
    const second = await api(`/automations/${automation.id}/trigger`, { method: "POST", token, json: { now } });
    expect(first.status).toBe(202);
    const a = (await first.json<{ data: { id: string; created: boolean } }>()).data;
    const b = (await second.json<{ data: { id: string; created: boolean } }>()).data;
    expect(a.created).toBe(true);
    expect(b).toMatchObject({ id: a.id, created: false });

    const s = services();
    const page = { kind: AUTOMATION_PAGE_MESSAGE, run_id: a.id, after: null } as const;
    await s.automations.processPage(page, { enqueue: false });
    await s.automations.processPage(page, { enqueue: false }); // the same page delivered again
    const run = await s.automations.drain(a.id);
    expect(run).toMatchObject({ status: "completed", matched: 3, succeeded: 3, failed: 0 });
    expect(run.durationMs).not.toBeNull();

    for (const m of members) expect((await s.ledger.rewards(m.id)).filter((r) => r.reward_definition_id === def.id)).toHaveLength(1);
    expect((await s.ledger.rewards(outsider.id)).filter((r) => r.reward_definition_id === def.id)).toHaveLength(0);
    expect(await countRows(automationRuns, eq(automationRuns.automationId, automation.id))).toBe(1);

    const runs = await (await api(`/automations/${automation.id}/runs`, { token })).json<{ data: Array<{ matched: number }> }>();
    expect(runs.data.map((r) => r.matched)).toEqual([3]);
  });

  it("the cron starts what is due once, and moves it to its next time", async () => {
    const { token } = await makeToken(["*"] as never);
    const tag = uid("due-");
    await makeProfile(token, { tags: [tag] });
    const s = services();
    const a = await s.automations.create(
      { name: "Due", type: "scheduled", frequency: "daily", slot: "09:00", query: [{ type: "has_tag", tag }], actions: [{ uuid: "profile.tag", arguments: [profileArg, { name: "tag", value: "seen", is_dynamic: false }] }], is_active: true },
      { type: "system", id: null, label: "test", userId: null, role: null },
    );
    const due = new Date(Date.now() - 60_000);
    await s.db.update(automations).set({ runAt: due }).where(eq(automations.id, a.id));
    await s.automations.startDue();
    await s.automations.startDue();
    const runs = await s.db.select().from(automationRuns).where(eq(automationRuns.automationId, a.id));
    expect(runs).toHaveLength(1);
    const after = await s.automations.get(a.id);
    expect(after.lastRunAt?.getTime()).toBe(due.getTime());
    expect(after.runAt!.getTime()).toBeGreaterThan(Date.now());
  });
});
