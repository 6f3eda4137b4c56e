// Contracts of incentive definitions (rewards, points, earn rates, benefits, tiers, achievements) shared
// by the API, the console's forms and the OpenAPI document. Single-field rules live here (each naming
// its field); rules that need another field or the database (kind vs points_per_dollar, a ladder, an
// unlock's benefit) are the service's.
import { z } from "@hono/zod-openapi";
import { ACHIEVEMENT_TRIGGERS, ACHIEVEMENT_VISIBILITY, POINT_KINDS, REWARD_TYPES } from "./schema";
import { amount, Timezone } from "../platform/zod";
import { levelsErrors, type AchievementLevels } from "./rules/achievements";
import { WEEKDAY_NAMES } from "../platform/time";
import { conditionErrors } from "./rules/conditions";
import { expiryErrors, PERIOD_TYPES, type PeriodType as PeriodTypeValue } from "./rules/expiry";

export const DEFINITION_TYPES = ["reward", "point", "benefit", "tier", "achievement"] as const;
export type DefinitionType = (typeof DEFINITION_TYPES)[number];

export const MAX_NOTIFICATION_OFFSETS = 10;
export const MAX_UNLOCKS = 50;

// ── shared pieces ───────────────────────────────────────────────────────────────────────────────

const Name = z.string({ error: "name is required" }).trim().min(1, "name is required").max(200, "name must be at most 200 characters");

const Handle = z
  .string({ error: "handle must be a string" })
  .trim()
  .min(1, "handle must not be empty")
  .max(64, "handle must be at most 64 characters")
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "handle may contain letters, digits, '-', '_' and '.'")
  .transform((h) => h.toLowerCase())
  .openapi({ type: "string", example: "birthday-10", description: "Unique per definition type; derived from the name when absent" });

const Description = z
  .string({ error: "description must be a string" })
  .trim()
  .max(2000, "description must be at most 2000 characters")
  .transform((v) => (v === "" ? null : v))
  .nullish();

const Bool = (field: string) => z.boolean({ error: `${field} must be true or false` });

const WholeNumber = (field: string, min: number, max = 1_000_000_000) =>
  z
    .number({ error: `${field} must be a whole number` })
    .int(`${field} must be a whole number`)
    .min(min, `${field} must be at least ${min}`)
    .max(max, `${field} must be at most ${max}`);

/** A JSON Logic condition, checked by conditionErrors; every problem is named under the field. */
const Condition = (field: string) =>
  z
    .unknown()
    .superRefine((v, ctx) => {
      if (v === null || v === undefined) return;
      for (const message of conditionErrors(v)) ctx.addIssue({ code: "custom", message: `${field}: ${message}` });
    })
    .openapi({ type: "object", example: { "==": [{ var: "type" }, "active"] }, description: "JSON Logic; null or absent: no condition" });

const Period = z
  .number({ error: "period must be a whole number of days" })
  .nullish()
  .superRefine((v, ctx) => {
    for (const message of expiryErrors({ periodDays: v }).period ?? []) ctx.addIssue({ code: "custom", message });
  })
  .openapi({ type: "integer", description: "Days after issue (expires at the end of that local day)" });

const AbsoluteExpiry = z
  .string({ error: "absolute_expiry must be a date (YYYY-MM-DD) or a date-time" })
  .trim()
  .transform((v) => (v === "" ? null : v))
  .superRefine((v, ctx) => {
    if (!v) return;
    const policy = /^\d{4}-\d{2}-\d{2}$/.test(v) ? { absoluteExpiry: v } : { absoluteExpiry: new Date(/T/.test(v) ? v : "invalid") };
    for (const message of expiryErrors(policy).absolute_expiry ?? []) ctx.addIssue({ code: "custom", message });
  })
  .transform((v) => (v && !/^\d{4}-\d{2}-\d{2}$/.test(v) ? new Date(v).toISOString() : v))
  .nullish()
  .openapi({ type: "string", example: "2025-12-31", description: "A date (end of that local day) or an ISO date-time" });

