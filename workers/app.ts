// The Worker entry: a Hono router in front of everything. /api/v3 is the REST API, /parties/* the
// live feed's WebSockets, and everything else the Remix console. Also the queue consumers and the cron.
import { createRequestHandler, type ServerBuild } from "@remix-run/cloudflare";
import { Hono } from "hono";
import { getCookie } from "hono/cookie";
import { routePartykitRequest } from "partyserver";
// The Remix Vite server build (output of `remix vite:build`).
// eslint-disable-next-line @typescript-eslint/ban-ts-comment -- generated file without types, absent before the first build (so not @ts-expect-error)
// @ts-ignore
import * as build from "../build/server";
import { can, SESSION_COOKIE, sessionCookie } from "./access/rules";
import { createApiApp } from "./api";
import { createIdApp, ID_BASE } from "./id-api";
import { apiDocsPage } from "./api-docs";
import { consumeEvents } from "./events/consumer";
import { consumeDeadLetters, consumeDeliveries } from "./events/deliveries";
import { runScheduled } from "./events/scheduled";
import { getLoadContext } from "./load-context";
import { DomainError } from "./platform/errors";
import { sha256Hex } from "./platform/crypto";
import { LIVE_FEED_SESSION_HEADER, LIVE_FEED_USER_HEADER } from "./profiles/live-feed.do";
import type { AppEnv } from "./api-env";
import { errorToResponse, problemResponse, requestMeta } from "./platform/http";
import { createServices } from "./services";

export { ProfileLedger } from "./incentives/profile-ledger/ledger.do";
export { LiveFeed } from "./profiles/live-feed.do";

const remixHandler = createRequestHandler(build as unknown as ServerBuild);

/**
 * The console's Content-Security-Policy (not exported: wrangler refuses an entry module export that is
 * neither a handler nor a class): scripts from this origin or carrying this response's nonce (Remix's
 * inline hydration scripts get it in app/entry.server.tsx; no 'unsafe-inline' for scripts), style
 * sheets and <style> elements from this origin or with the nonce (inline style attributes allowed),
 * fonts and sockets from this origin, no plugins, no framing, forms and <base> kept to this origin.
 * The API docs page alone may also eval and inline styles: Swagger UI compiles some of its code at
 * run time and writes its own <style> elements.
 */
