// API routes of reactions: /triggers (+ actions, dry runs), /action-history (+ retry) and
// /automations (+ runs, trigger, query samples). Handlers parse, call one service method, shape the reply.
import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { requireScope } from "../access/guards";
import { IdempotencyHeader, IdParam, jsonAsDeclared, listOf, notFoundResponse, ok, PageQuery, problemResponses, single, conflictResponse } from "../platform/api-schemas";
import { DomainError } from "../platform/errors";
import type { AppEnv } from "../api-env";
import { listQuery } from "../platform/list-query";
import type { DomainEvent } from "../platform/outbox";
import { listEnvelope, parsePage } from "../platform/pagination";
import { REACTION_RUN_STATUSES } from "./schema";
import { canonicalEventType } from "./rules";
import { ActionHistorySchema, ActionInput, ActionSchema, DryRunInput, DryRunSchema, TriggerInput, TriggerSchema, TriggerUpdateInput, type DryRunInput as DryRunBody } from "./schema";
import { serializeAction, serializeRun, serializeTrigger } from "./views";
import type { Services } from "../services";
import { registerAutomationRoutes } from "./automations.api";

const conflict = conflictResponse("The run is not in a state for this");
const tags = ["Reactions"];

const TriggerListQuery = z.strictObject({
  ...PageQuery.shape,
  search: z.string().max(100).optional().openapi({ description: "A fragment of the name" }),
  "filter[trigger]": z.string().max(64).optional().openapi({ description: "Triggers on one event type" }),
  "filter[name]": z.string().max(200).optional().openapi({ description: "Triggers with this name (exact)" }),
  "filter[is_active]": z.enum(["true", "false", "1", "0"], { error: "filter[is_active] must be true, false, 1 or 0" }).optional(),
});

const HistoryQuery = z.strictObject({
  ...PageQuery.shape,
  "filter[trigger_id]": z.string().max(100).optional(),
  "filter[status]": z.enum(REACTION_RUN_STATUSES).optional(),
  "filter[event_id]": z.string().max(191).optional(),
  "filter[profile_id]": z.string().max(191).optional(),
});

/** The event a dry run replays: a stored one by id, or one pasted (never written anywhere). */
async function dryRunEvent(s: Services, body: DryRunBody): Promise<DomainEvent> {
  if (body.event_id) return s.reactions.eventById(body.event_id);
  const e = body.event!;
  return { id: e.id ?? "dry-run", type: canonicalEventType(e.type), occurred_at: e.occurred_at ?? s.clock.now().toISOString(), profile_id: e.profile_id ?? null, data: e.data, causation: null };
}

