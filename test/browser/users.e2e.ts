// Settings → Users: an Admin creates a Manager (after an invalid attempt the dialog keeps the form and
// shows the errors), and the new Manager signs in to a console without settings.
import { errorPage, fillCreateUser, heading, navLinks, newUser, open, openDialog, signIn, signOut, DEMO } from "./support/console";
import { describe, expect, test } from "./support/fixtures";

describe("users", () => {
  test("an Admin creates a Manager, who signs in without access to settings", async ({ page }) => {
    const manager = newUser("Manager");
    await signIn(page, DEMO.admin);
    await open(page, "/settings/users");
    expect(await page.getByTestId(`user-row-${manager.email}`).count()).toBe(0);

    const dialog = await openDialog(page, page.getByRole("button", { name: "Create user" }), "Create user");

    // Invalid first: a malformed email and a short password. The dialog stays open with both errors.
    await fillCreateUser(dialog, { ...manager, email: "not-an-email", password: "short" });
    const fieldErrors = dialog.getByTestId("field-error");
    await expect.poll(() => fieldErrors.allTextContents()).toEqual(
      expect.arrayContaining([expect.stringMatching(/valid email/i), expect.stringMatching(/at least 12 characters/i)]),
    );
    expect(await dialog.isVisible()).toBe(true);
    expect(await dialog.getByLabel("Email").getAttribute("aria-invalid")).toBe("true");
    expect(await dialog.getByLabel("Password").getAttribute("aria-invalid")).toBe("true");
    expect(await page.getByTestId("users-table").getByText("not-an-email").count()).toBe(0);

    // Then valid: the dialog closes, a toast confirms and the row appears.
    await fillCreateUser(dialog, manager);
    await dialog.waitFor({ state: "hidden" });
    const toast = page.getByTestId("toast").filter({ hasText: `${manager.name} can now sign in as Manager` });
    await toast.waitFor({ state: "visible" });
    const row = page.getByTestId(`user-row-${manager.email}`);
    await row.waitFor({ state: "visible" });
    expect(await row.textContent()).toContain(manager.name);
    expect(await row.getByLabel(`Role of ${manager.email}`).inputValue()).toBe("manager");
    expect(await row.textContent()).toContain("Active");

    await signOut(page);
    expect(await heading(page).textContent()).toBe("Sign in");

    await signIn(page, manager.email, manager.password);
    expect(new URL(page.url()).pathname).toBe("/dashboard");
    await expect.poll(() => heading(page).textContent()).toBe("Dashboard");
    expect(await page.getByTestId("user-menu").textContent()).toContain(manager.name);

    const links = await navLinks(page);
    expect(links.map((l) => l.label)).toEqual(expect.arrayContaining(["Dashboard", "Profiles", "Transactions", "Incentives", "Rewards"]));
    expect(links.filter((l) => l.href.startsWith("/settings"))).toEqual([]);
    expect(await page.locator('nav[aria-label="Main"]').getByText("Settings", { exact: true }).count()).toBe(0);

    const res = await page.goto("/settings/users");
    expect(res?.status()).toBe(403);
    const forbidden = errorPage(page);
    await forbidden.waitFor({ state: "visible" });
    expect(await forbidden.getAttribute("data-status")).toBe("403");
    expect(await heading(page).textContent()).toBe("Forbidden");
    expect(await page.getByTestId("users-table").count()).toBe(0);
  });
});
