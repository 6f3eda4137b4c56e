// Omneo's routes for the customer record that the SDK calls under other paths than ours: each is a
// thin alias over the profiles service (no rule is written twice). See docs/omneo-compat.md.
import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { requireScope } from "../access/guards";
import { listOf, MetaSchema, notFoundResponse, ok, problemResponses, single } from "../platform/api-schemas";
import { DomainError } from "../platform/errors";
import type { AppEnv } from "../api-env";
import { filterValue, listQuery, parseListQuery } from "../platform/list-query";
import { listEnvelope, type ListEnvelope } from "../platform/pagination";
import { strictBody } from "../platform/strict-body";
import { ProfileSchema } from "./schema";
import { serializeIdentity, serializeProfile } from "./views";


const IdentitySchema = z
  .object({ id: z.string(), profile_id: z.string(), handle: z.string(), identifier: z.string(), is_primary: z.boolean(), is_active: z.boolean() })
  .openapi("OmneoIdentity");
const IdentityWithProfile = IdentitySchema.extend({ profile: ProfileSchema.nullable() });

const HandleParams = z.object({
  id: z.string().openapi({ param: { name: "id", in: "path" } }),
  handle: z.string().max(64).openapi({ param: { name: "handle", in: "path" } }),
});
const IdentityIdParams = z.object({
  id: z.string().openapi({ param: { name: "id", in: "path" } }),
  identityId: z.string().openapi({ param: { name: "identityId", in: "path" } }),
});
const IdentifierParam = z.object({ identifier: z.string().max(200).openapi({ param: { name: "identifier", in: "path" } }) });

const UpdateIdentityInput = z
  .object({
    identifier: z.string().trim().min(1, "identifier must not be empty").max(200).optional(),
    is_primary: z.boolean().optional(),
    is_active: z.boolean().optional(),
  })
  .openapi("UpdateIdentityInput");
const SearchIdInput = z
  .object({
    type: z.string().trim().min(1, "type is required").max(64).openapi({ description: '"id", "email", "mobile" or an identity handle' }),
    id: z.string().trim().min(1, "id is required").max(254).openapi({ description: "The value to look up" }),
  })
  .openapi("SearchProfileByIdInput");

/** The rest of Omneo's (Laravel's) paginator meta the SDK's IdentityResponse reads: from, to, path, links. */
const PaginatorMeta = MetaSchema.extend({
  from: z.number().int().nullable(),
  to: z.number().int().nullable(),
  path: z.string(),
  links: z.array(z.object({ url: z.string().nullable(), label: z.string(), active: z.boolean() })),
});
function withPaginatorMeta<T>(env: ListEnvelope<T>, url: string) {
  const { current_page: page, per_page: size } = env.meta;
  const from = env.data.length ? (page - 1) * size + 1 : null;
  const u = new URL(url);
  return {
    ...env,
    meta: {
      ...env.meta,
      from,
      to: from === null ? null : from + env.data.length - 1,
      path: `${u.origin}${u.pathname}`,
      links: [
        { url: env.links.prev, label: "&laquo; Previous", active: false },
        { url: url, label: String(page), active: true },
        { url: env.links.next, label: "Next &raquo;", active: false },
      ],
    },
  };
}

