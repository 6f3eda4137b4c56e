// Omneo's storefront API, `/id/api/v1` (the SDK's `ID` client), so a storefront built on Omneo ports unchanged.
//
//   POST /id/api/v1/auth/token {id, id_handle?}   with an API token: an ID token (a JWT naming `pid`) for that
//                                                 profile (`id` a profile id, or an identifier when `id_handle`
//                                                 names the identity); `id: ""` gives an anonymous token
//   /id/api/v1/profiles/me[/…]                    with the ID token: the shopper's own record
//
// The shopper's routes are not a second implementation: each allowed (method, path) below is the REST API's
// `/api/v3/profiles/{id}/…` route for the token's profile, dispatched through the same worker with the API token
// that minted the ID token as its principal. So validation, views, errors, audit, idempotency and scopes are the
// REST API's own, and an ID token can never do more than the API token behind it (re-checked on every request:
// revoking that token, or deactivating or demoting its owner, reaches every ID token it minted).
// Only the routes in ID_ROUTES are reachable; anything else under /profiles/me is a 404 and never falls through
// to another profile.
import { Hono, type Context } from "hono";
import { ANONYMOUS_PID, issueIdToken, verifyIdToken } from "./access/id-tokens";
import { hasScope } from "./access/rules";
import { tokenActor } from "./access/tokens.service";
import type { ApiAuth, AppEnv } from "./api-env";
import { allowedOrigins } from "./incentives/storefront";
import { DomainError, fieldErrorsFromIssues } from "./platform/errors";
import { errorToResponse, requestMeta } from "./platform/http";
import { checkRateLimit, limitByIp, STOREFRONT_POLICY } from "./platform/rate-limit";
import { z } from "zod";

export const ID_BASE = "/id/api/v1";

/**
 * The REST API routes a shopper may reach as `/profiles/me…`: reads of their own record and balances, and the
 * writes a storefront makes for its signed-in shopper. Not here on purpose: issuing, voiding or extending
 * incentives, tier assignment, merge, delete, purge and restore (staff and server work).
 * `test/workers/id/id-api.test.ts` checks each against the OpenAPI document, so a renamed route cannot rot here.
 */
export const ID_ROUTES: ReadonlyArray<readonly ["GET" | "POST" | "PUT" | "DELETE", string]> = [
  ["GET", ""],
  ["PUT", ""],
  ["PUT", "/update-type"],
  ["GET", "/aggregations"],
  ["GET", "/balances"],
  ["GET", "/tiers"],
  ["GET", "/tiers/calculate"],
  ["GET", "/ledgers"],
  ["GET", "/rewards"],
  ["GET", "/rewards/{instance}"],
  ["GET", "/points"],
  ["GET", "/benefits"],
  ["GET", "/benefits/{instance}"],
  ["POST", "/benefits/{instance}/redeem"],
  ["POST", "/redeem"],
  ["GET", "/achievements"],
  ["GET", "/transactions"],
  ["GET", "/transactions/{transactionId}"],
  ["POST", "/transactions/claims"],
  ["GET", "/interactions"],
  ["POST", "/interactions"],
  ["GET", "/identities"],
  ["POST", "/identities"],
  ["GET", "/identities/{handle}"],
  ["PUT", "/identities/{handle}"],
  ["DELETE", "/identities/{identityId}"],
  ["GET", "/identities/id/{identityId}"],
  ["PUT", "/identities/id/{identityId}"],
  ["DELETE", "/identities/id/{identityId}"],
  ["GET", "/attributes/custom"],
  ["GET", "/attributes/custom/{key}"],
  ["PUT", "/attributes/custom/{key}"],
  ["DELETE", "/attributes/custom/{key}"],
  ["GET", "/attributes/dates"],
  ["PUT", "/attributes/dates"],
  ["DELETE", "/attributes/dates/{dateId}"],
];

/**
 * Omneo ID routes with no REST route of their own path: each is answered by the REST route it names (its
 * validation, scope and view, for the token's profile only) and reshaped into Omneo's answer. Each takes only
 * the query parameters it lists; anything else is a 400 naming it.
 */
