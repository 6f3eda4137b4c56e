// The REST API under /api/v3: request ids, body limits, bearer-token auth before routing, scopes per
// route, Idempotency-Key on writes, problem+json errors, and the OpenAPI document generated from the
// same zod schemas that validate requests. Areas add their routes in registerAreaRoutes.
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import { bodyLimit } from "hono/body-limit";
import { registerAccessRoutes } from "./access/api";
import { registerCommerceRoutes } from "./commerce/api";
import { registerDeliveryRoutes } from "./delivery/api";
import { registerProfileRoutes } from "./profiles/api";
import { registerOmneoProfileRoutes } from "./profiles/omneo.api";
import { registerDefinitionRoutes } from "./incentives/definitions.api";
import { registerLedgerRoutes } from "./incentives/ledger.api";
import { registerReactionRoutes } from "./reactions/api";
import { registerImportRoutes } from "./imports/api";
import { registerReportingRoutes } from "./reporting/api";
import { requiredScopes } from "./access/guards";
import { tokenActor } from "./access/tokens.service";
import { delegatedAuth } from "./id-api";
import { allowedOrigins, verifyStorefrontToken } from "./incentives/storefront";
import { sha256Hex } from "./platform/crypto";
import { jsonTextDepth, MAX_BODY_DEPTH } from "./platform/json-bounds";
import { API_POLICY, checkRateLimit, limitByIp, STOREFRONT_POLICY } from "./platform/rate-limit";
import { DomainError, fieldErrorsFromIssues } from "./platform/errors";
import { unknownQueryParams } from "./platform/list-query";
import type { AppEnv } from "./api-env";
import { errorToResponse, requestMeta } from "./platform/http";

export const API_VERSION = "3.0.0";
export const MAX_BODY_BYTES = 1024 * 1024;
const PUBLIC_PATHS = new Set(["/api/v3/health", "/api/v3/openapi.json"]);
/** Storefront reads: a storefront token, not an API token (see workers/incentives/storefront.ts). */
const STOREFRONT_PATH = /^\/api\/v3\/profiles\/me(\/|$)/;

