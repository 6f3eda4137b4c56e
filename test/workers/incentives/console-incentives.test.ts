// The console's incentive pages against the real worker: a profile's Incentives tab issues, awards and
// voids through the page's action for a Manager, refuses a Reporting user with 403 and writes nothing,
// shows a refused form's errors per field with nothing written; and the /incentives overview renders
// for every role, counting what the ledger's projection holds.
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "../../../db/schema/access";
import { api, consoleAction, countRows, fetchWorker, makeToken, signedInAs } from "../helpers";
import { achievementBody, benefitBody, create, pointBody, tierBody, tierPointsBody } from "./support";
import { balances, ledgerStub, makeProfile, rewardDef } from "./ledger-support";

let token: string;
let manager: string;
let reporting: string;
beforeAll(async () => {
  token = (await makeToken(["*"])).token;
  manager = (await signedInAs("manager")).cookie;
  reporting = (await signedInAs("reporting")).cookie;
});

const auditOf = (profileId: string) => countRows(auditLog, and(eq(auditLog.entityType, "profile"), eq(auditLog.entityId, profileId)));

async function rewardsOf(profileId: string): Promise<Array<{ id: string; status: string; value_remaining: number; reason: string | null }>> {
  const res = await api(`/profiles/${profileId}/rewards`, { token });
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: Array<{ id: string; status: string; value_remaining: number; reason: string | null }> }).data;
}

function tab(profileId: string, cookie: string) {
  return fetchWorker(`/profiles/${profileId}?tab=incentives`, { cookie });
}

