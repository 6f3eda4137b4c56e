// `npm start`: from a fresh clone to a running console on http://localhost:8787 (PORT=9000 for another).
// Installs what is missing, builds, migrates and seeds the local D1 when empty, then serves the built
// worker under `wrangler dev` (the only mode in which same-worker Durable Objects and queues run).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { ensureDevVars } from "./lib/dev-vars.mjs";

const port = process.env.PORT || "8787";
const quiet = { ...process.env, WRANGLER_LOG: process.env.WRANGLER_LOG || "error", CI: "1" };

function run(cmd, args, env = process.env) {
  const r = spawnSync(cmd, args, { stdio: "inherit", env });
  if (r.status !== 0) {
    console.error(`\n✗ ${cmd} ${args.join(" ")} failed (exit ${r.status})`);
    process.exit(r.status ?? 1);
  }
}

function step(label) {
  console.log(`\n▸ ${label}`);
}

const started = Date.now();
const installed = "node_modules/.package-lock.json";
if (!existsSync(installed) || statSync("package-lock.json").mtimeMs > statSync(installed).mtimeMs) {
  step("Installing dependencies");
  run("npm", ["install", "--no-audit", "--no-fund"]);
}
ensureDevVars();
step("Building the console and worker");
run("npx", ["remix", "vite:build", "--logLevel", "warn"]);
step("Applying D1 migrations (local)");
run("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local"], quiet);
step("Seeding the demo brand when the database is empty");
run("npx", ["tsx", "scripts/seed.ts", "--if-empty"], quiet);

step(`Starting the worker on http://localhost:${port}`);
const child = spawn("npx", ["wrangler", "dev", "--port", port, "--ip", "127.0.0.1", "--test-scheduled", "--show-interactive-dev-session=false"], {
  stdio: "inherit",
  env: process.env,
});
const stop = () => child.kill("SIGINT");
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
child.on("exit", (code) => process.exit(code ?? 0));

// Announce once the worker answers, with the time from `npm start` to ready.
for (let i = 0; i < 120; i++) {
  await new Promise((r) => setTimeout(r, 500));
  try {
    const res = await fetch(`http://127.0.0.1:${port}/api/v3/health`);
    if (res.ok) {
      console.log(`\n✔ Loyalty Edge is up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      console.log(`    Console   http://localhost:${port}`);
      console.log(`    API       http://localhost:${port}/api/v3  (reference: http://localhost:${port}/api/docs)`);
      console.log(`    Sign in   admin@demo.loyaltyedge.dev / loyalty-edge-demo`);
      console.log(`    Token     npm run token -- --name dev --scopes '*'\n`);
      // run the cron once now: it starts the seeded history's backfill (points, tiers, achievements)
      await fetch(`http://127.0.0.1:${port}/__scheduled?cron=${encodeURIComponent("*/5 * * * *")}`).catch(() => undefined);
      break;
    }
  } catch {
    // not up yet
  }
}
