// `npm run bench:scale -- measure [--persist-to .wrangler/scale] [--port 8797] [--queries 300] [--json PATH]`
// Latency at the 1M-member brand that `npm run bench:scale -- seed` built: serves the checkout's build/ on
// that persist dir with scripts/bench/dev-server.mjs (wrangler's own dev server, inspector off, BENCH_MODE=1)
// and sends each scenario's distinct requests one at a time on a kept-alive connection (so each number is
// one request's time, not queueing), every request with `X-Bench-Rate-Limit: off` (one client IP would
// otherwise meet the per-IP limit), beside the no-op measured the same way. Prints p50/p95/p99 and the
// goal of issues 11 and 13 for each; every response must be 2xx (and a search must find someone) or the
// run fails. Run it with the worker stopped on that dir: the token and the search keys are made first.
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { measureLatency } from "./latency.mjs";
import { timeStatements } from "./scale-queries.mjs";
import { d1File, sqlite } from "./scale-seed.mjs";
import { killAllSync } from "./processes.mjs";
import { freePort, startWorker } from "./worker.mjs";

const { values } = parseArgs({
  options: {
    "persist-to": { type: "string", default: ".wrangler/scale" },
    port: { type: "string", default: "8797" },
    queries: { type: "string", default: "300" },
    only: { type: "string" },
    json: { type: "string" },
    "no-inspector": { type: "boolean", default: false },
    "no-sqlite": { type: "boolean", default: false },
  },
});
const persistTo = values["persist-to"];
const port = Number(values.port);
const Q = Number(values.queries);
const only = values.only ? new Set(values.only.split(",")) : null;
const file = d1File(persistTo);
if (!file) throw new Error(`no local D1 under ${persistTo}: run npm run bench:scale -- seed first`);
const env = { ...process.env, CI: "1", WRANGLER_LOG: "error" };

