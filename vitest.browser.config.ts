// The browser lane: real Chromium (Debian's, via playwright-core) against the built worker under
// `wrangler dev`, on a fresh migrated and seeded local D1. Plain vitest in Node, not the workers pool.
// Build first: `npx remix vite:build && npx vitest run -c vitest.browser.config.ts`.
import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "~": path.join(__dirname, "app") } },
  test: {
    name: "browser",
    environment: "node",
    include: ["test/browser/**/*.e2e.ts"],
    globalSetup: ["./test/browser/global-setup.ts"],
    // One worker, one file at a time: the machine has two cores and the files share one worker process.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
  },
});
