// A profile's Incentives tab in the browser: a Manager issues a reward by hand (a missing reason is
// refused inline and issues nothing; with one, the toast shows and the reward balance moves), and a
// Reporting user sees the balances but no issue or void controls, and a forged issue is refused (403).
// Each test makes its own reward definition and profile through the API.
import { newProfile } from "./support/api";
import { DEMO, open, openDialog, signIn, unique } from "./support/console";
import { describe, expect, test } from "./support/fixtures";
import { openProfile } from "./support/profiles";
import type { Api } from "./support/api";

interface RewardDefinition {
  id: string;
  name: string;
}

/** A reward definition of this test's own (the seed's demo rewards may or may not be there). */
async function rewardDefinition(api: Api, value: string): Promise<RewardDefinition> {
  const id = unique();
  const res = await api.request<RewardDefinition>("POST", "/rewards/definitions", { name: `Browser goodwill ${id}`, handle: `browser-goodwill-${id}`, type: "campaign", value, period: 30 });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data!;
}

async function rewardBalance(api: Api, profileId: string): Promise<number> {
  const res = await api.request<{ reward_balance: number }>("GET", `/profiles/${profileId}/balances`);
  expect(res.status).toBe(200);
  return res.body.data!.reward_balance;
}

async function rewardCount(api: Api, profileId: string): Promise<number> {
  const res = await api.request<unknown[]>("GET", `/profiles/${profileId}/rewards`);
  expect(res.status).toBe(200);
  return res.body.data!.length;
}

describe("profile incentives", () => {
  test("a Manager issues a reward by hand: a missing reason is refused inline, then the reward balance moves", async ({ page, api, baseUrl, consoleErrors }) => {
    const def = await rewardDefinition(api, "15.00");
    const profile = await api.createProfile(newProfile("Rewarded"));

    await signIn(page, DEMO.manager);
    const panel = await openProfile(page, profile.id, "incentives");
    const balance = panel.getByTestId("balance-rewards");
    expect(await balance.textContent()).toBe("$0.00");
    expect(await panel.getByTestId("reward-row").count()).toBe(0);

    const dialog = await openDialog(page, panel.getByTestId("reward-issue-open"), "Issue reward");
    await dialog.getByLabel("Reward", { exact: true }).selectOption(def.id);

    // No reason: refused beside the field, the dialog stays open and nothing is issued.
    await dialog.getByTestId("reward-issue-submit").click();
    const error = dialog.getByTestId("field-error");
    await error.waitFor({ state: "visible" });
    expect(await error.textContent()).toContain("reason is required");
    expect(await dialog.getByLabel("Reason").getAttribute("aria-invalid")).toBe("true");
    expect(await rewardCount(api, profile.id)).toBe(0);
    expect(await balance.textContent()).toBe("$0.00");

    // With a reason: issued, toasted, the dialog closes and the tab reloads with the new balance.
    const reason = `Parcel lost in transit ${unique()}`;
    await dialog.getByLabel("Reason").fill(reason);
    await expect.poll(() => dialog.getByTestId("reward-issue-submit").isEnabled(), { timeout: 10_000 }).toBe(true);
    await dialog.getByTestId("reward-issue-submit").click();
    await page.getByTestId("toast").filter({ hasText: "Reward issued" }).waitFor({ state: "visible" });
    await dialog.waitFor({ state: "hidden" });
    await expect.poll(() => balance.textContent(), { timeout: 10_000 }).toBe("$15.00");
    const row = panel.getByTestId("reward-row");
    expect(await row.count()).toBe(1);
    expect(await row.textContent()).toContain(def.name);
    expect(await row.textContent()).toContain(reason);
    expect(await panel.getByTestId("ledger-row").first().textContent()).toContain(reason);

    expect(await rewardBalance(api, profile.id)).toBe(15);
    expect(await rewardCount(api, profile.id)).toBe(1);

    // and a fresh load shows the same
    // (the refused issue answered 422, which Chromium logs as a failed resource; nothing else went wrong)
    await openProfile(page, profile.id, "incentives");
    expect(await page.getByTestId("balance-rewards").textContent()).toBe("$15.00");
    const refused = `status of 422 (Unprocessable Entity) (${baseUrl}/profiles/${profile.id}.data?tab=incentives)`;
    expect(consoleErrors.filter((e) => !e.endsWith(refused))).toEqual([]);
  });

  test("a Reporting user sees the balances but no Issue or Void controls, and a forged issue is refused with 403", async ({ page, api, baseUrl, consoleErrors }) => {
    const def = await rewardDefinition(api, "8.00");
    const profile = await api.createProfile(newProfile("Onlooker"));
    const issued = await api.request("POST", `/profiles/${profile.id}/rewards`, { reward_definition_id: def.id, reason: "set up by the test" });
    expect(issued.status, JSON.stringify(issued.body)).toBe(201);

    await signIn(page, DEMO.reporting);
    const panel = await openProfile(page, profile.id, "incentives");
    expect(await panel.getByTestId("balance-rewards").textContent()).toBe("$8.00");
    expect(await panel.getByTestId("reward-row").count()).toBe(1);
    expect(await page.getByTestId("incentive-issue-actions").count()).toBe(0);
    for (const name of ["Issue reward", "Award points", "Issue benefit", "Progress achievement", "Assign tier", "Void"]) {
      expect(await page.getByRole("button", { name }).count(), name).toBe(0);
    }

    const forged = await page.request.post(`${baseUrl}/profiles/${profile.id}`, {
      headers: { Origin: baseUrl },
      form: { intent: "reward-issue", reward_definition_id: def.id, reason: "forged" },
    });
    expect(forged.status()).toBe(403);
    expect(await rewardCount(api, profile.id)).toBe(1);
    expect(await rewardBalance(api, profile.id)).toBe(8);

    // The overview is open to this role too, without the way into Configuration.
    await open(page, "/incentives");
    await page.getByTestId("incentives-overview-table").waitFor({ state: "visible" });
    expect(await page.locator(`[data-definition-id="${def.id}"]`).textContent()).toContain(def.name);
    expect(consoleErrors).toEqual([]);
  });
});
