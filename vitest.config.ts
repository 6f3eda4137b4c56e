// The workers lane: tests run inside workerd against real D1, Durable Objects and Queues.
// Separate from vite.config.ts on purpose: vitest picks this file first, so the Remix Vite plugin is
// never loaded into the test run. The browser lane has its own config (vitest.browser.config.ts).
import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
import { webhookReceiver } from "./test/support/webhook-receiver";

export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(__dirname, "db/migrations"));
  return {
    plugins: [
      cloudflareTest({
        // the production entry with the ledger DO swapped for its test subclass (test/support/worker.ts)
        main: "./test/support/worker.ts",
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          // outbound HTTP (webhooks, targets) to https://*.receiver.test reaches a test receiver; the dev-only
          // ALLOW_INSECURE_WEBHOOK_URLS from a local .dev.vars is overridden so the SSRF tests mean the same everywhere
          outboundService: webhookReceiver,
          bindings: { TEST_MIGRATIONS: migrations, BENCH_MODE: "0", STOREFRONT_TOKEN_SECRET: "test-storefront-secret-0123456789abcdef0123456789", WEBHOOK_ENCRYPTION_KEY: "test-webhook-encryption-key-0123456789abcdef", ALLOW_INSECURE_WEBHOOK_URLS: "false" },
        },
      }),
    ],
    resolve: { alias: { "~": path.join(__dirname, "app") } },
    test: {
      include: ["test/workers/**/*.test.ts", "workers/**/*.test.ts", "app/**/*.test.ts"],
      setupFiles: ["./test/apply-migrations.ts"],
      // Tests here go through real workerd, D1 and Durable Objects: a case that makes a dozen ledger round trips
      // takes ~1 s alone and past vitest's default 5 s on a loaded 2-core machine. Behaviour, not speed, is tested
      // (speed is `npm run bench`), so the limit only has to catch a hang.
      testTimeout: 30_000,
      // @remix-run/cloudflare ships CJS only; pre-bundle it so the workerd module runner gets ESM.
      deps: {
        optimizer: {
          ssr: { enabled: true, include: ["@remix-run/cloudflare"] },
        },
      },
    },
  };
});
