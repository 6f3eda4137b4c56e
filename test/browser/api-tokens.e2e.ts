// Settings → API Tokens: the secret is shown once and works against the API until it is revoked in
// the console; afterwards the API refuses it and the page shows the token as revoked, secret-free.
import { DEMO, heading, open, openDialog, signIn, unique } from "./support/console";
import { describe, expect, test } from "./support/fixtures";

async function whoAmI(baseUrl: string, secret: string) {
  const res = await fetch(`${baseUrl}/api/v3/users/me`, { headers: { Authorization: `Bearer ${secret}`, Accept: "application/json" } });
  return { status: res.status, body: (await res.json()) as { data?: { user: { email: string }; token: { name: string; scopes: string[] } } } };
}

describe("API tokens", () => {
  test("an Admin creates a token, uses it against the API and revokes it", async ({ page, baseUrl }) => {
    const name = `Browser token ${unique()}`;
    await signIn(page, DEMO.admin);
    await open(page, "/settings/api-tokens");
    expect(await heading(page).textContent()).toBe("API Tokens");

    const dialog = await openDialog(page, page.getByRole("button", { name: "Create token" }), "Create API token");
    // exact: the form also has "Namespace (optional)"
    await dialog.getByLabel("Name", { exact: true }).fill(name);
    await dialog.getByRole("checkbox", { name: /profiles:read/ }).check();
    await dialog.getByRole("checkbox", { name: /incentives:read/ }).check();
    await dialog.getByRole("button", { name: "Create token" }).click();

    // The secret, once.
    const shown = page.getByRole("dialog", { name: `Token “${name}” created` });
    await shown.waitFor({ state: "visible" });
    const secret = ((await shown.getByTestId("new-token").textContent()) ?? "").trim();
    expect(secret.length).toBeGreaterThan(20);

    const before = await whoAmI(baseUrl, secret);
    expect(before.status).toBe(200);
    expect(before.body.data?.user.email).toBe(DEMO.admin);
    expect(before.body.data?.token.name).toBe(name);
    expect(before.body.data?.token.scopes.sort()).toEqual(["incentives:read", "profiles:read"]);

    await shown.getByRole("button", { name: "Done" }).click();
    await shown.waitFor({ state: "hidden" });
    expect(await page.getByTestId("new-token").count()).toBe(0);

    const row = page.getByTestId(`token-row-${name}`);
    const status = row.locator("td").nth(4);
    const revokeButton = row.locator("button", { hasText: "Revoke" });
    await row.waitFor({ state: "visible" });
    expect(await status.textContent()).toBe("active");
    expect(await revokeButton.count()).toBe(1);
    expect(await row.textContent()).not.toContain(secret);

    // Revoke, confirming in the dialog.
    const confirm = await openDialog(page, row.getByRole("button", { name: "Revoke" }), `Revoke “${name}”?`);
    await confirm.getByRole("button", { name: "Revoke token" }).click();
    await page.getByTestId("toast").filter({ hasText: `Token “${name}” revoked` }).waitFor({ state: "visible" });
    // The toast comes with the action's reply; the row follows once the page's data is reloaded.
    await expect.poll(() => status.textContent()).toBe("revoked");
    await confirm.waitFor({ state: "hidden" });
    expect(await revokeButton.count()).toBe(0);

    const after = await whoAmI(baseUrl, secret);
    expect(after.status).toBe(401);
    expect(after.body.data).toBeUndefined();

    await page.reload();
    await row.waitFor({ state: "visible" });
    expect(await status.textContent()).toBe("revoked");
    expect(await revokeButton.count()).toBe(0);
    expect(await page.content()).not.toContain(secret);
    expect(await page.getByTestId("new-token").count()).toBe(0);
  });
});
