// API routes of the ledger: balances, instances and issuing by hand, redemptions and reversals, tiers,
// the ledger itself, storefront tokens and the storefront's /profiles/me/* reads. Handlers parse HTTP and
// call one LedgerService method; the ProfileLedger DO decides.
import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { requireScope } from "../access/guards";
import { IdempotencyHeader, IdParam, json, listOf, notFoundResponse, ok, problemResponses, single, conflictResponse } from "../platform/api-schemas";
import { DomainError } from "../platform/errors";
import type { AppEnv } from "../api-env";
import {
  AssignTierInput,
  ClaimBenefitInput,
  ExtendInput,
  IssueBenefitInput,
  IssuePointsInput,
  InstanceParams,
  IssueRewardInput,
  PointAwardSchema,
  ProgressAchievementInput,
  RedeemBenefitInput,
  RedemptionInput,
  StorefrontTokenInput,
  VoidInput,
} from "./ledger.schema";
import { registerOmneoIncentiveRoutes } from "./omneo-incentives.api";
import { issueStorefrontToken, STOREFRONT_TOKEN_TTL_SECONDS } from "./storefront";
import { listQuery, parseListQuery, type ListQuery, type ListSpec } from "../platform/list-query";
import { listEnvelope } from "../platform/pagination";
import { serializePointAward } from "./views";
import { omneoListedBenefit, omneoListedReward } from "./omneo-views";
import type { Services } from "../services";
import type { InstanceRow } from "./lists";
import {
  AchievementProgressedSchema,
  AchievementViewSchema,
  BalancesSchema,
  BenefitViewSchema,
  LedgerEntryViewSchema,
  LotViewSchema,
  RedemptionResultSchema,
  RedemptionViewSchema,
  RewardViewSchema,
  TierViewSchema,
  VoidResultSchema,
} from "./profile-ledger/contract";

const conflict = conflictResponse("Not possible in the instance's current state");

// ── schemas: the responses are the ledger's own contract (profile-ledger/contract.ts) ──────────

const ProfileParam = IdParam;
const LedgerQuery = listQuery({
  paged: false,
  params: {
    "page[size]": z.string().optional().openapi({ description: "1 to 200 (default 50)" }),
    "page[before]": z.string().optional().openapi({ description: "meta.next_before of the previous page" }),
  },
});

function parseLedgerPage(q: { "page[size]"?: string; "page[before]"?: string }) {
  const size = q["page[size]"] === undefined ? 50 : Number(q["page[size]"]);
  if (!Number.isInteger(size) || size < 1 || size > 200) throw DomainError.field("page[size]", "page[size] must be a whole number from 1 to 200");
  const before = q["page[before]"] === undefined || q["page[before]"] === "" ? null : Number(q["page[before]"]);
  if (before !== null && (!Number.isInteger(before) || before < 1)) throw DomainError.field("page[before]", "page[before] must be a meta.next_before value");
  return { limit: size, before };
}

// ── Omneo's global lists: issued incentives across profiles, read from the D1 projection ──────

