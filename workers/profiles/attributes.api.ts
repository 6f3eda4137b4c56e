// Omneo's routes on one profile's custom attributes (`{namespace}:{handle}` in the path) and named dates,
// and the search of profiles by custom attribute. Each change goes through ProfilesService.changeAttributes
// (audited, one profile.updated event), so no rule of the profile is written twice.
import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { requireScope } from "../access/guards";
import type { AppEnv } from "../api-env";
import { json, listOf, notFoundResponse, ok, problemResponses, single } from "../platform/api-schemas";
import { DomainError } from "../platform/errors";
import { listQuery, parseListQuery } from "../platform/list-query";
import { listEnvelope } from "../platform/pagination";
import { CUSTOM_SORTS, findCustom, parseAttributeKey, withCustom, withDate, withoutCustom, withoutDate, type AttributeCriterion } from "./attributes";
import { datesOf, serializeDate } from "./dates";
import { CustomAttributeSchema, CustomAttributeValueInput, ProfileDateInput, ProfileDateSchema, ProfileSchema } from "./schema";
import { serializeCustomAttribute, serializeProfile } from "./views";

const ProfileParam = z.object({ id: z.string().max(100).openapi({ param: { name: "id", in: "path" } }) });
const KeyParams = ProfileParam.extend({
  key: z.string().max(130).openapi({ param: { name: "key", in: "path" }, description: "namespace:handle", example: "loyalty:favourite_store" }),
});
const DateParams = ProfileParam.extend({
  dateId: z.string().regex(/^\d{1,9}$/, "a date id is a number").openapi({ param: { name: "dateId", in: "path" } }),
});

/** attributes[0..2][namespace|handle|value] and attributes[N][value][in] (comma-separated, at most 20). */
const CRITERIA = 3;
const findParams: Record<string, z.ZodType<string | undefined>> = {};
for (let i = 0; i < CRITERIA; i++) {
  findParams[`attributes[${i}][namespace]`] = z.string().max(64).optional().openapi({ description: `criterion ${i}: the attribute's namespace` });
  findParams[`attributes[${i}][handle]`] = z.string().max(64).optional().openapi({ description: `criterion ${i}: the attribute's handle` });
  findParams[`attributes[${i}][value]`] = z.string().max(200).optional().openapi({ description: `criterion ${i}: the value (compared as text)` });
  findParams[`attributes[${i}][value][in]`] = z.string().max(2000).optional().openapi({ description: `criterion ${i}: one of these values (comma-separated, at most 20)` });
}
/** A list answered whole: no filters, so any is a 400 naming it. */
const WholeList = listQuery({ paged: false });
const FindQuery = listQuery({ sorts: CUSTOM_SORTS, params: findParams });

function criteriaOf(raw: Record<string, string | undefined>): AttributeCriterion[] {
  const out: AttributeCriterion[] = [];
  for (let i = 0; i < CRITERIA; i++) {
    const ns = raw[`attributes[${i}][namespace]`];
    const handle = raw[`attributes[${i}][handle]`];
    const eq = raw[`attributes[${i}][value]`];
    const inList = raw[`attributes[${i}][value][in]`];
    if (ns === undefined && handle === undefined && eq === undefined && inList === undefined) continue;
    if (!ns || !handle) throw DomainError.field(`attributes[${i}]`, `attributes[${i}] needs both [namespace] and [handle]`);
    const values = [...(eq !== undefined ? [eq] : []), ...(inList ?? "").split(",").map((v) => v.trim()).filter(Boolean)];
    if (values.length > 20) throw DomainError.field(`attributes[${i}][value][in]`, "At most 20 values");
    out.push({ namespace: ns.toLowerCase(), handle: handle.toLowerCase(), values });
  }
  if (!out.length) throw DomainError.field("attributes[0][namespace]", "Give at least one attribute: attributes[0][namespace] and attributes[0][handle]");
  return out;
}

