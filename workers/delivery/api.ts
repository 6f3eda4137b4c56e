// API routes of delivery: /webhooks (Omneo's CRUD plus secret rotation, a test send and the delivery
// log with replay), /deliveries/{id}, and /targets (CRUD plus preview). Reads need config:read,
// changes config:write. Handlers parse, call one service method and shape the reply.
import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { requireScope } from "../access/guards";
import { IdempotencyHeader, IdParam, jsonAsDeclared, listOf, notFoundResponse, ok, problemResponses, single, conflictResponse } from "../platform/api-schemas";
import type { AppEnv } from "../api-env";
import { listEnvelope, parsePage } from "../platform/pagination";
import { listQuery } from "../platform/list-query";
import { canonicalEventType } from "../events/catalogue";
import {
  CreatedWebhookSchema,
  DeliveryListQuery,
  DeliverySchema,
  EventTypeSchema,
  TargetInput,
  TargetPreviewInput,
  TargetPreviewSchema,
  TargetSchema,
  UpdateTargetInput,
  UpdateWebhookInput,
  WebhookInput,
  WebhookListQuery,
  WebhookSchema,
} from "./schema";
import { eventCatalogueView, serializeDelivery, serializeTarget, serializeWebhook } from "./views";
import { DomainError } from "../platform/errors";

const conflict = conflictResponse("The delivery is not in a state that allows this");
const noContent = { 204: { description: "Deleted" } } as const;

const TargetListQuery = z
  .object({
    "page[number]": z.string().optional(),
    "page[size]": z.string().optional(),
    search: z.string().max(100).optional().openapi({ description: "A fragment of the name or handle" }),
    "filter[handle]": z.string().max(100).optional().openapi({ description: "The target with this handle (exact)" }),
    "filter[name]": z.string().max(200).optional().openapi({ description: "Targets with this name (exact)" }),
  })
  .strict();

