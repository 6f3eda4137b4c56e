// The benchmark scenarios of `npm run bench`. Each one runs beside NOOP (the cheapest route through
// the same worker) in the same rounds, so its number is read as a ratio to the no-op, not in absolute
// req/s that depend on the machine.
//
// Adding a scenario (later issues): append an entry to SCENARIOS.
//   name         short kebab-case id, used by --only and in the table
//   description  one line: what the request exercises and what its cost is made of
//   request      { method, path, headers?, body? }, or a function (ctx) => that object, where ctx is
//                { token, baseUrl, sample }: token is an API token with scopes "*" on a freshly seeded
//                brand (`npm run seed`), baseUrl the worker under `wrangler dev` (http://127.0.0.1:PORT),
//                sample the search keys of scripts/bench/sample.ts (profileIds, emails, mobiles, …)
//   setup?       optional async (ctx) => void, run once before the warm-up (e.g. create a record
//                through the API and stash its id on ctx for `request` to use)
//   beforeRun?, afterRun?   optional async (ctx) => void around each of this scenario's own runs (warm-up
//                and rounds), e.g. to switch on a trigger only while it is measured
// Every response must be 2xx: the harness checks one request before the run and counts non-2xx
// during it, and any non-2xx fails the bench, so a broken route can never look fast.
// Writes (POST etc.) run thousands of times per round: make them repeatable (no unique constraint
// hit on the second call) and say in the description how the data grows.

/** The baseline: a route that does nothing but answer "ok" (mounted only when BENCH_MODE is "1"). */
export const NOOP = {
  name: "noop",
  description: "GET /__bench/noop: the worker's global middleware (request id, services, security headers) and a text response; no D1, no auth.",
  request: { method: "GET", path: "/__bench/noop" },
  expectBody: "ok",
};

export const SCENARIOS = [
  {
    name: "api-auth-get",
    description:
      "GET /api/v3/users/me with a bearer token: the API middleware plus the token lookup (SHA-256 of the secret, one indexed D1 select joining api_tokens and users); the handler itself only serialises what auth loaded. The cost of token auth.",
    request: (ctx) => ({
      method: "GET",
      path: "/api/v3/users/me",
      headers: { authorization: `Bearer ${ctx.token}`, accept: "application/json" },
    }),
  },
  {
    name: "api-auth-get-no-limiter",
    description:
      "api-auth-get without the rate limiter: the same request with X-Bench-Rate-Limit: off, which under BENCH_MODE=1 only serves it without the rate-limiting bindings (no per-IP, no per-token count). The baseline of the rate-limiter line.",
    request: (ctx) => ({
      method: "GET",
      path: "/api/v3/users/me",
      headers: { authorization: `Bearer ${ctx.token}`, accept: "application/json", "x-bench-rate-limit": "off" },
    }),
  },
  {
    name: "api-health",
    description:
      "GET /api/v3/health without a token: the API middleware and one D1 `select 1`. A second reference: the price of any D1 round trip, without the token lookup.",
    request: { method: "GET", path: "/api/v3/health", headers: { accept: "application/json" } },
  },
];

/**
 * Pairs of scenarios run in the same rounds, printed as one line under the table: `scenario` ÷ `baseline`
 * per round (req/s, and baseline cpu/req ÷ scenario cpu/req), medians, and the CPU a request adds.
 */
export const COMPARISONS = [
  {
    label: "rate limiter",
    scenario: "api-auth-get",
    baseline: "api-auth-get-no-limiter",
    description: "the per-IP and per-token limit calls (two rate-limiting binding calls) on a cheap authenticated GET",
  },
  {
    label: "one trigger",
    scenario: "tx-ingest-trigger",
    baseline: "tx-ingest",
    description: "a receipt with one active trigger on transaction.created whose filter stops it, against the same receipt with no trigger (issue 12): the request's cost (the trigger runs on the events queue, so also read cpu/req, which counts the consumer's work done during the run)",
  },
  {
    label: "ingest vs floor",
    scenario: "tx-ingest",
    baseline: "interaction-write",
    description: "a receipt with earning against the simplest evented write (issue 13: goal ≥ 0.5)",
  },
];

let receipt = 0;
const runId = Math.random().toString(36).slice(2, 8);