export function registerProfileAttributeRoutes(api: OpenAPIHono<AppEnv>) {
  const tags = ["Profiles"];

  api.openapi(
    createRoute({
      method: "get",
      path: "/profiles/attributes/custom",
      tags,
      summary: "Live profiles holding custom attributes (attributes[N][namespace], [handle], and [value] or [value][in]), newest first by default",
      middleware: [requireScope("profiles:read")] as const,
      request: { query: FindQuery },
      responses: { 200: ok(listOf(ProfileSchema), "Profiles"), ...problemResponses },
    }),
    async (c) => {
      const s = c.get("services");
      const q = parseListQuery(c.req.valid("query"));
      const criteria = criteriaOf(q.raw);
      const sort = q.sort[0] ? { field: q.sort[0].field as (typeof CUSTOM_SORTS)[number], desc: q.sort[0].desc } : { field: "created_at" as const, desc: true };
      const { ids, total } = await s.profiles.findByCustomAttributes(criteria, q.page, sort);
      const views = await s.profiles.viewsByIds(ids);
      return c.json(listEnvelope(views.map(serializeProfile), total, q.page, c.req.url) as never, 200);
    },
  );

  api.openapi(
    createRoute({
      method: "get",
      path: "/profiles/{id}/attributes/custom",
      tags,
      summary: "A profile's custom attributes, each in Omneo's shape",
      middleware: [requireScope("profiles:read")] as const,
      request: { params: ProfileParam, query: WholeList },
      responses: { 200: ok(z.object({ data: z.array(CustomAttributeSchema) }), "Custom attributes"), ...problemResponses, ...notFoundResponse },
    }),
    async (c) => {
      const p = await c.get("services").profiles.require(c.req.valid("param").id);
      return c.json({ data: p.customAttributes.map((a) => serializeCustomAttribute(p.id, a)) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: "get",
      path: "/profiles/{id}/attributes/custom/{key}",
      tags,
      summary: "One custom attribute of a profile, by namespace:handle",
      middleware: [requireScope("profiles:read")] as const,
      request: { params: KeyParams },
      responses: { 200: ok(single(CustomAttributeSchema), "The attribute"), ...problemResponses, ...notFoundResponse },
    }),
    async (c) => {
      const { id, key } = c.req.valid("param");
      const p = await c.get("services").profiles.require(id);
      return c.json({ data: serializeCustomAttribute(p.id, findCustom(p, parseAttributeKey(key))) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: "put",
      path: "/profiles/{id}/attributes/custom/{key}",
      tags,
      summary: "Set one custom attribute of a profile (added, or its type and value replaced)",
      middleware: [requireScope("profiles:write")] as const,
      request: { params: KeyParams, body: json(CustomAttributeValueInput) },
      responses: { 200: ok(single(CustomAttributeSchema), "The attribute"), ...problemResponses, ...notFoundResponse },
    }),
    async (c) => {
      const { id, key } = c.req.valid("param");
      const k = parseAttributeKey(key);
      const body = c.req.valid("json");
      const attribute = { ...k, type: body.type, value: body.value };
      await c.get("services").profiles.changeAttributes(id, (p) => withCustom(p, attribute), c.get("auth").actor);
      return c.json({ data: serializeCustomAttribute(id, attribute) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: "delete",
      path: "/profiles/{id}/attributes/custom/{key}",
      tags,
      summary: "Remove one custom attribute of a profile",
      middleware: [requireScope("profiles:write")] as const,
      request: { params: KeyParams },
      responses: { 204: { description: "Removed" }, ...problemResponses, ...notFoundResponse },
    }),
    async (c) => {
      const { id, key } = c.req.valid("param");
      const k = parseAttributeKey(key);
      await c.get("services").profiles.changeAttributes(id, (p) => withoutCustom(p, k), c.get("auth").actor);
      return c.body(null, 204);
    },
  );

  api.openapi(
    createRoute({
      method: "get",
      path: "/profiles/{id}/attributes/dates",
      tags,
      summary: "A profile's named dates (Omneo's records)",
      middleware: [requireScope("profiles:read")] as const,
      request: { params: ProfileParam, query: WholeList },
      responses: { 200: ok(z.object({ data: z.array(ProfileDateSchema) }), "Dates"), ...problemResponses, ...notFoundResponse },
    }),
    async (c) => {
      const p = await c.get("services").profiles.require(c.req.valid("param").id);
      return c.json({ data: datesOf(p.dates).map((d) => serializeDate(p.id, d)) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: "put",
      path: "/profiles/{id}/attributes/dates",
      tags,
      summary: "Add a named date, or change the one with this handle and relationship",
      middleware: [requireScope("profiles:write")] as const,
      request: { params: ProfileParam, body: json(ProfileDateInput) },
      responses: { 200: ok(single(ProfileDateSchema), "The date"), ...problemResponses, ...notFoundResponse },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const s = c.get("services");
      const input = c.req.valid("json");
      let date: ReturnType<typeof withDate>["date"] | undefined;
      await s.profiles.changeAttributes(
        id,
        (p) => {
          const r = withDate(p, input, s.clock.now());
          date = r.date;
          return r.change;
        },
        c.get("auth").actor,
      );
      return c.json({ data: serializeDate(id, date!) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: "delete",
      path: "/profiles/{id}/attributes/dates/{dateId}",
      tags,
      summary: "Remove a named date; answers the dates left (as Omneo does)",
      middleware: [requireScope("profiles:write")] as const,
      request: { params: DateParams },
      responses: { 200: ok(z.object({ data: z.array(ProfileDateSchema) }), "The dates left"), ...problemResponses, ...notFoundResponse },
    }),
    async (c) => {
      const { id, dateId } = c.req.valid("param");
      const p = await c.get("services").profiles.changeAttributes(id, (p) => withoutDate(p, Number(dateId)), c.get("auth").actor);
      return c.json({ data: datesOf(p.dates).map((d) => serializeDate(p.id, d)) }, 200);
    },
  );
}
