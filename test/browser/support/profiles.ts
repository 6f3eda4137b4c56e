// Steps through the Profiles pages that several tests share: search as a person types, and the
// profile page's parts. Test data comes from support/api.ts.
import type { Locator, Page } from "playwright-core";
import { expect } from "vitest";
import { open } from "./console";

/** The Profiles list's row of one profile. */
export function profileRow(page: Page, profileId: string): Locator {
  return page.locator(`[data-testid="profile-row"][data-profile-id="${profileId}"]`);
}

/**
 * Replace what the search box holds with `text`, typed key by key (the box searches on its own, after
 * a pause in the typing), and wait until the list shows the results for it: the URL carries ?q= and no
 * search is still running.
 */
export async function searchProfiles(page: Page, text: string): Promise<void> {
  const box = page.getByTestId("profile-search");
  await box.click();
  await box.press("Control+A");
  await box.pressSequentially(text, { delay: 20 });
  await page.waitForURL((url) => url.pathname === "/profiles" && url.searchParams.get("q") === text);
  await expect.poll(() => page.getByRole("status", { name: "Searching" }).count(), { timeout: 10_000 }).toBe(0);
}

/** Open a profile's page on one tab (details when none) and wait for its panel. */
export async function openProfile(page: Page, profileId: string, tab?: string): Promise<Locator> {
  await open(page, `/profiles/${profileId}${tab ? `?tab=${tab}` : ""}`);
  const panel = page.getByTestId(`profile-panel-${tab ?? "details"}`);
  await panel.waitFor({ state: "visible" });
  return panel;
}

/** Click one of the profile page's tabs and wait for its panel (a client-side navigation). */
export async function switchProfileTab(page: Page, tab: string): Promise<Locator> {
  await page.getByTestId(`profile-tab-${tab}`).click();
  await page.waitForURL((url) => url.searchParams.get("tab") === tab);
  const panel = page.getByTestId(`profile-panel-${tab}`);
  await panel.waitFor({ state: "visible" });
  return panel;
}