export function registerReactionRoutes(api: OpenAPIHono<AppEnv>) {
  api.openapi(
    createRoute({
      method: "get",
      path: "/triggers",
      tags,
      summary: "List triggers, newest first",
      middleware: [requireScope("config:read")] as const,
      request: { query: TriggerListQuery },
      responses: { 200: ok(listOf(TriggerSchema), "Triggers"), ...problemResponses },
    }),
    async (c) => {
      const q = c.req.valid("query");
      const page = parsePage(c.req.query());
      const active = q["filter[is_active]"];
      const { rows, total } = await c.get("services").triggers.list({ search: q.search, name: q["filter[name]"], trigger: q["filter[trigger]"], active: active === undefined ? undefined : active === "true" || active === "1" }, page);
      return c.json(listEnvelope(rows.map(serializeTrigger), total, page, c.req.url), 200);
    },
  );

  api.openapi(
    createRoute({
      method: "post",
      path: "/triggers",
      tags,
      summary: "Create a trigger: an event type and the actions it runs (validated before anything is saved)",
      middleware: [requireScope("config:write")] as const,
      request: { headers: IdempotencyHeader, body: jsonAsDeclared(TriggerInput) },
      responses: { 201: ok(single(TriggerSchema), "Created"), ...problemResponses },
    }),
    async (c) => {
      const row = await c.get("services").triggers.create(c.req.valid("json"), c.get("auth").actor);
      c.header("Location", `/api/v3/triggers/${row.id}`);
      return c.json({ data: serializeTrigger(row) }, 201);
    },
  );

  api.openapi(
    createRoute({
      method: "post",
      path: "/triggers/dry-run",
      tags,
      summary: "Dry-run an unsaved trigger (`trigger` in the body) over a stored or pasted event: nothing is written",
      middleware: [requireScope("config:read")] as const,
      request: { body: jsonAsDeclared(DryRunInput) },
      responses: { 200: ok(single(DryRunSchema), "What each filter and action would do"), ...problemResponses },
    }),
    async (c) => {
      const s = c.get("services");
      const body = c.req.valid("json");
      if (!body.trigger) throw DomainError.field("trigger", "Send the unsaved trigger as `trigger` (or dry-run a saved one at /triggers/{id}/dry-run)");
      const prepared = await s.triggers.prepare(body.trigger).catch((err: unknown) => {
        if (err instanceof Error && "errors" in err && (err as DomainError).errors) {
          const errors = Object.fromEntries(Object.entries((err as DomainError).errors!).map(([k, v]) => [`trigger.${k}`, v]));
          throw new DomainError("validation_failed", `Invalid trigger: ${Object.keys(errors).join(", ")}`, { errors });
        }
        throw err;
      });
      const event = await dryRunEvent(s, body);
      return c.json({ data: await s.reactions.dryRun(prepared.actions, event) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: "get",
      path: "/triggers/{id}",
      tags,
      summary: "A trigger",
      middleware: [requireScope("config:read")] as const,
      request: { params: IdParam },
      responses: { 200: ok(single(TriggerSchema), "The trigger"), ...problemResponses, ...notFoundResponse },
    }),
    async (c) => c.json({ data: serializeTrigger(await c.get("services").triggers.get(c.req.valid("param").id)) }, 200),
  );

  for (const method of ["put", "patch"] as const) {
    api.openapi(
      createRoute({
        method,
        path: "/triggers/{id}",
        tags,
        summary: "Change a trigger; `actions`, when sent, replace the chain (an action sent with its id keeps it)",
        middleware: [requireScope("config:write")] as const,
        request: { params: IdParam, body: jsonAsDeclared(TriggerUpdateInput) },
        responses: { 200: ok(single(TriggerSchema), "The trigger"), ...problemResponses, ...notFoundResponse },
      }),
      async (c) => c.json({ data: serializeTrigger(await c.get("services").triggers.update(c.req.valid("param").id, c.req.valid("json"), c.get("auth").actor)) }, 200),
    );
  }

  api.openapi(
    createRoute({
      method: "delete",
      path: "/triggers/{id}",
      tags,
      summary: "Delete a trigger (its history stays)",
      middleware: [requireScope("config:write")] as const,
      request: { params: IdParam },
      responses: { 204: { description: "Deleted" }, ...problemResponses, ...notFoundResponse },
    }),
    async (c) => {
      await c.get("services").triggers.remove(c.req.valid("param").id, c.get("auth").actor);
      return c.body(null, 204);
    },
  );

  api.openapi(
    createRoute({
      method: "get",
      path: "/triggers/{id}/actions",
      tags,
      summary: "A trigger's actions in order",
      middleware: [requireScope("config:read")] as const,
      request: { params: IdParam, query: listQuery() },
      responses: { 200: ok(listOf(ActionSchema), "Actions"), ...problemResponses, ...notFoundResponse },
    }),
    async (c) => {
      const t = await c.get("services").triggers.get(c.req.valid("param").id);
      const page = { number: 1, size: Math.max(t.actions.length, 1) };
      return c.json(listEnvelope(t.actions.map(serializeAction), t.actions.length, page, c.req.url), 200);
    },
  );

  api.openapi(
    createRoute({
      method: "post",
      path: "/triggers/{id}/actions",
      tags,
      summary: "Add an action to a trigger",
      middleware: [requireScope("config:write")] as const,
      request: { params: IdParam, headers: IdempotencyHeader, body: jsonAsDeclared(ActionInput) },
      responses: { 201: ok(single(ActionSchema), "Added"), ...problemResponses, ...notFoundResponse },
    }),
    async (c) => {
      const { action } = await c.get("services").triggers.addAction(c.req.valid("param").id, c.req.valid("json"), c.get("auth").actor);
      return c.json({ data: serializeAction(action) }, 201);
    },
  );

  api.openapi(
    createRoute({
      method: "post",
      path: "/triggers/{id}/dry-run",
      tags,
      summary: "Dry-run a saved trigger over a stored or pasted event: which filters pass and what each action would do; nothing is written",
      middleware: [requireScope("config:read")] as const,
      request: { params: IdParam, body: jsonAsDeclared(DryRunInput) },
      responses: { 200: ok(single(DryRunSchema), "What each filter and action would do"), ...problemResponses, ...notFoundResponse },
    }),
    async (c) => {
      const s = c.get("services");
      const t = await s.triggers.get(c.req.valid("param").id);
      const body = c.req.valid("json");
      if (body.trigger) throw DomainError.field("trigger", "A saved trigger is dry-run as it is stored; send `trigger` to POST /triggers/dry-run instead");
      return c.json({ data: await s.reactions.dryRun(t.actions, await dryRunEvent(s, body)) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: "get",
      path: "/action-history",
      tags,
      summary: "Every run of a trigger, newest first: its event, each action's outcome and error",
      middleware: [requireScope("config:read")] as const,
      request: { query: HistoryQuery },
      responses: { 200: ok(listOf(ActionHistorySchema), "Runs"), ...problemResponses },
    }),
    async (c) => {
      const q = c.req.valid("query");
      const page = parsePage(c.req.query());
      const { rows, total } = await c.get("services").reactions.history(
        { triggerId: q["filter[trigger_id]"], status: q["filter[status]"], eventId: q["filter[event_id]"], profileId: q["filter[profile_id]"] },
        page,
      );
      return c.json(listEnvelope(rows.map((r) => serializeRun(r)), total, page, c.req.url), 200);
    },
  );

  api.openapi(
    createRoute({
      method: "get",
      path: "/action-history/{id}",
      tags,
      summary: "One run, with its event's data",
      middleware: [requireScope("config:read")] as const,
      request: { params: IdParam },
      responses: { 200: ok(single(ActionHistorySchema), "The run"), ...problemResponses, ...notFoundResponse },
    }),
    async (c) => {
      const s = c.get("services");
      const run = await s.reactions.run(c.req.valid("param").id);
      return c.json({ data: serializeRun(run, await s.reactions.eventOf(run)) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: "post",
      path: "/action-history/{id}/retry",
      tags,
      summary: "Retry a failed run: its failed actions run again; what succeeded is not repeated",
      middleware: [requireScope("config:write")] as const,
      request: { params: IdParam },
      responses: { 200: ok(single(ActionHistorySchema), "The run after the retry"), ...problemResponses, ...notFoundResponse, ...conflict },
    }),
    async (c) => {
      const s = c.get("services");
      const run = await s.reactions.retry(c.req.valid("param").id, c.get("auth").actor);
      return c.json({ data: serializeRun(run, await s.reactions.eventOf(run)) }, 200);
    },
  );

  registerAutomationRoutes(api);
}
