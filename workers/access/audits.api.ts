// Omneo's GET /audits and /audits/{id} over our audit log (audits.service.ts), with Omneo's filters where
// our log holds the field. Reading the audit log needs the `*` scope (like managing tokens: it names staff,
// their IPs and every change).
import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../api-env";
import { listOf, notFoundResponse, ok, problemResponses, single } from "../platform/api-schemas";
import { DomainError } from "../platform/errors";
import { filterValue, listQuery, parseListQuery, type ListQuery } from "../platform/list-query";
import { listEnvelope } from "../platform/pagination";
import type { AuditFilter } from "./audit";
import { AuditRecords } from "./audits.service";
import { requireScope } from "./guards";

export const OmneoAuditSchema = z
  .object({
    id: z.string(),
    user_id: z.number().int().nullable().openapi({ description: "Omneo's numeric id of the acting user (a token's owner); null for the system" }),
    event: z.string().openapi({ description: "The verb: created, updated, deleted, …" }),
    action: z.string().openapi({ description: "Our full action name, e.g. profile.updated" }),
    auditable_type: z.string(),
    auditable_id: z.number().int().nullable().openapi({ description: "The entity's id when it is a number; see auditable_key" }),
    auditable_key: z.string().nullable().openapi({ description: "The entity's id as stored (UUIDs for most entities)" }),
    old_values: z.string().openapi({ description: "JSON" }),
    new_values: z.string().openapi({ description: "JSON" }),
    url: z.null(),
    ip_address: z.string().nullable(),
    profile_id: z.string().nullable(),
    token_name: z.string().nullable(),
    user_agent: z.string().nullable(),
    actor_type: z.enum(["user", "token", "system"]),
    actor: z.string(),
    request_id: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("OmneoAudit");

const AuditIdParam = z.object({ id: z.string().max(64).openapi({ param: { name: "id", in: "path" } }) });

function dateFilter(q: ListQuery, op: "gte" | "lte"): Date | undefined {
  const v = q.filters.created_at?.find((c) => c.op === op)?.value;
  if (v === undefined) return undefined;
  const d = new Date(v.includes("T") || v.length <= 10 ? v : v.replace(" ", "T") + "Z");
  if (Number.isNaN(d.getTime())) throw DomainError.field(`filter[created_at][${op}]`, "Give an ISO 8601 date or date-time");
  return d;
}

export function registerAuditRoutes(api: OpenAPIHono<AppEnv>) {
  const tags = ["Audits"];
  api.openapi(
    createRoute({
      method: "get",
      path: "/audits",
      tags,
      summary: "The audit log in Omneo's shape, newest first",
      middleware: [requireScope("*")] as const,
      request: {
        query: listQuery({
          filters: {
            auditable_type: { max: 64, description: "our entity type: profile, user, api_token, tag, …" },
            auditable_id: { max: 64, description: "the entity's id (a number or a UUID)" },
            action: { max: 64, description: "our action name, or its start (profile. for every profile change)" },
            actor: { max: 200, description: "who acted: a user's or token's id, or part of its label" },
            created_at: { ops: ["gte", "lte"], max: 40, description: "ISO 8601 date or date-time" },
          },
        }),
      },
      responses: { 200: ok(listOf(OmneoAuditSchema), "Audits"), ...problemResponses },
    }),
    async (c) => {
      const s = c.get("services");
      const q = parseListQuery(c.req.valid("query"));
      if (q.filters.created_at?.some((f) => f.op === "eq")) throw DomainError.field("filter[created_at]", "Use filter[created_at][gte] and/or [lte]");
      const filter: AuditFilter = {
        entityType: filterValue(q, "auditable_type"),
        entityId: filterValue(q, "auditable_id"),
        action: filterValue(q, "action"),
        actor: filterValue(q, "actor"),
        from: dateFilter(q, "gte"),
        to: dateFilter(q, "lte"),
      };
      const { rows, total } = await new AuditRecords(s.db, s.audit).list(filter, q.page);
      return c.json(listEnvelope(rows, total, q.page, c.req.url), 200);
    },
  );

  api.openapi(
    createRoute({ method: "get", path: "/audits/{id}", tags, summary: "One audit entry", middleware: [requireScope("*")] as const, request: { params: AuditIdParam }, responses: { 200: ok(single(OmneoAuditSchema), "The audit"), ...problemResponses, ...notFoundResponse } }),
    async (c) => {
      const s = c.get("services");
      return c.json({ data: await new AuditRecords(s.db, s.audit).get(c.req.valid("param").id) }, 200);
    },
  );
}
