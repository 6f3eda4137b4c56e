// The dashboard on the seeded demo brand: KPI cards with figures and a chart with data right after the
// seed; a narrower date range changes the numbers; a KPI card lands on the list it summarises.
import { DEMO, heading, open, signIn, waitForHydration } from "./support/console";
import { describe, expect, test } from "./support/fixtures";

describe("dashboard", () => {
  test("KPIs and charts render on the seeded history; a date range changes them; a KPI links to its list", async ({ page, consoleErrors }) => {
    await signIn(page, DEMO.reporting);
    await open(page, "/dashboard?range=12m");
    expect(await heading(page).textContent()).toBe("Dashboard");

    const revenue = page.getByTestId("kpi-revenue").getByTestId("kpi-value");
    const transactions = page.getByTestId("kpi-transactions").getByTestId("kpi-value");
    const yearRevenue = (await revenue.textContent()) ?? "";
    const yearTransactions = Number(((await transactions.textContent()) ?? "").replace(/\D/g, ""));
    expect(yearRevenue).toMatch(/^\$[\d,]+$/);
    expect(yearTransactions).toBeGreaterThan(100);

    // the revenue chart draws an area with data (recharts renders on the client)
    const chart = page.getByTestId("chart-revenue");
    await chart.locator(".recharts-area-area").first().waitFor({ state: "visible" });
    expect(await chart.getByTestId("chart-empty").count()).toBe(0);
    expect(await page.getByTestId("chart-locations").locator(".recharts-bar-rectangle").count()).toBeGreaterThan(0);

    // a week is a fraction of the year
    await page.getByTestId("range-7d").click();
    await page.waitForURL((u) => u.searchParams.get("range") === "7d");
    await waitForHydration(page);
    await expect.poll(async () => Number(((await transactions.textContent()) ?? "").replace(/\D/g, ""))).toBeLessThan(yearTransactions);
    expect(await page.getByTestId("range-7d").getAttribute("aria-current")).toBe("true");

    // a custom range through the form
    await page.getByLabel("From").fill("2000-01-01");
    await page.getByLabel("To").fill("2000-01-31");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL((u) => u.searchParams.get("from") === "2000-01-01");
    await expect.poll(() => transactions.textContent()).toBe("0");
    expect(await page.getByTestId("chart-revenue").getByTestId("chart-empty").count()).toBe(1);

    // the transactions KPI lands on the transactions list, filtered to the same dates
    await open(page, "/dashboard?range=12m");
    await page.getByTestId("kpi-transactions").click();
    await page.waitForURL((u) => u.pathname === "/transactions");
    const url = new URL(page.url());
    expect(url.searchParams.get("from")).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(url.searchParams.get("tz")).toBe("Australia/Sydney");
    // a client-side navigation: the URL changes before the new page has rendered
    await expect.poll(() => heading(page).textContent()).toBe("Transactions");

    // the at-risk card lands on Profiles filtered to the same members
    await open(page, "/dashboard");
    const atRisk = ((await page.getByTestId("kpi-at_risk").locator("p").nth(1).textContent()) ?? "").trim();
    expect(Number(atRisk)).toBeGreaterThan(0);
    await page.getByTestId("kpi-at_risk").click();
    await page.waitForURL((u) => u.pathname === "/profiles" && u.searchParams.get("segment") === "at-risk");
    await expect.poll(() => page.getByTestId("segment-at-risk").textContent()).toContain(`(${atRisk})`);

    // Reporting is read-only: no rebuild button
    await open(page, "/dashboard");
    expect(await page.getByTestId("rebuild-rollups").count()).toBe(0);
    expect(consoleErrors).toEqual([]);
  });

  test("an Admin rebuilds the rollups from the source tables and the figures stay the same", async ({ page, consoleErrors }) => {
    await signIn(page, DEMO.admin);
    await open(page, "/dashboard?range=12m");
    const before = await page.getByTestId("kpi-revenue").getByTestId("kpi-value").textContent();
    await page.getByTestId("rebuild-rollups").click();
    await expect.poll(() => page.getByRole("status").filter({ hasText: "Rollups rebuilt" }).count()).toBe(1);
    expect(await page.getByTestId("kpi-revenue").getByTestId("kpi-value").textContent()).toBe(before);
    expect(consoleErrors).toEqual([]);
  });
});
