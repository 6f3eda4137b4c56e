// API routes of the access area: API tokens and "who am I".
import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { IdempotencyHeader, IdParam, listOf, notFoundResponse, problemResponses, single } from "../platform/api-schemas";
import type { AppEnv } from "../api-env";
import { listQuery, parseListQuery } from "../platform/list-query";
import { strictBody } from "../platform/strict-body";
import { listEnvelope, parsePage } from "../platform/pagination";
import { requireScope } from "./guards";
import { ApiTokenSchema, CreateApiTokenInput, CreatedApiTokenSchema, MeSchema } from "./schema";
import { OMNEO_TOKEN_LIFETIME_MS, serializeOmneoToken, serializeToken, usesOmneoScopeNames } from "./tokens.service";
import { serializeUser } from "./users.service";
import { registerUserRoutes } from "./users.api";
import { registerAuditRoutes } from "./audits.api";
import { OmneoUserSchema, serializeOmneoUser } from "./users.omneo";

/** Omneo's APIToken (Laravel Passport's): what we hold of it under its names; no OAuth client here. */
const OmneoApiTokenSchema = z
  .object({
    id: z.string(),
    user_id: z.string().openapi({ description: "The owner's uuid (Omneo: a number)" }),
    client_id: z.null().openapi({ description: "Not modelled (no OAuth clients): always null" }),
    name: z.string(),
    scopes: z.array(z.string()).openapi({ description: "On create: the names asked for; on lists: ours as stored" }),
    revoked: z.boolean(),
    created_at: z.string(),
    updated_at: z.string(),
    expires_at: z.string().openapi({ description: "9999-12-31T23:59:59.000Z for a token that never expires (Omneo's always has a date)" }),
  })
  .openapi("OmneoApiToken");

const ACCESS_TOKENS_LIST = {
  paged: false,
  params: { type: z.enum(["current", "expired"], { error: "type must be current or expired" }).optional().openapi({ description: "current (default): not revoked and not expired; expired: past their expires_at" }) },
};

