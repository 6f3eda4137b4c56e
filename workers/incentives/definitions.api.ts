// API routes of incentive definitions: /rewards/definitions, /points/definitions, /rates (+ calculate),
// /benefits/definitions, /tiers/definitions, /achievements/definitions. Each kind has the same five
// routes (list, create, read, update, archive) and its versions; handlers parse, call one service
// method and shape the reply.
import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { requireScope } from "../access/guards";
import { IdempotencyHeader, IdParam, listOf, notFoundResponse, ProblemSchema, problemResponses, single } from "../platform/api-schemas";
import { DomainError } from "../platform/errors";
import { strictBody } from "../platform/strict-body";
import type { AppEnv } from "../api-env";
import { filterValue, listQuery, parseListQuery, type ListSpec } from "../platform/list-query";
import { listEnvelope, parsePage } from "../platform/pagination";
import {
  AchievementDefinitionInput,
  AchievementDefinitionSchema,
  BenefitDefinitionInput,
  BenefitDefinitionSchema,
  CalculateEarnInput,
  DefinitionVersionSchema,
  EarnPreviewSchema,
  EarnRateInput,
  EarnRateSchema,
  PointDefinitionInput,
  PointDefinitionSchema,
  RewardDefinitionInput,
  RewardDefinitionSchema,
  TierDefinitionInput,
  TierDefinitionSchema,
  UpdateAchievementDefinitionInput,
  UpdateBenefitDefinitionInput,
  UpdateEarnRateInput,
  UpdatePointDefinitionInput,
  UpdateRewardDefinitionInput,
  UpdateTierDefinitionInput,
} from "./definitions.schema";
import { serializeBenefit, SERIALIZERS, serializeVersion, type DefinitionKind } from "./views";
import type { DefinitionFilter } from "./definitions.service";
import { presentAchievement } from "./definitions/omneo-achievements";

const json = <T extends z.ZodTypeAny>(schema: T, ignored?: readonly string[]) => strictBody(schema, ignored);
const ok = <T extends z.ZodTypeAny>(schema: T, description: string) => ({ description, content: { "application/json": { schema } } });
const HandleParam = z.object({ handle: z.string().min(1).max(100).openapi({ param: { name: "handle", in: "path" } }) });
const conflictResponse = {
  409: { description: "The handle is taken, the definition is archived, or it changed meanwhile", content: { "application/problem+json": { schema: ProblemSchema } } },
} as const;

export const DEFINITION_LIST: ListSpec = {
  params: { search: z.string().max(200).optional().openapi({ description: "A fragment of the name or handle" }) },
  filters: {
    archived: { values: ["false", "true", "all"], description: "false (default): live only; true: archived only; all: both" },
    is_archived: { values: ["false", "true", "all", "0", "1"], description: "Omneo's name for filter[archived]" },
    point_definition_id: { max: 100, description: "Tiers and rates: those of one points definition" },
    handle: { max: 100, description: "Exact handle" },
    name: { description: "Exact name" },
  },
};
const ListQuery = listQuery(DEFINITION_LIST);

function parseFilter(raw: Record<string, unknown>): DefinitionFilter {
  const q = parseListQuery(raw);
  const a = filterValue(q, "archived") ?? ({ "0": "false", "1": "true" } as Record<string, string>)[filterValue(q, "is_archived") ?? ""] ?? filterValue(q, "is_archived");
  return { search: q.raw.search, archived: a === "all" ? "all" : a === "true", pointDefinitionId: filterValue(q, "point_definition_id"), handle: filterValue(q, "handle"), name: filterValue(q, "name") };
}


interface KindSpec<I extends z.ZodTypeAny, U extends z.ZodTypeAny> {
  kind: DefinitionKind;
  path: string;
  tag: string;
  label: string;
  input: I;
  update: U;
  output: z.ZodTypeAny;
  listSummary?: string;
  /** the API's shape of a row, when it differs from the console's serializer */
  present?: (row: never) => Record<string, unknown>;
  /** Omneo's fields this kind accepts by name and ignores (documented in the compatibility table) */
  ignored?: readonly string[];
}

// The five routes are the same for every kind, so they are built from a spec. Hono's route typing
// cannot follow a schema chosen at run time: handlers are typed on the plain Context and read the
// validated parts by name (the openapi middleware has already validated them against the spec).
type Handler = (c: Context<AppEnv>) => Promise<Response>;
const valid = <T>(c: Context<AppEnv>, target: "json" | "param" | "query") => c.req.valid(target as never) as T;

