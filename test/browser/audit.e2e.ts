// Settings → Audit log: changes made in the console show up, and the action filter finds them.
import { createUserViaUi, DEMO, heading, newUser, open, signIn, waitForHydration } from "./support/console";
import { describe, expect, test } from "./support/fixtures";

describe("audit log", () => {
  test("the user an Admin created is in the log, found by the user.created filter", async ({ page }) => {
    const user = newUser("Reporting");
    await signIn(page, DEMO.admin);
    await createUserViaUi(page, user);

    await open(page, "/settings/audit");
    expect(await heading(page).textContent()).toBe("Audit log");
    const table = page.getByTestId("audit-table");
    await table.waitFor({ state: "visible" });
    // The unfiltered log has the sign-in and the creation.
    const actions = await table.locator("tbody tr td:nth-child(3)").allTextContents();
    expect(actions).toEqual(expect.arrayContaining(["session.created", "user.created"]));

    await page.getByLabel("Action").selectOption("user.created");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL((url) => url.searchParams.get("action") === "user.created");
    await waitForHydration(page);
    await expect.poll(async () => (await table.locator("tbody tr td:nth-child(3)").allTextContents()).every((a) => a === "user.created")).toBe(true);

    const rows = table.locator("tbody tr");
    const entry = rows.filter({ hasText: user.email });
    await entry.waitFor({ state: "visible" });
    expect(await entry.count()).toBe(1);
    const text = (await entry.textContent()) ?? "";
    expect(text).toContain(DEMO.admin); // the actor
    expect(text).toContain("user.created");
    expect(text).toContain(user.name);
    expect(text).toContain('"role":"reporting"');
    expect(text).not.toContain(user.password);

    // Another action filter does not show the entry.
    await page.getByLabel("Action").selectOption("session.created");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL((url) => url.searchParams.get("action") === "session.created");
    await expect.poll(async () => (await table.locator("tbody tr td:nth-child(3)").allTextContents()).every((a) => a === "session.created")).toBe(true);
    expect(await rows.filter({ hasText: user.email }).count()).toBe(0);
  });
});
