// What crosses the ProfileLedger's RPC boundary. The shapes the ledger answers with are zod schemas, so
// the API's response schemas (ledger.api.ts) and the OpenAPI document come from the same source as the
// types the DO returns; the component names (`.openapi("…")`) are the ones the API has always documented.
// The inputs are plain types: LedgerService builds them from already-validated requests and the live
// definitions, so nothing parses them at run time.
import { z } from "@hono/zod-openapi";
import type { ErrorCode, FieldErrors } from "../../platform/errors";
import type {
  AchievementDefinitionConfig,
  BenefitDefinitionConfig,
  EngineConfig,
  PointDefinitionConfig,
  RewardDefinitionConfig,
} from "../engine-types";
import type { EarnItem } from "../rules";

// ── results ──────────────────────────────────────────────────────────────────────────────────────

export interface LedgerError {
  code: ErrorCode;
  message: string;
  errors?: FieldErrors;
  detail?: Record<string, unknown>;
}
/** Errors a caller made come back as values, not throws: an error's type does not survive RPC. */
export type LedgerResult<T> = { ok: true; value: T } | { ok: false; error: LedgerError };
export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
export const fail = (code: ErrorCode, message: string, errors?: FieldErrors, detail?: Record<string, unknown>): { ok: false; error: LedgerError } => ({
  ok: false,
  error: { code, message, ...(errors ? { errors } : {}), ...(detail ? { detail } : {}) },
});

// ── what the ledger answers with ─────────────────────────────────────────────────────────────────

/** Who or what caused a change, as a view shows it. */
export const SourceViewSchema = z.object({ type: z.string(), id: z.string().nullable(), label: z.string().nullable() });
export type SourceView = z.infer<typeof SourceViewSchema>;

export const PointsBalanceSchema = z.object({
  point_definition_id: z.string(),
  handle: z.string(),
  name: z.string(),
  kind: z.string(),
  balance: z.number().int(),
  spendable: z.number().int(),
  pending: z.number().int(),
  dollars: z.number().nullable(),
});
export type PointsBalance = z.infer<typeof PointsBalanceSchema>;

export const BalancesSchema = z
  .object({
    profile_id: z.string(),
    reward_balance: z.number().openapi({ description: "Dollars left on usable rewards" }),
    point_balance: z.number().int().openapi({ description: "Spendable reward-kind points" }),
    point_balance_dollars: z.number(),
    combined_balance_dollars: z.number(),
    benefit_balance: z.number().int().openapi({ description: "Benefits with redemptions left" }),
    points: z.array(PointsBalanceSchema),
    updated_at: z.string(),
  })
  .openapi("Balances");
export type Balances = z.infer<typeof BalancesSchema>;

export const RewardViewSchema = z
  .object({
    id: z.string(),
    reward_definition_id: z.string(),
    definition_version: z.number().int(),
    handle: z.string(),
    name: z.string(),
    type: z.string(),
    value_initial: z.number(),
    value_remaining: z.number(),
    status: z.string(),
    issued_at: z.string(),
    expires_at: z.string().nullable(),
    extended_at: z.string().nullable(),
    is_extendable: z.boolean(),
    void_reason: z.string().nullable(),
    reason: z.string().nullable(),
    source: SourceViewSchema,
  })
  .openapi("RewardInstance");
export type RewardView = z.infer<typeof RewardViewSchema>;

export const BenefitViewSchema = z
  .object({
    id: z.string(),
    benefit_definition_id: z.string(),
    definition_version: z.number().int(),
    handle: z.string(),
    name: z.string(),
    max_redemptions: z.number().int(),
    redemptions_used: z.number().int(),
    redemptions_remaining: z.number().int(),
    status: z.string(),
    issued_at: z.string(),
    expires_at: z.string().nullable(),
    extended_at: z.string().nullable(),
    is_extendable: z.boolean(),
    claimed: z.boolean(),
    void_reason: z.string().nullable(),
    reason: z.string().nullable(),
    source: SourceViewSchema,
  })
  .openapi("BenefitInstance");
export type BenefitView = z.infer<typeof BenefitViewSchema>;

export const LotViewSchema = z
  .object({
    id: z.string(),
    point_definition_id: z.string(),
    handle: z.string(),
    kind: z.string(),
    points_initial: z.number().int(),
    points_remaining: z.number().int(),
    status: z.string(),
    earned_at: z.string(),
    spendable_at: z.string(),
    expires_at: z.string().nullable(),
    transaction_external_id: z.string().nullable(),
    reason: z.string().nullable(),
    source: SourceViewSchema,
  })
  .openapi("PointsLot");
export type LotView = z.infer<typeof LotViewSchema>;

export const AchievementViewSchema = z
  .object({
    achievement_definition_id: z.string(),
    handle: z.string(),
    name: z.string(),
    visibility: z.string(),
    count: z.number().int(),
    level: z.number().int(),
    next_level: z.object({ level: z.number().int(), threshold: z.number().int(), remaining: z.number().int() }).nullable(),
    updated_at: z.string().nullable(),
  })
  .openapi("AchievementProgress");
export type AchievementView = z.infer<typeof AchievementViewSchema>;

