// API routes of automations: CRUD in Omneo's shape, /actions, /runs, /trigger {force, now}, and
// /automations/queries/samples. Handlers parse, call one service method, shape the reply.
import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { requireScope } from "../access/guards";
import { IdempotencyHeader, IdParam, jsonAsDeclared, listOf, notFoundResponse, ok, PageQuery, problemResponses, single, conflictResponse } from "../platform/api-schemas";
import type { AppEnv } from "../api-env";
import { listQuery } from "../platform/list-query";
import { listEnvelope, parsePage } from "../platform/pagination";
import { AUTOMATION_TEMPLATES, type AutomationTemplate } from "./rules";
import { ActionSchema, AutomationInput, AutomationRunSchema, AutomationSchema, AutomationUpdateInput, QuerySamplesInput, TriggerAutomationInput } from "./schema";
import { serializeAction, serializeAutomation, serializeAutomationRun } from "./views";

const conflict = conflictResponse("Not active (send force)");
const tags = ["Automations"];

const ListQuery = z.strictObject({ ...PageQuery.shape, "filter[is_active]": z.enum(["true", "false"]).optional() });
const TEMPLATE_NAMES = Object.keys(AUTOMATION_TEMPLATES) as [AutomationTemplate, ...AutomationTemplate[]];
const FromTemplateInput = z
  .strictObject({
    template: z.enum(TEMPLATE_NAMES, { error: `template must be one of ${TEMPLATE_NAMES.join(", ")}` }),
    reward: z.string().trim().min(1).max(100).optional().openapi({ description: "The reward definition's handle (birthday, win-back)" }),
    points: z.string().trim().min(1).max(100).optional().openapi({ description: "The points definition's handle (welcome points)" }),
    target: z.string().trim().min(1).max(100).optional().openapi({ description: "The target's handle (reward-expiring reminder)" }),
    is_active: z.boolean().optional(),
  })
  .openapi("AutomationFromTemplateInput");

