// Configuration of incentives in the browser: an Admin creates a reward definition and a tier ladder;
// a bad value (a negative reward, a tier kept above its attain value) is refused inline and creates
// nothing, and the ladder diagram shows the tiers in order.
import { DEMO, open, signIn, unique } from "./support/console";
import { describe, expect, test } from "./support/fixtures";

describe("incentive definitions", () => {
  test("an Admin creates a reward and a tier ladder, with inline errors for bad values", async ({ page, api, consoleErrors }) => {
    const suffix = unique();
    await signIn(page, DEMO.admin);

    // a reward: a negative value first
    await open(page, "/configuration/rewards/new");
    const form = page.getByTestId("definition-form");
    await form.getByLabel("Name", { exact: true }).fill(`Birthday ${suffix}`);
    await form.getByLabel("Handle").fill(`birthday-${suffix}`);
    await form.getByLabel("Value ($)").fill("-5");
    await form.getByLabel("Expires after (days)").fill("30");
    await form.getByTestId("definition-save").click();
    const valueError = form.getByTestId("field-error");
    await valueError.waitFor({ state: "visible" });
    expect(await valueError.textContent()).toMatch(/value must be more than 0/);
    expect(await form.getByLabel("Value ($)").getAttribute("aria-invalid")).toBe("true");
    const none = await api.request<unknown[]>("GET", `/rewards/definitions?search=birthday-${suffix}`);
    expect(none.body.data).toEqual([]);

    await form.getByLabel("Value ($)").fill("10.00");
    await form.getByTestId("definition-save").click();
    await page.waitForURL((url) => url.pathname === "/configuration/rewards");
    const row = page.locator(`[data-testid="definition-row"][data-handle="birthday-${suffix}"]`);
    await row.waitFor({ state: "visible" });
    expect(await row.textContent()).toContain("$10.00");

    // a ladder on new tier points: Silver, then Gold kept above its attain value (refused), then fixed
    const points = await api.request<{ id: string }>("POST", "/points/definitions", { name: `Tier points ${suffix}`, handle: `tp-${suffix}`, kind: "tier" });
    expect(points.status).toBe(201);
    const ladderId = points.body.data!.id;
    const createTier = async (name: string, min: string, keep: string) => {
      await open(page, "/configuration/tiers/new");
      const f = page.getByTestId("definition-form");
      await f.getByLabel("Tier points (the ladder)").selectOption(ladderId);
      await f.getByLabel("Name", { exact: true }).fill(`${name} ${suffix}`);
      await f.getByLabel("Attain at (points in 12 months)").fill(min);
      await f.getByLabel("Keep at (points in 12 months)").fill(keep);
      await f.getByTestId("definition-save").click();
      return f;
    };
    await createTier("Silver", "0", "0");
    await page.waitForURL((url) => url.pathname === "/configuration/tiers");

    const gold = await createTier("Gold", "500", "600");
    const keepError = gold.getByTestId("field-error");
    await keepError.waitFor({ state: "visible" });
    expect(await keepError.textContent()).toMatch(/value_maintain \(600\) may not be more than value_min \(500\)/);
    await gold.getByLabel("Keep at (points in 12 months)").fill("400");
    await gold.getByTestId("definition-save").click();
    await page.waitForURL((url) => url.pathname === "/configuration/tiers");

    const ladder = page.locator(`[data-testid="tier-ladder"][data-point-definition="${ladderId}"] [data-testid="ladder-tier"]`);
    await expect.poll(() => ladder.evaluateAll((els) => els.map((e) => e.getAttribute("data-name")))).toEqual([`Silver ${suffix}`, `Gold ${suffix}`]);
    const tiers = await api.request<Array<{ name: string; value_maintain: number }>>("GET", `/tiers/definitions?filter[point_definition_id]=${ladderId}`);
    expect(tiers.body.data!.map((t) => [t.name, t.value_maintain])).toEqual([
      [`Silver ${suffix}`, 0],
      [`Gold ${suffix}`, 400],
    ]);
    // the two refusals are the 422s Chromium logs for the form posts; nothing else may be logged
    const refused = /status of 422 .*\/configuration\/(rewards|tiers)\/new\.data\)$/;
    expect(consoleErrors.filter((e) => !refused.test(e))).toEqual([]);
  });
});
