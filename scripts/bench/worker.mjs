// The system under test: the built worker under `wrangler dev` on fresh local state (migrated, seeded,
// one API token), with BENCH_MODE=1 so /__bench/noop exists.
//
// Everything happens in a copy of the working tree in a temp dir (uncommitted changes included;
// node_modules symlinked), not in the checkout itself: `remix vite:build` empties build/ first, which
// kills any `npm start` serving it, and a rebuild or a saved file in the checkout would make a bench's
// `wrangler dev` die (ENOENT on build/client) or rebuild and reload the worker mid-run. In the copy,
// the bench neither disturbs nor is disturbed by whatever else runs in the checkout.
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { runStep, startGroup, killGroup } from "./processes.mjs";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Not copied: dependencies (symlinked instead), VCS, build output and local state of the checkout.
const SKIP = new Set([".git", "node_modules", "build", ".wrangler", ".cache", "bench-results", "test-results"]);

export const quietEnv = () => ({
  ...process.env,
  CI: "1",
  WRANGLER_LOG: "error", // also silences wrangler dev's per-request log line, which would cost CPU in the run
  WRANGLER_SEND_METRICS: "false",
  NO_COLOR: "1",
});

export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/** Copy the project at `root` to `dest` (with build/ too when `withBuild`), node_modules as a symlink. */
export function copyProject(root, dest, { withBuild }) {
  mkdirSync(dest, { recursive: true });
  cpSync(root, dest, {
    recursive: true,
    filter: (src) => {
      const rel = src.slice(root.length + 1);
      if (rel === "") return true;
      const top = rel.split("/")[0];
      return !SKIP.has(top) || (withBuild && top === "build");
    },
  });
  symlinkSync(resolve(root, "node_modules"), join(dest, "node_modules"), "dir");
}

/** What the bench's copy allows per rate-limit window: far above anything 256 connections can send. */
export const BENCH_RATE_LIMIT = 1_000_000_000;

/**
 * In the copy only, raise every `[[ratelimits]]` binding's `simple.limit` to BENCH_RATE_LIMIT (periods
 * unchanged). wrangler.toml allows 300 requests per 10 s per client IP, and `wrangler dev` gives every
 * request CF-Connecting-IP 127.0.0.1, so from its second second the load would measure the 429 path.
 * The limiter still runs on every request (each binding is still called and counts); only its verdict is
 * always "under". Returns the names of the bindings raised; throws if the config's shape changed.
 */
export function raiseRateLimits(dir) {
  const path = join(dir, "wrangler.toml");
  const toml = readFileSync(path, "utf8");
  const blocks = toml.split(/^(?=\[)/m);
  const names = [];
  const out = blocks.map((block) => {
    if (!/^\[\[ratelimits\]\]/.test(block)) return block;
    const name = /^name\s*=\s*"([^"]+)"/m.exec(block)?.[1];
    const re = /^(simple\s*=\s*\{\s*limit\s*=\s*)\d+(\s*,\s*period\s*=\s*\d+\s*\})/m;
    if (!name || !re.test(block)) throw new Error(`bench: cannot read the rate limit of a [[ratelimits]] block in wrangler.toml:\n${block}`);
    names.push(name);
    return block.replace(re, `$1${BENCH_RATE_LIMIT}$2`);
  });
  writeFileSync(path, out.join(""));
  return names;
}

export async function build(cwd, { echo }) {
  await runStep("npx", ["remix", "vite:build", "--logLevel", "warn"], { cwd, timeoutMs: 300_000, echo });
  if (!existsSync(join(cwd, "build/server/index.js"))) throw new Error("remix vite:build wrote no build/server/index.js");
}

/**
 * Migrate and seed the local D1 in `stateDir` (`profiles` profiles with about `perProfile` transactions
 * each), make a "*" token and sample search keys; returns { token, sample, seedMs, seedLine }.
 */
