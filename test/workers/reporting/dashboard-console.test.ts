// The console's dashboard: every role sees it; only an Admin rebuilds the rollups (audited); a range the
// page cannot read falls back to the last 30 days and says so; the Metabase tab is hidden unless configured.
import { describe, expect, it, vi } from "vitest";
import { auditLog } from "../../../db/schema";
import { eq } from "drizzle-orm";
import { api, consoleAction, countRows, fetchWorker, makeToken, signedInAs } from "../helpers";
import { issueReward, json, makeProfile, rewardDef } from "../incentives/ledger-support";

describe("dashboard in the console", () => {
  it.each(["admin", "manager", "reporting"] as const)("a %s sees the KPI cards; the rebuild button is the Admin's", async (role) => {
    const { cookie } = await signedInAs(role);
    const res = await fetchWorker("/dashboard?range=90d", { cookie });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('data-testid="kpi-revenue"');
    expect(html).toContain('data-testid="kpi-at_risk"');
    expect(html.includes('data-testid="rebuild-rollups"')).toBe(role === "admin");
    // not configured here: no Metabase tab
    expect(html).not.toContain("Metabase");
  });

  it("charts new members by the channel they joined through", async () => {
    const { token } = await makeToken(["*"]);
    await makeProfile(token);
    const admin = await signedInAs("admin");
    expect((await consoleAction("/dashboard", { intent: "rebuild" }, { cookie: admin.cookie })).status).toBe(200);
    const html = await (await fetchWorker("/dashboard?range=7d", { cookie: admin.cookie })).text();
    const figure = (id: string) => html.split(`data-testid="${id}"`)[1]!.split("</figure>")[0]!;
    expect(figure("chart-new-members-by-channel")).not.toContain("chart-empty");
    expect(figure("chart-channels")).not.toContain("chart-empty");
    // the API's members are a series of their own, named for people
    expect(html).toContain("channel_api");
  });

  it("only an Admin may rebuild; the rebuild is audited", async () => {
    const reporting = await signedInAs("reporting");
    const refused = await consoleAction("/dashboard", { intent: "rebuild" }, { cookie: reporting.cookie });
    expect(refused.status).toBe(403);
    const before = await countRows(auditLog, eq(auditLog.action, "reports.rebuilt"));
    const admin = await signedInAs("admin");
    const done = await consoleAction("/dashboard", { intent: "rebuild" }, { cookie: admin.cookie });
    expect(done.status).toBe(200);
    expect(done.data).toMatchObject({ ok: true });
    expect(String(done.data?.message)).toMatch(/Rollups rebuilt from the source tables: \d+ rows/);
    expect(await countRows(auditLog, eq(auditLog.action, "reports.rebuilt"))).toBe(before + 1);
  });

  it("an inverted or unreadable range falls back to the last 30 days and says why", async () => {
    const { cookie } = await signedInAs("manager");
    const inverted = await (await fetchWorker("/dashboard?from=2026-05-01&to=2026-04-01", { cookie })).text();
    expect(inverted).toContain("The end date is before the start date");
    const junk = await fetchWorker("/dashboard?from=yesterday&to=2026-04-01&location=nowhere", { cookie });
    expect(junk.status).toBe(200);
    expect(await junk.text()).toContain("Choose both dates of a custom range");
  });

  it("the redemption KPIs link to the redemptions ledger view, which lists redemptions and reversals across profiles", async () => {
    const { token } = await makeToken(["*"]);
    const reward = await rewardDef(token, { value: "10.00", period: 30 });
    const a = await makeProfile(token, { first_name: "Rhoda", last_name: "Redeemer" });
    await issueReward(token, a.id, reward.id);
    const redemption = await json<{ id: string }>(await api(`/profiles/${a.id}/redemptions`, { method: "POST", token, json: { strategy: "rewards", amount: 4 } }), 201);
    await json(await api(`/redemptions/${redemption.id}/reversal`, { method: "POST", token }), 200);

    const { cookie } = await signedInAs("reporting");
    const dashboard = await (await fetchWorker("/dashboard", { cookie })).text();
    // the redemption rate and points redeemed cards, with the dashboard's dates
    expect(dashboard.match(/href="\/incentives\/redemptions\?from=\d{4}-\d{2}-\d{2}&amp;to=\d{4}-\d{2}-\d{2}"/g)).toHaveLength(2);
    // the ledger writes its D1 projection just after the call returns
    const rows = await vi.waitFor(
      async () => {
        const res = await fetchWorker("/incentives/redemptions", { cookie });
        expect(res.status).toBe(200);
        const html = await res.text();
        expect(html).toContain('data-testid="redemptions-table"');
        const found = html.split('data-testid="redemption-row"').slice(1).filter((r) => r.includes(redemption.id));
        // the redemption and its reversal, each naming the profile
        expect(found).toHaveLength(2);
        return found;
      },
      { timeout: 10_000, interval: 100 },
    );
    expect(rows.every((r) => r.includes("Rhoda Redeemer") && r.includes(`/profiles/${a.id}`))).toBe(true);
    expect(rows.some((r) => r.includes("Reversed"))).toBe(true);
    // a range before any of it lists none; a range the page cannot read says so
    const empty = await (await fetchWorker("/incentives/redemptions?from=2020-01-01&to=2020-01-31", { cookie })).text();
    expect(empty).toContain("No redemptions in these dates");
    const inverted = await (await fetchWorker("/incentives/redemptions?from=2026-05-01&to=2026-04-01", { cookie })).text();
    expect(inverted).toContain("The end date is before the start date");
    // signed out: to the login page
    expect((await fetchWorker("/incentives/redemptions")).status).toBe(302);
  });
});