describe("profile Incentives tab", () => {
  it("lets a Manager issue a reward by hand: the balance rises, the ledger and the audit log record the reason", async () => {
    const def = await rewardDef(token, { value: "12.50" });
    const profile = await makeProfile(token);
    expect((await balances(token, profile.id)).reward_balance).toBe(0);
    const auditBefore = await auditOf(profile.id);

    const { status, data } = await consoleAction(`/profiles/${profile.id}`, { intent: "reward-issue", reward_definition_id: def.id, value: "", reason: "Sorry for the wait" }, { cookie: manager });
    expect(status).toBe(200);
    expect(data).toMatchObject({ ok: true, intent: "reward-issue" });
    expect(String(data?.message)).toContain("$12.50");

    expect((await balances(token, profile.id)).reward_balance).toBe(12.5);
    const [reward] = await rewardsOf(profile.id);
    expect(reward).toMatchObject({ status: "active", value_remaining: 12.5, reason: "Sorry for the wait" });
    expect(await auditOf(profile.id)).toBe(auditBefore + 1);

    // the tab shows it: the balance card, the reward row and its ledger line
    const page = await tab(profile.id, manager);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('data-testid="balance-rewards"');
    expect(html).toMatch(/data-testid="balance-rewards">\$12\.50</);
    expect(html).toContain("Sorry for the wait");
    expect(html).toContain('data-testid="reward-issue-open"');
    expect(html).toContain('data-testid="reward-void"');
  });

  it("takes a value override in dollars, and refuses a value of 0 inline without writing anything", async () => {
    const def = await rewardDef(token, { value: "10.00" });
    const profile = await makeProfile(token);

    const refused = await consoleAction(`/profiles/${profile.id}`, { intent: "reward-issue", reward_definition_id: def.id, value: "0", reason: "goodwill" }, { cookie: manager });
    expect(refused.status).toBe(422);
    expect(refused.data).toMatchObject({ ok: false, intent: "reward-issue", errors: { value: ["value must be greater than 0"] } });
    expect(await rewardsOf(profile.id)).toEqual([]);

    const ok = await consoleAction(`/profiles/${profile.id}`, { intent: "reward-issue", reward_definition_id: def.id, value: "7.25", reason: "goodwill" }, { cookie: manager });
    expect(ok.status).toBe(200);
    expect((await balances(token, profile.id)).reward_balance).toBe(7.25);
  });

  it("refuses a Reporting user's issue with 403 and writes nothing, and shows them no issue or void controls", async () => {
    const def = await rewardDef(token);
    const profile = await makeProfile(token);
    // something to void, issued through the API, so the tab has a row a Manager could void
    await consoleAction(`/profiles/${profile.id}`, { intent: "reward-issue", reward_definition_id: def.id, reason: "seed" }, { cookie: manager });
    const auditBefore = await auditOf(profile.id);
    const [existing] = await rewardsOf(profile.id);

    const issue = await consoleAction(`/profiles/${profile.id}`, { intent: "reward-issue", reward_definition_id: def.id, reason: "forged" }, { cookie: reporting });
    expect(issue.status).toBe(403);
    const voided = await consoleAction(`/profiles/${profile.id}`, { intent: "incentive-void", kind: "reward", instance_id: existing!.id, reason: "forged" }, { cookie: reporting });
    expect(voided.status).toBe(403);

    const after = await rewardsOf(profile.id);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ id: existing!.id, status: "active" });
    expect((await balances(token, profile.id)).reward_balance).toBe(10);
    expect(await auditOf(profile.id)).toBe(auditBefore);

    const page = await tab(profile.id, reporting);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('data-testid="profile-incentives"');
    expect(html).toContain('data-testid="reward-row"');
    expect(html).not.toContain("incentive-issue-actions");
    expect(html).not.toContain("-issue-open");
    expect(html).not.toContain('data-testid="reward-void"');
  });

  it("answers a missing reason with an inline field error and writes nothing, for every intent that needs one", async () => {
    const def = await rewardDef(token);
    const points = await create(token, "/points/definitions", pointBody({ expiry_days: null }));
    const benefit = await create(token, "/benefits/definitions", benefitBody());
    const profile = await makeProfile(token);
    const auditBefore = await auditOf(profile.id);
    const path = `/profiles/${profile.id}`;

    const forms: Array<Record<string, string>> = [
      { intent: "reward-issue", reward_definition_id: def.id, reason: "" },
      { intent: "reward-issue", reward_definition_id: def.id },
      { intent: "points-issue", point_definition_id: points.id, value: "50", reason: "   " },
      { intent: "benefit-issue", benefit_definition_id: benefit.id, reason: "" },
    ];
    for (const fields of forms) {
      const { status, data } = await consoleAction(path, fields, { cookie: manager });
      expect(status, JSON.stringify(fields)).toBe(422);
      expect(data).toMatchObject({ ok: false, intent: fields.intent, errors: { reason: ["reason is required: say why"] } });
    }
    const b = await balances(token, profile.id);
    expect([b.reward_balance, b.point_balance, b.benefit_balance]).toEqual([0, 0, 0]);
    expect(await rewardsOf(profile.id)).toEqual([]);
    expect(await auditOf(profile.id)).toBe(auditBefore);
  });

  it("awards whole points only, and names the field the service refused (an unknown definition)", async () => {
    const points = await create(token, "/points/definitions", pointBody({ expiry_days: null, points_per_dollar: 100 }));
    const profile = await makeProfile(token);
    const path = `/profiles/${profile.id}`;

    for (const value of ["0", "-5", "2.5", "lots"]) {
      const { status, data } = await consoleAction(path, { intent: "points-issue", point_definition_id: points.id, value, reason: "bonus" }, { cookie: manager });
      expect(status, value).toBe(422);
      expect(Object.keys((data?.errors ?? {}) as object), value).toEqual(["value"]);
    }
    const unknown = await consoleAction(path, { intent: "points-issue", point_definition_id: crypto.randomUUID(), value: "10", reason: "bonus" }, { cookie: manager });
    expect(unknown.status).toBe(422);
    expect(Object.keys((unknown.data?.errors ?? {}) as object)).toEqual(["point_definition_id"]);

    const ok = await consoleAction(path, { intent: "points-issue", point_definition_id: points.id, value: "250", reason: "bonus" }, { cookie: manager });
    expect(ok.status).toBe(200);
    expect(ok.data).toMatchObject({ ok: true, message: "250 points awarded" });
    const b = await balances(token, profile.id);
    expect(b.points.find((p) => p.point_definition_id === points.id)).toMatchObject({ balance: 250, dollars: 2.5 });
  });

  it("voids a reward with a reason: the balance drops and the record stays, marked void", async () => {
    const def = await rewardDef(token, { value: "20.00" });
    const profile = await makeProfile(token);
    const path = `/profiles/${profile.id}`;
    await consoleAction(path, { intent: "reward-issue", reward_definition_id: def.id, reason: "welcome" }, { cookie: manager });
    const [reward] = await rewardsOf(profile.id);

    const noReason = await consoleAction(path, { intent: "incentive-void", kind: "reward", instance_id: reward!.id, reason: "" }, { cookie: manager });
    expect(noReason.status).toBe(422);
    expect((await rewardsOf(profile.id))[0]!.status).toBe("active");

    const done = await consoleAction(path, { intent: "incentive-void", kind: "reward", instance_id: reward!.id, reason: "issued twice" }, { cookie: manager });
    expect(done.status).toBe(200);
    expect(done.data).toMatchObject({ ok: true, message: "Reward voided" });
    expect((await rewardsOf(profile.id))[0]!.status).toBe("void");
    expect((await balances(token, profile.id)).reward_balance).toBe(0);
  });
});

