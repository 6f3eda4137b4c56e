// The benchmark scenarios of `npm run bench`. Each one runs beside NOOP (the cheapest route through
// the same worker) in the same rounds, so its number is read as a ratio to the no-op, not in absolute
// req/s that depend on the machine.
//
// Adding a scenario (later issues): append an entry to SCENARIOS.
//   name         short kebab-case id, used by --only and in the table
//   description  one line: what the request exercises and what its cost is made of
//   request      { method, path, headers?, body? }, or a function (ctx) => that object, where ctx is
//                { token, baseUrl }: token is an API token with scopes "*" on a freshly seeded brand
//                (`npm run seed`), baseUrl the worker under `wrangler dev` (http://127.0.0.1:PORT)
//   setup?       optional async (ctx) => void, run once before the warm-up (e.g. create a record
//                through the API and stash its id on ctx for `request` to use)
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
    name: "api-health",
    description:
      "GET /api/v3/health without a token: the API middleware and one D1 `select 1`. A second reference: the price of any D1 round trip, without the token lookup.",
    request: { method: "GET", path: "/api/v3/health", headers: { accept: "application/json" } },
  },
];
