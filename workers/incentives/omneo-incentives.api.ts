// Omneo's incentive routes the SDK calls outside a profile's own paths: global creates (POST /rewards,
// /benefits, /points), a reward or benefit by its id alone, /benefits/extend and /benefits.count, a points
// award by id, a profile's combined-balance redeem, and tiers/calculate and tiers/assign. Handlers parse
// and call one OmneoIncentives method (omneo-incentives.service.ts), which calls the ledger service.
// See docs/omneo-compat.md for what each accepts, honours and refuses.
import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { requireScope } from "../access/guards";
import { IdempotencyHeader, IdParam, json, notFoundResponse, ok, problemResponses, single, conflictResponse } from "../platform/api-schemas";
import { amount } from "../platform/zod";
import type { AppEnv } from "../api-env";
import { BalancesSchema, InstanceParams, PointAwardSchema } from "./ledger.schema";
import { RedemptionViewSchema } from "./profile-ledger/contract";

const conflict = conflictResponse("Not possible in the instance's current state");
const deleted = { 204: { description: "Deleted (voided: the record and its ledger entries stay; reads by id answer 404)" } } as const;

// ── inputs ───────────────────────────────────────────────────────────────────────────────────

/** Omneo sends ids as numbers; ours are strings, so a number is read as its text. */
const anId = (field: string) =>
  z
    .union([z.string().trim().min(1, `${field} is required`).max(100), z.number().int()], { error: `${field} is required` })
    .transform(String)
    .openapi({ type: "string" });
const OmneoDate = (field: string) =>
  z
    .string({ error: `${field} must be a date-time` })
    .trim()
    .max(40)
    .openapi({ description: '"YYYY-MM-DD HH:MM:SS" or "YYYY-MM-DD" (read in `timezone`, else the brand\'s), or ISO 8601 with offset', example: "2025-06-30 23:59:59" });
const zoned = {
  timezone: z.string().trim().min(1).max(64).optional().openapi({ description: "IANA zone the body's local date-times are read in (default: the brand's)" }),
  issued_at: OmneoDate("issued_at").optional().openapi({ description: "Default now; a past time back-dates the issue (a default expiry counts from it); never in the future" }),
  external_id: z.string().trim().min(1).max(191).optional().openapi({ description: "Kept on the instance (filter[external_id] on GET /benefits), and makes the create idempotent: the same external_id again answers the same instance" }),
};
/** An Omneo field this API does not take: declared (so the document lists it) and refused with a reason. */
/** A field of Omneo's body refused with its reason (the superRefine below names it); documented as `not: {}`: no value is valid. */
const refused = (why: string) => z.unknown().optional().openapi({ not: {}, description: `Refused (422): ${why}` });
const refuse =
  (fields: Record<string, string>) =>
  (v: Record<string, unknown>, ctx: z.RefinementCtx) => {
    for (const [field, why] of Object.entries(fields)) if (v[field] !== undefined) ctx.addIssue({ code: "custom", path: [field], message: why });
  };
const POINTS_EXPIRY = "expires_at cannot be set per award: points expire by their definition";
const profileId = z.string({ error: "profile_id is required" }).trim().min(1, "profile_id is required").max(191);

const OmneoRewardInput = z
  .object({
    profile_id: profileId,
    reward_definition_id: anId("reward_definition_id"),
    value_initial: amount("value_initial")
      .refine((c) => c > 0, "value_initial must be greater than 0")
      .optional()
      .openapi({ description: "Dollars; default: the definition's value" }),
    value_remaining: amount("value_remaining").optional().openapi({ description: "Must equal value_initial (a new reward has spent nothing)" }),
    expires_at: OmneoDate("expires_at").optional().openapi({ description: "Default: the definition's period from issued_at; after issued_at (with no issued_at: in the future)" }),
    ...zoned,
  })
  .openapi("OmneoRewardInput");
