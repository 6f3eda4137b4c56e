// API routes of the access area: API tokens and "who am I".
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { IdempotencyHeader, IdParam, listOf, notFoundResponse, problemResponses, single } from "../platform/api-schemas";
import type { AppEnv } from "../api-env";
import { listQuery } from "../platform/list-query";
import { strictBody } from "../platform/strict-body";
import { listEnvelope, parsePage } from "../platform/pagination";
import { requireScope } from "./guards";
import { ApiTokenSchema, CreateApiTokenInput, CreatedApiTokenSchema, MeSchema } from "./schema";
import { serializeToken } from "./tokens.service";
import { serializeUser } from "./users.service";
import { registerUserRoutes } from "./users.api";
import { registerAuditRoutes } from "./audits.api";
import { OmneoUserSchema, serializeOmneoUser } from "./users.omneo";

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
      responses: { 200: { description: "Who you are", content: { "application/json": { schema: single(MeSchema).extend(OmneoUserSchema.shape) } } }, ...problemResponses },
    }),
    (c) => {
      const { token, owner } = c.get("auth");
      return c.json(
        {
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
        201: { description: "Created; keep data.token, it is not shown again", content: { "application/json": { schema: single(CreatedApiTokenSchema) } } },
        ...problemResponses,
      },
    }),
    async (c) => {
      const services = c.get("services");
      const { token, record } = await services.tokens.create(c.req.valid("json"), c.get("auth").actor);
      const data = serializeToken(record, services.clock.now());
      // A secret is shown once: an Idempotency-Key replay names the token it created, without the secret.
      c.set("replayBody", { data: { ...data, token: null } });
      return c.json({ data: { ...data, token } }, 201);
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
