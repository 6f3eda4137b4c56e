// Profiles: the one search box finds a member by any of their keys (surname, email, mobile as written
// locally, loyalty card, Shopify id), and a member who joins through the API appears in the New
// members feed of an open console without a reload.
import { newProfile } from "./support/api";
import { DEMO, heading, open, signIn } from "./support/console";
import { describe, expect, test } from "./support/fixtures";
import { profileRow, searchProfiles } from "./support/profiles";

describe("profiles list", () => {
  test("the search box finds a member by surname, email, local mobile, loyalty card and Shopify id", async ({ page, api, consoleErrors }) => {
    const person = newProfile("Searchable");
    const profile = await api.createProfile(person);

    await signIn(page, DEMO.admin);
    await open(page, "/profiles");
    expect(await heading(page).textContent()).toBe("Profiles");

    const keys = [
      { kind: "the start of the surname", q: person.last_name.slice(0, -3).toLowerCase() },
      { kind: "the email", q: person.email },
      { kind: "the mobile in local format", q: person.mobile.local },
      { kind: "the loyalty card number", q: person.loyaltyCard },
      { kind: "the Shopify customer id", q: person.shopify },
    ];
    for (const { kind, q } of keys) {
      await searchProfiles(page, q);
      const rows = page.getByTestId("profile-row");
      await expect.poll(() => rows.evaluateAll((els) => els.map((e) => e.getAttribute("data-profile-id"))), { message: `rows for ${kind} “${q}”`, timeout: 10_000 }).toEqual([profile.id]);
      const text = (await profileRow(page, profile.id).textContent()) ?? "";
      expect(text).toContain(`${person.first_name} ${person.last_name}`);
      expect(text).toContain(person.email);
      expect(text).toContain(person.mobile.international);
      expect(await page.getByTestId("profile-search").inputValue()).toBe(q);
    }

    // The row opens the profile.
    await profileRow(page, profile.id).getByRole("link").click();
    await page.waitForURL((url) => url.pathname === `/profiles/${profile.id}`);
    await expect.poll(() => page.getByTestId("profile-name").textContent(), { timeout: 10_000 }).toBe(`${person.first_name} ${person.last_name}`);
    expect(consoleErrors).toEqual([]);
  });

  test("a member who joins through the API appears in the live feed without a reload", async ({ page, api, consoleErrors }) => {
    await signIn(page, DEMO.admin);
    await open(page, "/profiles");
    const status = page.getByTestId("live-feed-status");
    await expect.poll(() => status.getAttribute("data-status"), { timeout: 15_000 }).toBe("live");
    expect(await status.textContent()).toBe("Live");
    // Anything that reloads the document loses this.
    await page.evaluate(() => {
      (window as unknown as { e2eMarker?: string }).e2eMarker = "same document";
    });

    const person = newProfile("Joiner");
    const profile = await api.createProfile(person);

    const item = page.locator(`[data-testid="live-feed-item"][data-profile-id="${profile.id}"]`);
    await item.waitFor({ state: "visible", timeout: 20_000 });
    const text = (await item.textContent()) ?? "";
    expect(text).toContain(`${person.first_name} ${person.last_name}`);
    expect(text).toContain(person.email);
    expect(text).toContain("New");
    expect(await page.getByTestId("live-feed-item").first().getAttribute("data-profile-id")).toBe(profile.id);
    // The unfiltered table follows too, still on the same document.
    await profileRow(page, profile.id).waitFor({ state: "visible" });
    expect(await page.evaluate(() => (window as unknown as { e2eMarker?: string }).e2eMarker)).toBe("same document");
    expect(await status.getAttribute("data-status")).toBe("live");
    expect(consoleErrors).toEqual([]);
  });
});