const OmneoRewardUpdate = z
  .object({
    value_initial: amount("value_initial", { nonNegative: true }).optional().openapi({ description: "Dollars, 0 or more" }),
    value_remaining: amount("value_remaining", { nonNegative: true }).optional().openapi({ description: "Dollars, 0 or more; the balance moves by the change while the reward is live" }),
    expires_at: OmneoDate("expires_at").nullish().openapi({ description: "A new expiry (read in timezone); in the past it expires the reward now, null: never" }),
    external_id: z.string().trim().min(1).max(191).nullish(),
    timezone: zoned.timezone,
  })
  .openapi("OmneoRewardUpdate");
const OmneoBenefitInput = z
  .object({
    profile_id: profileId,
    benefit_definition_id: anId("benefit_definition_id"),
    expires_at: OmneoDate("expires_at").nullish().openapi({ description: "Its own expiry instead of the definition's period (read in timezone; may be past: it is then expired); null: never" }),
    ...zoned,
  })
  .openapi("OmneoBenefitInput");
const OmneoBenefitUpdate = z
  .object({
    expires_at: OmneoDate("expires_at").nullish().openapi({ description: "A new expiry (read in timezone); in the past it expires the benefit now, in the future an expired one is active again; null: never" }),
    external_id: z.string().trim().min(1).max(191).nullish(),
    timezone: zoned.timezone,
  })
  .openapi("OmneoBenefitUpdate");
const OmneoPointsInput = z
  .object({
    profile_id: profileId,
    point_definition_id: anId("point_definition_id"),
    value_initial: z.number({ error: "value_initial must be a whole number of points" }).int("value_initial must be a whole number of points").min(1, "value_initial must be at least 1").max(100_000_000),
    value_remaining: z.number({ error: "value_remaining must be a whole number of points" }).int("value_remaining must be a whole number of points").optional(),
    expires_at: refused(POINTS_EXPIRY),
    description: z.string().trim().min(1).max(500).optional().openapi({ description: "Recorded as the award's reason" }),
    ...zoned,
  })
  .superRefine(refuse({ expires_at: POINTS_EXPIRY }))
  .openapi("OmneoPointsInput");
const ExtendBenefitsInput = z
  .object({
    profile_id: profileId,
    ids: z.array(anId("ids"), { error: "ids must be a list of benefit ids" }).min(1, "ids must not be empty").max(50, "ids holds at most 50 benefits"),
    extend_days: z.number({ error: "extend_days must be a whole number" }).int("extend_days must be a whole number").min(1).max(3650).optional().openapi({ description: "Days after each benefit's current expiry" }),
    extend_date: OmneoDate("extend_date").optional().openapi({ description: "The new expiry (read in each benefit's timezone)" }),
  })
  .superRefine((v, ctx) => {
    if (v.extend_days === undefined && v.extend_date === undefined) ctx.addIssue({ code: "custom", path: ["extend_days"], message: "Send extend_days (days after each benefit's current expiry) or extend_date (the new expiry)" });
    if (v.extend_days !== undefined && v.extend_date !== undefined) ctx.addIssue({ code: "custom", path: ["extend_date"], message: "Send extend_days or extend_date, not both" });
  })
  .openapi("ExtendBenefitsInput");
const CombinedRedeemInput = z
  .object({
    amount: amount("amount").refine((c) => c > 0, "amount must be greater than 0").openapi({ description: "Dollars, from rewards first (nearest expiry) then reward points" }),
    transaction_external_id: z.string().trim().min(1).max(191).nullish(),
  })
  .openapi("OmneoRedeemInput");
const AssignTierByHandleInput = z.object({ tier: z.string({ error: "tier is required" }).trim().min(1, "tier is required").max(100).openapi({ description: "The tier definition's handle" }) }).openapi("OmneoAssignTierInput");

// ── responses ────────────────────────────────────────────────────────────────────────────────