export async function prepareState(cwd, stateDir, { echo, profiles, perProfile, queries }) {
  const env = quietEnv();
  await runStep("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local", "--persist-to", stateDir], { cwd, env, echo });
  const seedStarted = Date.now();
  const seeded = await runStep(
    "npx",
    ["tsx", "scripts/seed.ts", "--persist-to", stateDir, "--profiles", String(profiles), "--transactions-per-profile", String(perProfile)],
    { cwd, env, echo, timeoutMs: 3_600_000 },
  );
  const seedMs = Date.now() - seedStarted;
  const seedLine = seeded.split("\n").find((l) => l.startsWith("Seeded")) ?? "";
  const out = await runStep("npx", ["tsx", "scripts/token.ts", "--name", "bench", "--scopes", "*", "--quiet", "--persist-to", stateDir], { cwd, env, echo });
  const token = out.trim().split("\n").map((l) => l.trim()).filter((l) => /^le_\S+$/.test(l)).at(-1);
  if (!token) throw new Error(`scripts/token.ts printed no token on stdout:\n${out}`);
  const sampled = await runStep("npx", ["tsx", "scripts/bench/sample.ts", "--persist-to", stateDir, "--n", String(queries)], { cwd, env, echo });
  const sample = JSON.parse(sampled.trim().split("\n").filter((l) => l.startsWith("{")).at(-1) ?? "null");
  if (!sample?.profileIds?.length) throw new Error(`scripts/bench/sample.ts found no profiles:\n${sampled}`);
  return { token, sample, seedMs, seedLine };
}

/**
 * Start `wrangler dev` (or, with `inspector: false`, scripts/bench/dev-server.mjs: the same through
 * wrangler's API without the DevTools inspector) and wait (bounded) until /api/v3/health answers 200.
 */
export async function startWorker(cwd, stateDir, { port, inspectorPort, inspector = true, echo, startupTimeoutMs = 120_000 }) {
  const proc = inspector
    ? startGroup(
        "npx",
        [
          "wrangler", "dev",
          "--port", String(port),
          "--ip", "127.0.0.1",
          "--inspector-port", String(inspectorPort),
          "--persist-to", stateDir,
          "--var", "BENCH_MODE:1",
          "--show-interactive-dev-session=false",
        ],
        { cwd, env: quietEnv(), echo },
      )
    : startGroup(process.execPath, [join(cwd, "scripts/bench/dev-server.mjs"), "--port", String(port), "--persist-to", stateDir], { cwd, env: quietEnv(), echo });
  const baseUrl = `http://127.0.0.1:${port}`;
  let exited = null;
  proc.exited.then((r) => {
    exited = r;
  });
  const deadline = Date.now() + startupTimeoutMs;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`wrangler dev exited (${exited.code ?? exited.signal}) before it answered:\n${proc.output()}`);
    try {
      const res = await fetch(`${baseUrl}/api/v3/health`, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.status === 200) return { ...proc, baseUrl, stop: () => killGroup(proc.pgid), isRunning: () => !exited };
    } catch {
      // not up yet
    }
    await sleep(250);
  }
  throw new Error(`wrangler dev did not answer /api/v3/health within ${startupTimeoutMs / 1000} s:\n${proc.output()}`);
}

/** One request by fetch before any load: the target must answer 2xx (and the expected body, if given). */
export async function preflight(baseUrl, request, expectBody) {
  const url = new URL(request.path, baseUrl);
  const res = await fetch(url, { method: request.method, headers: request.headers, body: request.body, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  if (res.status < 200 || res.status >= 300) {
    throw new Error(`${request.method} ${request.path} answered ${res.status}, not 2xx:\n${text.slice(0, 500)}`);
  }
  if (expectBody !== undefined && text !== expectBody) {
    throw new Error(`${request.method} ${request.path} answered ${JSON.stringify(text.slice(0, 200))}, expected ${JSON.stringify(expectBody)}`);
  }
}

/** One more request right after a run with non-2xx answers: "429 {…body…}" (first 300 characters), for the report. */
export async function sampleResponse(baseUrl, request) {
  try {
    const res = await fetch(new URL(request.path, baseUrl), { method: request.method, headers: request.headers, body: request.body, signal: AbortSignal.timeout(10_000) });
    const text = await res.text();
    return `${res.status} ${text.replace(/\s+/g, " ").slice(0, 300)}`;
  } catch (err) {
    return `(no sample: ${err.message})`;
  }
}
