// `npm run bench [-- --duration 5 --rounds 3 --connections 10 --only api-auth-get --json out.json --no-build]`
// In a temp copy of the working tree: builds, starts the worker under `wrangler dev` on fresh local
// state (migrated, seeded, one "*" token) with BENCH_MODE=1, and runs each scenario of scripts/bench/scenarios.mjs with autocannon,
// interleaved with the no-op route of the same worker: round after round, noop then scenario. It prints
// medians across rounds and the median of the per-round ratio scenario/noop throughput. It asserts
// nothing about speed; it fails (exit 1) only when something did not work: a build/startup failure,
// a non-2xx response or a connection error. See docs/benchmarks.md.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { runLoad, stopCurrentRun } from "./bench/load.mjs";
import { cpuSample, foreignCpus, killAll, killAllSync, serverCpuMs } from "./bench/processes.mjs";
import { compare, median, renderComparison, renderMarkdown, renderTable, summarise, summariseNoop } from "./bench/report.mjs";
import { measureLatency } from "./bench/latency.mjs";
import { ensureDevVars } from "./lib/dev-vars.mjs";
import { COMPARISONS, IMPORT_SCENARIOS, LATENCY_SCENARIOS, NOOP, SCENARIOS } from "./bench/scenarios.mjs";
import { generateImport, runImport } from "./bench/import.mjs";
import { build, copyProject, freePort, prepareState, preflight, raiseRateLimits, sampleResponse, startWorker, BENCH_RATE_LIMIT } from "./bench/worker.mjs";

const USAGE = `Usage: npm run bench -- [options]

  --duration N     seconds per autocannon run (default 5)
  --rounds N       rounds of (noop, scenario) per scenario (default 3)
  --connections N  concurrent connections (default 10)
  --warmup N       seconds of warm-up per target before the rounds (default 2; 0 = none)
  --only a,b       run only these scenarios (see --list)
  --json PATH      also write every run and the summary as JSON (e.g. bench-results/run.json)
  --markdown       also print the table as Markdown
  --profiles N     profiles to seed (default 100000; about N × 10 transactions)
  --transactions-per-profile N   mean transactions per profile over the year (default 10)
  --quick          a small brand (2,000 profiles) for a fast look; numbers are not comparable
  --queries N      distinct requests per latency scenario (searches, the till; default 1000)
  --import-receipts N   receipts in the import scenario's file (default 5000)
  --import-members N    members they belong to, from the sampled profiles (default 500; at most --queries)
  --no-build       use the existing build/ instead of running remix vite:build
  --no-inspector   serve through wrangler's API with the DevTools inspector off instead of the
                   wrangler dev CLI, which traces every subrequest (D1 query) to its Node process
  --verbose        echo the output of build, wrangler and the seed/token scripts
  --list           list the scenarios and exit
  --help`;

