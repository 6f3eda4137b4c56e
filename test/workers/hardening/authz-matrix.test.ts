// The authorization matrix (issue 14): every operation of the API × {no token, a storefront token, a
// token with a scope that does not cover it, a token with exactly the scope it needs, a `*` token whose
// owner was demoted to Reporting}. Generated from the OpenAPI document, whose `security` names the
// scope each operation's guard checks (workers/api.ts reads it off the guard), so a new route without
// a scope guard fails here unless it is listed below as open to every valid API token.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";

const SLOW = 300_000; // each case walks every operation of the document (~190 of them, through real handlers: minutes on a loaded 2-core machine)
import { systemActor } from "../../../workers/access/actor";
import { API_SCOPES, hasScope, scopesAllowedForRole, type ApiScope } from "../../../workers/access/rules";
import { issueStorefrontToken } from "../../../workers/incentives/storefront";
import { api, makeToken, makeUser, services } from "../helpers";

type Operation = { method: string; path: string; security?: Array<Record<string, string[]>> };

/** Operations any valid API token may call, whatever its scopes: who am I, and what may I do. */
const ANY_TOKEN = new Set(["GET /auth/verify", "GET /users/me", "GET /auth/access-tokens"]);

let doc: { paths: Record<string, Record<string, Operation>> };
let operations: Array<{ method: string; path: string; scopes: string[] | null; storefront: boolean; open: boolean }>;
/** One token per scope, each owned by an Admin (so the role takes nothing away). */
const tokens = new Map<string, string>();
let storefrontToken: string;
let demotedToken: string;

/** A concrete URL for a templated path: every parameter an unknown id (the guard answers before any lookup). */
function concrete(path: string): string {
  return path.replace(/\{[^}]+\}/g, "00000000-0000-4000-8000-000000000000");
}

function call(op: { method: string; path: string }, token?: string): Promise<Response> {
  const method = op.method.toUpperCase();
  const write = ["POST", "PUT", "PATCH"].includes(method);
  return api(concrete(op.path), { method, token, ...(write ? { json: {} } : {}) });
}

function isProblem(res: Response): boolean {
  return !!res.headers.get("Content-Type")?.includes("application/problem+json");
}

/** Walk the operations a few at a time (the worker answers them concurrently), collecting what is wrong. */
async function walk<T>(items: T[], check: (item: T) => Promise<string | null>): Promise<string[]> {
  const wrong: string[] = [];
  for (let i = 0; i < items.length; i += 6) {
    for (const w of await Promise.all(items.slice(i, i + 6).map(check))) if (w) wrong.push(w);
  }
  return wrong;
}

/** A scope that covers none of the `accepted` ones (another area's, never `*`). */
function wrongScopeFor(accepted: string[]): ApiScope {
  const wrong = API_SCOPES.find((s) => s !== "*" && !accepted.some((n) => hasScope([s], n as ApiScope)));
  if (!wrong) throw new Error(`no scope misses ${accepted.join(", ")}`);
  return wrong;
}

beforeAll(async () => {
  const admin = (await makeToken(["*"])).token;
  doc = await (await api("/openapi.json", { token: admin })).json();
  operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      const security = op.security;
      const storefront = !!security?.some((s) => "storefrontToken" in s);
      const open = Array.isArray(security) && security.length === 0;
      // one requirement per accepted scope (any one satisfies the operation)
      const accepted = (security ?? []).flatMap((s) => s.bearerAuth ?? []);
      return { method, path, storefront, open, scopes: accepted.length ? accepted : null };
    }),
  );

  for (const scope of API_SCOPES) tokens.set(scope, (await makeToken([scope], { role: "admin" })).token);

  const profile = await services().profiles.create({ first_name: "Matrix", last_name: "Shopper", email: `matrix-${crypto.randomUUID()}@example.test` } as never, systemActor("test"));
  storefrontToken = (await issueStorefrontToken(env, profile.id, new Date())).token;

  await makeUser("admin"); // another Admin, so demoting this one is allowed
  const demoted = await makeToken(["*"], { role: "admin" });
  await services().users.update(demoted.owner.id, { role: "reporting" }, systemActor("test"));
  demotedToken = demoted.token;
}, SLOW);

describe("the authorization matrix", () => {
  it("covers the whole document", () => {
    // a guard against an empty or shrunken table passing silently
    expect(operations.length).toBeGreaterThan(150);
    expect(operations.filter((o) => o.storefront).length).toBeGreaterThanOrEqual(4);
  });

  it("every operation names the scope it needs, or is public, a storefront read or open to any token by decision", () => {
    const unguarded = operations.filter((o) => !o.scopes && !o.open && !o.storefront && !ANY_TOKEN.has(`${o.method.toUpperCase()} ${o.path}`));
    expect(unguarded.map((o) => `${o.method.toUpperCase()} ${o.path}`)).toEqual([]);
    expect(operations.filter((o) => o.open).map((o) => o.path)).toEqual(["/health"]);
  });

  it("no token: every operation but the public ones is a 401 problem", async () => {
    const wrong = await walk(operations.filter((o) => !o.open), async (op) => {
      const res = await call(op);
      return res.status === 401 && isProblem(res) ? null : `${op.method} ${op.path} → ${res.status}`;
    });
    expect(wrong).toEqual([]);
  }, SLOW);

  it("a storefront token opens the storefront reads and nothing else", async () => {
    const wrong = await walk(operations.filter((o) => !o.open), async (op) => {
      const res = await call(op, storefrontToken);
      const ok = op.storefront ? res.status < 400 : res.status === 401;
      return ok ? null : `${op.method} ${op.path} → ${res.status}`;
    });
    expect(wrong).toEqual([]);
  }, SLOW);

  it("an API token cannot read the storefront's /profiles/me", async () => {
    const wrong = await walk(operations.filter((o) => o.storefront), async (op) => {
      const res = await call(op, tokens.get("*"));
      return res.status === 401 ? null : `${op.method} ${op.path} → ${res.status}`;
    });
    expect(wrong).toEqual([]);
  }, SLOW);

  it("a token whose scope does not cover the operation is a 403 problem", async () => {
    const wrong = await walk(operations.filter((o) => o.scopes), async (op) => {
      const res = await call(op, tokens.get(wrongScopeFor(op.scopes!)));
      return res.status === 403 && isProblem(res) ? null : `${op.method} ${op.path} (${op.scopes}) → ${res.status}`;
    });
    expect(wrong).toEqual([]);
  }, SLOW);

  it("a token with exactly the scope the operation names gets past the guard", async () => {
    const wrong = await walk(operations.filter((o) => o.scopes), async (op) => {
      const res = await call(op, tokens.get(op.scopes![0]!));
      return res.status === 401 || res.status === 403 || res.status >= 500 ? `${op.method} ${op.path} (${op.scopes}) → ${res.status}` : null;
    });
    expect(wrong).toEqual([]);
  }, SLOW);

  it("a demoted owner's * token does what the Reporting role may, and nothing more", async () => {
    const reporting = scopesAllowedForRole("reporting");
    const wrong = await walk(operations.filter((o) => o.scopes), async (op) => {
      const allowed = op.scopes!.some((s) => hasScope(reporting, s as ApiScope));
      const res = await call(op, demotedToken);
      const ok = allowed ? res.status !== 401 && res.status !== 403 && res.status < 500 : res.status === 403;
      return ok ? null : `${op.method} ${op.path} (${op.scopes}, allowed=${allowed}) → ${res.status}`;
    });
    expect(wrong).toEqual([]);
  }, SLOW);
});