const DateTime = (field: string) =>
  z.iso
    .datetime({ offset: true, error: `${field} must be an ISO 8601 date-time such as 2024-05-01T10:30:00+10:00` })
    .transform((s) => new Date(s).toISOString());

// ── rewards ─────────────────────────────────────────────────────────────────────────────────────

/** Omneo's period types this model keeps (rules/expiry); absolute_* ones are refused with a pointer to absolute_expiry. */
export { PERIOD_TYPES };
const OMNEO_ABSOLUTE_PERIOD_TYPES = ["absolute_date", "absolute_week", "absolute_month"];
const PeriodType = z
  .string({ error: `period_type must be one of ${PERIOD_TYPES.join(", ")}` })
  .superRefine((v, ctx) => {
    if ((PERIOD_TYPES as readonly string[]).includes(v)) return;
    ctx.addIssue({ code: "custom", message: OMNEO_ABSOLUTE_PERIOD_TYPES.includes(v) ? `period_type ${v} is not supported here: give the period in ${PERIOD_TYPES.join(", ")}, or an absolute_expiry date` : `period_type must be one of ${PERIOD_TYPES.join(", ")} (got ${JSON.stringify(v)})` });
  })
  .transform((v) => v as PeriodTypeValue)
  .nullish()
  .openapi({ type: "string", enum: [...PERIOD_TYPES], description: "The unit of period (Omneo's field): days (default), weeks, or calendar months and years (expires at the end of the same local day N months or years after issue; the 31st becomes the month's last day)" });

/** A target named by id or handle, fired on a reward's issue, expiry reminders or extension. */
const TargetRef = (field: string) =>
  z
    .union([z.string().trim().min(1).max(100), z.number().int()], { error: `${field} must be a target's id or handle` })
    .transform((v) => String(v))
    .nullish()
    .openapi({ type: "string", description: `A target's id or handle (Settings → Targets); null: none` });

const rewardFields = {
  name: Name,
  handle: Handle.optional(),
  description: Description,
  type: z.enum(REWARD_TYPES, { error: `type must be one of ${REWARD_TYPES.join(", ")}` }).optional(),
  value: amount("value").refine((c) => c > 0, "value must be more than 0"),
  period: Period,
  absolute_expiry: AbsoluteExpiry,
  is_extendable: Bool("is_extendable").optional(),
  is_published: Bool("is_published").optional(),
  notification_offsets: z
    .array(WholeNumber("notification_offsets", 0, 3650), { error: "notification_offsets must be a list of whole days, like [7, 1]" })
    .max(MAX_NOTIFICATION_OFFSETS, `notification_offsets may list at most ${MAX_NOTIFICATION_OFFSETS} days`)
    .transform((days) => [...new Set(days)].sort((a, b) => b - a))
    .optional()
    .openapi({ description: "Days before expiry to fire reward.expiring" }),
  period_type: PeriodType,
  issue_target_id: TargetRef("issue_target_id").openapi({ description: "Target sent each reward of this definition when it is issued (after notify_issue_offset_days)" }),
  expiry_target_id: TargetRef("expiry_target_id").openapi({ description: "Target sent on each expiry reminder (reward.expiring, at notification_offsets)" }),
  extend_target_id: TargetRef("extend_target_id").openapi({ description: "Target sent when a reward is extended (after notify_extend_offset_days)" }),
  notify_issue_offset_days: WholeNumber("notify_issue_offset_days", 0, 365).nullish().openapi({ description: "Days after issue to send the issue target (default 0: at once)" }),
  notify_extend_offset_days: WholeNumber("notify_extend_offset_days", 0, 365).nullish().openapi({ description: "Days after an extension to send the extend target (default 0: at once)" }),
};
export const RewardDefinitionInput = z.object(rewardFields).openapi("RewardDefinitionInput");
export type RewardDefinitionInput = z.output<typeof RewardDefinitionInput>;
export const UpdateRewardDefinitionInput = z.object(rewardFields).partial().openapi("UpdateRewardDefinitionInput");
export type UpdateRewardDefinitionInput = z.output<typeof UpdateRewardDefinitionInput>;

// ── points ──────────────────────────────────────────────────────────────────────────────────────