let args;
try {
  ({ values: args } = parseArgs({
    options: {
      duration: { type: "string", default: "5" },
      rounds: { type: "string", default: "3" },
      connections: { type: "string", default: "10" },
      warmup: { type: "string", default: "2" },
      only: { type: "string" },
      json: { type: "string" },
      markdown: { type: "boolean", default: false },
      profiles: { type: "string", default: "100000" },
      "transactions-per-profile": { type: "string", default: "10" },
      quick: { type: "boolean", default: false },
      queries: { type: "string", default: "1000" },
      "import-receipts": { type: "string", default: "5000" },
      "import-members": { type: "string", default: "500" },
      "no-build": { type: "boolean", default: false },
      "no-inspector": { type: "boolean", default: false },
      verbose: { type: "boolean", default: false },
      list: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
    strict: true,
    allowPositionals: false,
  }));
} catch (err) {
  console.error(`${err.message}\n\n${USAGE}`);
  process.exit(2);
}

function intFlag(name, min, max) {
  const n = Number(args[name]);
  if (!Number.isInteger(n) || n < min || n > max) {
    console.error(`--${name} must be a whole number from ${min} to ${max} (got ${JSON.stringify(args[name])})`);
    process.exit(2);
  }
  return n;
}

if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
if (args.list) {
  for (const s of [NOOP, ...SCENARIOS, ...LATENCY_SCENARIOS, ...IMPORT_SCENARIOS]) console.log(`${s.name.padEnd(16)} ${s.description}`);
  console.log("\nPairs, printed under the table when both run (scenario ÷ baseline in the same rounds):");
  for (const c of COMPARISONS) console.log(`${c.label.padEnd(16)} ${c.scenario} ÷ ${c.baseline}: ${c.description}`);
  process.exit(0);
}

// Paths on the command line are the caller's; everything else is relative to the project root.
const jsonPath = args.json ? resolve(process.env.INIT_CWD ?? process.cwd(), args.json) : null;
const ROOT = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");
process.chdir(ROOT);

const opts = {
  duration: intFlag("duration", 1, 300),
  rounds: intFlag("rounds", 1, 25),
  connections: intFlag("connections", 1, 256),
  warmup: intFlag("warmup", 0, 60),
  profiles: args.quick ? 2_000 : intFlag("profiles", 1, 10_000_000),
  perProfile: intFlag("transactions-per-profile", 0, 1_000),
  queries: intFlag("queries", 10, 100_000),
  importReceipts: intFlag("import-receipts", 1, 10_000_000),
  importMembers: intFlag("import-members", 1, 100_000),
};

const names = new Set([...SCENARIOS, ...LATENCY_SCENARIOS, ...IMPORT_SCENARIOS].map((s) => s.name));
if (names.size !== SCENARIOS.length + LATENCY_SCENARIOS.length + IMPORT_SCENARIOS.length || names.has(NOOP.name)) {
  console.error("scripts/bench/scenarios.mjs: scenario names must be unique and not \"noop\"");
  process.exit(2);
}
let selected = SCENARIOS;
let selectedLatency = LATENCY_SCENARIOS;
let selectedImport = IMPORT_SCENARIOS;
if (args.only !== undefined) {
  const wanted = args.only.split(",").map((s) => s.trim()).filter(Boolean);
  const unknown = wanted.filter((w) => !names.has(w));
  if (unknown.length || wanted.length === 0) {
    console.error(`Unknown scenario ${unknown.join(", ") || "(none given)"}; known: ${[...names].join(", ")}`);
    process.exit(2);
  }
  selected = SCENARIOS.filter((s) => wanted.includes(s.name));
  selectedLatency = LATENCY_SCENARIOS.filter((s) => wanted.includes(s.name));
  selectedImport = IMPORT_SCENARIOS.filter((s) => wanted.includes(s.name));
}

// ── Lifecycle: whatever happens, the worker's process group dies and the temp dir goes ──────────
const started = Date.now();
let tempDir = null;
let interrupted = false;

function removeTempDir() {
  if (tempDir) {
    rmSync(tempDir, { recursive: true, force: true, maxRetries: 3 });
    tempDir = null;
  }
}

process.on("exit", () => {
  killAllSync();
  try {
    removeTempDir();
  } catch {
    // reported by the finally block when it could not be removed there either
  }
});
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    if (interrupted) {
      // second Ctrl-C: no more waiting
      killAllSync();
      process.exit(130); // the exit handler removes the temp dir
    }
    interrupted = true;
    console.error(`\n${signal}: stopping (again to force)…`);
    stopCurrentRun();
    void killAll(); // a running step or wrangler dev dies, so whatever awaits it fails fast
  });
}

function checkInterrupted() {
  if (interrupted) throw new Error("interrupted");
}

// A (noop, scenario) pair during which other processes used this much CPU (in either run) is marked noisy.
const NOISY_CPUS = 0.25;

const step = (label) => console.log(`\n▸ ${label}`);
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;
const rps = (x) => Math.round(x).toLocaleString("en-US");

function resolveRequest(scenario, ctx) {
  const req = typeof scenario.request === "function" ? scenario.request(ctx) : scenario.request;
  if (!req?.method || !req?.path?.startsWith("/")) throw new Error(`scenario ${scenario.name}: request needs a method and a path starting with "/"`);
  // setupRequest (a fresh body or path per request) must survive: without it a write scenario repeats
  // its first request, and an idempotent API answers the repeats as cheap replays
  return { method: req.method.toUpperCase(), path: req.path, headers: req.headers ?? {}, body: req.body, ...(req.setupRequest ? { setupRequest: req.setupRequest } : {}) };
}