export const TierViewSchema = z
  .object({
    point_definition_id: z.string().openapi({ description: "The tier-points definition whose ladder this is" }),
    current: z.object({ id: z.string(), handle: z.string(), name: z.string() }).nullable(),
    next: z.object({ id: z.string(), handle: z.string(), name: z.string(), value_min: z.number().int() }).nullable(),
    points: z.number().int().openapi({ description: "Rolling 12-month tier points" }),
    credit: z.number().int(),
    progress: z.number().openapi({ description: "0..1 toward the next tier" }),
    remaining: z.number().int(),
    achieved_at: z.string().nullable(),
    anniversary_at: z.string().nullable(),
    maintain: z.object({ target: z.number().int(), remaining: z.number().int(), met: z.boolean() }).nullable(),
  })
  .openapi("ProfileTier");
export type TierView = z.infer<typeof TierViewSchema>;

export const RedemptionViewSchema = z
  .object({
    id: z.string(),
    profile_id: z.string(),
    strategy: z.string(),
    amount: z.number(),
    rewards: z.array(z.object({ reward_id: z.string(), amount: z.number() })),
    rewards_amount: z.number(),
    points: z
      .object({ point_definition_id: z.string(), points: z.number().int(), amount: z.number(), lots: z.array(z.object({ lot_id: z.string(), points: z.number().int() })) })
      .nullable(),
    points_amount: z.number(),
    transaction_external_id: z.string().nullable(),
    created_at: z.string(),
    reversible_until: z.string(),
    reversed_at: z.string().nullable(),
  })
  .openapi("Redemption");
export type RedemptionView = z.infer<typeof RedemptionViewSchema>;

/** A redemption or its reversal, with the balances after. */
export const RedemptionResultSchema = RedemptionViewSchema.extend({ balances: BalancesSchema });
export interface RedemptionResult {
  redemption: RedemptionView;
  balances: Balances;
}

export const LedgerEntryViewSchema = z
  .object({
    id: z.string(),
    seq: z.number().int(),
    kind: z.string(),
    action: z.string(),
    definition_id: z.string().nullable(),
    instance_id: z.string().nullable(),
    delta: z.number().int(),
    reason: z.string().nullable(),
    source: SourceViewSchema,
    occurred_at: z.string(),
    created_at: z.string(),
  })
  .openapi("LedgerEntry");
export type LedgerEntryView = z.infer<typeof LedgerEntryViewSchema>;

export interface LedgerPage {
  entries: LedgerEntryView[];
  /** the seq to pass as `before` for the next (older) page; null on the last */
  next_before: number | null;
}

/** A void: the instance and its (new) status. */
export const VoidResultSchema = z.object({ id: z.string(), status: z.string() });
export type VoidResult = z.infer<typeof VoidResultSchema>;

/** An achievement progressed: its count after and the levels this step reached. */
export const AchievementProgressedSchema = z.object({ achievement_definition_id: z.string(), count: z.number().int(), levels_reached: z.array(z.number().int()) });
export type AchievementProgressed = z.infer<typeof AchievementProgressedSchema>;

/** What a tier evaluation did on one ladder (attained on points; kept, dropped or held on the anniversary). */
export const TierChangeSchema = z.object({ point_definition_id: z.string(), outcome: z.string(), from: z.string().nullable(), to: z.string().nullable() });
export type TierChange = z.infer<typeof TierChangeSchema>;

export const EarnedPointsSchema = z.object({
  point_definition_id: z.string(),
  handle: z.string(),
  kind: z.string(),
  rate_id: z.string().nullable(),
  points: z.number().int(),
  shortfall: z.number().int().optional().openapi({ description: "On a return: points the lots no longer held (never taken below zero)" }),
});
export type EarnedPoints = z.infer<typeof EarnedPointsSchema>;

/** What one transaction earned (or a return clawed back): points, tiers, achievements. */
export const TransactionOutcomeSchema = z.object({
  transaction_id: z.string(),
  points: z.array(EarnedPointsSchema),
  shortfall: z.number().int().openapi({ description: "Points a return wanted back but the lots no longer held" }),
  tiers: z.array(TierChangeSchema),
  achievements: z.array(AchievementProgressedSchema),
});
export type TransactionOutcome = z.infer<typeof TransactionOutcomeSchema>;

/** The receipt's earn as the ingest answers it: the outcome and the balances after. */
export const EarnResultSchema = TransactionOutcomeSchema.extend({ balances: BalancesSchema }).openapi("TransactionIncentives");
export type EarnResult = z.infer<typeof EarnResultSchema>;

/** A voided transaction: the points its lots gave back and what was already gone. */
export interface VoidTransactionResult {
  points: number;
  shortfall: number;
}

/** Everything that moves from a merged-away profile's ledger to the winner's (storage rows, as they are). */
export interface MoveSnapshot {
  from: string;
  lots: Array<Record<string, unknown>>;
  rewards: Array<Record<string, unknown>>;
  benefits: Array<Record<string, unknown>>;
  achievements: Array<Record<string, unknown>>;
  tiers: Array<Record<string, unknown>>;
  tierEntries: Array<Record<string, unknown>>;
  pointDefs: Array<Record<string, unknown>>;
}