const pointFields = {
  name: Name,
  handle: Handle.optional(),
  description: Description,
  kind: z.enum(POINT_KINDS, { error: `kind must be one of ${POINT_KINDS.join(", ")}` }),
  points_per_dollar: WholeNumber("points_per_dollar", 1).nullish().openapi({ description: "Reward kind only (required there): points worth $1" }),
  expiry_days: WholeNumber("expiry_days", 1, 36_500).nullish().openapi({ description: "Points expire this many days after they are earned; null: never" }),
  pending_days: WholeNumber("pending_days", 0, 3650).optional(),
  is_published: Bool("is_published").optional(),
};
export const PointDefinitionInput = z.object(pointFields).openapi("PointDefinitionInput");
export type PointDefinitionInput = z.output<typeof PointDefinitionInput>;
export const UpdatePointDefinitionInput = z
  .object(pointFields)
  .partial()
  .openapi("UpdatePointDefinitionInput", { description: "Only the fields given change; kind cannot change" });
export type UpdatePointDefinitionInput = z.output<typeof UpdatePointDefinitionInput>;

// ── earn rates ──────────────────────────────────────────────────────────────────────────────────

const rateFields = {
  point_definition_id: z.string({ error: "point_definition_id is required" }).trim().min(1, "point_definition_id is required").max(100),
  name: Name,
  multiplier: z
    .number({ error: "multiplier must be a number such as 1 or 1.5" })
    .openapi({ example: 1.5, description: "Points per dollar, more than 0, at most three decimal places" }),
  location_ids: z
    .array(z.string({ error: "location_ids must be location ids" }).trim().min(1, "location_ids must not hold an empty id").max(100), {
      error: "location_ids must be a list of location ids or external ids",
    })
    .max(500)
    .nullish()
    .openapi({ description: "Location ids or external ids; absent or null: everywhere" }),
  starts_at: DateTime("starts_at").nullish(),
  ends_at: DateTime("ends_at").nullish(),
  days_of_week: z
    .array(z.string({ error: "days_of_week must list days" }).trim().toLowerCase(), { error: `days_of_week must be a list of days from ${WEEKDAY_NAMES.join(", ")}` })
    .max(7)
    .nullish(),
  hours: z
    .object({ from: z.string({ error: "hours.from must be HH:MM" }), to: z.string({ error: "hours.to must be HH:MM" }) }, { error: 'hours must be {"from": "HH:MM", "to": "HH:MM"}' })
    .nullish(),
  timezone: Timezone.nullish(),
  profile_condition: Condition("profile_condition").nullish(),
  product_condition: Condition("product_condition").nullish(),
  priority: WholeNumber("priority", -1_000_000, 1_000_000).optional(),
  is_active: Bool("is_active").optional(),
};
export const EarnRateInput = z.object(rateFields).openapi("EarnRateInput");
export type EarnRateInput = z.output<typeof EarnRateInput>;
export const UpdateEarnRateInput = z.object(rateFields).partial().openapi("UpdateEarnRateInput");
export type UpdateEarnRateInput = z.output<typeof UpdateEarnRateInput>;

export const CalculateEarnInput = z
  .object({
    transaction: z.object(
      {
        location_id: z.string().trim().max(100).nullish().openapi({ description: "Location id or external id" }),
        timezone: Timezone.nullish(),
        total: amount("total"),
        transacted_at: DateTime("transacted_at").nullish(),
        items: z
          .array(
            z.object({
              quantity: z.number({ error: "quantity must be a whole number" }).int("quantity must be a whole number").min(-1_000_000).max(1_000_000),
              price_sell: amount("price_sell"),
              sku: z.string().max(100).nullish(),
              product_id: z.string().max(100).nullish(),
              name: z.string().max(300).nullish(),
              category: z.string().max(200).nullish(),
              brand: z.string().max(200).nullish(),
              tags: z.array(z.string().max(64)).max(50).nullish(),
            }),
          )
          .max(500)
          .default([]),
      },
      { error: "transaction is required" },
    ),
    profile: z.record(z.string(), z.unknown()).nullish().openapi({ description: "Profile attributes the profile conditions read" }),
    profile_id: z.string().trim().max(100).nullish().openapi({ description: "Read the profile's attributes from this profile instead" }),
  })
  .openapi("CalculateEarnInput");