interface IdAlias {
  /** the REST request (path and query under /api/v3) for the shopper `pid` (not yet encoded) and the validated query */
  rest: (pid: string, query: URLSearchParams) => string;
  params: readonly string[];
  /** Omneo's answer from the REST route's 200 body */
  reshape?: (body: unknown, query: URLSearchParams, url: URL) => Response;
}

export const ID_ALIASES: Readonly<Record<string, IdAlias>> = {
  // aggregations are recomputed with every receipt, return and void: calculating them is reading them
  "GET /aggregations/calculate": { rest: (pid) => `/profiles/${encodeURIComponent(pid)}/aggregations`, params: [] },
  // Omneo's find: the shopper's one transaction with that external id (our receipts have no other unique field)
  "GET /find-transactions": {
    params: ["filter[external_id]"],
    rest: (pid, q) => {
      const value = q.get("filter[external_id]");
      if (!value) throw DomainError.field("filter[external_id]", "Name the transaction to find: filter[external_id]=…");
      return `/transactions?${new URLSearchParams({ "filter[profile_id]": pid, "filter[external_id]": value, "page[size]": "1" })}`;
    },
    reshape: (body, q) => {
      const found = (body as { data: unknown[] }).data[0];
      if (!found) throw new DomainError("not_found", `No transaction of this profile has external_id ${q.get("filter[external_id]")}`);
      return Response.json({ data: found });
    },
  },
  // Omneo groups a profile's transactions by order number; receipts here belong to no order, so each is its own group
  "GET /group_transactions": {
    params: ["page[number]", "page[size]"],
    rest: (pid, q) => `/profiles/${encodeURIComponent(pid)}/transactions?${q}`,
    reshape: (body, _q, url) => Response.json(groupedPage(body as TransactionPage, url)),
  },
};

interface TransactionPage {
  data: Array<{ id: string; transacted_at: string; created_at: string }>;
  meta: { current_page: number; per_page: number; total: number; last_page: number };
}

/** A page of the REST API's transactions as Omneo's grouped-transactions page (Laravel's paginator). */
export function groupedPage(page: TransactionPage, url: URL) {
  const { current_page, per_page, total, last_page } = page.meta;
  const path = `${url.origin}${url.pathname}`;
  const at = (n: number) => `${path}?page%5Bnumber%5D=${n}&page%5Bsize%5D=${per_page}`;
  const from = page.data.length ? (current_page - 1) * per_page + 1 : null;
  return {
    current_page,
    data: page.data.map((t) => ({ order_number: null, transaction_id: t.id, number_transactions: 1, latest_updated_at: t.created_at, latest_transacted_at: t.transacted_at })),
    first_page_url: at(1),
    from,
    last_page,
    last_page_url: at(last_page),
    links: [
      { url: current_page > 1 ? at(current_page - 1) : null, label: "&laquo; Previous", active: false },
      ...Array.from({ length: last_page }, (_, i) => ({ url: at(i + 1), label: String(i + 1), active: i + 1 === current_page })).slice(Math.max(0, current_page - 4), current_page + 3),
      { url: current_page < last_page ? at(current_page + 1) : null, label: "Next &raquo;", active: false },
    ],
    next_page_url: current_page < last_page ? at(current_page + 1) : null,
    path,
    per_page,
    prev_page_url: current_page > 1 ? at(current_page - 1) : null,
    to: from === null ? null : from + page.data.length - 1,
    total,
  };
}

/** Whether `rest` (what follows /profiles/me, still percent-encoded) is an allowed route for `method`. */
export function idRouteAllowed(method: string, rest: string): boolean {
  const segments = rest === "" ? [] : rest.split("/").slice(1);
  if (rest !== "" && !rest.startsWith("/")) return false;
  // a segment is one path segment, never a way out of it ("..", an encoded slash or backslash)
  if (segments.some((s) => s === "" || s === "." || s === ".." || /%(2f|5c|2e)/i.test(s) || s.length > 200)) return false;
  return ID_ROUTES.some(([m, template]) => {
    if (m !== method) return false;
    const parts = template === "" ? [] : template.split("/").slice(1);
    return parts.length === segments.length && parts.every((p, i) => (p.startsWith("{") ? true : p === segments[i]));
  });
}