describe("profile Incentives tab: benefits, achievements and tiers", () => {
  it("issues a benefit, progresses an achievement, and assigns then removes a tier, each shown on the tab", async () => {
    const benefit = await create(token, "/benefits/definitions", benefitBody({ max_redemptions: 2 }));
    const achievement = await create(token, "/achievements/definitions", achievementBody({ trigger: "manual", levels: { kind: "thresholds", thresholds: [2, 5] } }));
    const ladder = await create(token, "/points/definitions", tierPointsBody());
    const gold = await create(token, "/tiers/definitions", tierBody(ladder.id, { value_min: 500, value_maintain: 400 }));
    const profile = await makeProfile(token);
    const path = `/profiles/${profile.id}`;

    const b = await consoleAction(path, { intent: "benefit-issue", benefit_definition_id: benefit.id, reason: "complaint" }, { cookie: manager });
    expect(b.data).toMatchObject({ ok: true, message: `Benefit issued: ${benefit.name}` });
    expect((await balances(token, profile.id)).benefit_balance).toBe(1);

    const zero = await consoleAction(path, { intent: "achievement-progress", achievement_definition_id: achievement.id, count: "0" }, { cookie: manager });
    expect(zero.status).toBe(422);
    expect(Object.keys((zero.data?.errors ?? {}) as object)).toEqual(["count"]);
    // the reason is optional here, as in the API
    const a = await consoleAction(path, { intent: "achievement-progress", achievement_definition_id: achievement.id, count: "3", reason: "" }, { cookie: manager });
    expect(a.status).toBe(200);

    const noTier = await consoleAction(path, { intent: "tier-assign", tier: "", reason: "VIP" }, { cookie: manager });
    expect(noTier.status).toBe(422);
    expect(Object.keys((noTier.data?.errors ?? {}) as object)).toEqual(["tier"]);
    const assigned = await consoleAction(path, { intent: "tier-assign", tier: gold.id, reason: "VIP" }, { cookie: manager });
    expect(assigned.data).toMatchObject({ ok: true, message: `Tier set to ${gold.name}` });

    let html = await (await tab(profile.id, manager)).text();
    expect(html).toContain(benefit.name);
    expect(html).toContain(">2 of 2<");
    const achievementRow = html.slice(html.indexOf(achievement.name));
    expect(achievementRow).toMatch(/Level 2 at 5/);
    const ladderBlock = html.slice(html.indexOf(ladder.name));
    expect(ladderBlock).toMatch(new RegExp(`data-testid="tier-current">${gold.name}<`));

    const removed = await consoleAction(path, { intent: "tier-assign", tier: `none:${ladder.id}`, reason: "left the programme" }, { cookie: manager });
    expect(removed.data).toMatchObject({ ok: true, message: "Tier removed" });
    html = await (await tab(profile.id, manager)).text();
    expect(html.slice(html.indexOf(ladder.name))).toMatch(/data-testid="tier-current">No tier</);
  });
});

