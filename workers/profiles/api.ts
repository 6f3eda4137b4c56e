// API routes of the customer record: profiles, identities, interactions, aggregations, batch jobs.
import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { registerTagRoutes } from "./tags.api";
import { registerProfileAttributeRoutes } from "./attributes.api";
import { requireScope } from "../access/guards";
import { IdempotencyHeader, IdParam, json, LinksSchema, listOf, MetaSchema, notFoundResponse, ok, problemResponses, single } from "../platform/api-schemas";
import { DomainError, fieldErrorsFromIssues } from "../platform/errors";
import type { MiddlewareHandler } from "hono";
import { isUuid } from "../platform/ids";
import type { AppEnv } from "../api-env";
import { filterValue, listQuery, parseListQuery, type ListSpec } from "../platform/list-query";
import { decodeKeyset, encodeKeyset, listEnvelope, parsePage } from "../platform/pagination";
import { PROFILE_TYPES, type ProfileType } from "./schema";
import { applyMatchCriteria, createBatchJob, getBatchJob, serializeJob } from "./batch";
import {
  BatchInput,
  CreateProfileInput,
  SyncSinceInput,
  IdentityInput,
  InteractionInput,
  MergeInput,
  ProfileSchema,
  UpdateProfileInput,
  UpdateTypeInput,
} from "./schema";
import { PROFILE_SORTS, type ProfileSort } from "./service";
import { serializeAggregations, serializeIdentity, serializeInteraction, serializeProfile } from "./views";


const IdentitySchema = z
  .object({ id: z.string(), profile_id: z.string(), handle: z.string(), identifier: z.string(), is_primary: z.boolean(), is_active: z.boolean() })
  .openapi("Identity");
const InteractionSchema = z
  .object({
    id: z.string(),
    profile_id: z.string(),
    action: z.string(),
    channel: z.string(),
    signal: z.number(),
    name: z.string().nullable(),
    interacted_at: z.string(),
    location_id: z.string().nullable(),
    meta: z.record(z.string(), z.unknown()).nullable(),
    created_at: z.string(),
  })
  .openapi("Interaction");
const AggregationsSchema = z
  .object({
    profile_id: z.string().openapi({ description: "Omneo's field: the profile these are of" }),
    shop_days: z.number().int().openapi({ description: "Omneo's name for shop_count: the days with a purchase" }),
    spend_12m: z.number(),
    spend_all: z.number(),
    spend_atv_12m: z.number(),
    shop_count: z.number().int(),
    first_shop_date: z.string().nullable(),
    latest_shop_date: z.string().nullable(),
    average_shop_days: z.number().int().nullable(),
    at_risk_date: z.string().nullable(),
    most_transacted_location_id: z.string().nullable(),
  })
  .openapi("Aggregations");
const JobSchema = z
  .object({
    id: z.string(),
    status: z.enum(["queued", "processing", "completed", "failed"]),
    total: z.number().int(),
    processed: z.number().int(),
    succeeded: z.number().int(),
    failed: z.number().int(),
    results: z.array(z.object({ index: z.number().int(), status: z.string(), profile_id: z.string().optional(), errors: z.record(z.string(), z.array(z.string())).optional() })).nullable(),
    created_at: z.string(),
    completed_at: z.string().nullable(),
  })
  .openapi("BatchJob");

const PROFILE_TYPE_FILTER = [...PROFILE_TYPES, "all"] as const;
export const PROFILE_LIST: ListSpec = {
  params: {
    search: z.string().max(200).optional().openapi({ description: "Name, email, mobile or any identity value" }),
    "page[cursor]": z
      .string()
      .max(200)
      .optional()
      .openapi({ description: "Cursor pagination by created_at (sort created_at or -created_at, no search): empty for the first page, then meta.next_cursor" }),
  },
  filters: {
    type: { values: PROFILE_TYPE_FILTER, description: "Profile type (default: all but deleted)" },
    profile_type: { values: PROFILE_TYPE_FILTER, description: "Omneo's name for filter[type]" },
    email: { description: "Exact email, any case", max: 254 },
    first_name: { description: "Exact first name, any case" },
    last_name: { description: "Exact last name, any case" },
    mobile_phone: { description: "Exact mobile number as stored (E.164)", max: 40 },
  },
  sorts: PROFILE_SORTS,
};
const ProfileListQuery = listQuery(PROFILE_LIST);
/** Page-number pages carry the total; cursor pages (page[cursor]) carry meta.next_cursor and no total or last link. */
const ProfileListSchema = z.object({
  data: z.array(ProfileSchema),
  links: LinksSchema.extend({ last: z.string().nullable() }),
  meta: MetaSchema.partial().extend({ per_page: z.number().int(), next_cursor: z.string().nullable().optional() }),
});