function registerKind<I extends z.ZodTypeAny, U extends z.ZodTypeAny>(api: OpenAPIHono<AppEnv>, spec: KindSpec<I, U>) {
  const tags = [spec.tag];
  const { kind, path, label } = spec;
  const present = spec.present;
  const out = (row: unknown) => (present ? present(row as never) : SERIALIZERS[kind](row as never));
  const route = (config: Parameters<typeof createRoute>[0], handler: Handler) => api.openapi(createRoute(config), handler as never);

  route(
    {
      method: "get",
      path,
      tags,
      summary: spec.listSummary ?? `List ${label}s by name (live ones unless filter[archived])`,
      middleware: [requireScope("config:read")] as const,
      request: { query: ListQuery },
      responses: { 200: ok(listOf(spec.output), `${label}s`), ...problemResponses },
    },
    async (c) => {
      const page = parsePage(c.req.query());
      const { rows, total } = await c.get("services").definitions.list(kind, parseFilter(valid(c, "query")), page);
      return c.json(listEnvelope(rows.map(out), total, page, c.req.url), 200);
    },
  );

  route(
    {
      method: "post",
      path,
      tags,
      summary: `Create a ${label} (version 1)`,
      middleware: [requireScope("config:write")] as const,
      request: { headers: IdempotencyHeader, body: json(spec.input, spec.ignored) },
      responses: { 201: ok(single(spec.output), "Created"), ...problemResponses, ...conflictResponse },
    },
    async (c) => {
      const row = await c.get("services").definitions.create(kind, valid<never>(c, "json"), c.get("auth").actor);
      c.header("Location", `/api/v3${path}/${row.id}`);
      return c.json({ data: out(row) }, 201);
    },
  );

  route(
    {
      method: "get",
      path: `${path}/{id}`,
      tags,
      summary: `A live ${label} (an archived one answers 404, as a deleted one does in Omneo; list it with filter[archived]=true)`,
      middleware: [requireScope("config:read")] as const,
      request: { params: IdParam },
      responses: { 200: ok(single(spec.output), `The ${label}`), ...problemResponses, ...notFoundResponse },
    },
    async (c) => {
      const id = valid<{ id: string }>(c, "param").id;
      const row = await c.get("services").definitions.get(kind, id);
      // Omneo's DELETE removes a definition from reads by id; ours archives it and keeps its history
      if (row.archivedAt) throw new DomainError("not_found", `The ${label} ${id} is archived (GET ${path}?filter[archived]=true lists it)`);
      return c.json({ data: out(row) }, 200);
    },
  );

  for (const method of ["put", "patch"] as const) {
    route(
      {
        method,
        path: `${path}/{id}`,
        tags,
        summary: `Update a ${label}: only the fields given change; a change is a new version`,
        middleware: [requireScope("config:write")] as const,
        request: { params: IdParam, headers: IdempotencyHeader, body: json(spec.update, spec.ignored) },
        responses: { 200: ok(single(spec.output), "Updated"), ...problemResponses, ...notFoundResponse, ...conflictResponse },
      },
      async (c) => c.json({ data: out(await c.get("services").definitions.update(kind, valid<{ id: string }>(c, "param").id, valid<never>(c, "json"), c.get("auth").actor)) }, 200),
    );
  }

  route(
    {
      method: "delete",
      path: `${path}/{id}`,
      tags,
      summary: `Archive a ${label}: it issues nothing new; what was issued stays valid (never deleted)`,
      middleware: [requireScope("config:write")] as const,
      request: { params: IdParam },
      responses: { 200: ok(single(spec.output), "Archived"), ...problemResponses, ...notFoundResponse },
    },
    async (c) => c.json({ data: out(await c.get("services").definitions.archive(kind, valid<{ id: string }>(c, "param").id, c.get("auth").actor)) }, 200),
  );

  route(
    {
      method: "get",
      path: `${path}/{id}/versions`,
      tags,
      summary: `Every version of a ${label}, newest first, as it was saved`,
      middleware: [requireScope("config:read")] as const,
      request: { params: IdParam, query: listQuery({ paged: false }) },
      responses: { 200: ok(z.object({ data: z.array(DefinitionVersionSchema) }), "Versions"), ...problemResponses, ...notFoundResponse },
    },
    async (c) => c.json({ data: (await c.get("services").definitions.versions(kind, valid<{ id: string }>(c, "param").id)).map(serializeVersion) }, 200),
  );
}