const PROFILE_FILTER = { ops: ["in"] as const, max: 2000, description: "Profile id (in: comma-separated)" };
const INSTANCE_STATUS = { ops: ["in"] as const, values: ["active", "redeemed", "expired", "void"], description: "active | redeemed | expired | void (in: comma-separated)" };
const REWARD_LIST: ListSpec = {
  filters: {
    profile_id: PROFILE_FILTER,
    reward_definition_id: { ops: ["in"], max: 2000, description: "Reward definition id" },
    status: INSTANCE_STATUS,
    external_id: { ops: ["in"], max: 2000, description: "The external_id given on POST /rewards or PUT /rewards/{id}" },
  },
  sorts: ["issued_at", "expires_at", "updated_at"],
};
const BENEFIT_LIST: ListSpec = {
  filters: {
    profile_id: PROFILE_FILTER,
    benefit_definition_id: { ops: ["in"], max: 2000, description: "Benefit definition id" },
    status: INSTANCE_STATUS,
    external_id: { ops: ["in"], max: 2000, description: "The external_id given on POST /benefits or PUT /benefits/{id}" },
  },
  sorts: ["issued_at", "expires_at", "updated_at"],
};
const POINT_LIST: ListSpec = {
  filters: { profile_id: PROFILE_FILTER, point_definition_id: { ops: ["in"], max: 2000, description: "Point definition id" } },
  sorts: ["created_at"],
};
/** What a page of Omneo's global list prints beside each row: its definition, Omneo's fields, the brand's zone. */
async function listContext(services: Services, kind: "reward" | "benefit", rows: InstanceRow[]) {
  const ids = [...new Set(rows.map((r) => r.definitionId))];
  const [defs, fields, config] = await Promise.all([
    Promise.all(ids.map(async (id) => [id, await services.definitions.find(kind, id)] as const)).then((pairs) => new Map(pairs)),
    services.incentiveLists.omneoFields(rows.map((r) => r.id)),
    services.definitions.engineConfig(),
  ]);
  return { defs, fields, timezone: config.timezone, now: services.clock.now() };
}

/** Every value a filter names, `filter[f]=v` and `filter[f][in]=a,b` together (undefined: no filter). */
const valuesOf = (q: ListQuery, field: string) => (q.filters[field]?.length ? q.filters[field].flatMap((c) => c.values) : undefined);

const GlobalRewardSchema = z
  .object({
    id: z.string(),
    profile_id: z.string(),
    reward_definition_id: z.string(),
    definition_version: z.number().int(),
    value_initial: z.number(),
    value_remaining: z.number(),
    status: z.string(),
    is_active: z.boolean(),
    is_expired: z.boolean(),
    issued_at: z.string().openapi({ description: 'Omneo\'s "YYYY-MM-DD HH:MM:SS", in UTC' }),
    expires_at: z.string().nullable(),
    updated_at: z.string(),
    external_id: z.string().nullable(),
    timezone: z.string(),
    definition: z.record(z.string(), z.unknown()),
  })
  .openapi("IssuedReward");
const GlobalBenefitSchema = z
  .object({
    id: z.string(),
    profile_id: z.string(),
    benefit_definition_id: z.string(),
    definition_version: z.number().int(),
    max_redemptions: z.number().int(),
    redemptions_remaining: z.number().int(),
    status: z.string(),
    is_redeemable: z.boolean(),
    is_expired: z.boolean(),
    issued_at: z.string().openapi({ description: 'Omneo\'s "YYYY-MM-DD HH:MM:SS", in the benefit\'s timezone' }),
    expires_at: z.string().nullable(),
    updated_at: z.string(),
    external_id: z.string().nullable(),
    timezone: z.string(),
    definition: z.record(z.string(), z.unknown()),
  })
  .openapi("IssuedBenefit");