/** A purchase by a sampled profile: two lines at the flagship store, a unique receipt number per request. */
function receiptBody(ctx, externalId) {
  receipt += 1;
  const profileId = ctx.sample.profileIds[receipt % ctx.sample.profileIds.length];
  return JSON.stringify({
    external_id: externalId ?? `BENCH-${runId}-${receipt}`,
    profile_id: profileId,
    location_id: "S001",
    items: [
      { sku: "SKU-1000-M", name: "Bench tee M", quantity: 2, price_sell: 25 },
      { sku: "SKU-1006", name: "Bench cap", quantity: 1, price_sell: 19.95 },
    ],
    total: 69.95,
  });
}

/**
 * Opens the ledger of every profile the ingest scenario posts for (one balance read each, ten at a time),
 * as for members with history, whose ledger DOs exist: without it every receipt of the run would also pay
 * for creating a ledger's SQLite tables, which happens once per member in the product's life.
 */
async function openLedgers(ctx) {
  if (ctx.ledgersOpen) return;
  const ids = [...ctx.sample.profileIds];
  const worker = async () => {
    for (let id = ids.pop(); id; id = ids.pop()) {
      const res = await fetch(`${ctx.baseUrl}/api/v3/profiles/${id}/balances`, { headers: { authorization: `Bearer ${ctx.token}`, accept: "application/json" } });
      if (!res.ok) throw new Error(`bench setup: GET balances of ${id} → ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: 10 }, worker));
  ctx.ledgersOpen = true;
}

SCENARIOS.push({
  name: "tx-ingest",
  setup: openLedgers,
  description:
    "POST /api/v3/transactions with earning on: a new receipt per request for a sampled profile whose ledger was opened before the run (token lookup, validation, one D1 batch reading the receipt, profile, its transactions, products and location, one D1 batch of the transaction, items, outbox event, audit entry and the profile's aggregations, then the live definitions (cached per isolate) and one RPC to the profile's ledger DO that earns points, tier points and achievements in one SQLite transaction and answers with the balances, then flushes to D1 and the queue). Each request adds a transaction and a points lot.",
  request: (ctx) => ({
    method: "POST",
    path: "/api/v3/transactions",
    headers: { authorization: `Bearer ${ctx.token}`, "content-type": "application/json", accept: "application/json" },
    body: receiptBody(ctx),
    setupRequest: (req) => ({ ...req, body: receiptBody(ctx) }),
  }),
});

let interaction = 0;
SCENARIOS.push({
  name: "interaction-write",
  description:
    "POST /api/v3/profiles/{id}/interactions (sampled profiles in turn): the simplest evented write the API has (token lookup, the profile check, one D1 batch of the row, its outbox event and audit entry, then the queue send and the outbox mark). The floor tx-ingest is read against. Each request adds an interaction.",
  request: (ctx) => {
    const path = () => `/api/v3/profiles/${ctx.sample.profileIds[interaction++ % ctx.sample.profileIds.length]}/interactions`;
    return {
      method: "POST",
      path: path(),
      headers: { authorization: `Bearer ${ctx.token}`, "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ action: "visit", channel: "location", location_id: "S001" }),
      setupRequest: (req) => ({ ...req, path: path() }),
    };
  },
});

/**
 * Search latency: each of these runs 1,000 distinct searches one at a time (keys sampled from the seeded
 * brand) beside 1,000 no-op requests, and reports p50/p95/p99. Every search must find at least one profile.
 */
const search = (q, ctx) => ({
  method: "GET",
  path: `/api/v3/profiles?search=${encodeURIComponent(q)}&page[size]=10`,
  headers: { authorization: `Bearer ${ctx.token}`, accept: "application/json" },
});

export const LATENCY_SCENARIOS = [
  { name: "search-email", kind: "exact", targetP95: 20, description: "GET /api/v3/profiles?search=<email>: the lower(email) index", queries: (ctx) => ctx.sample.emails.map((q) => search(q, ctx)) },
  { name: "search-mobile", kind: "exact", targetP95: 20, description: "GET /api/v3/profiles?search=<0412 345 678>: normalised to E.164, the mobile index", queries: (ctx) => ctx.sample.mobiles.map((q) => search(q, ctx)) },
  { name: "search-identity", kind: "exact", targetP95: 20, description: "GET /api/v3/profiles?search=<loyalty card or shopify id>: the identities identifier index", queries: (ctx) => ctx.sample.identities.map((q) => search(q, ctx)) },
  { name: "search-name", kind: "name", targetP95: 50, description: "GET /api/v3/profiles?search=<last name | first name + 3 letters>: FTS5 prefix match ranked by bm25", queries: (ctx) => ctx.sample.names.map((q) => search(q, ctx)) },
];

// ── latency at the till: one receipt, return or void at a time ────────────────────────────────

/**
 * A POS waits for the ingest response (points, tiers, balances after) before it prints the receipt, one
 * request at a time. `till-receipt` posts --queries receipts one after another for sampled profiles (ledgers
 * opened first, as for tx-ingest) and keeps their ids; `till-return` then returns one line of each
 * (a negative receipt naming the original: a clawback); `till-void` voids each original (what its lots
 * still hold goes back). Goal p99 ≤ 50 ms. Each adds a transaction (or a void) per request.
 */
let till = 0;
const tillHeaders = (ctx) => ({ authorization: `Bearer ${ctx.token}`, "content-type": "application/json", accept: "application/json" });
const tillKeep = (status, body, ctx) => {
  try {
    const { data } = JSON.parse(body);
    if (!data?.id || !data.incentives) return "no transaction with incentives in the response";
    (ctx.till ??= []).push({ id: data.id, externalId: data.external_id, profileId: data.profile_id });
    return null;
  } catch {
    return "not JSON";
  }
};
const tillOk = () => null;

LATENCY_SCENARIOS.push(
  {
    name: "till-receipt",
    kind: "till",
    targetP99: 50,
    description: "POST /api/v3/transactions one at a time (earning on; ledgers opened first): a receipt at the till, response with points, tiers and balances",
    setup: openLedgers,
    check: tillKeep,
    queries: (ctx) => Array.from({ length: ctx.queries }, () => ({ method: "POST", path: "/api/v3/transactions", headers: tillHeaders(ctx), body: receiptBody(ctx, `TILL-${runId}-${++till}`) })),
  },
  {
    name: "till-return",
    kind: "till",
    targetP99: 50,
    description: "POST /api/v3/transactions with a negative total and original_external_id, one at a time, for each till-receipt: a return (clawback of the returned line's points)",
    check: tillOk,
    queries: (ctx) =>
      (ctx.till ?? []).map((t) => ({
        method: "POST",
        path: "/api/v3/transactions",
        headers: tillHeaders(ctx),
        body: JSON.stringify({ external_id: `${t.externalId}-R`, profile_id: t.profileId, location_id: "S001", original_external_id: t.externalId, items: [{ sku: "SKU-1006", name: "Bench cap", quantity: -1, price_sell: 19.95 }], total: -19.95 }),
      })),
  },
  {
    name: "till-void",
    kind: "till",
    targetP99: 50,
    description: "POST /api/v3/transactions/{id}/void, one at a time, for each till-receipt: a void (what its lots still hold goes back)",
    check: tillOk,
    queries: (ctx) => (ctx.till ?? []).map((t) => ({ method: "POST", path: `/api/v3/transactions/${t.id}/void`, headers: tillHeaders(ctx), body: JSON.stringify({ reason: "bench void" }) })),
  },
);

// ── balances at the edge ──────────────────────────────────────────────────────────────────────

const BALANCE_PROFILES = 20;

/** Gives BALANCE_PROFILES sampled profiles some points (so their ledgers exist) and a storefront token each. */
async function balanceSetup(ctx) {
  if (ctx.balanceProfiles) return;
  const call = async (method, path, body) => {
    const res = await fetch(`${ctx.baseUrl}/api/v3${path}`, {
      method,
      headers: { authorization: `Bearer ${ctx.token}`, "content-type": "application/json", accept: "application/json" },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`bench setup: ${method} ${path} → ${res.status} ${text}`);
    return JSON.parse(text).data;
  };
  const def = await call("POST", "/points/definitions", { name: `Bench points ${runId}`, handle: `bench-points-${runId}`, kind: "reward", points_per_dollar: 100 });
  ctx.balanceProfiles = [];
  for (const profileId of ctx.sample.profileIds.slice(0, BALANCE_PROFILES)) {
    await call("POST", `/profiles/${profileId}/points`, { point_definition_id: def.id, value: 1234, reason: "bench" });
    const { token } = await call("POST", "/auth/storefront-tokens", { profile_id: profileId, ttl_seconds: 3600 });
    ctx.balanceProfiles.push({ profileId, token });
  }
}

let balanceTurn = 0;
SCENARIOS.push(
  {
    name: "balance-edge",
    description:
      "GET /api/v3/profiles/me/balances with a storefront token (20 profiles in turn): HMAC check of the token, one RPC to the profile's ledger DO, which sums its lots and rewards in SQLite. No D1 on the path.",
    setup: balanceSetup,
    request: (ctx) => {
      const next = () => ctx.balanceProfiles[balanceTurn++ % ctx.balanceProfiles.length];
      const headers = (p) => ({ authorization: `Bearer ${p.token}`, accept: "application/json" });
      return { method: "GET", path: "/api/v3/profiles/me/balances", headers: headers(next()), setupRequest: (req) => ({ ...req, headers: headers(next()) }) };
    },
  },
  {
    name: "balance-api",
    description:
      "GET /api/v3/profiles/{id}/balances with an API token (20 profiles in turn): the token lookup in D1 plus the same ledger DO read.",
    setup: balanceSetup,
    request: (ctx) => {
      const next = () => `/api/v3/profiles/${ctx.balanceProfiles[balanceTurn++ % ctx.balanceProfiles.length].profileId}/balances`;
      return { method: "GET", path: next(), headers: { authorization: `Bearer ${ctx.token}`, accept: "application/json" }, setupRequest: (req) => ({ ...req, path: next() }) };
    },
  },
);

// ── the dashboard's reports ───────────────────────────────────────────────────────────────────

/** A calendar day `n` days before today (UTC; the brand's zone moves it by at most a day). */
const dayAgo = (n) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

SCENARIOS.push(
  {
    name: "reports-summary-90d",
    description:
      "GET /api/v3/reports/summary for the last 90 days (beside the 90 before): one grouped read of report_daily over 180 days, the names of definitions and locations, and the 'now' figures from the profile and incentive projections. Cost grows with days × metrics, not transactions.",
    request: (ctx) => ({ method: "GET", path: `/api/v3/reports/summary?from=${dayAgo(89)}&to=${dayAgo(0)}`, headers: { authorization: `Bearer ${ctx.token}`, accept: "application/json" } }),
  },
  {
    name: "reports-summary-2y",
    description: "GET /api/v3/reports/summary for two years (beside the two before): the same reads over 1,460 days of rollups.",
    request: (ctx) => ({ method: "GET", path: `/api/v3/reports/summary?from=${dayAgo(729)}&to=${dayAgo(0)}`, headers: { authorization: `Bearer ${ctx.token}`, accept: "application/json" } }),
  },
);

// ── import speed ──────────────────────────────────────────────────────────────────────────────

/**
 * Runs once (not under autocannon): a generated file through the batch API, then every job polled to its
 * end (scripts/bench/import.mjs); prints receipts/s beside a no-op run just before. Goal ≥ 550 receipts/s
 * (1M receipts in 30 minutes). `--import-receipts` and `--import-members` size the file.
 */
export const IMPORT_SCENARIOS = [
  {
    name: "import-transactions",
    targetPerSecond: 550,
    description:
      "POST /api/v3/transactions/batch, 500 receipts a request, of --import-members members (default 500) dated over the last year in date order, then GET /jobs/{id} until done: receipts/s with earning, from the first submit to the last job completed",
    runId,
  },
];

// ── fan-out: one receipt → N webhooks (issue 12) ─────────────────────────────────────────────

const FANOUT_WEBHOOKS = 3;

/**
 * A receiver on 127.0.0.1 (in this process) and FANOUT_WEBHOOKS webhooks on transaction.created pointing at
 * it, each with a condition that only this scenario's receipts (external id FANOUT-…) meet, so other ingest
 * scenarios fan out to nothing. The receiver counts deliveries by webhook-id; when the bench exits it prints
 * how many receipts were accepted, deliveries acknowledged, the share acknowledged on their first attempt and
 * the time from the first receipt to the last delivery.
 */
async function fanoutSetup(ctx) {
  if (ctx.fanout) return;
  const { createServer } = await import("node:http");
  const seen = new Map();
  const stats = { receipts: 0, deliveries: 0, firstAt: 0, lastAt: 0 };
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const id = req.headers["webhook-id"] ?? "";
      seen.set(id, (seen.get(id) ?? 0) + 1);
      stats.deliveries += 1;
      stats.lastAt = Date.now();
      res.writeHead(204).end();
    });
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  server.unref();
  const port = server.address().port;
  for (let i = 0; i < FANOUT_WEBHOOKS; i++) {
    const res = await fetch(`${ctx.baseUrl}/api/v3/webhooks`, {
      method: "POST",
      headers: { authorization: `Bearer ${ctx.token}`, "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ trigger: "transaction.created", url: `http://127.0.0.1:${port}/hook-${runId}-${i}`, queue: "default", condition: { in: [`FANOUT-${runId}`, { var: "transaction.external_id" }] } }),
    });
    if (!res.ok) throw new Error(`bench setup: POST /webhooks → ${res.status} ${await res.text()}`);
  }
  ctx.fanout = { stats, seen };
  await fanoutBurst(ctx, Number(process.env.FANOUT_EVENTS ?? 1000));
  process.on("exit", () => {
    const unique = seen.size;
    const once = [...seen.values()].filter((n) => n === 1).length;
    const secs = stats.lastAt && stats.firstAt ? ((stats.lastAt - stats.firstAt) / 1000).toFixed(1) : "-";
    console.log(
      `fanout: ${stats.receipts} receipts sent, ${unique} distinct deliveries acknowledged of ${stats.receipts * FANOUT_WEBHOOKS} expected (${stats.deliveries} requests; ${unique ? ((once / unique) * 100).toFixed(1) : "-"} % on the first attempt), ${secs} s from the first receipt to the last delivery`,
    );
  });
}