export type CalculateEarnInput = z.output<typeof CalculateEarnInput>;

// ── benefits ────────────────────────────────────────────────────────────────────────────────────

const benefitFields = {
  name: Name,
  handle: Handle.optional(),
  description: Description,
  period: Period,
  absolute_expiry: AbsoluteExpiry,
  max_redemptions: WholeNumber("max_redemptions", 1, 1_000_000).optional(),
  is_claimable: Bool("is_claimable").optional(),
  eligibility: Condition("eligibility").nullish(),
  is_extendable: Bool("is_extendable").optional(),
  is_published: Bool("is_published").optional(),
};
export const BenefitDefinitionInput = z.object(benefitFields).openapi("BenefitDefinitionInput");
export type BenefitDefinitionInput = z.output<typeof BenefitDefinitionInput>;
export const UpdateBenefitDefinitionInput = z.object(benefitFields).partial().openapi("UpdateBenefitDefinitionInput");
export type UpdateBenefitDefinitionInput = z.output<typeof UpdateBenefitDefinitionInput>;

// ── tiers ───────────────────────────────────────────────────────────────────────────────────────

const tierFields = {
  name: Name,
  handle: Handle.optional(),
  description: Description,
  point_definition_id: z.string({ error: "point_definition_id is required" }).trim().min(1, "point_definition_id is required").max(100),
  value_min: WholeNumber("value_min", 0),
  value_maintain: WholeNumber("value_maintain", 0),
  is_floor: Bool("is_floor").optional(),
  credit_enabled: Bool("credit_enabled").optional(),
};
export const TierDefinitionInput = z.object(tierFields).openapi("TierDefinitionInput");
export type TierDefinitionInput = z.output<typeof TierDefinitionInput>;
export const UpdateTierDefinitionInput = z.object(tierFields).partial().openapi("UpdateTierDefinitionInput");
export type UpdateTierDefinitionInput = z.output<typeof UpdateTierDefinitionInput>;

// ── achievements ────────────────────────────────────────────────────────────────────────────────

const Levels = z
  .object(
    {
      kind: z.enum(["on_off", "every", "thresholds"], { error: "levels.kind must be on_off, every or thresholds" }),
      every: z.number({ error: "levels.every must be a whole number" }).optional(),
      thresholds: z.array(z.number({ error: "levels.thresholds must be numbers" }), { error: "levels.thresholds must be a list" }).max(100).optional(),
    },
    { error: 'levels must be {"kind": "on_off"}, {"kind": "every", "every": N} or {"kind": "thresholds", "thresholds": [1, 5, 10]}' },
  )
  .transform((l, ctx): AchievementLevels => {
    const levels: AchievementLevels =
      l.kind === "on_off" ? { kind: "on_off" } : l.kind === "every" ? { kind: "every", every: l.every as number } : { kind: "thresholds", thresholds: l.thresholds ?? [] };
    for (const message of levelsErrors(levels)) ctx.addIssue({ code: "custom", message: `levels: ${message}` });
    return levels;
  })
  .openapi({ type: "object", example: { kind: "thresholds", thresholds: [1, 5, 10, 25] } });

const achievementFields = {
  name: Name,
  handle: Handle.optional(),
  description: Description,
  levels: Levels,
  visibility: z.enum(ACHIEVEMENT_VISIBILITY, { error: `visibility must be one of ${ACHIEVEMENT_VISIBILITY.join(", ")}` }).optional(),
  trigger: z.enum(ACHIEVEMENT_TRIGGERS, { error: `trigger must be one of ${ACHIEVEMENT_TRIGGERS.join(", ")}` }).optional(),
  condition: Condition("condition").nullish(),
  unlocks: z
    .array(
      z.object({
        level: WholeNumber("level", 1, 1_000_000),
        benefit_definition_id: z.string({ error: "benefit_definition_id is required" }).trim().min(1, "benefit_definition_id is required").max(100),
      }),
      { error: "unlocks must be a list of {level, benefit_definition_id}" },
    )
    .max(MAX_UNLOCKS)
    .optional(),
  is_published: Bool("is_published").optional(),
};
export const AchievementDefinitionInput = z.object(achievementFields).openapi("AchievementDefinitionInput");
export type AchievementDefinitionInput = z.output<typeof AchievementDefinitionInput>;
export const UpdateAchievementDefinitionInput = z.object(achievementFields).partial().openapi("UpdateAchievementDefinitionInput");
export type UpdateAchievementDefinitionInput = z.output<typeof UpdateAchievementDefinitionInput>;