function tsx(args) {
  const r = spawnSync("npx", ["tsx", ...args, "--persist-to", persistTo], { encoding: "utf8", env, maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`tsx ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

const [sizes] = sqlite(file, "SELECT (SELECT count(*) FROM profiles) AS profiles, (SELECT count(*) FROM transactions) AS transactions;", { json: true });
console.log(`▸ ${sizes.profiles.toLocaleString("en")} profiles, ${sizes.transactions.toLocaleString("en")} transactions in ${file}`);
const sqliteAlone = values["no-sqlite"] ? [] : timeStatements(file);
if (sqliteAlone.length) console.log("| statement (SQLite alone, best of 3) | ms | plan |\n|---|--:|---|");
for (const r of sqliteAlone) console.log(`| ${r.label} | ${r.ms.toFixed(1)} | ${r.plan} |`);
const token = tsx(["scripts/token.ts", "--name", "scale-bench", "--scopes", "*", "--quiet"]).trim().split("\n").at(-1);
const sample = JSON.parse(tsx(["scripts/bench/sample.ts", "--n", String(Q)]).trim().split("\n").at(-1));
// deep positions in the transactions list (newest first): a cursor after a random row anywhere in the table
const deep = sqlite(file, `SELECT transacted_at AS at, id FROM transactions ORDER BY random() LIMIT ${Q};`, { json: true });
const cursor = (r) => Buffer.from(`${r.at}:${r.id}`).toString("base64url");
// and in the profiles list (newest first by created_at): a cursor after a random member
const deepProfiles = sqlite(file, `SELECT created_at AS at, id FROM profiles ORDER BY random() LIMIT ${Q};`, { json: true });

console.log(`▸ starting the worker on 127.0.0.1:${port} (${values["no-inspector"] ? "wrangler's API, inspector off" : "wrangler dev, inspector on"}, BENCH_MODE=1)`);
const worker = await startWorker(process.cwd(), persistTo, { port, inspectorPort: await freePort(), inspector: !values["no-inspector"] });
process.on("exit", killAllSync);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(130));
const baseUrl = worker.baseUrl;

const H = { "x-bench-rate-limit": "off", accept: "application/json" };
const api = (path) => ({ method: "GET", path: `/api/v3${path}`, headers: { ...H, authorization: `Bearer ${token}` } });

// a console session (the demo Admin of scripts/seed.ts) for the server-rendered pages
const login = await fetch(`${baseUrl}/login`, {
  method: "POST",
  redirect: "manual",
  headers: { "content-type": "application/x-www-form-urlencoded", origin: baseUrl, "x-bench-rate-limit": "off" },
  body: new URLSearchParams({ email: "admin@demo.loyaltyedge.dev", password: "loyalty-edge-demo", redirectTo: "/dashboard" }),
});
const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0];
if (!cookie) throw new Error(`console sign-in failed: ${login.status} ${await login.text()}`);
const page = (path) => ({ method: "GET", path, headers: { "x-bench-rate-limit": "off", accept: "text/html", cookie } });

const dayAgo = (n) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
const n = (f) => Array.from({ length: Q }, (_, i) => f(i));
const deepPages = (f) => Array.from({ length: Math.min(Q, 10) }, (_, i) => f(i));
const lastPage = (size) => Math.ceil(sizes.profiles / size);
const found = (status, body) => (JSON.parse(body).data?.length ? null : "found nobody");

// [name, goal p95 ms (issue), requests, check?]
const SCENARIOS = [
  ["noop", null, n(() => ({ method: "GET", path: "/__bench/noop", headers: H }))],
  ["search-email", 10, sample.emails.map((q) => api(`/profiles?search=${encodeURIComponent(q)}&page[size]=10`)), found],
  ["search-mobile", 10, sample.mobiles.map((q) => api(`/profiles?search=${encodeURIComponent(q)}&page[size]=10`)), found],
  ["search-identity", 10, sample.identities.map((q) => api(`/profiles?search=${encodeURIComponent(q)}&page[size]=10`)), found],
  ["search-name", 25, sample.names.map((q) => api(`/profiles?search=${encodeURIComponent(q)}&page[size]=10`)), found],
  ["profile-get", 30, sample.profileIds.map((id) => api(`/profiles/${id}`))],
  ["reports-summary-90d", 50, n(() => api(`/reports/summary?from=${dayAgo(89)}&to=${dayAgo(0)}`))],
  ["reports-summary-2y", 50, n(() => api(`/reports/summary?from=${dayAgo(729)}&to=${dayAgo(0)}`))],
  ["profiles-list-first", 30, n(() => api(`/profiles?page[size]=15`))],
  // offset pages scan every row before them (10 s at offset 500,000 in SQLite alone, below): 10 requests, at 1 %–10 % deep
  ["profiles-list-deep", 30, deepPages((i) => api(`/profiles?page[size]=100&page[number]=${Math.ceil((lastPage(100) * (i + 1)) / 100)}`))],
  ["profiles-list-deep-cursor", 30, deepProfiles.map((r) => api(`/profiles?page[size]=100&page[cursor]=${cursor(r)}`))],
  ["transactions-list-first", 30, n(() => api(`/transactions?page[size]=15`))],
  ["transactions-list-deep-offset", 30, deepPages((i) => api(`/transactions?page[size]=100&page[number]=${Math.ceil((Math.ceil(sizes.transactions / 100) * (i + 1)) / 100)}`))],
  ["transactions-list-deep-cursor", 30, deep.map((r) => api(`/transactions?page[size]=100&page[cursor]=${cursor(r)}`))],
  ["console-dashboard", 30, n(() => page("/dashboard"))],
  ["console-profiles", 30, n(() => page("/profiles"))],
  ["console-profile", 30, sample.profileIds.map((id) => page(`/profiles/${id}`))],
  ["console-profile-transactions", 30, sample.profileIds.map((id) => page(`/profiles/${id}?tab=transactions`))],
  ["console-transactions", 30, n(() => page("/transactions"))],
];

const results = [];
for (const [name, goal, requests, check] of SCENARIOS) {
  if (only && name !== "noop" && !only.has(name)) continue;
  let warm, r;
  try {
    warm = await measureLatency(baseUrl, requests.slice(0, 3), check); // first calls: caches, pages of the file
    r = await measureLatency(baseUrl, requests, check);
  } catch (e) {
    // measureLatency gives up on a request after 10 s: record that, go on with the next scenario
    console.log(`${name.padEnd(30)} ✗ ${e.message}`);
    results.push({ name, goal, count: 0, p50: NaN, p95: NaN, p99: NaN, failures: 1, examples: [e.message] });
    continue;
  }
  results.push({ name, goal, first: warm.p99, ...r });
  const flag = goal === null ? "" : r.p95 <= goal ? "✓" : "✗";
  console.log(`${name.padEnd(30)} p50 ${r.p50.toFixed(2).padStart(8)}  p95 ${r.p95.toFixed(2).padStart(8)}  p99 ${r.p99.toFixed(2).padStart(8)}  goal ${goal ?? "-"} ${flag}${r.failures ? `  FAILURES ${r.failures}: ${r.examples.join("; ")}` : ""}`);
}

console.log("\n| scenario | n | p50 ms | p95 ms | p99 ms | goal p95 |\n|---|--:|--:|--:|--:|--:|");
for (const r of results) console.log(`| ${r.name} | ${r.count} | ${r.p50.toFixed(2)} | ${r.p95.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.goal === null ? "" : `≤ ${r.goal} ${r.p95 <= r.goal ? "✓" : "✗"}`} |`);
if (values.json) {
  mkdirSync(values.json.replace(/\/[^/]*$/, "") || ".", { recursive: true });
  writeFileSync(values.json, JSON.stringify({ at: new Date().toISOString(), sizes, queries: Q, sqliteAlone, results }, null, 2));
}
await worker.stop();
const failed = results.filter((r) => r.failures);
if (failed.length) {
  console.error(`✗ ${failed.map((r) => r.name).join(", ")} had failures`);
  process.exit(1);
}
process.exit(0);
