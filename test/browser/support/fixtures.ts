// The browser lane's test API: `test` with fixtures for the worker's base URL, a REST API client with
// the lane's token (support/api.ts), one Chromium per file
// (Debian's, never a downloaded one) and a fresh context + page per test that records console errors
// and leaves a screenshot in test-results/browser/ when the test fails.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { inject, test as base } from "vitest";
import { Api } from "./api";

export { describe, expect } from "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    /** an API token with every scope, minted by global-setup.ts */
    apiToken: string;
  }
}

const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
const SCREENSHOT_DIR = path.resolve(__dirname, "../../../test-results/browser");

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium", headless: true, args: CHROMIUM_ARGS });
}

export const test = base
  .extend("baseUrl", { scope: "file" }, () => inject("baseUrl"))
  .extend("api", { scope: "file" }, ({ baseUrl }) => new Api(baseUrl, inject("apiToken")))
  // vitest requires a destructuring pattern as a fixture's first argument, even an empty one
  // eslint-disable-next-line no-empty-pattern
  .extend("browser", { scope: "file" }, async ({}, { onCleanup }) => {
    const browser = await launchChromium();
    onCleanup(() => browser.close());
    return browser;
  })
  .extend("consoleErrors", (): string[] => [])
  .extend("page", async ({ browser, baseUrl, consoleErrors, task }, { onCleanup }): Promise<Page> => {
    const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(15_000);
    context.setDefaultNavigationTimeout(30_000);
    const page = await context.newPage();
    page.on("console", (msg) => {
      if (msg.type() === "error") consoleErrors.push(`${msg.text()} (${msg.location().url || page.url()})`);
    });
    page.on("pageerror", (err) => consoleErrors.push(`uncaught: ${err.message} (${page.url()})`));
    onCleanup(async () => {
      if (task.result?.state === "fail") {
        const file = `${path.basename(task.file.name).replace(/\.e2e\.ts$/, "")}--${task.name}`.replace(/[^\w.-]+/g, "_").slice(0, 150);
        try {
          mkdirSync(SCREENSHOT_DIR, { recursive: true });
          await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${file}.png`), fullPage: true });
          console.error(`[browser lane] screenshot of the failure: test-results/browser/${file}.png (at ${page.url()})`);
        } catch {
          // the page may already be gone; the assertion error is what matters
        }
      }
      await context.close();
    });
    return page;
  });