const IdentifierParam = z.object({
  id: z.string().openapi({ param: { name: "id", in: "path" }, description: "Profile id, or the identifier when identity[handle] is given" }),
});
const IdentityLookupQuery = z.object({
  "identity[handle]": z.string().max(64).optional().openapi({ description: "Look the profile up by this identity handle (e.g. shopify); {id} is then the identifier" }),
});
const ProfileIdentityParams = z.object({
  id: z.string().openapi({ param: { name: "id", in: "path" } }),
  identityId: z.string().openapi({ param: { name: "identityId", in: "path" } }),
});

/**
 * Omneo's `POST /profiles/sync {updated_at}` asks Omneo to re-send the profiles changed since then to the
 * brand's connected systems. This product has no connected systems (webhooks hear every change as it
 * happens), so after checking the date it answers as Omneo does and queues nothing (`queued: 0`). A body
 * without `updated_at` is our sync (upsert by email, then mobile) and goes on to the route's validator.
 */
const omneoSyncSince: MiddlewareHandler<AppEnv> = async (c, next) => {
  const body: unknown = await c.req.json().catch(() => null);
  if (!body || typeof body !== "object" || Array.isArray(body) || !("updated_at" in body)) return next();
  const parsed = SyncSinceInput.strict().safeParse(body);
  if (!parsed.success) {
    const errors = fieldErrorsFromIssues(parsed.error.issues);
    throw new DomainError("validation_failed", `Invalid sync: ${Object.keys(errors).join(", ")}`, { errors });
  }
  const since = parsed.data.updated_at ? new Date(parsed.data.updated_at) : null;
  const tomorrow = c.get("services").clock.now().getTime() + 86_400_000;
  if (since && since.getTime() >= tomorrow) throw DomainError.field("updated_at", "Date must be before tomorrow");
  return c.json({ data: { message: "Profiles queued for sync.", updated_at: since?.toISOString() ?? null, queued: 0 } }, 200);
};