// ── responses (for the OpenAPI document) ────────────────────────────────────────────────────────

const common = {
  id: z.string(),
  name: z.string(),
  handle: z.string(),
  description: z.string().nullable(),
  version: z.number().int(),
  created_at: z.string(),
  updated_at: z.string(),
  archived_at: z.string().nullable(),
};

export const RewardDefinitionSchema = z
  .object({
    ...common,
    type: z.string(),
    value: z.number(),
    period: z.number().int().nullable(),
    absolute_expiry: z.string().nullable(),
    is_extendable: z.boolean(),
    is_published: z.boolean(),
    notification_offsets: z.array(z.number().int()),
  })
  .openapi("RewardDefinition");

export const PointDefinitionSchema = z
  .object({
    ...common,
    kind: z.enum(POINT_KINDS),
    points_per_dollar: z.number().int().nullable(),
    expiry_days: z.number().int().nullable(),
    pending_days: z.number().int(),
    is_published: z.boolean(),
  })
  .openapi("PointDefinition");

export const EarnRateSchema = z
  .object({
    id: z.string(),
    point_definition_id: z.string(),
    name: z.string(),
    multiplier: z.number(),
    location_ids: z.array(z.string()).nullable(),
    starts_at: z.string().nullable(),
    ends_at: z.string().nullable(),
    days_of_week: z.array(z.string()).nullable(),
    hours: z.object({ from: z.string(), to: z.string() }).nullable(),
    timezone: z.string().nullable(),
    profile_condition: z.unknown(),
    product_condition: z.unknown(),
    priority: z.number().int(),
    is_active: z.boolean(),
    specificity: z.number().int(),
    version: z.number().int(),
    created_at: z.string(),
    updated_at: z.string(),
    archived_at: z.string().nullable(),
  })
  .openapi("EarnRate");

export const EarnPreviewSchema = z
  .object({
    point_definition_id: z.string(),
    handle: z.string(),
    rate_id: z.string(),
    points: z.number().int(),
    eligible_spend: z.number(),
    specificity: z.number().int(),
  })
  .openapi("EarnPreview");

export const BenefitDefinitionSchema = z
  .object({
    ...common,
    period: z.number().int().nullable(),
    absolute_expiry: z.string().nullable(),
    max_redemptions: z.number().int(),
    is_claimable: z.boolean(),
    eligibility: z.unknown(),
    is_extendable: z.boolean(),
    is_published: z.boolean(),
  })
  .openapi("BenefitDefinition");

export const TierDefinitionSchema = z
  .object({
    ...common,
    point_definition_id: z.string(),
    value_min: z.number().int(),
    value_maintain: z.number().int(),
    is_floor: z.boolean(),
    credit_enabled: z.boolean(),
  })
  .openapi("TierDefinition");

export const AchievementDefinitionSchema = z
  .object({
    ...common,
    levels: z.object({ kind: z.string(), every: z.number().int().optional(), thresholds: z.array(z.number().int()).optional() }),
    visibility: z.string(),
    trigger: z.string(),
    condition: z.unknown(),
    unlocks: z.array(z.object({ level: z.number().int(), benefit_definition_id: z.string() })),
    is_published: z.boolean(),
  })
  .openapi("AchievementDefinition");

export const DefinitionVersionSchema = z
  .object({ version: z.number().int(), snapshot: z.record(z.string(), z.unknown()), changed_by: z.string().nullable(), created_at: z.string() })
  .openapi("DefinitionVersion");