// ── what the ledger is asked ─────────────────────────────────────────────────────────────────────

/** Who or what caused a change: every ledger entry names one. */
export interface LedgerSource {
  type: "transaction" | "staff" | "token" | "reaction" | "expiry" | "achievement" | "merge" | "system" | "storefront";
  id: string | null;
  /** a person's email or a token's name, for the console */
  label?: string | null;
  /** a reaction's triggering event, or (depth 0, no event) the namespace of the API token whose request
   * caused this: the events this operation emits carry it, so webhooks of that namespace are not echoed */
  causation?: { eventId?: string; depth: number; namespace?: string } | null;
}

export interface LedgerTransaction {
  id: string;
  externalId: string;
  originalExternalId: string | null;
  totalCents: number;
  items: EarnItem[];
  locationId: string | null;
  timezone: string | null;
  channel: string | null;
  transactedAt: number;
}

/** Every write names its profile (the object binds to it) and a key it runs once under. */
interface Keyed {
  profileId: string;
  key: string;
}

export interface ApplyTransactionArgs {
  profileId: string;
  transaction: LedgerTransaction;
  profile: Record<string, unknown>;
  config: EngineConfig;
  source: LedgerSource;
}
export interface VoidTransactionArgs {
  profileId: string;
  transactionId: string;
  externalId: string;
  reason: string;
  /** the causing token's namespace, carried by the events the void emits */
  causation?: LedgerSource["causation"];
}
/**
 * A back-dated write (history replayed by a backfill): the epoch ms it happened, no later than the ledger's
 * now. The operation is written as of then (instance, entry, event, expiry); reminders only from now on.
 */
interface BackDated {
  at?: number | null;
}

export interface IssueRewardArgs extends Keyed, BackDated {
  definition: RewardDefinitionConfig;
  valueCents?: number | null;
  expiresAt?: number | null;
  reason: string;
  source: LedgerSource;
  timezone: string;
  pointDefinitions?: PointDefinitionConfig[];
}
export interface IssuePointsArgs extends Keyed {
  definition: PointDefinitionConfig;
  points: number;
  reason: string;
  source: LedgerSource;
  config: EngineConfig;
}
export interface IssueBenefitArgs extends Keyed, BackDated {
  definition: BenefitDefinitionConfig;
  /** an expiry of its own instead of the definition's period (Omneo's per-benefit expires_at; may be past) */
  expiresAt?: number | null;
  reason: string;
  source: LedgerSource;
  timezone: string;
  pointDefinitions?: PointDefinitionConfig[];
}
export interface ProgressAchievementArgs extends Keyed {
  definition: AchievementDefinitionConfig;
  count: number;
  reason: string | null;
  source: LedgerSource;
  config: Pick<EngineConfig, "benefits" | "timezone">;
}
export interface VoidInstanceArgs extends Keyed {
  kind: "reward" | "benefit" | "points";
  id: string;
  reason: string;
  source: LedgerSource;
}
/** Omneo's edit of an issued reward or benefit: what is left out stays; `expiresAt: null` never expires. */
export interface AmendInstanceArgs extends Keyed {
  id: string;
  valueInitialCents?: number;
  valueRemainingCents?: number;
  expiresAt?: number | null;
  /** an extension: extended_at is set */
  extended?: boolean;
  reason: string;
  source: LedgerSource;
}
export interface ExtendArgs extends Keyed {
  id: string;
  days?: number | null;
  source: LedgerSource;
  timezone: string;
}
export interface ClaimBenefitArgs extends Keyed {
  definition: BenefitDefinitionConfig;
  profile: Record<string, unknown>;
  source: LedgerSource;
  timezone: string;
}
export interface RedeemBenefitArgs extends Keyed {
  id: string;
  source: LedgerSource;
  transactionExternalId?: string | null;
}
export interface RedeemArgs extends Keyed, BackDated {
  strategy: string;
  amountCents: number;
  transactionExternalId: string | null;
  source: LedgerSource;
  pointDefinitions: PointDefinitionConfig[];
}
/** One step of history a backfill replays: a back-dated reward issue or redemption (each with its `at`). */
export type HistoryOp = { issue: IssueRewardArgs } | { redeem: RedeemArgs };

export interface ReverseRedemptionArgs extends Keyed {
  id: string;
  source: LedgerSource;
}
export interface AssignTierArgs extends Keyed {
  pointDefinitionId: string;
  tierId: string | null;
  reason: string;
  source: LedgerSource;
  config: Pick<EngineConfig, "tiers" | "timezone">;
}
/** Omneo's tiers/calculate: attain on each ladder what the rolling total already reaches (a member who never earned, on a 0-point tier). */
export interface CalculateTiersArgs {
  profileId: string;
  config: EngineConfig;
}
export interface MaintainTiersArgs {
  profileId: string;
  config: Pick<EngineConfig, "tiers" | "timezone">;
}
export interface MoveOutArgs {
  profileId: string;
  winnerId: string;
}
export interface MoveInArgs {
  profileId: string;
  snapshot: MoveSnapshot;
}