export function registerProfileRoutes(api: OpenAPIHono<AppEnv>) {
  const tags = ["Profiles"];
  registerTagRoutes(api);
  registerProfileAttributeRoutes(api);

  api.openapi(
    createRoute({
      method: "get",
      path: "/profiles",
      tags,
      summary: "List or search profiles (newest first)",
      middleware: [requireScope("profiles:read")] as const,
      request: { query: ProfileListQuery },
      responses: { 200: ok(ProfileListSchema, "Profiles"), ...problemResponses },
    }),
    async (c) => {
      const s = c.get("services");
      const q = parseListQuery(c.req.valid("query"));
      const f = (name: string) => filterValue(q, name);
      const type = (f("type") ?? f("profile_type")) as ProfileType | "all" | undefined;
      const sort = q.sort[0] as ProfileSort | undefined;
      const filter = { search: q.raw.search, type, email: f("email"), firstName: f("first_name"), lastName: f("last_name"), mobilePhone: f("mobile_phone") };
      const rawCursor = q.raw["page[cursor]"];
      if (rawCursor !== undefined) {
        if (q.raw.search?.trim()) throw DomainError.field("page[cursor]", "page[cursor] pages the list by created_at; a search is paged with page[number]");
        if (sort && sort.field !== "created_at") throw DomainError.field("page[cursor]", `page[cursor] pages by created_at; it cannot be combined with sort=${sort.desc ? "-" : ""}${sort.field}`);
        const after = rawCursor ? decodeKeyset(rawCursor) : null;
        if (rawCursor && !after) throw DomainError.field("page[cursor]", "page[cursor] is not a cursor this API gave out");
        const { rows, next } = await s.profiles.listByCursor(filter, { after, size: q.page.size }, sort ? sort.desc : true);
        const nextCursor = next ? encodeKeyset(next) : null;
        const link = (cursor: string | null) => {
          const u = new URL(c.req.url);
          u.searchParams.delete("page[number]");
          u.searchParams.set("page[cursor]", cursor ?? "");
          u.searchParams.set("page[size]", String(q.page.size));
          return u.toString();
        };
        return c.json(
          { data: rows.map(serializeProfile), links: { first: link(""), prev: null, next: nextCursor ? link(nextCursor) : null, last: null }, meta: { per_page: q.page.size, next_cursor: nextCursor } },
          200,
        );
      }
      const { rows, total, totalIsLowerBound } = await s.profiles.list(filter, q.page, sort);
      const body = listEnvelope(rows.map(serializeProfile), total, q.page, c.req.url);
      return c.json(totalIsLowerBound ? { ...body, meta: { ...body.meta, total_is_lower_bound: true } } : body, 200);
    },
  );

  api.openapi(
    createRoute({
      method: "post",
      path: "/profiles",
      tags,
      summary: "Create a profile",
      middleware: [requireScope("profiles:write")] as const,
      request: { headers: IdempotencyHeader, body: json(CreateProfileInput) },
      responses: { 201: ok(single(ProfileSchema), "Created"), ...problemResponses },
    }),
    async (c) => {
      const created = await c.get("services").profiles.create(c.req.valid("json"), c.get("auth").actor);
      return c.json({ data: serializeProfile(created) }, 201);
    },
  );

  api.openapi(
    createRoute({
      method: "post",
      path: "/profiles/sync",
      tags,
      summary: "Create or update a profile, matching on email, then mobile; or Omneo's {updated_at} (answered, nothing queued: see the compatibility table)",
      middleware: [requireScope("profiles:write"), omneoSyncSince] as const,
      request: { headers: IdempotencyHeader, body: json(CreateProfileInput) },
      responses: { 200: ok(single(ProfileSchema), "Updated"), 201: ok(single(ProfileSchema), "Created"), ...problemResponses },
    }),
    async (c) => {
      const { profile, created } = await c.get("services").profiles.sync(c.req.valid("json"), c.get("auth").actor);
      return c.json({ data: serializeProfile(profile) }, created ? 201 : 200);
    },
  );

  api.openapi(
    createRoute({
      method: "post",
      path: "/profiles/batch",
      tags,
      summary: "Create or update up to 1,000 profiles in the background; poll the job",
      middleware: [requireScope("profiles:write")] as const,
      request: { headers: IdempotencyHeader, body: json(BatchInput) },
      responses: { 202: ok(single(JobSchema.extend({ message: z.string() })), "Accepted"), ...problemResponses },
    }),
    async (c) => {
      const s = c.get("services");
      const body = c.req.valid("json");
      const job = await createBatchJob(s, applyMatchCriteria(body.profiles, body.match_criteria), c.get("auth").actor);
      c.header("Location", `/api/v3/profiles/batch/${job.id}`);
      // Omneo's clients read data.message
      return c.json({ data: { ...serializeJob(job), message: "Profiles queued for batch import." } }, 202);
    },
  );

  api.openapi(
    createRoute({
      method: "get",
      path: "/profiles/batch/{id}",
      tags,
      summary: "A batch job's progress and, when completed, each record's outcome",
      middleware: [requireScope("profiles:read")] as const,
      request: { params: IdParam },
      responses: { 200: ok(single(JobSchema), "The job"), ...problemResponses, ...notFoundResponse },
    }),
    async (c) => c.json({ data: serializeJob(await getBatchJob(c.get("services"), c.req.valid("param").id)) }, 200),
  );

  api.openapi(
    createRoute({
      method: "get",
      path: "/profiles/{id}",
      tags,
      summary: "A profile by id, or by an identity with ?identity[handle]=",
      middleware: [requireScope("profiles:read")] as const,
      request: { params: IdentifierParam, query: IdentityLookupQuery },
      responses: { 200: ok(single(ProfileSchema), "The profile"), ...problemResponses, ...notFoundResponse },
    }),
    async (c) => {
      const s = c.get("services");
      const { id } = c.req.valid("param");
      const handle = c.req.valid("query")["identity[handle]"];
      if (handle) {
        const p = await s.profiles.resolve({ profileId: id, handle });
        if (!p) throw new DomainError("not_found", `No profile with ${handle} identity "${id}"`);
        return c.json({ data: serializeProfile(await s.profiles.withRelations(p)) }, 200);
      }
      return c.json({ data: serializeProfile(await s.profiles.get(id)) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: "put",
      path: "/profiles/{id}",
      tags,
      summary: "Update a profile (only the fields given change)",
      middleware: [requireScope("profiles:write")] as const,
      request: { params: IdParam, body: json(UpdateProfileInput) },
      responses: { 200: ok(single(ProfileSchema), "Updated"), ...problemResponses, ...notFoundResponse },
    }),
    async (c) => {
      const p = await c.get("services").profiles.update(c.req.valid("param").id, c.req.valid("json"), c.get("auth").actor);
      return c.json({ data: serializeProfile(p) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: "delete",
      path: "/profiles/{id}",
      tags,
      summary: "Soft-delete a profile (restore with POST /profiles/{id}/restore). Needs the * scope, as the console needs Admin.",
      middleware: [requireScope("*")] as const,
      request: { params: IdParam },
      responses: { 200: ok(single(ProfileSchema), "Deleted"), ...problemResponses, ...notFoundResponse },
    }),
    async (c) => c.json({ data: serializeProfile(await c.get("services").profiles.softDelete(c.req.valid("param").id, c.get("auth").actor)) }, 200),
  );

  api.openapi(
    createRoute({
      method: "post",
      path: "/profiles/{id}/restore",
      tags,
      summary: "Restore a soft-deleted profile. Needs the * scope.",
      middleware: [requireScope("*")] as const,
      request: { params: IdParam },
      responses: { 200: ok(single(ProfileSchema), "Restored"), ...problemResponses, ...notFoundResponse },
    }),
    async (c) => c.json({ data: serializeProfile(await c.get("services").profiles.restore(c.req.valid("param").id, c.get("auth").actor)) }, 200),
  );

  api.openapi(
    createRoute({
      method: "post",
      path: "/profiles/{id}/purge",
      tags,
      summary: "Erase a profile and everything linked to it (right to erasure). Needs the * scope.",
      middleware: [requireScope("*")] as const,
      request: { params: IdParam },
      responses: { 204: { description: "Erased" }, ...problemResponses, ...notFoundResponse },
    }),
    async (c) => {
      await c.get("services").profiles.purge(c.req.valid("param").id, c.get("auth").actor);
      return c.body(null, 204);
    },
  );

  api.openapi(
    createRoute({
      method: "post",
      path: "/profiles/{id}/depersonalise",
      tags,
      summary: "Overwrite a profile's personal data, keeping its figures. Needs the * scope.",
      middleware: [requireScope("*")] as const,
      request: { params: IdParam },
      responses: { 200: ok(single(ProfileSchema), "Depersonalised"), ...problemResponses, ...notFoundResponse },
    }),
    async (c) => c.json({ data: serializeProfile(await c.get("services").profiles.depersonalise(c.req.valid("param").id, c.get("auth").actor)) }, 200),
  );

  api.openapi(
    createRoute({
      method: "put",
      path: "/profiles/{id}/update-type",
      tags,
      summary: "Change a profile's type (active, pending, deleted, system)",
      middleware: [requireScope("profiles:write")] as const,
      request: { params: IdParam, body: json(UpdateTypeInput) },
      responses: { 200: ok(single(ProfileSchema), "Updated"), ...problemResponses, ...notFoundResponse },
    }),
    async (c) => {
      const p = await c.get("services").profiles.updateType(c.req.valid("param").id, c.req.valid("json").type, c.get("auth").actor);
      return c.json({ data: serializeProfile(p) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: "post",
      path: "/profiles/{id}/merge",
      tags,
      summary: "Merge another profile (loser_id) into this one. Needs the * scope, as the console needs Admin. Merging the same pair again is idempotent: it answers with the winner and finishes a ledger move a crash interrupted; a loser merged into another profile is a 422.",
      middleware: [requireScope("*")] as const,
      request: { params: IdParam, headers: IdempotencyHeader, body: json(MergeInput) },
      responses: { 200: ok(single(ProfileSchema), "The winner after the merge"), ...problemResponses, ...notFoundResponse },
    }),
    async (c) => {
      const p = await c.get("services").profiles.merge(c.req.valid("param").id, c.req.valid("json").loser_id, c.get("auth").actor);
      return c.json({ data: serializeProfile(p) }, 200);
    },
  );

  // ── identities ────────────────────────────────────────────────────────────────────────────
  api.openapi(
    createRoute({
      method: "get",
      path: "/profiles/{id}/identities",
      tags: ["Identities"],
      summary: "A profile's identities",
      middleware: [requireScope("profiles:read")] as const,
      request: { params: IdParam, query: listQuery({ paged: false }) },
      responses: { 200: ok(z.object({ data: z.array(IdentitySchema) }), "Identities"), ...problemResponses, ...notFoundResponse },
    }),
    async (c) => c.json({ data: (await c.get("services").profiles.listIdentities(c.req.valid("param").id)).map(serializeIdentity) }, 200),
  );

  api.openapi(
    createRoute({
      method: "post",
      path: "/profiles/{id}/identities",
      tags: ["Identities"],
      summary: "Link an identity (handle + identifier, unique across profiles)",
      middleware: [requireScope("profiles:write")] as const,
      request: { params: IdParam, headers: IdempotencyHeader, body: json(IdentityInput) },
      responses: { 201: ok(single(IdentitySchema), "Linked"), ...problemResponses, ...notFoundResponse },
    }),
    async (c) => {
      const row = await c.get("services").profiles.addIdentity(c.req.valid("param").id, c.req.valid("json"), c.get("auth").actor);
      return c.json({ data: serializeIdentity(row) }, 201);
    },
  );

  api.openapi(
    createRoute({
      method: "delete",
      path: "/profiles/{id}/identities/{identityId}",
      tags: ["Identities"],
      summary: "Unlink an identity (by its id, or by its handle as Omneo does)",
      middleware: [requireScope("profiles:write")] as const,
      request: { params: ProfileIdentityParams },
      responses: { 204: { description: "Unlinked" }, ...problemResponses, ...notFoundResponse },
    }),
    async (c) => {
      const { id, identityId } = c.req.valid("param");
      const s = c.get("services");
      // Omneo names the identity by its handle here; ours are UUIDs, so the two never collide
      const target = isUuid(identityId) ? identityId : (await s.profiles.getIdentity(id, { handle: identityId })).id;
      await s.profiles.removeIdentity(id, target, c.get("auth").actor);
      return c.body(null, 204);
    },
  );

  api.openapi(
    createRoute({
      method: "get",
      path: "/identities/search",
      tags: ["Identities"],
      summary: "Find identities by handle and/or identifier",
      middleware: [requireScope("profiles:read")] as const,
      request: { query: listQuery({ params: { handle: z.string().max(64).optional(), identifier: z.string().max(200).optional() } }) },
      responses: { 200: ok(listOf(IdentitySchema), "Identities"), ...problemResponses },
    }),
    async (c) => {
      const page = parsePage(c.req.query());
      const q = c.req.valid("query");
      const { rows, total } = await c.get("services").profiles.searchIdentities({ handle: q.handle, identifier: q.identifier }, page);
      return c.json(listEnvelope(rows.map(serializeIdentity), total, page, c.req.url), 200);
    },
  );

  // ── interactions and aggregations ───────────────────────────────────────────────────────────
  api.openapi(
    createRoute({
      method: "post",
      path: "/profiles/{id}/interactions",
      tags: ["Interactions"],
      summary: "Record a non-purchase interaction (visit, view, feedback, …)",
      middleware: [requireScope("profiles:write")] as const,
      request: { params: IdParam, headers: IdempotencyHeader, body: json(InteractionInput) },
      responses: { 201: ok(single(InteractionSchema), "Recorded"), ...problemResponses, ...notFoundResponse },
    }),
    async (c) => {
      const row = await c.get("services").profiles.addInteraction(c.req.valid("param").id, c.req.valid("json"), c.get("auth").actor);
      return c.json({ data: serializeInteraction(row) }, 201);
    },
  );

  api.openapi(
    createRoute({
      method: "get",
      path: "/profiles/{id}/interactions",
      tags: ["Interactions"],
      summary: "A profile's interactions, newest first",
      middleware: [requireScope("profiles:read")] as const,
      request: { params: IdParam, query: listQuery() },
      responses: { 200: ok(listOf(InteractionSchema), "Interactions"), ...problemResponses, ...notFoundResponse },
    }),
    async (c) => {
      const page = parsePage(c.req.query());
      const { rows, total } = await c.get("services").profiles.listInteractions(c.req.valid("param").id, page);
      return c.json(listEnvelope(rows.map(serializeInteraction), total, page, c.req.url), 200);
    },
  );

  api.openapi(
    createRoute({
      method: "get",
      path: "/profiles/{id}/aggregations",
      tags,
      summary: "Spend and visit aggregations, net of returns",
      middleware: [requireScope("profiles:read")] as const,
      request: { params: IdParam },
      responses: { 200: ok(single(AggregationsSchema), "Aggregations"), ...problemResponses, ...notFoundResponse },
    }),
    async (c) => {
      const id = c.req.valid("param").id;
      const view = serializeAggregations(await c.get("services").profiles.getAggregations(id));
      return c.json({ data: { profile_id: id, shop_days: view.shop_count, ...view } }, 200);
    },
  );
}