export function registerDefinitionRoutes(api: OpenAPIHono<AppEnv>): void {
  registerKind(api, {
    kind: "reward",
    path: "/rewards/definitions",
    tag: "Reward definitions",
    label: "reward definition",
    input: RewardDefinitionInput,
    update: UpdateRewardDefinitionInput,
    output: RewardDefinitionSchema,
    ignored: ["is_assignable"],
  });
  registerKind(api, {
    kind: "point",
    path: "/points/definitions",
    tag: "Point definitions",
    label: "point definition",
    input: PointDefinitionInput,
    update: UpdatePointDefinitionInput,
    output: PointDefinitionSchema,
  });

  // registered before /rates/{id} so "calculate" is never taken for an id
  api.openapi(
    createRoute({
      method: "post",
      path: "/rates/calculate",
      tags: ["Earn rates"],
      summary: "Preview what a transaction would earn per points definition under the live rates (nothing is written)",
      middleware: [requireScope("config:read")] as const,
      request: { body: json(CalculateEarnInput) },
      responses: { 200: ok(z.object({ data: z.array(EarnPreviewSchema) }), "Points per definition"), ...problemResponses },
    }),
    async (c) => c.json({ data: await c.get("services").definitions.calculate(c.req.valid("json")) }, 200),
  );

  registerKind(api, {
    kind: "rate",
    path: "/rates",
    tag: "Earn rates",
    label: "earn rate",
    input: EarnRateInput,
    update: UpdateEarnRateInput,
    output: EarnRateSchema,
    listSummary: "List earn rates by points definition, then priority (live ones unless filter[archived])",
  });
  // Omneo's benefit-definition extras, before the kind's own routes so "handle" is never read as an id
  api.openapi(
    createRoute({
      method: "get",
      path: "/benefits/definitions/handle/{handle}",
      tags: ["Benefit definitions"],
      summary: "A live benefit definition by its handle (Omneo's getByHandle)",
      middleware: [requireScope("config:read")] as const,
      request: { params: HandleParam },
      responses: { 200: ok(single(BenefitDefinitionSchema), "The benefit definition"), ...problemResponses, ...notFoundResponse },
    }),
    async (c) => {
      const { handle } = c.req.valid("param");
      const { rows } = await c.get("services").definitions.list("benefit", { handle, archived: false }, { number: 1, size: 1 });
      if (!rows[0]) throw new DomainError("not_found", `No benefit definition with handle ${handle}`);
      return c.json({ data: serializeBenefit(rows[0]) }, 200);
    },
  );
  api.openapi(
    createRoute({
      method: "post",
      path: "/benefits/definitions/{id}/clone",
      tags: ["Benefit definitions"],
      summary: "Create a new benefit definition from an existing one: its settings, with the fields given changed (a new handle unless one is given)",
      middleware: [requireScope("config:write")] as const,
      request: { params: IdParam, body: json(UpdateBenefitDefinitionInput) },
      responses: { 201: ok(single(BenefitDefinitionSchema), "Created"), ...problemResponses, ...notFoundResponse, ...conflictResponse },
    }),
    async (c) => {
      const definitions = c.get("services").definitions;
      const source = serializeBenefit(await definitions.get("benefit", c.req.valid("param").id));
      // the source's settings as a create body (its handle stays its own), then the caller's changes
      const settings = Object.fromEntries(Object.keys(BenefitDefinitionInput.shape).filter((k) => k !== "handle").map((k) => [k, source[k as keyof typeof source]]));
      const parsed = BenefitDefinitionInput.safeParse({ ...settings, ...c.req.valid("json") });
      if (!parsed.success) throw DomainError.field(String(parsed.error.issues[0]?.path[0] ?? "body"), parsed.error.issues[0]?.message ?? "Invalid");
      const row = await definitions.create("benefit", parsed.data, c.get("auth").actor);
      c.header("Location", `/api/v3/benefits/definitions/${row.id}`);
      return c.json({ data: serializeBenefit(row) }, 201);
    },
  );

  registerKind(api, {
    kind: "benefit",
    path: "/benefits/definitions",
    tag: "Benefit definitions",
    label: "benefit definition",
    input: BenefitDefinitionInput,
    update: UpdateBenefitDefinitionInput,
    output: BenefitDefinitionSchema,
  });
  registerKind(api, {
    kind: "tier",
    path: "/tiers/definitions",
    tag: "Tier definitions",
    label: "tier definition",
    input: TierDefinitionInput,
    update: UpdateTierDefinitionInput,
    output: TierDefinitionSchema,
    listSummary: "List tier definitions by ladder (points definition), then value_min",
  });
  registerKind(api, {
    kind: "achievement",
    path: "/achievements/definitions",
    tag: "Achievement definitions",
    label: "achievement definition",
    input: AchievementDefinitionInput,
    update: UpdateAchievementDefinitionInput,
    output: AchievementDefinitionSchema,
    present: presentAchievement,
    ignored: ["display_level", "type", "tags", "meta"],
  });
}

