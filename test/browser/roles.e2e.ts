// The Reporting role: read-only console, no settings.
import { DEMO, errorPage, heading, navLinks, signIn } from "./support/console";
import { describe, expect, test } from "./support/fixtures";

describe("roles", () => {
  test("a Reporting user sees the dashboard and is refused API tokens", async ({ page, consoleErrors }) => {
    await signIn(page, DEMO.reporting);
    expect(new URL(page.url()).pathname).toBe("/dashboard");
    await expect.poll(() => heading(page).textContent()).toBe("Dashboard");
    expect(await errorPage(page).count()).toBe(0);
    expect(await page.getByTestId("user-menu").textContent()).toContain("Riley Reporting");
    // The Admin-only shortcuts on the dashboard are not offered.
    expect(await page.getByRole("link", { name: "Manage users and roles →" }).count()).toBe(0);
    expect(consoleErrors).toEqual([]);

    const links = await navLinks(page);
    expect(links.map((l) => l.href)).toContain("/profiles");
    expect(links.filter((l) => l.href.startsWith("/settings"))).toEqual([]);

    const res = await page.goto("/settings/api-tokens");
    expect(res?.status()).toBe(403);
    const forbidden = errorPage(page);
    await forbidden.waitFor({ state: "visible" });
    expect(await forbidden.getAttribute("data-status")).toBe("403");
    expect(await page.getByTestId("tokens-table").count()).toBe(0);
    expect(await page.getByRole("button", { name: "Create token" }).count()).toBe(0);
  });
});
