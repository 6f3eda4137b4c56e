// Global setup of the browser lane: one `wrangler dev` on a free port over a fresh, migrated and
// seeded local D1 in a temp dir; the tests get its base URL, and an API token ('*') minted in that D1
// before the worker starts, through vitest's provide/inject.
// The caller builds first (`npx remix vite:build`); when build/ is missing we build here.
import { spawn, spawnSync, type ChildProcess, type SpawnSyncOptions } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { ensureDevVars } from "../../scripts/lib/dev-vars.mjs";

const ROOT = path.resolve(__dirname, "../..");
const READY_TIMEOUT_MS = 60_000;
const quietEnv = { ...process.env, CI: "1", WRANGLER_LOG: "error", WRANGLER_SEND_METRICS: "false" };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error("no free port"))));
    });
  });
}

function run(cmd: string, args: string[], opts: SpawnSyncOptions = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: "utf8", stdio: "pipe", ...opts });
  if (r.status !== 0) {
    const out = [r.stdout, r.stderr].filter(Boolean).join("\n");
    throw new Error(`[browser lane] \`${cmd} ${args.join(" ")}\` failed (exit ${r.status ?? r.signal}):\n${out}`);
  }
}

/** A fresh API token with every scope, owned by the CLI's Machine user (scripts/token.ts). */
function mintApiToken(persistDir: string): string {
  const args = ["tsx", "scripts/token.ts", "--name", "e2e", "--scopes", "*", "--quiet", "--persist-to", persistDir];
  const r = spawnSync("npx", args, { cwd: ROOT, encoding: "utf8", stdio: "pipe", env: quietEnv });
  // --quiet prints the token alone on stdout; workerd's warnings go to stderr
  const token = (r.stdout ?? "").split("\n").map((l) => l.trim()).find((l) => /^le_\S+$/.test(l));
  if (r.status !== 0 || !token) {
    const out = [r.stdout, r.stderr].filter(Boolean).join("\n");
    throw new Error(`[browser lane] \`npx ${args.join(" ")}\` gave no token (exit ${r.status ?? r.signal}):\n${out}`);
  }
  return token;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals) {
  if (!child.pid || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

export default async function setup(project: TestProject) {
  ensureDevVars(ROOT);
  const started = Date.now();
  if (!existsSync(path.join(ROOT, "build/server/index.js"))) {
    console.log("[browser lane] build/ is missing: running `npx remix vite:build`");
    run("npx", ["remix", "vite:build", "--logLevel", "warn"], { stdio: "inherit" });
  }

  const persistDir = mkdtempSync(path.join(tmpdir(), "loyalty-edge-browser-"));
  let child: ChildProcess | undefined;
  // Last resort if vitest exits without running the teardown: wrangler runs in its own process group,
  // so nothing else would stop it.
  const killOnExit = () => child && killGroup(child, "SIGKILL");
  process.once("exit", killOnExit);
  const teardown = async () => {
    process.off("exit", killOnExit);
    if (child) {
      killGroup(child, "SIGTERM");
      if (!(await exited(child, 5_000))) {
        killGroup(child, "SIGKILL");
        await exited(child, 2_000);
      }
    }
    rmSync(persistDir, { recursive: true, force: true });
  };

  try {
    run("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local", "--persist-to", persistDir], { env: quietEnv });
    run("npx", ["tsx", "scripts/seed.ts", "--persist-to", persistDir], { env: quietEnv });
    // minted before `wrangler dev` opens the same D1, so only one process writes to it at a time
    const apiToken = mintApiToken(persistDir);

    const [port, inspectorPort] = [await freePort(), await freePort()];
    const output: string[] = [];
    child = spawn(
      "npx",
      [
        "wrangler", "dev",
        "--port", String(port),
        "--ip", "127.0.0.1",
        "--inspector-port", String(inspectorPort),
        "--persist-to", persistDir,
        "--show-interactive-dev-session=false",
      ],
      { cwd: ROOT, detached: true, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, CI: "1", WRANGLER_SEND_METRICS: "false" } },
    );
    const keep = (b: Buffer) => {
      output.push(b.toString());
      if (output.length > 500) output.splice(0, output.length - 500);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);

    const baseUrl = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + READY_TIMEOUT_MS;
    let ready = false;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) break;
      try {
        const res = await fetch(`${baseUrl}/api/v3/health`, { signal: AbortSignal.timeout(5_000) });
        if (res.status === 200) {
          ready = true;
          break;
        }
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 300));
    }
    if (!ready) {
      const why = child.exitCode !== null || child.signalCode !== null ? `exited (${child.exitCode ?? child.signalCode})` : `not healthy after ${READY_TIMEOUT_MS / 1000} s`;
      throw new Error(`[browser lane] wrangler dev ${why}. Its output:\n${output.join("")}`);
    }
    console.log(`[browser lane] worker ready at ${baseUrl} in ${((Date.now() - started) / 1000).toFixed(1)} s (state in ${persistDir})`);
    project.provide("baseUrl", baseUrl);
    project.provide("apiToken", apiToken);
  } catch (err) {
    await teardown();
    throw err;
  }
  return teardown;
}