export function registerLedgerRoutes(api: OpenAPIHono<AppEnv>): void {
  const tags = ["Incentives"];
  const actor = (c: { get(k: "auth"): AppEnv["Variables"]["auth"] }) => c.get("auth").actor;

  // ── the storefront: /profiles/me/* with a storefront token (checked in workers/api.ts) ─────

  const me = (c: { get(k: "storefrontProfileId"): string | undefined }) => {
    const id = c.get("storefrontProfileId");
    if (!id) throw new DomainError("unauthenticated", "Send a storefront token from POST /auth/storefront-tokens");
    return id;
  };
  const storefront = { security: [{ storefrontToken: [] }] };
  api.openAPIRegistry.registerComponent("securitySchemes", "storefrontToken", {
    type: "http",
    scheme: "bearer",
    description: "A short-lived storefront token from POST /auth/storefront-tokens, scoped to one profile",
  });
  api.openapi(
    createRoute({ method: "get", path: "/profiles/me/balances", tags: ["Storefront"], ...storefront, summary: "The signed-in shopper's balances (storefront token)", responses: { 200: ok(single(BalancesSchema), "Balances"), ...problemResponses } }),
    async (c) => c.json({ data: await c.get("services").ledger.balances(me(c)) }, 200),
  );
  api.openapi(
    createRoute({ method: "get", path: "/profiles/me/tiers", tags: ["Storefront"], ...storefront, request: { query: listQuery({ paged: false }) }, summary: "The shopper's tiers (storefront token)", responses: { 200: ok(single(z.array(TierViewSchema)), "Tiers"), ...problemResponses } }),
    async (c) => c.json({ data: await c.get("services").ledger.tiers(me(c)) }, 200),
  );
  api.openapi(
    createRoute({ method: "get", path: "/profiles/me/rewards", tags: ["Storefront"], ...storefront, request: { query: listQuery({ paged: false }) }, summary: "The shopper's rewards (storefront token)", responses: { 200: ok(single(z.array(RewardViewSchema)), "Rewards"), ...problemResponses } }),
    async (c) => c.json({ data: (await c.get("services").ledger.rewards(me(c))).filter((r) => r.status === "active") }, 200),
  );
  api.openapi(
    createRoute({ method: "get", path: "/profiles/me/benefits", tags: ["Storefront"], ...storefront, request: { query: listQuery({ paged: false }) }, summary: "The shopper's benefits (storefront token)", responses: { 200: ok(single(z.array(BenefitViewSchema)), "Benefits"), ...problemResponses } }),
    async (c) => c.json({ data: (await c.get("services").ledger.benefits(me(c))).filter((b) => b.status === "active") }, 200),
  );

  api.openapi(
    createRoute({
      method: "post",
      path: "/auth/storefront-tokens",
      tags: ["Storefront"],
      summary: "Trade an API token for a short-lived storefront token scoped to one profile",
      middleware: [requireScope("incentives:read")] as const,
      request: { body: json(StorefrontTokenInput) },
      responses: { 201: ok(single(z.object({ token: z.string(), expires_at: z.string(), profile_id: z.string() })), "The token"), ...problemResponses, ...notFoundResponse },
    }),
    async (c) => {
      const s = c.get("services");
      const body = c.req.valid("json");
      const profile = body.profile_id
        ? await s.profiles.resolve({ profileId: body.profile_id, handle: body.handle ?? null })
        : await s.profiles.resolve({ profileId: body.identifier!, handle: body.handle! });
      if (!profile || profile.type === "deleted") throw DomainError.field(body.profile_id ? "profile_id" : "identifier", "No live profile matches");
      const issued = await issueStorefrontToken(c.env, profile.id, s.clock.now(), body.ttl_seconds ?? STOREFRONT_TOKEN_TTL_SECONDS);
      c.header("Cache-Control", "no-store");
      return c.json({ data: { ...issued, profile_id: profile.id } }, 201);
    },
  );

  // ── balances and reads ───────────────────────────────────────────────────────────────────────

  api.openapi(
    createRoute({ method: "get", path: "/profiles/{id}/balances", tags, summary: "Balances, answered by the profile's ledger at the edge", middleware: [requireScope("incentives:read")] as const, request: { params: ProfileParam }, responses: { 200: ok(single(BalancesSchema), "Balances"), ...problemResponses, ...notFoundResponse } }),
    async (c) => c.json({ data: await c.get("services").ledger.balances(c.req.valid("param").id) }, 200),
  );
  api.openapi(
    createRoute({ method: "get", path: "/profiles/{id}/tiers", tags, summary: "Current tier, next tier, progress, remaining and dates, per ladder", middleware: [requireScope("incentives:read")] as const, request: { params: ProfileParam, query: listQuery({ paged: false }) }, responses: { 200: ok(single(z.array(TierViewSchema)), "Tiers"), ...problemResponses, ...notFoundResponse } }),
    async (c) => c.json({ data: await c.get("services").ledger.tiers(c.req.valid("param").id) }, 200),
  );
  api.openapi(
    createRoute({
      method: "put",
      path: "/profiles/{id}/tiers",
      tags,
      summary: "Assign a tier by hand (audited)",
      middleware: [requireScope("incentives:write")] as const,
      request: { params: ProfileParam, body: json(AssignTierInput) },
      responses: { 200: ok(single(TierViewSchema), "The ladder after the change"), ...problemResponses, ...notFoundResponse },
    }),
    async (c) => c.json({ data: await c.get("services").ledger.assignTier(c.req.valid("param").id, c.req.valid("json"), actor(c)) }, 200),
  );
  api.openapi(
    createRoute({
      method: "get",
      path: "/profiles/{id}/ledgers",
      tags,
      summary: "The append-only ledger, newest first; every entry names its source",
      middleware: [requireScope("incentives:read")] as const,
      request: { params: ProfileParam, query: LedgerQuery },
      responses: { 200: ok(z.object({ data: z.array(LedgerEntryViewSchema), meta: z.object({ per_page: z.number().int(), next_before: z.number().int().nullable() }) }), "Entries"), ...problemResponses, ...notFoundResponse },
    }),
    async (c) => {
      const page = parseLedgerPage(c.req.valid("query"));
      const { entries, next_before } = await c.get("services").ledger.ledger(c.req.valid("param").id, page);
      return c.json({ data: entries, meta: { per_page: page.limit, next_before } }, 200);
    },
  );

  // ── rewards ──────────────────────────────────────────────────────────────────────────────────

  api.openapi(
    createRoute({ method: "get", path: "/profiles/{id}/rewards", tags, summary: "Reward instances (all states)", middleware: [requireScope("incentives:read")] as const, request: { params: ProfileParam, query: listQuery({ paged: false }) }, responses: { 200: ok(single(z.array(RewardViewSchema)), "Rewards"), ...problemResponses, ...notFoundResponse } }),
    async (c) => c.json({ data: await c.get("services").ledger.rewards(c.req.valid("param").id) }, 200),
  );
  api.openapi(
    createRoute({
      method: "post",
      path: "/profiles/{id}/rewards",
      tags,
      summary: "Issue a reward by hand",
      middleware: [requireScope("incentives:write")] as const,
      request: { params: ProfileParam, headers: IdempotencyHeader, body: json(IssueRewardInput) },
      responses: { 201: ok(single(RewardViewSchema), "Issued"), ...problemResponses, ...notFoundResponse, ...conflict },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const reward = await c.get("services").ledger.issueReward(c.req.valid("param").id, { ...body, expires_at: body.expires_at ? new Date(body.expires_at) : null }, actor(c), c.req.header("Idempotency-Key"));
      return c.json({ data: reward }, 201);
    },
  );
  api.openapi(
    createRoute({ method: "post", path: "/profiles/{id}/rewards/{instance}/void", tags, summary: "Void a reward (kept, marked invalid)", middleware: [requireScope("incentives:write")] as const, request: { params: InstanceParams, body: json(VoidInput) }, responses: { 200: ok(single(VoidResultSchema), "Voided"), ...problemResponses, ...notFoundResponse } }),
    async (c) => {
      const { id, instance } = c.req.valid("param");
      return c.json({ data: await c.get("services").ledger.voidInstance(id, "reward", instance, c.req.valid("json").reason, actor(c)) }, 200);
    },
  );
  api.openapi(
    createRoute({ method: "post", path: "/profiles/{id}/rewards/{instance}/extend", tags, summary: "Extend a reward once (by the definition's period unless `days` is given)", middleware: [requireScope("incentives:write")] as const, request: { params: InstanceParams, body: json(ExtendInput) }, responses: { 200: ok(single(RewardViewSchema), "Extended"), ...problemResponses, ...notFoundResponse, ...conflict } }),
    async (c) => {
      const { id, instance } = c.req.valid("param");
      return c.json({ data: await c.get("services").ledger.extendReward(id, instance, c.req.valid("json").days ?? null, actor(c)) }, 200);
    },
  );

  // ── points ───────────────────────────────────────────────────────────────────────────────────

  api.openapi(
    createRoute({ method: "get", path: "/profiles/{id}/points", tags, summary: "Points lots (every award, what is left of it, its expiry)", middleware: [requireScope("incentives:read")] as const, request: { params: ProfileParam, query: listQuery({ paged: false }) }, responses: { 200: ok(single(z.array(LotViewSchema)), "Lots"), ...problemResponses, ...notFoundResponse } }),
    async (c) => c.json({ data: await c.get("services").ledger.points(c.req.valid("param").id) }, 200),
  );
  api.openapi(
    createRoute({
      method: "post",
      path: "/profiles/{id}/points",
      tags,
      summary: "Award points by hand",
      middleware: [requireScope("incentives:write")] as const,
      request: { params: ProfileParam, headers: IdempotencyHeader, body: json(IssuePointsInput) },
      responses: { 201: ok(single(LotViewSchema), "Awarded"), ...problemResponses, ...notFoundResponse, ...conflict },
    }),
    async (c) => c.json({ data: await c.get("services").ledger.issuePoints(c.req.valid("param").id, c.req.valid("json"), actor(c), c.req.header("Idempotency-Key")) }, 201),
  );
  api.openapi(
    createRoute({ method: "post", path: "/profiles/{id}/points/{instance}/void", tags, summary: "Void a points lot (what is left of it goes; the record stays)", middleware: [requireScope("incentives:write")] as const, request: { params: InstanceParams, body: json(VoidInput) }, responses: { 200: ok(single(VoidResultSchema), "Voided"), ...problemResponses, ...notFoundResponse } }),
    async (c) => {
      const { id, instance } = c.req.valid("param");
      return c.json({ data: await c.get("services").ledger.voidInstance(id, "points", instance, c.req.valid("json").reason, actor(c)) }, 200);
    },
  );

  // ── benefits ─────────────────────────────────────────────────────────────────────────────────

  api.openapi(
    createRoute({ method: "get", path: "/profiles/{id}/benefits", tags, summary: "Benefit instances (all states)", middleware: [requireScope("incentives:read")] as const, request: { params: ProfileParam, query: listQuery({ paged: false }) }, responses: { 200: ok(single(z.array(BenefitViewSchema)), "Benefits"), ...problemResponses, ...notFoundResponse } }),
    async (c) => c.json({ data: await c.get("services").ledger.benefits(c.req.valid("param").id) }, 200),
  );
  api.openapi(
    createRoute({
      method: "post",
      path: "/profiles/{id}/benefits",
      tags,
      summary: "Issue a benefit by hand",
      middleware: [requireScope("incentives:write")] as const,
      request: { params: ProfileParam, headers: IdempotencyHeader, body: json(IssueBenefitInput) },
      responses: { 201: ok(single(BenefitViewSchema), "Issued"), ...problemResponses, ...notFoundResponse, ...conflict },
    }),
    async (c) => c.json({ data: await c.get("services").ledger.issueBenefit(c.req.valid("param").id, c.req.valid("json"), actor(c), c.req.header("Idempotency-Key")) }, 201),
  );
  api.openapi(
    createRoute({ method: "post", path: "/profiles/{id}/benefits/claim", tags, summary: "Claim a claimable benefit the profile is eligible for", middleware: [requireScope("incentives:write")] as const, request: { params: ProfileParam, body: json(ClaimBenefitInput) }, responses: { 201: ok(single(BenefitViewSchema), "Claimed"), ...problemResponses, ...notFoundResponse, ...conflict } }),
    async (c) => c.json({ data: await c.get("services").ledger.claimBenefit(c.req.valid("param").id, c.req.valid("json").benefit_definition_id, actor(c)) }, 201),
  );
  api.openapi(
    createRoute({ method: "post", path: "/profiles/{id}/benefits/{instance}/redeem", tags, summary: "Redeem a benefit once (counts down its redemptions)", middleware: [requireScope("incentives:write")] as const, request: { params: InstanceParams, headers: IdempotencyHeader, body: { ...json(RedeemBenefitInput), required: false } }, responses: { 200: ok(single(BenefitViewSchema), "Redeemed"), ...problemResponses, ...notFoundResponse, ...conflict } }),
    async (c) => {
      const { id, instance } = c.req.valid("param");
      return c.json({ data: await c.get("services").ledger.redeemBenefit(id, instance, c.req.valid("json"), actor(c), c.req.header("Idempotency-Key")) }, 200);
    },
  );
  api.openapi(
    createRoute({ method: "post", path: "/profiles/{id}/benefits/{instance}/extend", tags, summary: "Extend a benefit once", middleware: [requireScope("incentives:write")] as const, request: { params: InstanceParams, body: json(ExtendInput) }, responses: { 200: ok(single(BenefitViewSchema), "Extended"), ...problemResponses, ...notFoundResponse, ...conflict } }),
    async (c) => {
      const { id, instance } = c.req.valid("param");
      return c.json({ data: await c.get("services").ledger.extendBenefit(id, instance, c.req.valid("json").days ?? null, actor(c)) }, 200);
    },
  );
  api.openapi(
    createRoute({ method: "post", path: "/profiles/{id}/benefits/{instance}/void", tags, summary: "Void a benefit (kept, marked invalid)", middleware: [requireScope("incentives:write")] as const, request: { params: InstanceParams, body: json(VoidInput) }, responses: { 200: ok(single(VoidResultSchema), "Voided"), ...problemResponses, ...notFoundResponse } }),
    async (c) => {
      const { id, instance } = c.req.valid("param");
      return c.json({ data: await c.get("services").ledger.voidInstance(id, "benefit", instance, c.req.valid("json").reason, actor(c)) }, 200);
    },
  );

  // ── achievements ─────────────────────────────────────────────────────────────────────────────

  api.openapi(
    createRoute({ method: "get", path: "/profiles/{id}/achievements", tags, summary: "Achievement counts and levels", middleware: [requireScope("incentives:read")] as const, request: { params: ProfileParam, query: listQuery({ paged: false }) }, responses: { 200: ok(single(z.array(AchievementViewSchema)), "Achievements"), ...problemResponses, ...notFoundResponse } }),
    async (c) => c.json({ data: await c.get("services").ledger.achievements(c.req.valid("param").id) }, 200),
  );
  api.openapi(
    createRoute({
      method: "post",
      path: "/profiles/{id}/achievements",
      tags,
      summary: "Progress an achievement by hand (count, default 1)",
      middleware: [requireScope("incentives:write")] as const,
      request: { params: ProfileParam, headers: IdempotencyHeader, body: json(ProgressAchievementInput) },
      responses: { 201: ok(single(AchievementProgressedSchema), "Progressed"), ...problemResponses, ...notFoundResponse },
    }),
    async (c) => c.json({ data: await c.get("services").ledger.progressAchievement(c.req.valid("param").id, c.req.valid("json"), actor(c), c.req.header("Idempotency-Key")) }, 201),
  );

  // ── earning for recorded history ────────────────────────────────────────────────────────────

  const BackfillJobSchema = z
    .object({ id: z.string(), status: z.string(), total: z.number().int(), processed: z.number().int(), succeeded: z.number().int(), failed: z.number().int(), created_at: z.string(), completed_at: z.string().nullable() })
    .openapi("BackfillJob");
  const backfillView = (j: { id: string; status: string; total: number; processed: number; succeeded: number; failed: number; createdAt: Date; completedAt: Date | null }) => ({
    id: j.id,
    status: j.status,
    total: j.total,
    processed: j.processed,
    succeeded: j.succeeded,
    failed: j.failed,
    created_at: j.createdAt.toISOString(),
    completed_at: j.completedAt?.toISOString() ?? null,
  });
  api.openapi(
    createRoute({
      method: "post",
      path: "/incentives/backfill",
      tags,
      summary: "Earn for every transaction already recorded (after importing history); each transaction earns once, so it is safe to repeat",
      middleware: [requireScope("*")] as const,
      responses: { 202: ok(single(BackfillJobSchema), "Started; poll GET /incentives/backfill/{id}"), ...problemResponses },
    }),
    async (c) => {
      const job = await c.get("services").ledger.startBackfill(actor(c));
      c.header("Location", `/api/v3/incentives/backfill/${job.id}`);
      return c.json({ data: backfillView(job) }, 202);
    },
  );
  api.openapi(
    createRoute({ method: "get", path: "/incentives/backfill/{id}", tags, summary: "A backfill job's progress", middleware: [requireScope("incentives:read")] as const, request: { params: IdParam }, responses: { 200: ok(single(BackfillJobSchema), "The job"), ...problemResponses, ...notFoundResponse } }),
    async (c) => c.json({ data: backfillView(await c.get("services").ledger.backfillJob(c.req.valid("param").id)) }, 200),
  );

  // ── redemptions ──────────────────────────────────────────────────────────────────────────────

  api.openapi(
    createRoute({
      method: "post",
      path: "/profiles/{id}/redemptions",
      tags,
      summary: "Redeem an amount from rewards and/or points by strategy, nearest expiry first; all or nothing",
      middleware: [requireScope("incentives:write")] as const,
      request: { params: ProfileParam, headers: IdempotencyHeader, body: json(RedemptionInput) },
      responses: { 201: ok(single(RedemptionResultSchema), "Redeemed: what came from where, and the balances after"), ...problemResponses, ...notFoundResponse },
    }),
    async (c) => {
      const { redemption, balances } = await c.get("services").ledger.redeem(c.req.valid("param").id, c.req.valid("json"), actor(c), c.req.header("Idempotency-Key"));
      return c.json({ data: { ...redemption, balances } }, 201);
    },
  );
  api.openapi(
    createRoute({ method: "get", path: "/redemptions/{id}", tags, summary: "One redemption", middleware: [requireScope("incentives:read")] as const, request: { params: IdParam }, responses: { 200: ok(single(RedemptionViewSchema), "Redemption"), ...problemResponses, ...notFoundResponse } }),
    async (c) => c.json({ data: await c.get("services").ledger.redemption(c.req.valid("param").id) }, 200),
  );
  api.openapi(
    createRoute({
      method: "post",
      path: "/redemptions/{id}/reversal",
      tags,
      summary: "Reverse a redemption within 10 minutes: restores exactly what it took",
      middleware: [requireScope("incentives:write")] as const,
      request: { params: IdParam },
      responses: { 200: ok(single(RedemptionResultSchema), "Reversed"), ...problemResponses, ...notFoundResponse, ...conflict },
    }),
    async (c) => {
      const { redemption, balances } = await c.get("services").ledger.reverse(c.req.valid("param").id, actor(c));
      return c.json({ data: { ...redemption, balances } }, 200);
    },
  );

  // ── Omneo's global lists (across profiles; the D1 projection, so a moment behind the ledger) ──

  const instanceSort = (q: ListQuery) => q.sort as Array<{ field: "issued_at" | "expires_at" | "updated_at"; desc: boolean }>;
  api.openapi(
    createRoute({ method: "get", path: "/rewards", tags, summary: "Reward instances across profiles, newest first (Omneo's list; filter[profile_id] for one member)", middleware: [requireScope("incentives:read")] as const, request: { query: listQuery(REWARD_LIST) }, responses: { 200: ok(listOf(GlobalRewardSchema), "Rewards"), ...problemResponses } }),
    async (c) => {
      const q = parseListQuery(c.req.valid("query"));
      const services = c.get("services");
      const filter = { profileIds: valuesOf(q, "profile_id"), definitionIds: valuesOf(q, "reward_definition_id"), statuses: valuesOf(q, "status"), externalIds: valuesOf(q, "external_id"), sort: instanceSort(q) };
      const { rows, total } = await services.incentiveLists.listInstances("reward", filter, q.page);
      const { defs, fields, timezone, now } = await listContext(services, "reward", rows);
      const data = rows.map((r) => omneoListedReward(r, defs.get(r.definitionId) as never, fields.get(r.id)?.timezone ?? timezone, now, fields.get(r.id)?.externalId ?? null));
      return c.json(listEnvelope(data, total, q.page, c.req.url), 200);
    },
  );
  api.openapi(
    createRoute({ method: "get", path: "/benefits", tags, summary: "Benefit instances across profiles, newest first (Omneo's list; filter[profile_id] for one member)", middleware: [requireScope("incentives:read")] as const, request: { query: listQuery(BENEFIT_LIST) }, responses: { 200: ok(listOf(GlobalBenefitSchema), "Benefits"), ...problemResponses } }),
    async (c) => {
      const q = parseListQuery(c.req.valid("query"));
      const services = c.get("services");
      const filter = { profileIds: valuesOf(q, "profile_id"), definitionIds: valuesOf(q, "benefit_definition_id"), statuses: valuesOf(q, "status"), externalIds: valuesOf(q, "external_id"), sort: instanceSort(q) };
      const { rows, total } = await services.incentiveLists.listInstances("benefit", filter, q.page);
      const { defs, fields, timezone, now } = await listContext(services, "benefit", rows);
      const data = rows.map((b) => omneoListedBenefit(b, defs.get(b.definitionId) as never, fields.get(b.id)?.timezone ?? timezone, now, fields.get(b.id)?.externalId ?? null));
      return c.json(listEnvelope(data, total, q.page, c.req.url), 200);
    },
  );
  api.openapi(
    createRoute({ method: "get", path: "/points", tags, summary: "Points awards (earned or issued) across profiles, newest first (Omneo's list); what remains of each is in GET /profiles/{id}/points", middleware: [requireScope("incentives:read")] as const, request: { query: listQuery(POINT_LIST) }, responses: { 200: ok(listOf(PointAwardSchema), "Points awards"), ...problemResponses } }),
    async (c) => {
      const q = parseListQuery(c.req.valid("query"));
      const { rows, total } = await c.get("services").incentiveLists.listPointAwards({ profileIds: valuesOf(q, "profile_id"), definitionIds: valuesOf(q, "point_definition_id"), sort: q.sort as Array<{ field: "created_at"; desc: boolean }> }, q.page);
      return c.json(listEnvelope(rows.map(serializePointAward), total, q.page, c.req.url), 200);
    },
  );
  api.openapi(
    createRoute({ method: "get", path: "/profiles/{id}/rewards/{instance}", tags, summary: "One reward instance of a profile (Omneo's GET /profiles/{id}/rewards/{rewardId})", middleware: [requireScope("incentives:read")] as const, request: { params: InstanceParams }, responses: { 200: ok(single(RewardViewSchema), "The reward"), ...problemResponses, ...notFoundResponse } }),
    async (c) => {
      const { id, instance } = c.req.valid("param");
      const reward = (await c.get("services").ledger.rewards(id)).find((r) => r.id === instance);
      if (!reward) throw new DomainError("not_found", `Profile ${id} has no reward ${instance}`);
      return c.json({ data: reward }, 200);
    },
  );

  // Omneo's global creates, reads by id, extend, count, combined redeem and tier calculate/assign
  registerOmneoIncentiveRoutes(api);
}