describe("the tab's ledger", () => {
  it("pages back through older entries", async () => {
    const def = await rewardDef(token, { value: "1.00" });
    const profile = await makeProfile(token);
    for (let i = 0; i < 52; i++) {
      expect((await api(`/profiles/${profile.id}/rewards`, { method: "POST", token, json: { reward_definition_id: def.id, reason: `r${i}` } })).status).toBe(201);
    }
    const first = await (await tab(profile.id, reporting)).text();
    expect(first.match(/data-testid="ledger-row"/g)).toHaveLength(50);
    const older = /data-testid="ledger-older"[^>]*ledger_before=(\d+)"/.exec(first);
    expect(older).not.toBeNull();
    const res = await fetchWorker(`/profiles/${profile.id}?tab=incentives&ledger_before=${older![1]}`, { cookie: reporting });
    const second = await res.text();
    expect(second.match(/data-testid="ledger-row"/g)).toHaveLength(2);
    expect(second).toContain('data-testid="ledger-newest"');
    expect(second).not.toContain('data-testid="ledger-older"');
    expect(second).toContain(">r0<");
  }, 60_000);
});

describe("/incentives overview", () => {
  it("opens for every console role", async () => {
    for (const role of ["admin", "manager", "reporting"] as const) {
      const { cookie } = await signedInAs(role);
      const res = await fetchWorker("/incentives?type=tiers", { cookie });
      expect(res.status, role).toBe(200);
      expect(await res.text(), role).toContain("<h1");
    }
  });

  it("renders for a Reporting user, with each definition and the counts the projection holds", async () => {
    const def = await rewardDef(token, { value: "5.00" });
    const profile = await makeProfile(token);
    await consoleAction(`/profiles/${profile.id}`, { intent: "reward-issue", reward_definition_id: def.id, reason: "overview" }, { cookie: manager });
    // the DO's outbox reaches D1 on its alarm; flush it now rather than wait
    await ledgerStub(profile.id).flush();

    const res = await fetchWorker("/incentives", { cookie: reporting });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('data-testid="incentives-overview-table"');
    const row = html.slice(html.indexOf(`data-definition-id="${def.id}"`));
    expect(row).toContain(def.name);
    expect(row).toMatch(/data-testid="overview-issued">1</);
    expect(row).toMatch(/data-testid="overview-outstanding">\$5\.00</);
    // Reporting may look, not configure
    expect(html).not.toContain('data-testid="incentives-configure"');

    const points = await fetchWorker("/incentives?type=points", { cookie: reporting });
    expect(points.status).toBe(200);
    expect(await points.text()).toContain('aria-current="page" data-testid="incentives-type-points"');
  });

  it("counts who reached and holds each tier, and who counts toward each achievement", async () => {
    const tp = await create(token, "/points/definitions", tierPointsBody());
    const gold = await create(token, "/tiers/definitions", tierBody(tp.id, { value_min: 700, value_maintain: 500 }));
    const achievement = await create(token, "/achievements/definitions", achievementBody({ trigger: "manual", levels: { kind: "every", every: 2 } }));
    const [a, b] = [await makeProfile(token), await makeProfile(token)];
    for (const p of [a, b]) {
      expect((await api(`/profiles/${p.id}/tiers`, { method: "PUT", token, json: { tier_definition_id: gold.id, reason: "overview" } })).status).toBe(200);
      expect((await api(`/profiles/${p.id}/achievements`, { method: "POST", token, json: { achievement_definition_id: achievement.id, count: 3 } })).status).toBe(201);
      await ledgerStub(p.id).flush();
    }
    const tiers = await (await fetchWorker("/incentives?type=tiers", { cookie: reporting })).text();
    const tierRow = tiers.slice(tiers.indexOf(`data-definition-id="${gold.id}"`));
    expect(tierRow).toMatch(/data-testid="overview-issued">2</);
    expect(tierRow).toMatch(/data-testid="overview-outstanding">2</);
    const achievements = await (await fetchWorker("/incentives?type=achievements", { cookie: reporting })).text();
    const achievementRow = achievements.slice(achievements.indexOf(`data-definition-id="${achievement.id}"`));
    expect(achievementRow).toMatch(/data-testid="overview-issued">2</);
    expect(achievementRow).toMatch(/data-testid="overview-outstanding">6</);
  });
});