function describeFailures(label, run) {
  const problems = [];
  if (run.non2xx) problems.push(`${run.non2xx} non-2xx (${JSON.stringify(run.statusCodes)})${run.sample ? `, e.g. ${run.sample}` : ""}`);
  if (run.errors) problems.push(`${run.errors} connection errors (${run.timeouts} timeouts)`);
  return problems.length ? `${label}: ${problems.join(", ")}` : null;
}

/** The 1-minute load average: other work on the machine is the main source of noise, so say so. */
function loadLine(when) {
  const [one] = loadavg();
  const busy = one > cpus().length * 0.5;
  return `  load average ${one.toFixed(2)} on ${cpus().length} CPUs ${when}${busy ? " — other work is running; expect noisy absolute numbers (ratios hold up better)" : ""}`;
}

function environment() {
  const git = (a) => spawnSync("git", a, { encoding: "utf8" }).stdout?.trim() || null;
  return {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? null,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    loadAverageAtStart: loadavg().map((x) => Number(x.toFixed(2))),
    commit: git(["rev-parse", "--short", "HEAD"]),
    dirty: Boolean(git(["status", "--porcelain"])),
  };
}

async function main() {
  const env = environment();
  console.log(
    `Loyalty Edge bench: ${[...selected, ...selectedLatency, ...selectedImport].map((s) => s.name).join(", ")}${args["no-inspector"] ? " · --no-inspector" : ""} · ${opts.rounds} rounds × ${opts.duration} s · ${opts.connections} connections · warm-up ${opts.warmup} s · ${env.cpus} CPUs · node ${env.node}`,
  );
  console.log(loadLine("at start"));

  tempDir = mkdtempSync(join(tmpdir(), "loyalty-edge-bench-"));
  const srcDir = join(tempDir, "src");
  const stateDir = join(tempDir, "state");
  step(`Copy of the working tree in ${tempDir} (the checkout's build/ and state stay untouched)`);
  let t = Date.now();
  if (args["no-build"] && !existsSync("build/server/index.js")) throw new Error("--no-build, but there is no build/server/index.js; run npm run build first");
  copyProject(ROOT, srcDir, { withBuild: args["no-build"] });
  ensureDevVars(srcDir);
  const raised = raiseRateLimits(srcDir);
  console.log(`  copied in ${secs(Date.now() - t)}${args["no-build"] ? " (with the existing build/)" : ""}`);
  console.log(`  rate limits raised in the copy's wrangler.toml to ${BENCH_RATE_LIMIT.toLocaleString("en-US")} per window (${raised.join(", ")}): still called on every request, never refusing`);
  env.rateLimitsRaised = raised;
  checkInterrupted();

  if (!args["no-build"]) {
    step("Building the console and worker (remix vite:build)");
    t = Date.now();
    await build(srcDir, { echo: args.verbose });
    console.log(`  built in ${secs(Date.now() - t)}`);
    checkInterrupted();
  }

  step(`Fresh local state: migrate, seed ${opts.profiles.toLocaleString("en-US")} profiles (~${opts.perProfile} transactions each), token, ${opts.queries} search keys`);
  t = Date.now();
  const { token, sample, seedMs, seedLine } = await prepareState(srcDir, stateDir, { echo: args.verbose, profiles: opts.profiles, perProfile: opts.perProfile, queries: opts.queries });
  console.log(`  ${seedLine}`);
  console.log(`  seeding took ${secs(seedMs)} (wall, including tsx and getPlatformProxy start); ready in ${secs(Date.now() - t)}`);
  env.seed = { profiles: opts.profiles, transactionsPerProfile: opts.perProfile, seconds: seedMs / 1000, line: seedLine };
  checkInterrupted();

  step(args["no-inspector"] ? "Starting the worker through wrangler's API, inspector off (BENCH_MODE=1)" : "Starting wrangler dev (BENCH_MODE=1)");
  t = Date.now();
  const [port, inspectorPort] = [await freePort(), await freePort()];
  const worker = await startWorker(srcDir, stateDir, { port, inspectorPort, inspector: !args["no-inspector"], echo: args.verbose });
  console.log(`  ${worker.baseUrl} answering in ${secs(Date.now() - t)}`);
  checkInterrupted();

  const ctx = { token, baseUrl: worker.baseUrl, sample, queries: opts.queries };
  const noopRequest = resolveRequest(NOOP, ctx);
  await preflight(worker.baseUrl, noopRequest, NOOP.expectBody);
  const targets = [];
  for (const scenario of selected) {
    if (scenario.setup) await scenario.setup(ctx);
    const request = resolveRequest(scenario, ctx);
    await preflight(worker.baseUrl, request, scenario.expectBody);
    targets.push({ scenario, request });
  }

  const load = async (label, request, duration) => {
    checkInterrupted();
    const before = cpuSample(worker.pgid);
    const run = await runLoad(worker.baseUrl, request, { duration, connections: opts.connections });
    const after = cpuSample(worker.pgid);
    run.otherCpus = foreignCpus(before, after, env.cpus);
    // CPU the worker's processes spent per 2xx response: unlike req/s, barely moved by other load.
    run.cpuMsPerReq = run.ok > 0 ? serverCpuMs(before, after) / run.ok : NaN;
    // autocannon keeps no bodies: ask once more right away, so a failure says what it was (a 429's limit, a 500's problem)
    if (run.non2xx > 0) run.sample = await sampleResponse(worker.baseUrl, request);
    checkInterrupted();
    if (!worker.isRunning()) throw new Error(`the worker (${args["no-inspector"] ? "dev-server.mjs" : "wrangler dev"}) died during ${label}:\n${worker.output()}`);
    return run;
  };

  if (opts.warmup > 0) {
    step(`Warm-up (${opts.warmup} s per target)`);
    for (const [label, request, scenario] of [["noop", noopRequest, null], ...targets.map((x) => [x.scenario.name, x.request, x.scenario])]) {
      await scenario?.beforeRun?.(ctx);
      const run = await load(`warm-up ${label}`, request, opts.warmup);
      await scenario?.afterRun?.(ctx);
      const failure = describeFailures(`warm-up ${label}`, run);
      if (failure) throw new Error(failure);
      console.log(`  ${label.padEnd(16)} ${rps(run.rps).padStart(7)} req/s`);
    }
  }

  step(`Rounds: noop, scenario, noop, scenario, … (${opts.rounds} × ${opts.duration} s each)`);
  const perScenario = new Map(targets.map((x) => [x.scenario.name, []]));
  const nameWidth = Math.max(16, ...targets.map((x) => x.scenario.name.length));
  for (let round = 1; round <= opts.rounds; round++) {
    for (const { scenario, request } of targets) {
      const noop = await load(`round ${round} noop`, noopRequest, opts.duration);
      await scenario.beforeRun?.(ctx);
      const run = await load(`round ${round} ${scenario.name}`, request, opts.duration);
      await scenario.afterRun?.(ctx);
      perScenario.get(scenario.name).push({ noop, scenario: run });
      const ratio = noop.rps > 0 ? (run.rps / noop.rps).toFixed(2) : "–";
      const flags = [describeFailures("noop", noop), describeFailures(scenario.name, run)].filter(Boolean);
      const noisy = Math.max(noop.otherCpus, run.otherCpus) >= NOISY_CPUS;
      const others = Number.isFinite(noop.otherCpus) ? `   other load ${noop.otherCpus.toFixed(1)}/${run.otherCpus.toFixed(1)} CPUs${noisy ? " ⚠ noisy" : ""}` : "";
      console.log(
        `  round ${round}/${opts.rounds}  ${scenario.name.padEnd(nameWidth)} noop ${rps(noop.rps).padStart(7)} req/s   scenario ${rps(run.rps).padStart(7)} req/s   ratio ${ratio}${others}${flags.length ? `   ✗ ${flags.join("; ")}` : ""}`,
      );
    }
  }

  // Latency over distinct requests: 1,000 no-ops, then each search scenario's 1,000 searches, one at a time.
  const latencyRows = [];
  if (selectedLatency.length) {
    step(`Latency: ${opts.queries} distinct requests each, one at a time, beside ${opts.queries} no-op requests`);
    const noopLatency = await measureLatency(worker.baseUrl, Array.from({ length: opts.queries }, () => noopRequest));
    console.log(`  noop             p50 ${noopLatency.p50.toFixed(2)} ms   p95 ${noopLatency.p95.toFixed(2)} ms   p99 ${noopLatency.p99.toFixed(2)} ms`);
    latencyRows.push({ name: "noop", ...noopLatency });
    for (const scenario of selectedLatency) {
      checkInterrupted();
      if (scenario.setup) await scenario.setup(ctx);
      const requests = scenario.queries(ctx).slice(0, opts.queries);
      const found = (status, body) => {
        try {
          return JSON.parse(body).data?.length > 0 ? null : "found no profile";
        } catch {
          return "not JSON";
        }
      };
      // a scenario may check (and keep from) each response itself: the till's receipts keep their ids for the returns and voids
      const check = scenario.check ? (status, body) => scenario.check(status, body, ctx) : found;
      const r = await measureLatency(worker.baseUrl, requests, check);
      const [pct, target] = scenario.targetP99 ? ["p99", scenario.targetP99] : ["p95", scenario.targetP95];
      const verdict = r[pct] <= target ? "meets" : "misses";
      console.log(
        `  ${scenario.name.padEnd(16)} p50 ${r.p50.toFixed(2)} ms   p95 ${r.p95.toFixed(2)} ms   p99 ${r.p99.toFixed(2)} ms   (${r.count} requests; target ${pct} ≤ ${target} ms: ${verdict}; ${pct} ÷ noop ${pct} = ${(r[pct] / noopLatency[pct]).toFixed(1)})${r.failures ? `   ✗ ${r.failures} failed: ${r.examples.join("; ")}` : ""}`,
      );
      latencyRows.push({ name: scenario.name, targetP95: scenario.targetP95, targetP99: scenario.targetP99, ...r });
    }
  }

  // Import speed: a no-op run for scale, then the generated file through the batch API until every job is done.
  const importRows = [];
  for (const scenario of selectedImport) {
    checkInterrupted();
    const members = Math.min(opts.importMembers, sample.profileIds.length);
    step(`Import: ${opts.importReceipts.toLocaleString("en-US")} receipts of ${members} members through POST /transactions/batch, beside a ${opts.duration} s no-op run`);
    const noop = await load("import noop", noopRequest, opts.duration);
    const before = cpuSample(worker.pgid);
    const r = await runImport(ctx, generateImport(ctx, { receipts: opts.importReceipts, members, runId: scenario.runId }));
    const after = cpuSample(worker.pgid);
    const row = { name: scenario.name, ...r, members, noopRps: noop.rps, ratio: r.perSecond / noop.rps, cpuMsPerReceipt: serverCpuMs(before, after) / r.receipts, otherCpus: foreignCpus(before, after, env.cpus), targetPerSecond: scenario.targetPerSecond };
    importRows.push(row);
    console.log(
      `  ${scenario.name}  ${r.receipts} receipts in ${r.seconds.toFixed(1)} s (submitted in ${r.submitSeconds.toFixed(1)} s): ${r.perSecond.toFixed(0)} receipts/s   noop ${rps(noop.rps)} req/s   ratio ${row.ratio.toFixed(2)}   cpu ${row.cpuMsPerReceipt.toFixed(2)} ms/receipt   other load ${row.otherCpus.toFixed(1)} CPUs   (goal ≥ ${scenario.targetPerSecond}/s: ${r.perSecond >= scenario.targetPerSecond ? "meets" : "misses"})${r.failed ? `   ✗ ${r.failed} failed, e.g. ${JSON.stringify(r.example)}` : ""}`,
    );
  }

  const rows = targets.map(({ scenario }) => summarise(scenario.name, perScenario.get(scenario.name)));
  const noopRow = summariseNoop([...perScenario.values()].flatMap((rounds) => rounds.map((r) => r.noop)));

  console.log(`\n── Results: medians over ${opts.rounds} rounds; ratio = median of per-round (scenario req/s ÷ noop req/s) ──\n`);
  console.log(renderTable(noopRow, rows));
  if (args.markdown) console.log(`\n${renderMarkdown(noopRow, rows)}`);
  // pairs measured in the same rounds (the rate limiter's cost per request: limiter on ÷ off)
  const comparisons = COMPARISONS.filter((c) => perScenario.has(c.scenario) && perScenario.has(c.baseline)).map((c) =>
    compare(c, perScenario.get(c.scenario), perScenario.get(c.baseline)),
  );
  if (comparisons.length) {
    console.log(`\n── Pairs in the same rounds: ratio = median of per-round (scenario req/s ÷ baseline req/s) ──\n`);
    for (const c of comparisons) console.log(renderComparison(c));
  }
  console.log(
    `\n${opts.duration} s per run, ${opts.connections} connections, ${env.cpus} CPUs, worker on 127.0.0.1 under ${args["no-inspector"] ? "wrangler's API without the inspector (--no-inspector)" : "wrangler dev"}`,
  );
  const others = [...perScenario.values()].flatMap((rounds) => rounds.flatMap((r) => [r.noop.otherCpus, r.scenario.otherCpus])).filter(Number.isFinite);
  if (others.length) {
    env.otherCpusDuringRuns = { median: Number(median(others).toFixed(2)), max: Number(Math.max(...others).toFixed(2)) };
    const quiet = env.otherCpusDuringRuns.max < NOISY_CPUS;
    console.log(
      `  other processes used ${env.otherCpusDuringRuns.median.toFixed(2)} CPUs (median of runs; max ${env.otherCpusDuringRuns.max.toFixed(2)}) of ${env.cpus} during the runs${quiet ? "" : " — the machine was shared; compare ratios, not absolute req/s"}`,
    );
  }

  if (jsonPath) {
    const out = {
      environment: env,
      options: { ...opts, server: args["no-inspector"] ? "unstable_startWorker, inspector off" : "wrangler dev", scenarios: selected.map((s) => s.name) },
      summary: [noopRow, ...rows],
      comparisons,
      latency: latencyRows,
      imports: importRows,
      rounds: Object.fromEntries([...perScenario.entries()]),
      wallSeconds: (Date.now() - started) / 1000,
    };
    mkdirSync(dirname(jsonPath), { recursive: true });
    writeFileSync(jsonPath, `${JSON.stringify(out, null, 2)}\n`);
    console.log(`JSON written to ${jsonPath}`);
  }

  if (latencyRows.length) {
    console.log(`\n── Latency over ${opts.queries} distinct requests, one at a time (ms) ──\n`);
    console.log(["scenario".padEnd(16), "p50".padStart(8), "p95".padStart(8), "p99".padStart(8), "target".padStart(11), "failed".padStart(7)].join(" "));
    for (const r of latencyRows) {
      const target = r.targetP99 ? `p99 ≤ ${r.targetP99}` : r.targetP95 ? `p95 ≤ ${r.targetP95}` : "";
      console.log([r.name.padEnd(16), r.p50.toFixed(2).padStart(8), r.p95.toFixed(2).padStart(8), r.p99.toFixed(2).padStart(8), target.padStart(11), String(r.failures).padStart(7)].join(" "));
    }
  }
  const importFailed = importRows.filter((r) => r.failed > 0);
  if (importFailed.length) {
    console.error(`\n✗ import records that failed: ${importFailed.map((r) => `${r.name} (${r.failed})`).join(", ")}`);
    return 1;
  }
  const latencyFailed = latencyRows.filter((r) => r.failures > 0);
  if (latencyFailed.length) {
    console.error(`\n✗ latency requests that failed (or searches that found nothing): ${latencyFailed.map((r) => `${r.name} (${r.failures})`).join(", ")}`);
    return 1;
  }

  const failed = [noopRow, ...rows].filter((r) => r.non2xx > 0 || r.errors > 0);
  if (failed.length) {
    const bar = "!".repeat(78);
    console.error(`\n${bar}\n!! NOT 2xx: ${failed.map((r) => `${r.name} (${r.non2xx} non-2xx, ${r.errors} errors)`).join(", ")}.\n!! Their numbers measure an error path, not the scenario. Fix the route or the scenario.\n${bar}`);
    return 1;
  }
  return 0;
}

let code;
try {
  code = await main();
} catch (err) {
  console.error(`\n✗ ${interrupted ? "Interrupted" : err.message}`);
  code = interrupted ? 130 : 1;
} finally {
  const left = await killAll();
  if (left.length) console.error(`✗ processes still running after SIGKILL: ${left.join(", ")}`);
  try {
    removeTempDir();
  } catch (err) {
    console.error(`✗ could not remove ${tempDir}: ${err.message}`);
  }
  console.log(`\nWall time ${secs(Date.now() - started)}`);
}
process.exit(code);
