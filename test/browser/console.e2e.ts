// Signing in and walking the console: every section in the sidebar renders its page, and the login
// form handles a wrong password and sends you back to where you were going.
import { CONSOLE_PAGES } from "~/lib/navigation";
import { DEMO, DEMO_PASSWORD, errorPage, fillLogin, heading, navLinks, open, pathOf, signIn, waitForHydration } from "./support/console";
import { describe, expect, test } from "./support/fixtures";

describe("console navigation", () => {
  test("the demo Admin signs in and every section in the sidebar renders", async ({ page, consoleErrors }) => {
    await signIn(page, DEMO.admin);
    expect(pathOf(page)).toBe("/dashboard");
    await expect.poll(() => heading(page).textContent()).toBe("Dashboard");
    expect(await page.getByTestId("user-menu").textContent()).toContain("Dana Admin");

    // An Admin sees every console page, in the order of the navigation table.
    const links = await navLinks(page);
    expect(links).toEqual(CONSOLE_PAGES.map((p) => ({ label: p.label, href: p.to })));

    // Through the sidebar (client-side navigation)…
    for (const { label, href } of links) {
      const link = page.locator('nav[aria-label="Main"] li a', { hasText: label }).and(page.locator(`[href="${href}"]`));
      await link.click();
      await page.waitForURL((url) => url.pathname === href);
      await expect.poll(() => link.getAttribute("aria-current"), { message: `${label} is the active link` }).toBe("page");
      await expect.poll(() => heading(page).textContent(), { message: `heading of ${href}` }).toBe(label);
      expect(await errorPage(page).count(), `error page at ${href}`).toBe(0);
    }

    // …and as full page loads (server rendering, then hydration).
    for (const { label, href } of links) {
      const res = await page.goto(href);
      expect(res?.status(), `status of ${href}`).toBe(200);
      await waitForHydration(page);
      expect(await heading(page).textContent(), `heading of ${href}`).toBe(label);
      expect(await errorPage(page).count(), `error page at ${href}`).toBe(0);
    }

    expect(consoleErrors).toEqual([]);
  });
});

describe("sign in", () => {
  test("a wrong password shows an inline error and stays on /login", async ({ page }) => {
    await open(page, "/login");
    await fillLogin(page, DEMO.admin, "not-the-password");
    const error = page.getByTestId("field-error");
    await error.waitFor({ state: "visible" });
    expect(await error.textContent()).toMatch(/email or password/i);
    expect(new URL(page.url()).pathname).toBe("/login");
    expect(await heading(page).textContent()).toBe("Sign in");
    // The email is kept; the password field is marked invalid.
    expect(await page.getByLabel("Email").inputValue()).toBe(DEMO.admin);
    expect(await page.getByLabel("Password").getAttribute("aria-invalid")).toBe("true");
    // No session was started: the console still sends you to the login page.
    await page.goto("/dashboard");
    expect(new URL(page.url()).pathname).toBe("/login");
  });

  test("an unauthenticated visit lands on /login and returns to the page after signing in", async ({ page }) => {
    await page.goto("/settings/users");
    expect(pathOf(page)).toBe(`/login?redirectTo=${encodeURIComponent("/settings/users")}`);
    await waitForHydration(page);
    expect(await heading(page).textContent()).toBe("Sign in");

    await fillLogin(page, DEMO.admin, DEMO_PASSWORD);
    await page.waitForURL((url) => url.pathname === "/settings/users");
    await expect.poll(() => heading(page).textContent()).toBe("Users");
    expect(await page.getByTestId(`user-row-${DEMO.admin}`).count()).toBe(1);
  });
});
