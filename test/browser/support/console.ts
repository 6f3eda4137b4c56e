// Small steps through the console that several tests share: sign in and out, wait for hydration,
// open a dialog, create a user. They drive the UI the way a person would; no shortcuts through the API.
import type { Locator, Page } from "playwright-core";
import { expect } from "vitest";

export const DEMO_PASSWORD = "loyalty-edge-demo";
export const DEMO = {
  admin: "admin@demo.loyaltyedge.dev",
  manager: "manager@demo.loyaltyedge.dev",
  reporting: "reporting@demo.loyaltyedge.dev",
} as const;

/** A suffix that keeps each test's names and emails its own, within a run and across runs. */
export function unique(): string {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}`;
}

/** The path and query of the page's URL. */
export function pathOf(page: Page): string {
  const url = new URL(page.url());
  return url.pathname + url.search;
}

/**
 * Resolves once React has hydrated the document: hydration completes bottom-up and <body> is the
 * last host element it finishes, so React's props on <body> mean every handler is attached.
 */
export async function waitForHydration(page: Page): Promise<void> {
  await page.waitForFunction(() => Object.keys(document.body).some((k) => k.startsWith("__reactProps$")));
}

export async function open(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await waitForHydration(page);
}

export function heading(page: Page): Locator {
  return page.getByRole("heading", { level: 1 });
}

export function errorPage(page: Page): Locator {
  return page.getByTestId("error-page");
}

/** The sidebar's links (the logo link aside), as { label, href }. */
export async function navLinks(page: Page): Promise<Array<{ label: string; href: string }>> {
  const links = page.locator('nav[aria-label="Main"] li a');
  return links.evaluateAll((els) => els.map((a) => ({ label: (a.textContent ?? "").trim(), href: a.getAttribute("href") ?? "" })));
}

export async function fillLogin(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Sign in through the login form and wait until the console has taken over. */
export async function signIn(page: Page, email: string, password = DEMO_PASSWORD): Promise<void> {
  await open(page, "/login");
  await fillLogin(page, email, password);
  await page.waitForURL((url) => url.pathname !== "/login");
  await waitForHydration(page);
}

export async function signOut(page: Page): Promise<void> {
  await page.getByTestId("user-menu").click();
  await page.getByRole("menu").getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL((url) => url.pathname === "/login");
  await waitForHydration(page);
}

/** Click a dialog's trigger and return the dialog, found by its accessible name (its title). */
export async function openDialog(page: Page, trigger: Locator, title: string | RegExp): Promise<Locator> {
  await trigger.click();
  const dialog = page.getByRole("dialog", { name: title });
  await dialog.waitFor({ state: "visible" });
  return dialog;
}

export interface NewUser {
  name: string;
  email: string;
  role: "Admin" | "Manager" | "Reporting";
  password: string;
}

export function newUser(role: NewUser["role"] = "Manager"): NewUser {
  const id = unique();
  return { name: `Browser ${role} ${id}`, email: `browser-${role.toLowerCase()}-${id}@example.test`, role, password: `pw-${id}-long-enough` };
}

export async function fillCreateUser(dialog: Locator, user: NewUser): Promise<void> {
  await dialog.getByLabel("Name").fill(user.name);
  await dialog.getByLabel("Email").fill(user.email);
  await dialog.getByLabel("Role").selectOption({ label: user.role });
  await dialog.getByLabel("Password").fill(user.password);
  await dialog.getByRole("button", { name: "Create user" }).click();
}

/** As an Admin: Settings → Users → Create user, and wait for the new row. */
export async function createUserViaUi(page: Page, user: NewUser): Promise<Locator> {
  await open(page, "/settings/users");
  const dialog = await openDialog(page, page.getByRole("button", { name: "Create user" }), "Create user");
  await fillCreateUser(dialog, user);
  await dialog.waitFor({ state: "hidden" });
  const row = page.getByTestId(`user-row-${user.email}`);
  await row.waitFor({ state: "visible" });
  await expect.poll(() => row.textContent()).toContain(user.name);
  return row;
}
