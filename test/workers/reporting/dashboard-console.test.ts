// The console's dashboard: every role sees it; only an Admin rebuilds the rollups (audited); a range the
// page cannot read falls back to the last 30 days and says so; the Metabase tab is hidden unless configured.
import { describe, expect, it } from "vitest";
import { auditLog } from "../../../db/schema";
import { eq } from "drizzle-orm";
import { consoleAction, countRows, fetchWorker, signedInAs } from "../helpers";

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
});