export function registerDeliveryRoutes(api: OpenAPIHono<AppEnv>) {
  // ── webhooks ──────────────────────────────────────────────────────────────────────────────────
  api.openapi(
    createRoute({ method: "get", path: "/webhooks/events", tags: ["Webhooks"], summary: "The event catalogue: every type a webhook or trigger can name, with Omneo's aliases", middleware: [requireScope("config:read")] as const, request: { query: listQuery({ paged: false }) }, responses: { 200: ok(z.object({ data: z.array(EventTypeSchema) }), "The event types"), ...problemResponses } }),
    (c) => c.json({ data: eventCatalogueView() }, 200),
  );

  api.openapi(
    createRoute({ method: "get", path: "/webhooks", tags: ["Webhooks"], summary: "List webhooks", middleware: [requireScope("config:read")] as const, request: { query: WebhookListQuery }, responses: { 200: ok(listOf(WebhookSchema), "A page of webhooks"), ...problemResponses } }),
    async (c) => {
      const services = c.get("services");
      const q = c.req.valid("query");
      const page = parsePage(q);
      // the trigger as the webhooks were given it (Omneo's spelling or ours), once it names a known event
      const trigger = q["filter[trigger]"]?.trim() || undefined;
      if (trigger && !canonicalEventType(trigger)) throw DomainError.field("filter[trigger]", `unknown event type "${trigger}"`);
      const active = q["filter[is_active]"];
      const { rows, total } = await services.webhooks.list({ trigger, namespace: q["filter[namespace]"]?.trim() || undefined, isActive: active === undefined ? undefined : active === "true" || active === "1" }, page);
      const now = services.clock.now();
      return c.json(listEnvelope(rows.map((w) => serializeWebhook(w, now)), total, page, c.req.url), 200);
    },
  );

  api.openapi(
    createRoute({
      method: "post",
      path: "/webhooks",
      tags: ["Webhooks"],
      summary: "Create a webhook; its whsec_ signing secret is returned once as data.secret",
      middleware: [requireScope("config:write")] as const,
      request: { headers: IdempotencyHeader, body: jsonAsDeclared(WebhookInput) },
      responses: { 201: ok(single(CreatedWebhookSchema), "Created; keep data.secret, it is not shown again"), ...problemResponses },
    }),
    async (c) => {
      const services = c.get("services");
      const { webhook, secret } = await services.webhooks.create(c.req.valid("json"), c.get("auth").actor);
      const data = serializeWebhook(webhook, services.clock.now());
      c.set("replayBody", { data: { ...data, secret: null } });
      return c.json({ data: { ...data, secret } }, 201);
    },
  );

  api.openapi(
    createRoute({ method: "get", path: "/webhooks/{id}", tags: ["Webhooks"], summary: "Read a webhook", middleware: [requireScope("config:read")] as const, request: { params: IdParam }, responses: { 200: ok(single(WebhookSchema), "The webhook"), ...problemResponses, ...notFoundResponse } }),
    async (c) => {
      const services = c.get("services");
      return c.json({ data: serializeWebhook(await services.webhooks.require(c.req.valid("param").id), services.clock.now()) }, 200);
    },
  );

  api.openapi(
    createRoute({ method: "put", path: "/webhooks/{id}", tags: ["Webhooks"], summary: "Update a webhook (fields given are changed; is_active: true also clears a platform disable)", middleware: [requireScope("config:write")] as const, request: { params: IdParam, body: jsonAsDeclared(UpdateWebhookInput) }, responses: { 200: ok(single(WebhookSchema), "The webhook"), ...problemResponses, ...notFoundResponse } }),
    async (c) => {
      const services = c.get("services");
      const w = await services.webhooks.update(c.req.valid("param").id, c.req.valid("json"), c.get("auth").actor);
      return c.json({ data: serializeWebhook(w, services.clock.now()) }, 200);
    },
  );

  api.openapi(
    createRoute({ method: "delete", path: "/webhooks/{id}", tags: ["Webhooks"], summary: "Delete a webhook", middleware: [requireScope("config:write")] as const, request: { params: IdParam }, responses: { ...noContent, ...problemResponses, ...notFoundResponse } }),
    async (c) => {
      await c.get("services").webhooks.remove(c.req.valid("param").id, c.get("auth").actor);
      return c.body(null, 204);
    },
  );

  api.openapi(
    createRoute({
      method: "post",
      path: "/webhooks/{id}/rotate-secret",
      tags: ["Webhooks"],
      summary: "Rotate the signing secret; for 24 hours both the new and the old secret sign every message",
      middleware: [requireScope("config:write")] as const,
      request: { params: IdParam },
      responses: { 200: ok(single(CreatedWebhookSchema), "The webhook with its new secret, shown once"), ...problemResponses, ...notFoundResponse },
    }),
    async (c) => {
      const services = c.get("services");
      const { webhook, secret } = await services.webhooks.rotateSecret(c.req.valid("param").id, c.get("auth").actor);
      const data = serializeWebhook(webhook, services.clock.now());
      c.set("replayBody", { data: { ...data, secret: null } });
      return c.json({ data: { ...data, secret } }, 200);
    },
  );

  api.openapi(
    createRoute({ method: "post", path: "/webhooks/{id}/test", tags: ["Webhooks"], summary: "Send a sample event (a sample profile, no real data) to the webhook", middleware: [requireScope("config:write")] as const, request: { params: IdParam }, responses: { 202: ok(single(DeliverySchema), "Queued"), ...problemResponses, ...notFoundResponse } }),
    async (c) => {
      const services = c.get("services");
      const d = await services.webhooks.sendTest(c.req.valid("param").id, c.get("auth").actor);
      return c.json({ data: serializeDelivery(d) }, 202);
    },
  );

  api.openapi(
    createRoute({ method: "get", path: "/webhooks/{id}/deliveries", tags: ["Webhooks"], summary: "The webhook's delivery log, newest first", middleware: [requireScope("config:read")] as const, request: { params: IdParam, query: DeliveryListQuery }, responses: { 200: ok(listOf(DeliverySchema), "A page of deliveries"), ...problemResponses, ...notFoundResponse } }),
    async (c) => {
      const services = c.get("services");
      const { id } = c.req.valid("param");
      await services.webhooks.require(id);
      const q = c.req.valid("query");
      const page = parsePage(q);
      const { rows, total } = await services.deliveries.list({ webhookId: id, status: q["filter[status]"] }, page);
      return c.json(listEnvelope(rows.map((d) => serializeDelivery(d)), total, page, c.req.url), 200);
    },
  );

  api.openapi(
    createRoute({ method: "post", path: "/webhooks/{id}/deliveries/replay", tags: ["Webhooks"], summary: "Replay every failed or dead delivery of the webhook (up to 500 at a time)", middleware: [requireScope("config:write")] as const, request: { params: IdParam }, responses: { 202: ok(single(z.object({ replayed: z.number().int() })), "Queued again"), ...problemResponses, ...notFoundResponse } }),
    async (c) => {
      const services = c.get("services");
      const { id } = c.req.valid("param");
      await services.webhooks.require(id);
      return c.json({ data: { replayed: await services.deliveries.replayFailed(id) } }, 202);
    },
  );

  api.openapi(
    createRoute({ method: "get", path: "/deliveries/{id}", tags: ["Webhooks"], summary: "One delivery with its body and every attempt (status, latency, response excerpt)", middleware: [requireScope("config:read")] as const, request: { params: IdParam }, responses: { 200: ok(single(DeliverySchema), "The delivery"), ...problemResponses, ...notFoundResponse } }),
    async (c) => {
      const { delivery, attempts } = await c.get("services").deliveries.get(c.req.valid("param").id);
      return c.json({ data: serializeDelivery(delivery, attempts) }, 200);
    },
  );

  api.openapi(
    createRoute({ method: "post", path: "/deliveries/{id}/replay", tags: ["Webhooks"], summary: "Send a failed or dead delivery again, under the same webhook-id", middleware: [requireScope("config:write")] as const, request: { params: IdParam }, responses: { 202: ok(single(DeliverySchema), "Queued again"), ...problemResponses, ...notFoundResponse, ...conflict } }),
    async (c) => {
      const d = await c.get("services").deliveries.replay(c.req.valid("param").id);
      return c.json({ data: serializeDelivery(d) }, 202);
    },
  );

  // ── targets ───────────────────────────────────────────────────────────────────────────────────
  api.openapi(
    createRoute({ method: "get", path: "/targets", tags: ["Targets"], summary: "List targets", middleware: [requireScope("config:read")] as const, request: { query: TargetListQuery }, responses: { 200: ok(listOf(TargetSchema), "A page of targets"), ...problemResponses } }),
    async (c) => {
      const q = c.req.valid("query");
      const page = parsePage(q);
      const { rows, total } = await c.get("services").targets.list({ search: q.search, handle: q["filter[handle]"], name: q["filter[name]"] }, page);
      return c.json(listEnvelope(rows.map(serializeTarget), total, page, c.req.url), 200);
    },
  );

  api.openapi(
    createRoute({ method: "post", path: "/targets", tags: ["Targets"], summary: "Create a target (the template is checked against a sample event)", middleware: [requireScope("config:write")] as const, request: { headers: IdempotencyHeader, body: jsonAsDeclared(TargetInput) }, responses: { 201: ok(single(TargetSchema), "Created"), ...problemResponses } }),
    async (c) => c.json({ data: serializeTarget(await c.get("services").targets.create(c.req.valid("json"), c.get("auth").actor)) }, 201),
  );

  api.openapi(
    createRoute({ method: "post", path: "/targets/preview", tags: ["Targets"], summary: "Render a draft template against a sample event or a given context", middleware: [requireScope("config:read")] as const, request: { body: jsonAsDeclared(TargetPreviewInput) }, responses: { 200: ok(single(TargetPreviewSchema), "The rendered body"), ...problemResponses } }),
    (c) => {
      const b = c.req.valid("json");
      return c.json({ data: c.get("services").targets.preview(null, { template: b.template, eventType: b.event_type, context: b.context }) }, 200);
    },
  );

  api.openapi(
    createRoute({ method: "get", path: "/targets/{id}", tags: ["Targets"], summary: "Read a target", middleware: [requireScope("config:read")] as const, request: { params: IdParam }, responses: { 200: ok(single(TargetSchema), "The target"), ...problemResponses, ...notFoundResponse } }),
    async (c) => c.json({ data: serializeTarget(await c.get("services").targets.require(c.req.valid("param").id)) }, 200),
  );

  api.openapi(
    createRoute({ method: "put", path: "/targets/{id}", tags: ["Targets"], summary: "Update a target (fields given are changed)", middleware: [requireScope("config:write")] as const, request: { params: IdParam, body: jsonAsDeclared(UpdateTargetInput) }, responses: { 200: ok(single(TargetSchema), "The target"), ...problemResponses, ...notFoundResponse } }),
    async (c) => c.json({ data: serializeTarget(await c.get("services").targets.update(c.req.valid("param").id, c.req.valid("json"), c.get("auth").actor)) }, 200),
  );

  api.openapi(
    createRoute({ method: "delete", path: "/targets/{id}", tags: ["Targets"], summary: "Delete a target", middleware: [requireScope("config:write")] as const, request: { params: IdParam }, responses: { ...noContent, ...problemResponses, ...notFoundResponse } }),
    async (c) => {
      await c.get("services").targets.remove(c.req.valid("param").id, c.get("auth").actor);
      return c.body(null, 204);
    },
  );

  api.openapi(
    createRoute({ method: "post", path: "/targets/{id}/preview", tags: ["Targets"], summary: "Render the target's template (or a draft) against a sample event or a given context", middleware: [requireScope("config:read")] as const, request: { params: IdParam, body: jsonAsDeclared(TargetPreviewInput) }, responses: { 200: ok(single(TargetPreviewSchema), "The rendered body"), ...problemResponses, ...notFoundResponse } }),
    async (c) => {
      const services = c.get("services");
      const t = await services.targets.require(c.req.valid("param").id);
      const b = c.req.valid("json");
      return c.json({ data: services.targets.preview(t, { template: b.template, eventType: b.event_type, context: b.context }) }, 200);
    },
  );
}