export function createApiApp() {
  const api = new OpenAPIHono<AppEnv>({
    // Every validation failure becomes one 422 naming each bad field.
    defaultHook: (result) => {
      if (!result.success) {
        // an unknown filter, sort or include is a 400 naming it, never silently ignored
        if ((result as { target?: string }).target === "query") {
          const unknown = unknownQueryParams(result.error.issues as never);
          if (unknown) throw unknown;
        }
        const target = (result as { target?: string }).target;
        const errors = fieldErrorsFromIssues(result.error.issues);
        const fields = Object.keys(errors).join(", ");
        throw new DomainError("validation_failed", `Invalid ${target === "query" ? "query parameters" : target === "param" ? "path parameters" : "request body"}: ${fields}`, { errors });
      }
    },
  });

  api.onError(errorToResponse);
  api.notFound((c) => {
    throw new DomainError("not_found", `No route for ${c.req.method} ${c.req.path}`);
  });

  let storefrontRoutes: Set<string> | undefined;
  api.use("*", limitByIp<AppEnv>());
  api.use("*", bodyLimit({ maxSize: MAX_BODY_BYTES, onError: () => { throw new DomainError("payload_too_large", `The request body is larger than the ${MAX_BODY_BYTES / 1024 / 1024} MB limit`); } }));

  // The storefront's /profiles/me/*: a storefront token instead of an API token, and CORS for the
  // configured origins only (a preflight from any other origin is refused).
  api.use("*", async (c, next) => {
    if (!STOREFRONT_PATH.test(c.req.path)) return next();
    const services = c.get("services");
    const origin = c.req.header("Origin");
    const allowed = origin && allowedOrigins(services.env).includes(origin) ? origin : null;
    const cors = (res: Response) => {
      if (allowed) {
        res.headers.set("Access-Control-Allow-Origin", allowed);
        res.headers.set("Vary", "Origin");
      }
      return res;
    };
    if (c.req.method === "OPTIONS") {
      if (!allowed) return new Response(null, { status: 403 });
      return new Response(null, {
        status: 204,
        headers: { "Access-Control-Allow-Origin": allowed, "Access-Control-Allow-Methods": "GET", "Access-Control-Allow-Headers": "Authorization", "Access-Control-Max-Age": "600", Vary: "Origin" },
      });
    }
    try {
      // a strict router: only the storefront's own GET routes, never a fall-through to /profiles/{id}/…
      storefrontRoutes ??= new Set(api.routes.filter((r) => r.method === "GET" && /^\/profiles\/me\/[\w-]+$/.test(r.path)).map((r) => `/api/v3${r.path}`));
      if (!storefrontRoutes.has(c.req.path)) throw new DomainError("not_found", `No route for ${c.req.method} ${c.req.path}`);
      if (c.req.method !== "GET" && c.req.method !== "HEAD") throw new DomainError("method_not_allowed", `${c.req.path} answers GET only`, { headers: { Allow: "GET" } });
      const match = /^Bearer\s+(\S+)$/i.exec(c.req.header("Authorization") ?? "");
      if (!match) throw new DomainError("unauthenticated", "Send a storefront token as \"Authorization: Bearer <token>\" (POST /auth/storefront-tokens)");
      const profileId = await verifyStorefrontToken(services.env, match[1]!, services.clock.now());
      await checkRateLimit(c.env.STOREFRONT_RATE_LIMIT, `profile:${profileId}`, STOREFRONT_POLICY, "for this shopper");
      c.set("storefrontProfileId", profileId);
    } catch (err) {
      return cors(errorToResponse(err, c));
    }
    await next();
    c.res = cors(new Response(c.res.body, c.res));
  });

  // Authentication before routing: an anonymous caller learns nothing about which routes exist.
  api.use("*", async (c, next) => {
    if (PUBLIC_PATHS.has(c.req.path) || STOREFRONT_PATH.test(c.req.path)) return next();
    // a shopper's request from the ID API (workers/id-api.ts), its principal resolved there from the ID token
    const delegated = delegatedAuth.get(c.req.raw);
    if (delegated) {
      c.get("services").outbox.namespace = delegated.token.namespace ?? null;
      c.set("auth", delegated);
      return next();
    }
    const header = c.req.header("Authorization") ?? "";
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) {
      throw new DomainError("unauthenticated", header ? "The Authorization header must be \"Bearer <token>\"" : "Send an API token as \"Authorization: Bearer <token>\"");
    }
    const services = c.get("services");
    const found = await services.tokens.authenticate(match[1]!);
    if (!found) throw new DomainError("unauthenticated", "The API token is unknown, expired or revoked");
    await checkRateLimit(c.env.API_RATE_LIMIT, `token:${found.token.id}`, API_POLICY, "for this API token");
    if (found.touch) services.defer(found.touch);
    // events this request writes carry the token's namespace, so its own webhooks do not echo them back
    services.outbox.namespace = found.token.namespace ?? null;
    c.set("auth", { ...found, actor: tokenActor(found.token, found.owner, requestMeta(c.req.raw, c.get("requestId"))) });
    await next();
  });

  // JSON bodies only; a write with another content type is a 415, not a confusing "field required".
  api.use("*", async (c, next) => {
    if (["POST", "PUT", "PATCH"].includes(c.req.method)) {
      const type = c.req.header("Content-Type") ?? "";
      const length = c.req.header("Content-Length");
      const hasBody = length ? Number(length) > 0 : c.req.raw.body !== null;
      if (hasBody && !/^application\/([\w.-]+\+)?json\b/i.test(type)) {
        throw new DomainError("unsupported_media_type", `Send the body as application/json (got ${type || "no Content-Type"})`);
      }
      // nesting is bounded before anything parses or walks the body (a recursive walk would overflow)
      if (hasBody && jsonTextDepth(await c.req.text()) > MAX_BODY_DEPTH) {
        throw new DomainError("validation_failed", `The request body nests more than ${MAX_BODY_DEPTH} levels deep`, { errors: { body: [`nests more than ${MAX_BODY_DEPTH} levels deep`] } });
      }
    }
    await next();
  });

  // Idempotency-Key on POST: replay the first response for 24 h; a different body under the key is a 422.
  api.use("*", async (c, next) => {
    const key = c.req.header("Idempotency-Key");
    if (c.req.method !== "POST" || key === undefined || PUBLIC_PATHS.has(c.req.path)) return next();
    const services = c.get("services");
    const actor = `token:${c.get("auth").token.id}`;
    const body = await c.req.text();
    const stored = await services.idempotency.begin(actor, key, c.req.method, c.req.path, await sha256Hex(body));
    if (stored) {
      c.res = new Response(stored.body, {
        status: stored.status,
        headers: { ...(stored.contentType ? { "Content-Type": stored.contentType } : {}), "Idempotent-Replayed": "true" },
      });
      return;
    }
    try {
      await next();
    } catch (err) {
      await services.idempotency.release(actor, key);
      throw err;
    }
    // errors caught by onError arrive here as a response: store 4xx (the same mistake stays a mistake), forget 5xx
    if (c.res.status >= 500) {
      await services.idempotency.release(actor, key);
    } else {
      const clone = c.res.clone();
      const replay = c.get("replayBody");
      const body = replay === undefined ? await clone.text() : JSON.stringify(replay);
      await services.idempotency.complete(actor, key, { status: clone.status, body, contentType: clone.headers.get("Content-Type") });
    }
  });

  // Each operation's `security` names the scope its guard checks (OpenAPI 3.1 lets any scheme list
  // role names), so the document says what a token needs and the authorization matrix test reads it
  // back: an operation registered without a scope guard shows `bearerAuth: []` and fails that test.
  const register = api.openapi;
  api.openapi = ((route: Parameters<typeof register>[0], ...rest: unknown[]) => {
    const scopes = requiredScopes(route.middleware);
    // one requirement per accepted scope: any one of them satisfies the operation
    const documented = route.security || !scopes.length ? route : { ...route, security: scopes.map((s) => ({ bearerAuth: [s] })) };
    return (register as (...args: unknown[]) => unknown)(documented, ...rest);
  }) as typeof register;

  api.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    description: "An API token from Settings → API Tokens or `npm run token`",
  });

  api.openapi(
    createRoute({
      method: "get",
      path: "/health",
      tags: ["System"],
      security: [],
      summary: "Liveness and database check (no token needed)",
      responses: {
        200: {
          description: "The API and its database answer",
          content: { "application/json": { schema: z.object({ data: z.object({ status: z.literal("ok"), version: z.string(), time: z.string() }) }) } },
        },
      },
    }),
    async (c) => {
      await c.get("services").db.run(sql`select 1`);
      return c.json({ data: { status: "ok" as const, version: API_VERSION, time: new Date().toISOString() } }, 200);
    },
  );

  registerAccessRoutes(api);
  registerProfileRoutes(api);
  registerOmneoProfileRoutes(api);
  registerCommerceRoutes(api);
  registerDefinitionRoutes(api);
  registerLedgerRoutes(api);
  registerReactionRoutes(api);
  registerDeliveryRoutes(api);
  registerImportRoutes(api);
  registerReportingRoutes(api);

  api.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "Loyalty Edge API",
      version: API_VERSION,
      description:
        "The Loyalty Edge REST API. Omneo v3-shaped resources and envelopes; errors are application/problem+json; POSTs accept an Idempotency-Key header.",
    },
    servers: [{ url: "/api/v3" }],
    security: [{ bearerAuth: [] }],
  });

  // Mounted with app.route(), this sub-app's notFound never runs: an unknown /api/v3 path would fall
  // through to the console. Registered last, this answers it with a problem instead.
  api.all("*", (c) => {
    throw new DomainError("not_found", `No route for ${c.req.method} ${c.req.path}`);
  });

  return api;
}

export type ApiApp = ReturnType<typeof createApiApp>;