const Definition = z.record(z.string(), z.unknown()).openapi({ description: "The definition, as GET /…/definitions/{id} answers it, with period_type" });
const OmneoRewardSchema = z
  .object({
    id: z.string(),
    profile_id: z.string(),
    reward_definition_id: z.string(),
    external_id: z.string().nullable(),
    timezone: z.string(),
    value_initial: z.number(),
    value_remaining: z.number(),
    status: z.string(),
    is_active: z.boolean(),
    is_expired: z.boolean(),
    issued_at: z.string(),
    expires_at: z.string().nullable(),
    issued_local_at: z.string(),
    expires_local_at: z.string().nullable(),
    extended_at: z.string().nullable(),
    definition: Definition,
    reason: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi("OmneoReward");
const OmneoBenefitSchema = z
  .object({
    id: z.string(),
    profile_id: z.string(),
    benefit_definition_id: z.string(),
    external_id: z.string().nullable(),
    timezone: z.string(),
    status: z.string(),
    max_redemptions: z.number().int(),
    redemptions_used: z.number().int(),
    redemptions_remaining: z.number().int(),
    is_redeemable: z.boolean(),
    is_expired: z.boolean(),
    issued_at: z.string(),
    expires_at: z.string().nullable(),
    claimed_at: z.string().nullable(),
    extended_at: z.string().nullable(),
    definition: Definition,
    reason: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi("OmneoBenefit");
const Tier = z.record(z.string(), z.unknown()).nullable();
const TierProgressSchema = z
  .object({
    id: z.string(),
    profile_id: z.string(),
    point_definition_id: z.string(),
    current_tier: Tier,
    next_tier: Tier,
    prev_tier: Tier,
    is_floor: z.boolean(),
    current_credit: z.number().int(),
    current_progress: z.number().int(),
    current_remain: z.number().int(),
    next_progress: z.number().int(),
    next_remain: z.number().int().nullable(),
    total_points_12m: z.number().int(),
    total_points_achievement: z.number().nullable().openapi({ description: "Not modelled: always null" }),
    next_progress_change_at: z.string().nullable().openapi({ description: "Not modelled: always null" }),
    anniversary_at: z.string().nullable(),
    maintained_at: z.string().nullable().openapi({ description: "Not modelled: always null" }),
    assigned_at: z.string().nullable().openapi({ description: "Not modelled: always null" }),
    achieved_at: z.string().nullable(),
    created_at: z.string().nullable(),
    updated_at: z.string().nullable(),
  })
  .openapi("OmneoTierProgress");
const OmneoRedeemSchema = RedemptionViewSchema.extend({ total: z.number(), total_localised: z.number(), balances: BalancesSchema, updated_at: z.string() }).openapi("OmneoRedeem");


export function registerOmneoIncentiveRoutes(api: OpenAPIHono<AppEnv>): void {
  const tags = ["Incentives"];
  const read = requireScope("incentives:read");
  const write = requireScope("incentives:write");

  // ── rewards ──────────────────────────────────────────────────────────────────────────────────

  api.openapi(
    createRoute({
      method: "post",
      path: "/rewards",
      tags,
      summary: "Issue a reward to a profile (Omneo's body: profile_id, reward_definition_id, value_initial …)",
      middleware: [write] as const,
      request: { headers: IdempotencyHeader, body: json(OmneoRewardInput, ["meta"]) },
      responses: { 201: ok(single(OmneoRewardSchema), "Issued"), ...problemResponses, ...notFoundResponse, ...conflict },
    }),
    async (c) => c.json({ data: await c.get("services").omneoIncentives.createReward(c.req.valid("json"), c.get("auth").actor, c.req.header("Idempotency-Key")) }, 201),
  );
  api.openapi(
    createRoute({ method: "get", path: "/rewards/{id}", tags, summary: "One reward by its id (a deleted one answers 404)", middleware: [read] as const, request: { params: IdParam }, responses: { 200: ok(single(OmneoRewardSchema), "The reward"), ...problemResponses, ...notFoundResponse } }),
    async (c) => c.json({ data: await c.get("services").omneoIncentives.reward(c.req.valid("param").id) }, 200),
  );
  api.openapi(
    createRoute({
      method: "put",
      path: "/rewards/{id}",
      tags,
      summary: "Change a reward's values, expiry or external_id (Omneo's PUT; what is left out stays)",
      middleware: [write] as const,
      request: { params: IdParam, body: json(OmneoRewardUpdate, ["meta"]) },
      responses: { 200: ok(single(OmneoRewardSchema), "The reward"), ...problemResponses, ...notFoundResponse, ...conflict },
    }),
    async (c) => c.json({ data: await c.get("services").omneoIncentives.updateReward(c.req.valid("param").id, c.req.valid("json"), c.get("auth").actor) }, 200),
  );
  api.openapi(
    createRoute({ method: "delete", path: "/rewards/{id}", tags, summary: "Delete a reward: it is voided (kept in the ledger, gone from reads by id)", middleware: [write] as const, request: { params: IdParam }, responses: { ...deleted, ...problemResponses, ...notFoundResponse } }),
    async (c) => {
      await c.get("services").omneoIncentives.deleteReward(c.req.valid("param").id, c.get("auth").actor);
      return c.body(null, 204);
    },
  );

  // ── benefits ─────────────────────────────────────────────────────────────────────────────────

  api.openapi(
    createRoute({
      method: "post",
      path: "/benefits",
      tags,
      summary: "Issue a benefit to a profile (Omneo's body: profile_id, benefit_definition_id …)",
      middleware: [write] as const,
      request: { headers: IdempotencyHeader, body: json(OmneoBenefitInput, ["meta", "value"]) },
      responses: { 201: ok(single(OmneoBenefitSchema), "Issued"), ...problemResponses, ...notFoundResponse, ...conflict },
    }),
    async (c) => c.json({ data: await c.get("services").omneoIncentives.createBenefit(c.req.valid("json"), c.get("auth").actor, c.req.header("Idempotency-Key")) }, 201),
  );
  api.openapi(
    createRoute({ method: "get", path: "/benefits.count", tags, summary: "Benefits issued (not deleted) and those redeemed at least once", middleware: [read] as const, responses: { 200: ok(single(z.object({ countAll: z.number().int(), countRedeemed: z.number().int() })), "Counts"), ...problemResponses } }),
    async (c) => c.json({ data: await c.get("services").omneoIncentives.benefitCount() }, 200),
  );
  api.openapi(
    createRoute({
      method: "post",
      path: "/benefits/extend",
      tags,
      summary: "Extend some of a profile's benefits to extend_date or by extend_days after each one's expiry (each once, also an expired one; all or none)",
      middleware: [write] as const,
      request: { body: json(ExtendBenefitsInput) },
      responses: { 200: ok(single(z.array(OmneoBenefitSchema)), "Extended"), ...problemResponses, ...notFoundResponse, ...conflict },
    }),
    async (c) => {
      const body = c.req.valid("json");
      return c.json({ data: await c.get("services").omneoIncentives.extendBenefits(body, c.get("auth").actor) }, 200);
    },
  );
  api.openapi(
    createRoute({ method: "get", path: "/benefits/{id}", tags, summary: "One benefit by its id (a deleted one answers 404)", middleware: [read] as const, request: { params: IdParam }, responses: { 200: ok(single(OmneoBenefitSchema), "The benefit"), ...problemResponses, ...notFoundResponse } }),
    async (c) => c.json({ data: await c.get("services").omneoIncentives.benefit(c.req.valid("param").id) }, 200),
  );
  api.openapi(
    createRoute({
      method: "put",
      path: "/benefits/{id}",
      tags,
      summary: "Change a benefit's expiry or external_id (Omneo's PUT; what is left out stays)",
      middleware: [write] as const,
      request: { params: IdParam, body: json(OmneoBenefitUpdate, ["meta"]) },
      responses: { 200: ok(single(OmneoBenefitSchema), "The benefit"), ...problemResponses, ...notFoundResponse, ...conflict },
    }),
    async (c) => c.json({ data: await c.get("services").omneoIncentives.updateBenefit(c.req.valid("param").id, c.req.valid("json"), c.get("auth").actor) }, 200),
  );
  api.openapi(
    createRoute({ method: "delete", path: "/benefits/{id}", tags, summary: "Delete a benefit: it is voided (kept in the ledger, gone from reads by id)", middleware: [write] as const, request: { params: IdParam }, responses: { ...deleted, ...problemResponses, ...notFoundResponse } }),
    async (c) => {
      await c.get("services").omneoIncentives.deleteBenefit(c.req.valid("param").id, c.get("auth").actor);
      return c.body(null, 204);
    },
  );
  api.openapi(
    createRoute({ method: "get", path: "/profiles/{id}/benefits/{instance}", tags, summary: "One benefit of a profile (404 for another profile's)", middleware: [read] as const, request: { params: InstanceParams }, responses: { 200: ok(single(OmneoBenefitSchema), "The benefit"), ...problemResponses, ...notFoundResponse } }),
    async (c) => {
      const { id, instance } = c.req.valid("param");
      return c.json({ data: await c.get("services").omneoIncentives.benefit(instance, id) }, 200);
    },
  );
  api.openapi(
    createRoute({ method: "delete", path: "/profiles/{id}/benefits/{instance}", tags, summary: "Delete one of a profile's benefits (voided)", middleware: [write] as const, request: { params: InstanceParams }, responses: { ...deleted, ...problemResponses, ...notFoundResponse } }),
    async (c) => {
      const { id, instance } = c.req.valid("param");
      await c.get("services").omneoIncentives.deleteBenefit(instance, c.get("auth").actor, id);
      return c.body(null, 204);
    },
  );

  // ── points ───────────────────────────────────────────────────────────────────────────────────

  api.openapi(
    createRoute({
      method: "post",
      path: "/points",
      tags,
      summary: "Award whole points to a profile (Omneo's body: profile_id, point_definition_id, value_initial …)",
      middleware: [write] as const,
      request: { headers: IdempotencyHeader, body: json(OmneoPointsInput, ["meta"]) },
      responses: { 201: ok(single(PointAwardSchema), "Awarded, as GET /points lists it"), ...problemResponses, ...notFoundResponse, ...conflict },
    }),
    async (c) => c.json({ data: await c.get("services").omneoIncentives.createPoints(c.req.valid("json"), c.get("auth").actor, c.req.header("Idempotency-Key")) }, 201),
  );
  api.openapi(
    createRoute({ method: "get", path: "/points/{id}", tags, summary: "One points award by its id, as GET /points lists it", middleware: [read] as const, request: { params: IdParam }, responses: { 200: ok(single(PointAwardSchema), "The award"), ...problemResponses, ...notFoundResponse } }),
    async (c) => c.json({ data: await c.get("services").omneoIncentives.pointAward(c.req.valid("param").id) }, 200),
  );

  // ── a profile's combined redeem and tiers ────────────────────────────────────────────────────

  api.openapi(
    createRoute({
      method: "post",
      path: "/profiles/{id}/redeem",
      tags,
      summary: "Redeem an amount from the combined balance: rewards (nearest expiry first), then reward points; all or nothing",
      middleware: [write] as const,
      request: { params: IdParam, headers: IdempotencyHeader, body: json(CombinedRedeemInput, ["meta"]) },
      responses: { 201: ok(single(OmneoRedeemSchema), "Redeemed"), ...problemResponses, ...notFoundResponse, ...conflict },
    }),
    async (c) => c.json({ data: await c.get("services").omneoIncentives.redeem(c.req.valid("param").id, c.req.valid("json"), c.get("auth").actor, c.req.header("Idempotency-Key")) }, 201),
  );
  api.openapi(
    createRoute({
      method: "get",
      path: "/profiles/{id}/tiers/calculate",
      tags,
      summary: "The profile's tier progress in Omneo's shape (the ladder where it holds a tier, else the first); the ledger keeps it current on every points change",
      middleware: [read] as const,
      request: { params: IdParam },
      responses: { 200: ok(single(TierProgressSchema), "Tier progress"), ...problemResponses, ...notFoundResponse },
    }),
    async (c) => c.json({ data: await c.get("services").omneoIncentives.calculateTier(c.req.valid("param").id) }, 200),
  );
  api.openapi(
    createRoute({
      method: "post",
      path: "/profiles/{id}/tiers/assign",
      tags,
      summary: "Assign a tier by its handle (audited); answers that ladder's progress",
      middleware: [write] as const,
      request: { params: IdParam, body: json(AssignTierByHandleInput) },
      responses: { 200: ok(single(TierProgressSchema), "Tier progress"), ...problemResponses, ...notFoundResponse, ...conflict },
    }),
    async (c) => c.json({ data: await c.get("services").omneoIncentives.assignTier(c.req.valid("param").id, c.req.valid("json").tier, c.get("auth").actor) }, 200),
  );
}
