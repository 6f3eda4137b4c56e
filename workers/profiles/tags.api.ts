// Omneo's /tags: the tag catalogue (profiles/tags.ts). Tags are configuration: config:read to read,
// config:write to change (Omneo's read-tags / create-tags map there).
import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../api-env";
import { requireScope } from "../access/guards";
import { listOf, notFoundResponse, ok, problemResponses, single } from "../platform/api-schemas";
import { filterValue, listQuery, parseListQuery } from "../platform/list-query";
import { listEnvelope } from "../platform/pagination";
import { strictBody } from "../platform/strict-body";
import { TagInput, TagSchema, UpdateTagInput } from "./schema";
import { TAG_SORTS, type TagSort } from "./tags";
import { serializeTag } from "./views";

// any id up to 64 characters reaches the service, which answers 404 for one that is not a tag's number (a UUID is simply unknown here)
const TagIdParam = z.object({ id: z.string().max(64).openapi({ param: { name: "id", in: "path" }, example: "1" }) });

export function registerTagRoutes(api: OpenAPIHono<AppEnv>) {
  const tags = ["Tags"];
  const one = ok(single(TagSchema), "The tag");

  api.openapi(
    createRoute({
      method: "get",
      path: "/tags",
      tags,
      summary: "The tag catalogue",
      middleware: [requireScope("config:read")] as const,
      request: { query: listQuery({ filters: { handle: { max: 64 }, name: { max: 120 } }, sorts: TAG_SORTS }) },
      responses: { 200: ok(listOf(TagSchema), "Tags"), ...problemResponses },
    }),
    async (c) => {
      const q = parseListQuery(c.req.valid("query"));
      const { rows, total } = await c.get("services").profiles.tags.list({ handle: filterValue(q, "handle"), name: filterValue(q, "name") }, q.sort as TagSort[], q.page);
      return c.json(listEnvelope(rows.map(serializeTag), total, q.page, c.req.url), 200);
    },
  );

  api.openapi(
    createRoute({ method: "get", path: "/tags/{id}", tags, summary: "One tag", middleware: [requireScope("config:read")] as const, request: { params: TagIdParam }, responses: { 200: one, ...problemResponses, ...notFoundResponse } }),
    async (c) => c.json({ data: serializeTag(await c.get("services").profiles.tags.get(c.req.valid("param").id)) }, 200),
  );

  api.openapi(
    createRoute({ method: "post", path: "/tags", tags, summary: "Create a tag (a unique handle, any case)", middleware: [requireScope("config:write")] as const, request: { body: strictBody(TagInput) }, responses: { 201: { ...one, description: "Created" }, ...problemResponses } }),
    async (c) => c.json({ data: serializeTag(await c.get("services").profiles.tags.create(c.req.valid("json"), c.get("auth").actor)) }, 201),
  );

  api.openapi(
    createRoute({ method: "put", path: "/tags/{id}", tags, summary: "Rename a tag (its handle stays)", middleware: [requireScope("config:write")] as const, request: { params: TagIdParam, body: strictBody(UpdateTagInput) }, responses: { 200: one, ...problemResponses, ...notFoundResponse } }),
    async (c) => c.json({ data: serializeTag(await c.get("services").profiles.tags.update(c.req.valid("param").id, c.req.valid("json"), c.get("auth").actor)) }, 200),
  );

  api.openapi(
    createRoute({ method: "delete", path: "/tags/{id}", tags, summary: "Delete a tag from the catalogue (profiles keep the handle they carry)", middleware: [requireScope("config:write")] as const, request: { params: TagIdParam }, responses: { 204: { description: "Deleted" }, ...problemResponses, ...notFoundResponse } }),
    async (c) => {
      await c.get("services").profiles.tags.remove(c.req.valid("param").id, c.get("auth").actor);
      return c.body(null, 204);
    },
  );
}
