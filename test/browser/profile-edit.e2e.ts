// A profile's Details: a Manager edits them (an invalid mobile is refused inline and saves nothing; a
// valid change is saved and shown), while a Reporting user only reads them, and the edit action refuses
// a forged request from that role.
import { newProfile } from "./support/api";
import { DEMO, signIn, unique } from "./support/console";
import { describe, expect, test } from "./support/fixtures";
import { openProfile, switchProfileTab } from "./support/profiles";

describe("profile details", () => {
  test("a Manager edits the surname and mobile; an invalid mobile is refused inline and saves nothing", async ({ page, api, baseUrl, consoleErrors }) => {
    const person = newProfile("Editable");
    const created = await api.createProfile(person);

    await signIn(page, DEMO.manager);
    await openProfile(page, created.id);
    const form = page.getByTestId("profile-edit-form");
    await form.waitFor({ state: "visible" });
    const lastName = form.getByLabel("Last name");
    const mobile = form.getByLabel("Mobile");
    expect(await lastName.inputValue()).toBe(person.last_name);
    expect(await mobile.inputValue()).toBe(person.mobile.international);

    // Invalid first: a mobile with digits missing. The form keeps what was typed and says why.
    const surname = `Renamed${unique()}`;
    await lastName.fill(surname);
    await mobile.fill("0412 34");
    await form.getByTestId("profile-save").click();
    const fieldError = form.getByTestId("field-error");
    await fieldError.waitFor({ state: "visible" });
    expect(await fieldError.textContent()).toMatch(/not a valid mobile number/);
    expect(await fieldError.count()).toBe(1);
    expect(await mobile.getAttribute("aria-invalid")).toBe("true");
    expect(await lastName.getAttribute("aria-invalid")).toBeNull();
    expect(await lastName.inputValue()).toBe(surname);
    expect(await mobile.inputValue()).toBe("0412 34");
    // (the error arrives with the action's reply; the button frees up once the page's data has reloaded)
    await expect.poll(() => form.getByTestId("profile-save").isEnabled(), { timeout: 10_000 }).toBe(true);
    const unchanged = await api.getProfile(created.id);
    expect(unchanged.last_name).toBe(person.last_name);
    expect(unchanged.mobile_phone).toBe(person.mobile.e164);
    expect(unchanged.updated_at).toBe(created.updated_at);
    expect(await page.getByTestId("profile-name").textContent()).toBe(`${person.first_name} ${person.last_name}`);

    // Then valid, the mobile as written locally: saved in E.164 and shown in the international form.
    const next = await api.freeMobile();
    await mobile.fill(next.local);
    await form.getByTestId("profile-save").click();
    await page.getByTestId("toast").filter({ hasText: "Profile saved" }).waitFor({ state: "visible" });
    await expect.poll(() => page.getByTestId("profile-name").textContent(), { timeout: 10_000 }).toBe(`${person.first_name} ${surname}`);
    await expect.poll(() => page.getByTestId("profile-mobile").textContent(), { timeout: 10_000 }).toBe(next.international);
    // the form starts again from the saved values, without the earlier error
    await expect.poll(() => mobile.inputValue(), { timeout: 10_000 }).toBe(next.international);
    expect(await lastName.inputValue()).toBe(surname);
    expect(await form.getByTestId("field-error").count()).toBe(0);

    const saved = await api.getProfile(created.id);
    expect(saved.last_name).toBe(surname);
    expect(saved.mobile_phone).toBe(next.e164);
    expect(saved.first_name).toBe(person.first_name);
    expect(saved.email).toBe(person.email);

    // And it is what a fresh load shows.
    await openProfile(page, created.id);
    expect(await page.getByTestId("profile-name").textContent()).toBe(`${person.first_name} ${surname}`);
    expect(await page.getByTestId("profile-mobile").textContent()).toBe(next.international);
    // The refused save answered 422, which Chromium logs as a failed resource; nothing else went wrong.
    const refused = `status of 422 (Unprocessable Entity) (${baseUrl}/profiles/${created.id}.data)`;
    expect(consoleErrors.filter((e) => !e.endsWith(refused))).toEqual([]);
  });

  test("a Reporting user reads the profile but cannot edit it, and a forged edit is refused with 403", async ({ page, api, baseUrl, consoleErrors }) => {
    const person = newProfile("ReadOnly");
    const created = await api.createProfile(person);

    await signIn(page, DEMO.reporting);
    const details = await openProfile(page, created.id);
    const readOnly = details.getByTestId("profile-details");
    await readOnly.waitFor({ state: "visible" });
    expect(await readOnly.textContent()).toContain(person.last_name);
    expect(await readOnly.textContent()).toContain(person.mobile.international);
    expect(await details.textContent()).toContain("Read-only for your role.");
    expect(await page.getByTestId("profile-edit-form").count()).toBe(0);
    expect(await page.getByTestId("profile-save").count()).toBe(0);
    expect(await page.getByRole("button", { name: "Save changes" }).count()).toBe(0);
    expect(await details.getByRole("textbox").count()).toBe(0);

    // The communication opt-ins are shown, switched neither way.
    const attributes = await switchProfileTab(page, "attributes");
    const switches = attributes.locator('[data-testid^="comms-"][data-testid$="-switch"]');
    expect(await switches.count()).toBe(5);
    for (const s of await switches.all()) expect(await s.isDisabled(), `${await s.getAttribute("data-testid")} is disabled`).toBe(true);

    // Nor can identities be added or removed.
    const identities = await switchProfileTab(page, "identities");
    expect(await identities.getByTestId("identity-row").count()).toBe(2);
    expect(await page.getByTestId("identity-add-open").count()).toBe(0);
    expect(await page.getByTestId("identity-remove").count()).toBe(0);

    // A hand-made POST of the edit (and of a comms switch) with this user's session: refused by role.
    const sameSite = { Origin: baseUrl };
    const forged = await page.request.post(`${baseUrl}/profiles/${created.id}`, {
      headers: sameSite,
      form: { intent: "update", first_name: person.first_name, last_name: "Forged", email: person.email, mobile_phone: person.mobile.local },
    });
    expect(forged.status()).toBe(403);
    expect(await forged.text()).toContain("cannot do this");
    const forgedComms = await page.request.post(`${baseUrl}/profiles/${created.id}`, { headers: sameSite, form: { intent: "comms", channel: "email", value: "true" } });
    expect(forgedComms.status()).toBe(403);

    const after = await api.getProfile(created.id);
    expect(after.last_name).toBe(person.last_name);
    expect(after.updated_at).toBe(created.updated_at);
    expect(after.attributes.comms).toEqual(created.attributes.comms);
    await openProfile(page, created.id);
    expect(await page.getByTestId("profile-name").textContent()).toBe(`${person.first_name} ${person.last_name}`);
    expect(consoleErrors).toEqual([]);
  });
});