/**
 * The fan-out measurement, before the req/s rounds: `events` receipts (10 at a time), each wanted by
 * FANOUT_WEBHOOKS webhooks; then waits (up to 10 min) until the receiver has every delivery, and prints the
 * time from the first receipt to the last delivery acknowledged and the share acknowledged on the first attempt.
 */
async function fanoutBurst(ctx, events) {
  const { stats, seen } = ctx.fanout;
  const expected = events * FANOUT_WEBHOOKS;
  const started = Date.now();
  let next = 0;
  const post = async () => {
    for (let i = next++; i < events; i = next++) {
      const body = fanoutReceipt(ctx);
      // wrangler dev may restart the worker under load (503); a receipt is idempotent by external id, so it is sent again
      for (let attempt = 1; ; attempt++) {
        const res = await fetch(`${ctx.baseUrl}/api/v3/transactions`, { method: "POST", headers: { authorization: `Bearer ${ctx.token}`, "content-type": "application/json", accept: "application/json" }, body });
        const text = await res.text();
        if (res.ok) break;
        if (res.status !== 503 || attempt >= 5) throw new Error(`bench fan-out: POST /transactions → ${res.status} ${text}`);
        await new Promise((ok) => setTimeout(ok, 1000));
      }
    }
  };
  await Promise.all(Array.from({ length: 10 }, post));
  const posted = Date.now();
  while (seen.size < expected && Date.now() - started < 600_000) await new Promise((ok) => setTimeout(ok, 250));
  const once = [...seen.values()].filter((n) => n === 1).length;
  const line = `fan-out: ${events} receipts × ${FANOUT_WEBHOOKS} webhooks: ${seen.size} of ${expected} deliveries acknowledged in ${((stats.lastAt - started) / 1000).toFixed(1)} s from the first receipt (receipts posted in ${((posted - started) / 1000).toFixed(1)} s); ${seen.size ? ((once / seen.size) * 100).toFixed(1) : "-"} % on the first attempt`;
  console.log(`  ${line}`);
  ctx.fanout.burst = line;
  seen.clear();
  Object.assign(stats, { receipts: 0, deliveries: 0, firstAt: 0, lastAt: 0 });
}