function consoleCsp(nonce: string, opts: { swaggerUi?: boolean } = {}): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'${opts.swaggerUi ? " 'unsafe-eval'" : ""}`,
    // style elements from this origin or with the nonce (react-remove-scroll's, via entry.client); style
    // attributes inline (Radix and recharts position with them; an attribute cannot load or select)
    ...(opts.swaggerUi ? ["style-src 'self' 'unsafe-inline'"] : [`style-src 'self' 'nonce-${nonce}'`, `style-src-elem 'self' 'nonce-${nonce}'`, "style-src-attr 'unsafe-inline'"]),
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** A fresh nonce per response: 128 random bits, base64. */
function newNonce(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * CSRF defence for the console: session cookies are SameSite=Lax, and any state-changing request
 * whose Origin (or Sec-Fetch-Site) says it came from another site is refused before it reaches Remix.
 */
export function isCrossSiteWrite(req: Request): boolean {
  if (SAFE_METHODS.has(req.method)) return false;
  if (req.headers.get("Sec-Fetch-Site") === "cross-site") return true;
  const origin = req.headers.get("Origin");
  if (!origin) return false;
  if (origin === "null" || !URL.canParse(origin)) return true;
  return new URL(origin).host !== new URL(req.url).host;
}

const FORM_TYPE = /^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i;

/**
 * Console actions read forms only: a write whose body is not a form, or a form that does not parse
 * (a malformed multipart), is refused here, before any action's `request.formData()` would throw a 500.
 */
export async function unreadableConsoleForm(req: Request): Promise<{ status: 400 | 415; message: string } | null> {
  if (SAFE_METHODS.has(req.method) || req.body === null) return null;
  const type = req.headers.get("Content-Type") ?? "";
  if (!FORM_TYPE.test(type)) {
    const length = req.headers.get("Content-Length");
    if (length === "0") return null;
    return { status: 415, message: "Send the form as application/x-www-form-urlencoded or multipart/form-data" };
  }
  try {
    await req.clone().formData();
    return null;
  } catch {
    return { status: 400, message: "The form body could not be read" };
  }
}

export const app = new Hono<AppEnv>();

app.onError(errorToResponse);

app.use("*", async (c, next) => {
  const requestId = c.req.header("X-Request-Id")?.slice(0, 100) || crypto.randomUUID();
  c.set("requestId", requestId);
  c.set("cspNonce", newNonce());
  // Bench only: `npm run bench` prices the rate limiter against the same route without it. With
  // BENCH_MODE "1" (never in wrangler.toml; only the bench's own `wrangler dev --var` sets it) a request
  // sending `X-Bench-Rate-Limit: off` is served without the rate-limiting bindings. Otherwise ignored.
  if (c.env.BENCH_MODE === "1" && c.req.header("X-Bench-Rate-Limit") === "off") {
    c.env = { ...c.env, API_RATE_LIMIT: undefined, IP_RATE_LIMIT: undefined, STOREFRONT_RATE_LIMIT: undefined } as unknown as AppEnv["Bindings"];
  }
  c.set("services", createServices(c.env, c.executionCtx));
  await next();
  // a WebSocket upgrade's headers are immutable, and there is no page to protect
  if (c.res.status === 101) return;
  c.res.headers.set("X-Request-Id", requestId);
  c.res.headers.set("X-Content-Type-Options", "nosniff");
  c.res.headers.set("Referrer-Policy", "strict-origin-when-cross-origin");
  c.res.headers.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
  if (!c.req.path.startsWith("/api/v3")) {
    c.res.headers.set("X-Frame-Options", "DENY");
    c.res.headers.set("Content-Security-Policy", consoleCsp(c.get("cspNonce"), { swaggerUi: c.req.path === "/api/docs" }));
  }
});

app.route("/api/v3", createApiApp());
// Omneo's storefront API: the shopper's routes dispatch back through this worker to /api/v3 (workers/id-api.ts)
app.route(ID_BASE, createIdApp((request, env, ctx) => Promise.resolve(app.fetch(request, env, ctx))));
app.get("/api/docs", (c) => c.html(apiDocsPage("/api/v3/openapi.json", c.get("cspNonce"))));
// Omneo's SDK checks liveness at /api/health, beside /api/v3 (the same check as /api/v3/health, no token needed).
app.get("/api/health", (c) => c.json({ data: { status: "ok" } }, 200));

// The benchmark baseline: the cheapest possible route through the same worker, only in bench mode.
app.get("/__bench/noop", (c) => (c.env.BENCH_MODE === "1" ? c.text("ok") : c.notFound()));

/** The only Durable Object reachable over /parties: the live feed's sign-ups room. */
const LIVE_FEED_PATH = "/parties/live-feed/signups";

// The live feed is for signed-in staff who may see profiles, from the console's own origin.
app.all("/parties/*", async (c) => {
  if (c.req.path !== LIVE_FEED_PATH) return problemResponse(new DomainError("not_found", `No live feed at ${c.req.path}`), c.get("requestId"));
  // a WebSocket is not covered by CORS: a page on another site could open one with the staff's cookie
  const origin = c.req.header("Origin");
  if (origin && (!URL.canParse(origin) || new URL(origin).host !== new URL(c.req.url).host)) {
    return problemResponse(new DomainError("forbidden", "The live feed is only open to the console's own origin"), c.get("requestId"));
  }
  const signedIn = await c.get("services").sessions.authenticate(getCookie(c, SESSION_COOKIE));
  if (!signedIn) return problemResponse(new DomainError("unauthenticated", "Sign in to the console first"), c.get("requestId"));
  if (!can(signedIn.user.role, "profiles:view")) return problemResponse(new DomainError("forbidden", "Your role cannot see profiles"), c.get("requestId"));
  // tag the socket with its session and user, so sign-out or a role change can close it
  const forwarded = new Request(c.req.raw);
  forwarded.headers.set(LIVE_FEED_SESSION_HEADER, await sha256Hex(getCookie(c, SESSION_COOKIE)!));
  forwarded.headers.set(LIVE_FEED_USER_HEADER, signedIn.user.id);
  return (await routePartykitRequest(forwarded, c.env)) ?? c.notFound();
});

app.all("*", async (c) => {
  if (isCrossSiteWrite(c.req.raw)) {
    return c.text("Cross-site request refused", 403);
  }
  const unreadable = await unreadableConsoleForm(c.req.raw);
  if (unreadable) return c.text(unreadable.message, unreadable.status);
  const res = await remixHandler(
    c.req.raw,
    getLoadContext({
      env: c.env,
      ctx: c.executionCtx as ExecutionContext,
      cf: c.req.raw.cf as IncomingRequestCfProperties | undefined,
      services: c.get("services"),
      requestId: c.get("requestId"),
      meta: requestMeta(c.req.raw, c.get("requestId")),
      cspNonce: c.get("cspNonce"),
    }),
  );
  // a session slid forward on this request: renew the cookie's Expires too (unless the response sets it)
  const renewed = c.get("services").sessions.renewed;
  if (renewed && !res.headers.get("Set-Cookie")?.includes(`${SESSION_COOKIE}=`)) {
    const out = new Response(res.body, res);
    out.headers.append("Set-Cookie", sessionCookie(renewed.token, renewed.expiresAt));
    return out;
  }
  return res;
});

export default {
  fetch: app.fetch,
  async queue(batch, env, ctx) {
    const services = createServices(env, ctx);
    if (batch.queue.endsWith("-events")) return consumeEvents(batch, services);
    if (/-deliveries(-high|-low)?$/.test(batch.queue)) return consumeDeliveries(batch, services);
    return consumeDeadLetters(batch, services);
  },
  async scheduled(controller, env, ctx) {
    ctx.waitUntil(runScheduled(createServices(env, ctx), controller.cron));
  },
} satisfies ExportedHandler<Env, unknown>;
