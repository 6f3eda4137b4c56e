// Settings → Reactions in the browser: an Admin builds a trigger with a filter (the JSON Logic editor
// refuses a broken condition as it is typed), dry-runs it over a pasted event, saves and activates it;
// a purchase over the filter's threshold posted through the API then shows the reward on the profile.
import { newProfile } from "./support/api";
import { DEMO, open, signIn, unique } from "./support/console";
import { describe, expect, test } from "./support/fixtures";
import { openProfile } from "./support/profiles";

describe("reactions", () => {
  test("build a trigger with a filter, dry-run it, activate it, and a purchase earns the reward", async ({ page, api }) => {
    const id = unique();
    const def = await api.request<{ id: string; handle: string; name: string }>("POST", "/rewards/definitions", { name: `Big basket ${id}`, handle: `big-basket-${id}`, type: "campaign", value: "7.00", period: 30 });
    expect(def.status).toBe(201);
    const profile = await api.createProfile(newProfile("Reacted"));

    await signIn(page, DEMO.admin);
    await open(page, "/settings/reactions");
    const builder = page.getByTestId("trigger-builder");
    await builder.getByLabel("Name", { exact: true }).fill(`Big baskets ${id}`);
    await builder.getByLabel("Event", { exact: true }).selectOption("transaction.created");

    // a broken condition is refused as it is typed, and the buttons wait for a valid one
    const editor = builder.getByTestId("condition-editor");
    await editor.fill('{">": [{"var": "transaction.total"}]}');
    await builder.getByTestId("field-error").first().waitFor({ state: "visible" });
    expect(await builder.getByTestId("save-trigger").isDisabled()).toBe(true);
    await editor.fill('{">": [{"var": "transaction.total"}, 50]}');
    await expect.poll(() => builder.getByTestId("save-trigger").isEnabled()).toBe(true);
    await builder.getByLabel("Definition").selectOption(def.body.data!.handle);

    // dry run over a pasted event: the filter passes and the reward would be issued; nothing is
    await builder.getByTestId("dry-run-event").fill(JSON.stringify({ type: "transaction.created", profile_id: profile.id, data: { transaction: { total: 80 } } }));
    await builder.getByTestId("dry-run-submit").click();
    const dry = page.getByTestId("dry-run-result");
    await dry.waitFor({ state: "visible" });
    expect(await dry.textContent()).toContain("The filters pass");
    expect(await dry.getByTestId("dry-run-action").nth(1).textContent()).toContain("would issue");
    const before = await api.request<unknown[]>("GET", `/profiles/${profile.id}/rewards`);
    expect(before.body.data).toHaveLength(0);

    // save (inactive), then activate from the list
    await builder.getByTestId("save-trigger").click();
    await page.getByTestId("toast").filter({ hasText: "saved" }).waitFor({ state: "visible" });
    const row = page.getByTestId("trigger-row").filter({ hasText: `Big baskets ${id}` });
    await row.waitFor({ state: "visible" });
    expect(await row.getByText("Inactive", { exact: true }).count()).toBe(1);
    await row.getByTestId("trigger-toggle").click();
    await expect.poll(() => row.getByText("Active", { exact: true }).count(), { timeout: 10_000 }).toBe(1);

    // a purchase over $50 through the API: the trigger issues the reward, seen on the profile
    await api.createTransaction({ external_id: `R-${id}`, profile_id: profile.id, total: 80, items: [{ sku: `SKU-${id}`, name: "Coat", quantity: 1, price_sell: 80 }] });
    await expect
      .poll(async () => ((await api.request<Array<{ reward_definition_id: string }>>("GET", `/profiles/${profile.id}/rewards`)).body.data ?? []).filter((r) => r.reward_definition_id === def.body.data!.id).length, {
        timeout: 30_000,
        interval: 500,
      })
      .toBe(1);
    const panel = await openProfile(page, profile.id, "incentives");
    expect(await panel.getByTestId("reward-row").filter({ hasText: def.body.data!.name }).count()).toBe(1);
  });
});