/**
 * A request the ID API hands to the REST API with its principal already resolved. The REST API's auth
 * middleware takes the principal from here instead of an Authorization header; only code in this process
 * can put a Request object in it, so a client cannot claim one.
 */
export const delegatedAuth = new WeakMap<Request, ApiAuth>();

const TokenRequest = z
  .object({
    id: z.string().max(200),
    id_handle: z.string().min(1).max(100).optional(),
  })
  .strict();

type Dispatch = (request: Request, env: AppEnv["Bindings"], ctx: Context<AppEnv>["executionCtx"]) => Promise<Response>;

/** The ID API; `dispatch` is the worker's own fetch (the REST API is reached through it, middleware and all). */
export function createIdApp(dispatch: Dispatch) {
  const id = new Hono<AppEnv>();
  id.onError(errorToResponse);
  id.notFound((c) => {
    throw new DomainError("not_found", `No route for ${c.req.method} ${c.req.path}`);
  });

  // Omneo's own clients join the base and a path that starts with "/" (`/id/api/v1//profiles/me/…`) and its
  // server reads that as one slash: so does this one, for the slashes right after the base only (an empty
  // segment further in stays a 404: see idRouteAllowed)
  id.use("*", async (c, next) => {
    const url = new URL(c.req.url);
    if (!url.pathname.startsWith(`${ID_BASE}//`)) return next();
    url.pathname = `${ID_BASE}/${url.pathname.slice(ID_BASE.length).replace(/^\/+/, "")}`;
    return dispatch(new Request(url, c.req.raw), c.env, c.executionCtx);
  });

  // CORS for the configured storefront origins only (STOREFRONT_ORIGINS), as on /api/v3/profiles/me
  id.use("*", async (c, next) => {
    const origin = c.req.header("Origin");
    const allowed = origin && allowedOrigins(c.get("services").env).includes(origin) ? origin : null;
    if (c.req.method === "OPTIONS") {
      if (!allowed) return new Response(null, { status: 403 });
      return new Response(null, {
        status: 204,
        headers: {
          "Access-Control-Allow-Origin": allowed,
          "Access-Control-Allow-Methods": "GET, POST, PUT, DELETE",
          "Access-Control-Allow-Headers": "Authorization, Content-Type, Idempotency-Key",
          "Access-Control-Max-Age": "600",
          Vary: "Origin",
        },
      });
    }
    await next();
    if (allowed) {
      c.res = new Response(c.res.body, c.res);
      c.res.headers.set("Access-Control-Allow-Origin", allowed);
      c.res.headers.set("Vary", "Origin");
    }
  });

  id.post("/auth/token", limitByIp<AppEnv>(), async (c) => {
    const s = c.get("services");
    const match = /^Bearer\s+(\S+)$/i.exec(c.req.header("Authorization") ?? "");
    if (!match) throw new DomainError("unauthenticated", "Send an API token as \"Authorization: Bearer <token>\"");
    const found = await s.tokens.authenticate(match[1]!);
    if (!found) throw new DomainError("unauthenticated", "The API token is unknown, expired or revoked");
    if (!hasScope(found.token.scopes, "profiles:read")) throw new DomainError("forbidden", "Minting an ID token needs an API token with the profiles:read scope");
    if (found.touch) s.defer(found.touch);
    if (!/^application\/([\w.-]+\+)?json\b/i.test(c.req.header("Content-Type") ?? "")) throw new DomainError("unsupported_media_type", "Send the body as application/json");
    const parsed = TokenRequest.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) {
      const errors = fieldErrorsFromIssues(parsed.error.issues);
      throw new DomainError("validation_failed", `Invalid request body: ${Object.keys(errors).join(", ")}`, { errors });
    }
    const body = parsed.data;
    let pid = ANONYMOUS_PID;
    if (body.id !== "") {
      const profile = await s.profiles.resolve({ profileId: body.id, handle: body.id_handle ?? null });
      if (!profile || profile.type === "deleted") throw DomainError.field("id", body.id_handle ? `No live profile has a ${body.id_handle} identity of that value` : "No live profile has that id");
      pid = profile.id;
    }
    const issued = await issueIdToken(c.env, { pid, tid: found.token.id }, s.clock.now());
    c.header("Cache-Control", "no-store");
    return c.json({ data: issued }, 200);
  });

  id.all("/profiles/me/*", (c) => shopper(c));
  id.all("/profiles/me", (c) => shopper(c));

  async function shopper(c: Context<AppEnv>): Promise<Response> {
    const s = c.get("services");
    const url = new URL(c.req.url);
    const rest = url.pathname.slice(`${ID_BASE}/profiles/me`.length);
    const method = c.req.method === "HEAD" ? "GET" : c.req.method;
    const alias = ID_ALIASES[`${method} ${rest}`];
    if (!alias && !idRouteAllowed(method, rest)) {
      const other = (["GET", "POST", "PUT", "DELETE"] as const).filter((m) => idRouteAllowed(m, rest) || ID_ALIASES[`${m} ${rest}`]);
      if (other.length) throw new DomainError("method_not_allowed", `${url.pathname} answers ${other.join(", ")}`, { headers: { Allow: other.join(", ") } });
      throw new DomainError("not_found", `No route for ${c.req.method} ${url.pathname}`);
    }
    const match = /^Bearer\s+(\S+)$/i.exec(c.req.header("Authorization") ?? "");
    if (!match) throw new DomainError("unauthenticated", "Send an ID token as \"Authorization: Bearer <token>\" (POST /id/api/v1/auth/token)");
    const claims = await verifyIdToken(c.env, match[1]!, s.clock.now());
    // Omneo answers an anonymous shopper's /profiles/me with a 404: there is no profile to show
    if (claims.pid === ANONYMOUS_PID) throw new DomainError("not_found", "This ID token is anonymous: it names no profile");
    const found = await s.tokens.authenticateById(claims.tid);
    if (!found) throw new DomainError("unauthenticated", "The API token behind this ID token is revoked, expired or its owner is inactive");
    if (found.touch) s.defer(found.touch);
    await checkRateLimit(c.env.STOREFRONT_RATE_LIMIT, `profile:${claims.pid}`, STOREFRONT_POLICY, "for this shopper");

    let target = new URL(`/api/v3/profiles/${encodeURIComponent(claims.pid)}${rest}${url.search}`, url);
    if (alias) {
      const unknown = [...new Set(url.searchParams.keys())].filter((k) => !alias.params.includes(k));
      if (unknown.length) {
        const errors = Object.fromEntries(unknown.map((k) => [k, [`Unknown query parameter "${k}"; ${url.pathname} takes ${alias.params.join(", ") || "none"}`]]));
        throw new DomainError("bad_request", `Unknown query parameter: ${unknown.join(", ")}`, { errors });
      }
      target = new URL(`/api/v3${alias.rest(claims.pid, url.searchParams)}`, url);
    }
    const headers = new Headers();
    for (const name of ["Content-Type", "Content-Length", "Idempotency-Key", "Accept", "CF-Connecting-IP", "X-Forwarded-For", "User-Agent", "X-Request-Id"]) {
      const value = c.req.header(name);
      if (value !== undefined) headers.set(name, value);
    }
    const hasBody = method !== "GET" && method !== "DELETE";
    const request = new Request(target, { method: c.req.method, headers, body: hasBody ? c.req.raw.body : null });
    const auth: ApiAuth = {
      ...found,
      touch: null,
      actor: { ...tokenActor(found.token, found.owner, requestMeta(c.req.raw, c.get("requestId"))), label: `shopper ${claims.pid} via ID token of ${tokenActor(found.token, found.owner).label}` },
    };
    delegatedAuth.set(request, auth);
    const res = await dispatch(request, c.env, c.executionCtx);
    if (alias?.reshape && res.status === 200) return alias.reshape(await res.json(), url.searchParams, url);
    return new Response(res.body, res);
  }

  return id;
}
