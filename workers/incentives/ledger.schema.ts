// The bodies of the ledger's writes, shared by the API (workers/incentives/ledger.api.ts) and the
// console's Incentives tab (app/lib/incentives.server.ts): one contract per input. Also the ledger's
// answers other areas' responses carry: the balances, and what a receipt earned.
import { z } from "@hono/zod-openapi";
import { EarnResultSchema, type EarnResult } from "./profile-ledger/contract";
import { amount } from "../platform/zod";
import { REDEMPTION_STRATEGIES } from "./rules/redemption";
import { STOREFRONT_TOKEN_MAX_TTL_SECONDS, STOREFRONT_TOKEN_TTL_SECONDS } from "./storefront";

export const reason = z.string({ error: "reason is required: say why" }).trim().min(1, "reason is required: say why").max(500, "reason must be at most 500 characters");
export const definitionId = (field: string) => z.string({ error: `${field} is required` }).trim().min(1, `${field} is required`).max(100);
export const wholePositive = (field: string, max = 100_000_000) =>
  z
    .number({ error: `${field} must be a whole number` })
    .int(`${field} must be a whole number`)
    .min(1, `${field} must be greater than 0`)
    .max(max, `${field} must be at most ${max}`);

export const IssueRewardInput = z
  .object({
    reward_definition_id: definitionId("reward_definition_id"),
    value: amount("value")
      .refine((c) => c > 0, "value must be greater than 0")
      .optional()
      .openapi({ description: "Overrides the definition's value (dollars)" }),
    expires_at: z.iso
      .datetime({ offset: true, error: "expires_at must be an ISO date-time" })
      .optional()
      .openapi({ description: "Overrides the definition's expiry" }),
    reason,
  })
  .openapi("IssueRewardInput");
export const IssuePointsInput = z.object({ point_definition_id: definitionId("point_definition_id"), value: wholePositive("value"), reason }).openapi("IssuePointsInput");
export const IssueBenefitInput = z.object({ benefit_definition_id: definitionId("benefit_definition_id"), reason }).openapi("IssueBenefitInput");
export const ProgressAchievementInput = z
  .object({ achievement_definition_id: definitionId("achievement_definition_id"), count: wholePositive("count", 10_000).default(1), reason: reason.optional() })
  .openapi("ProgressAchievementInput");
export const VoidInput = z.object({ reason }).openapi("VoidIncentiveInput");
export const ExtendInput = z.object({ days: wholePositive("days", 3650).optional().openapi({ description: "Defaults to the definition's period" }) }).openapi("ExtendInput");
export const RedeemBenefitInput = z.object({ transaction_external_id: z.string().trim().max(191).nullish() }).openapi("RedeemBenefitInput");
export const ClaimBenefitInput = z.object({ benefit_definition_id: definitionId("benefit_definition_id") }).openapi("ClaimBenefitInput");
export const RedemptionInput = z
  .object({
    strategy: z.enum(REDEMPTION_STRATEGIES, { error: `strategy must be one of ${REDEMPTION_STRATEGIES.join(", ")}` }),
    amount: amount("amount").refine((c) => c > 0, "amount must be greater than 0"),
    transaction_external_id: z.string().trim().max(191).nullish(),
  })
  .openapi("RedemptionInput");
export const AssignTierInput = z
  .object({
    tier_definition_id: z.string().trim().min(1).max(100).nullable().openapi({ description: "null removes the tier (point_definition_id then names the ladder)" }),
    point_definition_id: z.string().trim().min(1).max(100).nullish(),
    reason,
  })
  .openapi("AssignTierInput");
export const StorefrontTokenInput = z
  .object({
    profile_id: z.string().trim().min(1).max(191).optional(),
    handle: z.string().trim().min(1).max(64).optional().openapi({ description: '"email", "mobile" or an identity handle; `identifier` then carries its value' }),
    identifier: z.string().trim().min(1).max(191).optional(),
    ttl_seconds: z.number().int().min(60).max(STOREFRONT_TOKEN_MAX_TTL_SECONDS).optional().openapi({ description: `Lifetime, 60 to ${STOREFRONT_TOKEN_MAX_TTL_SECONDS} seconds (default ${STOREFRONT_TOKEN_TTL_SECONDS})` }),
  })
  .superRefine((v, ctx) => {
    if (!v.profile_id && !(v.handle && v.identifier)) ctx.addIssue({ code: "custom", path: ["profile_id"], message: "Send profile_id, or handle and identifier" });
  })
  .openapi("StorefrontTokenInput");

// ── what the ledger answers with, where another area's response carries it ─────────────────────
// Both are the ledger's own contract (profile-ledger/contract.ts): the balances, and what a receipt
// earned as the ledger's earn returns it (POST /transactions carries it as `incentives`).
export { BalancesSchema } from "./profile-ledger/contract";
export const TransactionIncentives = EarnResultSchema;
export type TransactionIncentives = EarnResult;

/** A points award as GET /points lists it (also POST /points and GET /points/{id}, Omneo's routes). */
export const PointAwardSchema = z
  .object({
    id: z.string(),
    profile_id: z.string(),
    point_definition_id: z.string().nullable(),
    value_initial: z.number().int(),
    issued_at: z.string(),
    source_type: z.string(),
    source_id: z.string().nullable(),
    description: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi("PointAward");

/** A profile and one of its instances (reward, benefit or points lot) in the path. */
export const InstanceParams = z.object({
  id: z.string().openapi({ param: { name: "id", in: "path" } }),
  instance: z.string().openapi({ param: { name: "instance", in: "path" } }),
});