export function registerAutomationRoutes(api: OpenAPIHono<AppEnv>) {
  api.openapi(
    createRoute({
      method: "get",
      path: "/automations",
      tags,
      summary: "List automations, newest first",
      middleware: [requireScope("config:read")] as const,
      request: { query: ListQuery },
      responses: { 200: ok(listOf(AutomationSchema), "Automations"), ...problemResponses },
    }),
    async (c) => {
      const q = c.req.valid("query");
      const page = parsePage(c.req.query());
      const active = q["filter[is_active]"];
      const { rows, total } = await c.get("services").automations.list({ active: active === undefined ? undefined : active === "true" }, page);
      return c.json(listEnvelope(rows.map(serializeAutomation), total, page, c.req.url), 200);
    },
  );

  api.openapi(
    createRoute({
      method: "post",
      path: "/automations",
      tags,
      summary: "Create an automation: a schedule (frequency and slot, or cron, in the brand's time zone; or a date), a query and actions",
      middleware: [requireScope("config:write")] as const,
      request: { headers: IdempotencyHeader, body: jsonAsDeclared(AutomationInput) },
      responses: { 201: ok(single(AutomationSchema), "Created"), ...problemResponses },
    }),
    async (c) => {
      const row = await c.get("services").automations.create(c.req.valid("json"), c.get("auth").actor);
      c.header("Location", `/api/v3/automations/${row.id}`);
      return c.json({ data: serializeAutomation(row) }, 201);
    },
  );

  api.openapi(
    createRoute({
      method: "post",
      path: "/automations/templates",
      tags,
      summary: `Create an automation from a template: ${TEMPLATE_NAMES.join(", ")}`,
      middleware: [requireScope("config:write")] as const,
      request: { body: jsonAsDeclared(FromTemplateInput) },
      responses: { 201: ok(single(AutomationSchema), "Created"), ...problemResponses },
    }),
    async (c) => {
      const { template, reward, points, target, is_active } = c.req.valid("json");
      const row = await c.get("services").automations.fromTemplate(template, { reward, points, target }, c.get("auth").actor, { is_active });
      return c.json({ data: serializeAutomation(row) }, 201);
    },
  );

  api.openapi(
    createRoute({
      method: "post",
      path: "/automations/queries/samples",
      tags,
      summary: "Preview a query: the first matching profiles and how many match now",
      middleware: [requireScope("config:read")] as const,
      request: { body: jsonAsDeclared(QuerySamplesInput) },
      responses: {
        200: ok(single(z.object({ count: z.number().int(), profiles: z.array(z.object({ id: z.string(), first_name: z.string().nullable(), last_name: z.string().nullable(), email: z.string() })) })), "Matches"),
        ...problemResponses,
      },
    }),
    async (c) => {
      const { query, limit } = c.req.valid("json");
      return c.json({ data: await c.get("services").automations.samples(query, limit ?? 10) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: "get",
      path: "/automations/{id}",
      tags,
      summary: "An automation",
      middleware: [requireScope("config:read")] as const,
      request: { params: IdParam },
      responses: { 200: ok(single(AutomationSchema), "The automation"), ...problemResponses, ...notFoundResponse },
    }),
    async (c) => c.json({ data: serializeAutomation(await c.get("services").automations.get(c.req.valid("param").id)) }, 200),
  );

  for (const method of ["put", "patch"] as const) {
    api.openapi(
      createRoute({
        method,
        path: "/automations/{id}",
        tags,
        summary: "Change an automation (its next run is recomputed)",
        middleware: [requireScope("config:write")] as const,
        request: { params: IdParam, body: jsonAsDeclared(AutomationUpdateInput) },
        responses: { 200: ok(single(AutomationSchema), "The automation"), ...problemResponses, ...notFoundResponse },
      }),
      async (c) => c.json({ data: serializeAutomation(await c.get("services").automations.update(c.req.valid("param").id, c.req.valid("json"), c.get("auth").actor)) }, 200),
    );
  }

  api.openapi(
    createRoute({
      method: "delete",
      path: "/automations/{id}",
      tags,
      summary: "Delete an automation (its run history stays)",
      middleware: [requireScope("config:write")] as const,
      request: { params: IdParam },
      responses: { 204: { description: "Deleted" }, ...problemResponses, ...notFoundResponse },
    }),
    async (c) => {
      await c.get("services").automations.remove(c.req.valid("param").id, c.get("auth").actor);
      return c.body(null, 204);
    },
  );

  api.openapi(
    createRoute({
      method: "get",
      path: "/automations/{id}/actions",
      tags,
      summary: "An automation's actions in order",
      middleware: [requireScope("config:read")] as const,
      request: { params: IdParam, query: listQuery() },
      responses: { 200: ok(listOf(ActionSchema), "Actions"), ...problemResponses, ...notFoundResponse },
    }),
    async (c) => {
      const a = await c.get("services").automations.get(c.req.valid("param").id);
      return c.json(listEnvelope(a.actions.map(serializeAction), a.actions.length, { number: 1, size: Math.max(a.actions.length, 1) }, c.req.url), 200);
    },
  );

  api.openapi(
    createRoute({
      method: "get",
      path: "/automations/{id}/runs",
      tags,
      summary: "An automation's runs, newest first: matched, succeeded, failed, duration",
      middleware: [requireScope("config:read")] as const,
      request: { params: IdParam, query: z.strictObject(PageQuery.shape) },
      responses: { 200: ok(listOf(AutomationRunSchema), "Runs"), ...problemResponses, ...notFoundResponse },
    }),
    async (c) => {
      const s = c.get("services");
      const { id } = c.req.valid("param");
      await s.automations.get(id);
      const page = parsePage(c.req.query());
      const { rows, total } = await s.automations.runs(id, page);
      return c.json(listEnvelope(rows.map(serializeAutomationRun), total, page, c.req.url), 200);
    },
  );

  api.openapi(
    createRoute({
      method: "post",
      path: "/automations/{id}/trigger",
      tags,
      summary: "Run an automation now (for `now`, default this minute); the same `now` runs once. Inactive ones need force",
      middleware: [requireScope("config:write")] as const,
      request: { params: IdParam, body: { required: false, content: { "application/json": { schema: TriggerAutomationInput } } } },
      responses: { 202: ok(single(AutomationRunSchema.extend({ created: z.boolean() })), "The run (already there when created is false)"), ...problemResponses, ...notFoundResponse, ...conflict },
    }),
    async (c) => {
      const body = (c.req.valid("json") as z.output<typeof TriggerAutomationInput> | undefined) ?? {};
      const { run, created } = await c.get("services").automations.trigger(c.req.valid("param").id, body, c.get("auth").actor);
      return c.json({ data: { ...serializeAutomationRun(run), created } }, 202);
    },
  );
}