export function registerAccessRoutes(api: OpenAPIHono<AppEnv>) {
  registerAuditRoutes(api);
  // GET /auth/verify is Omneo's name for the same check: 200 while the token is good, 401 otherwise.
  // The answer carries the user twice: ours under data {user, token}, and Omneo's User at the top level
  // (numeric id, roles, permissions), which is what the SDK's users.me() reads.
  for (const path of ["/users/me", "/auth/verify"] as const) api.openapi(
    createRoute({
      method: "get",
      path,
      tags: ["Auth"],
      summary: path === "/users/me" ? "The user this token acts for, and the token's scopes" : "Omneo's token check: the same answer as GET /users/me",
      responses: {
        200: {
          description: "Who you are",
          content: {
            "application/json": {
              schema:
                path === "/auth/verify"
                  ? single(MeSchema).extend(OmneoUserSchema.shape).extend({ status: z.literal(200).openapi({ description: "Omneo's SDK reads the check's outcome from the body's status" }) })
                  : single(MeSchema).extend(OmneoUserSchema.shape),
            },
          },
        },
        ...problemResponses,
      },
    }),
    (c) => {
      const { token, owner } = c.get("auth");
      return c.json(
        {
          ...(path === "/auth/verify" ? { status: 200 as const } : {}),
          ...serializeOmneoUser(owner),
          data: {
            user: serializeUser(owner),
            token: { id: token.id, name: token.name, prefix: token.prefix, scopes: token.scopes, expires_at: token.expiresAt?.toISOString() ?? null },
          },
        },
        200,
      );
    },
  );

  api.openapi(
    createRoute({
      method: "get",
      path: "/auth/api-tokens",
      tags: ["Auth"],
      summary: "List API tokens (secrets are never shown again)",
      middleware: [requireScope("*")] as const,
      request: { query: listQuery() },
      responses: { 200: { description: "Tokens, newest first", content: { "application/json": { schema: listOf(ApiTokenSchema) } } }, ...problemResponses },
    }),
    async (c) => {
      const services = c.get("services");
      const page = parsePage(c.req.query());
      const { rows, total } = await services.tokens.list({}, page);
      const now = services.clock.now();
      return c.json(listEnvelope(rows.map((t) => serializeToken(t, now)), total, page, c.req.url), 200);
    },
  );

  // Omneo's list of tokens: a bare array of the caller's user's tokens, current (not revoked, not expired) or expired.
  api.openapi(
    createRoute({
      method: "get",
      path: "/auth/access-tokens",
      tags: ["Auth"],
      summary: "Omneo's token list: a bare array of the current (default) or the expired tokens of the user this token acts for, newest first",
      request: { query: listQuery(ACCESS_TOKENS_LIST) },
      responses: { 200: { description: "Tokens in Omneo's shape", content: { "application/json": { schema: z.array(OmneoApiTokenSchema) } } }, ...problemResponses },
    }),
    async (c) => {
      const services = c.get("services");
      const type = (parseListQuery(c.req.valid("query")).raw.type ?? "current") as "current" | "expired";
      const now = services.clock.now();
      // any token may ask (as for /auth/verify): it sees its own user's tokens, never another's
      const rows = await services.tokens.listByStatus(c.get("auth").owner.id, type === "current" ? "active" : "expired", now);
      return c.json(rows.map((t) => serializeOmneoToken(t, now)), 200);
    },
  );

  api.openapi(
    createRoute({
      method: "post",
      path: "/auth/api-tokens",
      tags: ["Auth"],
      summary: "Create an API token; the secret is returned once as data.token",
      middleware: [requireScope("*")] as const,
      request: {
        headers: IdempotencyHeader,
        body: strictBody(CreateApiTokenInput),
      },
      responses: {
        201: {
          description: "Created; keep data.token (also at the top level as Omneo's accessToken), it is not shown again",
          content: { "application/json": { schema: single(CreatedApiTokenSchema).extend({ accessToken: z.string().nullable(), token: OmneoApiTokenSchema }) } },
        },
        ...problemResponses,
      },
    }),
    async (c) => {
      const services = c.get("services");
      const input = c.req.valid("json");
      const now = services.clock.now();
      // Omneo's body names its scopes Omneo's way (read-profiles, …): such a token is made as Omneo makes
      // one, expiring in a year unless expires_at says otherwise, and its answer echoes those names.
      const requested = ((await c.req.json().catch(() => ({}))) as { scopes?: unknown }).scopes;
      const omneoNames = Array.isArray(requested) && usesOmneoScopeNames(requested) ? (requested as string[]) : null;
      const expiresAt = input.expires_at ?? (omneoNames ? new Date(now.getTime() + OMNEO_TOKEN_LIFETIME_MS).toISOString() : input.expires_at);
      const { token, record } = await services.tokens.create({ ...input, expires_at: expiresAt }, c.get("auth").actor);
      const data = serializeToken(record, now);
      const omneo = serializeOmneoToken(record, now, omneoNames ?? undefined);
      // A secret is shown once: an Idempotency-Key replay names the token it created, without the secret.
      c.set("replayBody", { data: { ...data, token: null }, accessToken: null, token: omneo });
      return c.json({ data: { ...data, token }, accessToken: token, token: omneo }, 201);
    },
  );

  api.openapi(
    createRoute({
      method: "delete",
      path: "/auth/api-tokens/{id}",
      tags: ["Auth"],
      summary: "Revoke an API token (idempotent)",
      middleware: [requireScope("*")] as const,
      request: { params: IdParam },
      responses: {
        200: { description: "The revoked token", content: { "application/json": { schema: single(ApiTokenSchema) } } },
        ...problemResponses,
        ...notFoundResponse,
      },
    }),
    async (c) => {
      const services = c.get("services");
      const revoked = await services.tokens.revoke(c.req.valid("param").id, c.get("auth").actor);
      return c.json({ data: serializeToken(revoked, services.clock.now()) }, 200);
    },
  );

  // after /users/me, so "me" is never read as a user id
  registerUserRoutes(api);
}