function fanoutReceipt(ctx) {
  receipt += 1;
  ctx.fanout.stats.receipts += 1;
  ctx.fanout.stats.firstAt ||= Date.now();
  const profileId = ctx.sample.profileIds[receipt % ctx.sample.profileIds.length];
  return JSON.stringify({ external_id: `FANOUT-${runId}-${receipt}`, profile_id: profileId, location_id: "S001", items: [{ sku: "SKU-1006", name: "Bench cap", quantity: 1, price_sell: 19.95 }], total: 19.95 });
}

SCENARIOS.push({
  name: "tx-fanout",
  setup: async (ctx) => {
    await openLedgers(ctx);
    await fanoutSetup(ctx);
  },
  description: `POST /api/v3/transactions where each receipt is wanted by ${FANOUT_WEBHOOKS} webhooks (a condition each) to a receiver on 127.0.0.1: the request's cost as tx-ingest, plus, behind it on the events and deliveries queues, the context build, ${FANOUT_WEBHOOKS} delivery rows and ${FANOUT_WEBHOOKS} signed POSTs per receipt competing for the same CPU. At exit it prints deliveries acknowledged, the first-attempt share and the time to the last delivery.`,
  request: (ctx) => ({
    method: "POST",
    path: "/api/v3/transactions",
    headers: { authorization: `Bearer ${ctx.token}`, "content-type": "application/json", accept: "application/json" },
    body: fanoutReceipt(ctx),
    setupRequest: (req) => ({ ...req, body: fanoutReceipt(ctx) }),
  }),
});

