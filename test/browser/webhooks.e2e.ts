// Settings → Webhooks: an Admin adds a webhook pointing at a receiver on this machine (allowed by
// ALLOW_INSECURE_WEBHOOK_URLS in .dev.vars), sees the signing secret once, sends a test event that
// arrives signed so the standardwebhooks package verifies it, and finds it delivered in the log.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll } from "vitest";
import { DEMO, heading, open, openDialog, signIn } from "./support/console";
import { describe, expect, test } from "./support/fixtures";

const got: Array<{ headers: Record<string, string>; body: string }> = [];
let server: Server;
let port = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      got.push({ headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])), body });
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("Webhooks", () => {
  test("an Admin adds a webhook, sees its secret once, sends a test event and sees it delivered", async ({ page }) => {
    const url = `http://127.0.0.1:${port}/hook-${Date.now()}`;
    await signIn(page, DEMO.admin);
    await open(page, "/settings/webhooks");
    expect(await heading(page).textContent()).toBe("Webhooks");

    // a private address is refused inline, and nothing is added
    let dialog = await openDialog(page, page.getByRole("button", { name: "Add webhook" }), "Add webhook");
    await dialog.getByLabel("Event").selectOption("reward.issued");
    await dialog.getByLabel("URL").fill("https://10.0.0.1/hook");
    await dialog.getByRole("button", { name: "Add webhook" }).click();
    await expect.poll(() => dialog.getByTestId("field-error").first().textContent()).toContain("private address");

    await dialog.getByLabel("URL").fill(url);
    await dialog.getByRole("button", { name: "Add webhook" }).click();
    const shown = page.getByRole("dialog", { name: "Signing secret" });
    await shown.waitFor({ state: "visible" });
    const secret = ((await shown.getByTestId("webhook-secret").textContent()) ?? "").trim();
    expect(secret).toMatch(/^whsec_/);
    await shown.getByRole("button", { name: "Done" }).click();
    await shown.waitFor({ state: "hidden" });

    const row = page.getByTestId("webhook-row").filter({ hasText: url });
    await row.waitFor({ state: "visible" });
    expect(await page.content()).not.toContain(secret);
    await row.getByRole("link", { name: "reward.issued" }).click();
    await row.getByRole("button", { name: "Send test" }).click();
    await page.getByTestId("toast").filter({ hasText: "Test event queued" }).waitFor({ state: "visible" });

    await expect.poll(() => got.length, { timeout: 15_000 }).toBeGreaterThan(0);
    const payload = new Webhook(secret).verify(got[0]!.body, got[0]!.headers) as { type: string; data: { first_name: string; test: boolean } };
    expect(payload).toMatchObject({ type: "reward.issued", data: { first_name: "Jane", test: true } });

    await expect
      .poll(async () => {
        await page.reload();
        return page.getByTestId("delivery-row").filter({ hasText: "delivered" }).count();
      }, { timeout: 15_000 })
      .toBe(1);
    dialog = page.getByTestId("status-filter");
    await dialog.getByRole("link", { name: "dead" }).click();
    await expect.poll(() => page.getByTestId("delivery-row").count()).toBe(0);
  });
});