export function registerOmneoProfileRoutes(api: OpenAPIHono<AppEnv>) {
  const tags = ["Identities"];

  api.openapi(
    createRoute({
      method: "get",
      path: "/identities",
      tags,
      summary: "Every identity, oldest first; filter by handle, identifier or profile (include=profile adds the profile)",
      middleware: [requireScope("profiles:read")] as const,
      request: { query: listQuery({ filters: { handle: { max: 64 }, identifier: {}, profile_id: { max: 100 } }, includes: ["profile"] }) },
      responses: { 200: ok(listOf(IdentityWithProfile).extend({ meta: PaginatorMeta }), "Identities"), ...problemResponses },
    }),
    async (c) => {
      const s = c.get("services");
      const q = parseListQuery(c.req.valid("query"));
      const { rows, total } = await s.profiles.searchIdentities(
        { handle: filterValue(q, "handle"), identifier: filterValue(q, "identifier"), profileId: filterValue(q, "profile_id") },
        q.page,
        { requireFilter: false },
      );
      const withProfile = q.include.includes("profile");
      const profiles = withProfile ? new Map((await s.profiles.viewsByIds([...new Set(rows.map((r) => r.profileId))], { includeDeleted: true })).map((p) => [p.id, serializeProfile(p)])) : null;
      const data = rows.map((r) => ({ ...serializeIdentity(r), ...(profiles ? { profile: profiles.get(r.profileId) ?? null } : {}) }));
      return c.json(withPaginatorMeta(listEnvelope(data, total, q.page, c.req.url), c.req.url) as never, 200);
    },
  );

  api.openapi(
    createRoute({
      method: "get",
      path: "/identities/search-profile/{identifier}",
      tags,
      summary: "The live profiles holding an identity with this identifier (any handle)",
      middleware: [requireScope("profiles:read")] as const,
      request: { params: IdentifierParam, query: listQuery({ paged: false }) },
      responses: { 200: ok(z.object({ data: z.array(ProfileSchema) }), "Profiles"), ...problemResponses },
    }),
    async (c) => {
      const s = c.get("services");
      const { rows } = await s.profiles.searchIdentities({ identifier: c.req.valid("param").identifier }, { number: 1, size: 100 });
      const views = await s.profiles.viewsByIds([...new Set(rows.map((r) => r.profileId))], { includeDeleted: false });
      return c.json({ data: views.map(serializeProfile) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: "post",
      path: "/profiles/search-id",
      tags: ["Profiles"],
      summary: "Find one profile by id, email, mobile or any identity handle (Omneo's {type, id})",
      middleware: [requireScope("profiles:read")] as const,
      request: { body: strictBody(SearchIdInput) },
      responses: { 200: ok(single(ProfileSchema), "The profile"), ...problemResponses, ...notFoundResponse },
    }),
    async (c) => {
      const s = c.get("services");
      const { type, id } = c.req.valid("json");
      const p = await s.profiles.resolve({ profileId: id, handle: type === "id" ? null : type });
      if (!p || p.type === "deleted") throw new DomainError("not_found", `No profile with ${type} "${id}"`);
      return c.json({ data: serializeProfile(await s.profiles.withRelations(p)) }, 200);
    },
  );

  // ── one identity of a profile, by handle (Omneo's way) or by id ─────────────────────────────
  const byHandle = (c: { req: { valid(t: "param"): { id: string; handle: string } } }) => c.req.valid("param");
  api.openapi(
    createRoute({ method: "get", path: "/profiles/{id}/identities/{handle}", tags, summary: "A profile's identity with this handle", middleware: [requireScope("profiles:read")] as const, request: { params: HandleParams }, responses: { 200: ok(single(IdentitySchema), "The identity"), ...problemResponses, ...notFoundResponse } }),
    async (c) => {
      const { id, handle } = byHandle(c);
      return c.json({ data: serializeIdentity(await c.get("services").profiles.getIdentity(id, { handle })) }, 200);
    },
  );
  api.openapi(
    createRoute({ method: "put", path: "/profiles/{id}/identities/{handle}", tags, summary: "Change a profile's identity with this handle", middleware: [requireScope("profiles:write")] as const, request: { params: HandleParams, body: strictBody(UpdateIdentityInput, ["handle"]) }, responses: { 200: ok(single(IdentitySchema), "Updated"), ...problemResponses, ...notFoundResponse } }),
    async (c) => {
      const s = c.get("services");
      const { id, handle } = byHandle(c);
      const row = await s.profiles.getIdentity(id, { handle });
      return c.json({ data: serializeIdentity(await s.profiles.updateIdentity(id, row.id, c.req.valid("json"), c.get("auth").actor)) }, 200);
    },
  );
  api.openapi(
    createRoute({ method: "get", path: "/profiles/{id}/identities/id/{identityId}", tags, summary: "A profile's identity by its id", middleware: [requireScope("profiles:read")] as const, request: { params: IdentityIdParams }, responses: { 200: ok(single(IdentitySchema), "The identity"), ...problemResponses, ...notFoundResponse } }),
    async (c) => {
      const { id, identityId } = c.req.valid("param");
      return c.json({ data: serializeIdentity(await c.get("services").profiles.getIdentity(id, { id: identityId })) }, 200);
    },
  );
  api.openapi(
    createRoute({ method: "put", path: "/profiles/{id}/identities/id/{identityId}", tags, summary: "Change a profile's identity by its id", middleware: [requireScope("profiles:write")] as const, request: { params: IdentityIdParams, body: strictBody(UpdateIdentityInput, ["handle"]) }, responses: { 200: ok(single(IdentitySchema), "Updated"), ...problemResponses, ...notFoundResponse } }),
    async (c) => {
      const { id, identityId } = c.req.valid("param");
      return c.json({ data: serializeIdentity(await c.get("services").profiles.updateIdentity(id, identityId, c.req.valid("json"), c.get("auth").actor)) }, 200);
    },
  );
  api.openapi(
    createRoute({ method: "delete", path: "/profiles/{id}/identities/id/{identityId}", tags, summary: "Unlink a profile's identity by its id", middleware: [requireScope("profiles:write")] as const, request: { params: IdentityIdParams }, responses: { 204: { description: "Unlinked" }, ...problemResponses, ...notFoundResponse } }),
    async (c) => {
      const { id, identityId } = c.req.valid("param");
      await c.get("services").profiles.removeIdentity(id, identityId, c.get("auth").actor);
      return c.body(null, 204);
    },
  );
}