// ── one active trigger with a filter (issue 12) ──────────────────────────────────────────────

/**
 * One active trigger on transaction.created whose only action is a filter that no receipt passes (total
 * above $1,000,000), so every receipt's event evaluates it and stops: the cost a brand pays per receipt for
 * having a filtered trigger, with no action's own work mixed in. Created once per bench run, switched on
 * only around tx-ingest-trigger's own runs (beforeRun/afterRun), so tx-ingest beside it runs without it.
 */
async function triggerSetup(ctx) {
  await openLedgers(ctx);
  if (ctx.triggerId) return;
  const res = await fetch(`${ctx.baseUrl}/api/v3/triggers`, {
    method: "POST",
    headers: { authorization: `Bearer ${ctx.token}`, "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({
      name: `Bench filter ${runId}`,
      trigger: "transaction.created",
      is_active: false,
      actions: [{ uuid: "filter", name: "Huge baskets only", arguments: [{ name: "condition", value: { ">": [{ var: "transaction.total" }, 1_000_000] } }] }],
    }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`bench setup: POST /triggers → ${res.status} ${text}`);
  ctx.triggerId = JSON.parse(text).data.id;
  await setTriggerActive(ctx, false);
}

/** The bench trigger on (only during tx-ingest-trigger's own runs) or off (during every other run). */
async function setTriggerActive(ctx, active) {
  const res = await fetch(`${ctx.baseUrl}/api/v3/triggers/${ctx.triggerId}`, {
    method: "PUT",
    headers: { authorization: `Bearer ${ctx.token}`, "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ is_active: active }),
  });
  if (!res.ok) throw new Error(`bench: PUT /triggers/${ctx.triggerId} is_active=${active} → ${res.status} ${await res.text()}`);
  await res.arrayBuffer();
}

SCENARIOS.push({
  name: "tx-ingest-trigger",
  setup: triggerSetup,
  beforeRun: (ctx) => setTriggerActive(ctx, true),
  afterRun: (ctx) => setTriggerActive(ctx, false),
  description:
    "tx-ingest with one active trigger on transaction.created (a filter no receipt passes): the request is the same as tx-ingest; the trigger adds its work to each receipt's event on the events queue (the context build and the filter), which shows in cpu/req for what the consumer got through during the run. Each request adds a transaction and a points lot.",
  request: (ctx) => ({
    method: "POST",
    path: "/api/v3/transactions",
    headers: { authorization: `Bearer ${ctx.token}`, "content-type": "application/json", accept: "application/json" },
    body: receiptBody(ctx),
    setupRequest: (req) => ({ ...req, body: receiptBody(ctx) }),
  }),
});
