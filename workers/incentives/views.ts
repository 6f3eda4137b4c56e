// The public face of incentive definitions: their row types, kinds and labels, and the pure serializers
// from rows to the API's shape (also the snapshot kept in definition_versions). No I/O: the console
// imports these, the definitions service and the API use them.
import type {
  achievementDefinitions,
  benefitDefinitions,
  definitionVersions,
  earnRates,
  incentiveInstances,
  incentiveLedger,
  pointDefinitions,
  rewardDefinitions,
  tierDefinitions,
} from "../../db/schema";
import { fromCents } from "../platform/money";
import type { Weekday } from "../platform/time";
import { rateSpecificity, type EarnRate } from "./rules/rates";
import { periodFactor } from "./rules/expiry";

export type RewardDefinition = typeof rewardDefinitions.$inferSelect;
export type PointDefinition = typeof pointDefinitions.$inferSelect;
export type EarnRateRow = typeof earnRates.$inferSelect;
export type BenefitDefinition = typeof benefitDefinitions.$inferSelect;
export type TierDefinitionRow = typeof tierDefinitions.$inferSelect;
export type AchievementDefinition = typeof achievementDefinitions.$inferSelect;
export type DefinitionVersion = typeof definitionVersions.$inferSelect;

/** The kinds of definition; `rate` is an earn rate (versioned like the others, no handle). */
export type DefinitionKind = "reward" | "point" | "rate" | "benefit" | "tier" | "achievement";

/** The row of each kind. */
export interface RowOf {
  reward: RewardDefinition;
  point: PointDefinition;
  rate: EarnRateRow;
  benefit: BenefitDefinition;
  tier: TierDefinitionRow;
  achievement: AchievementDefinition;
}

export const DEFINITION_LABELS: Record<DefinitionKind, string> = {
  reward: "reward definition",
  point: "point definition",
  rate: "earn rate",
  benefit: "benefit definition",
  tier: "tier definition",
  achievement: "achievement definition",
};

// ── serialising (the API shape, also the snapshot kept in definition_versions) ──────────────────

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function common(d: { id: string; name: string; handle: string; description: string | null; version: number; createdAt: Date; updatedAt: Date; archivedAt: Date | null }) {
  return {
    id: d.id,
    handle: d.handle,
    name: d.name,
    description: d.description,
    version: d.version,
    created_at: d.createdAt.toISOString(),
    updated_at: d.updatedAt.toISOString(),
    archived_at: iso(d.archivedAt),
  };
}

export function serializeReward(d: RewardDefinition) {
  return {
    ...common(d),
    type: d.type,
    value: fromCents(d.value),
    period: d.periodDays === null ? null : Math.round(d.periodDays / periodFactor(d.periodType)),
    period_type: d.periodType ?? "days",
    absolute_expiry: d.absoluteExpiry,
    is_extendable: d.isExtendable,
    is_published: d.isPublished,
    notification_offsets: d.notificationOffsets,
    issue_target_id: d.issueTargetId ?? null,
    expiry_target_id: d.expiryTargetId ?? null,
    extend_target_id: d.extendTargetId ?? null,
    notify_issue_offset_days: d.notifyIssueOffsetDays ?? null,
    notify_extend_offset_days: d.notifyExtendOffsetDays ?? null,
  };
}

export function serializePoint(d: PointDefinition) {
  return {
    ...common(d),
    kind: d.kind,
    points_per_dollar: d.pointsPerDollar,
    expiry_days: d.expiryDays,
    pending_days: d.pendingDays,
    is_published: d.isPublished,
  };
}

export function serializeRate(r: EarnRateRow) {
  return {
    id: r.id,
    point_definition_id: r.pointDefinitionId,
    name: r.name,
    multiplier: r.multiplierMilli / 1000,
    location_ids: r.locationIds ?? null,
    starts_at: iso(r.startsAt),
    ends_at: iso(r.endsAt),
    days_of_week: r.daysOfWeek ?? null,
    hours: r.hours ?? null,
    timezone: r.timezone,
    profile_condition: r.profileCondition ?? null,
    product_condition: r.productCondition ?? null,
    priority: r.priority,
    is_active: r.isActive,
    specificity: rateSpecificity(toEarnRate(r)),
    version: r.version,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
    archived_at: iso(r.archivedAt),
  };
}

export function serializeBenefit(d: BenefitDefinition) {
  return {
    ...common(d),
    period: d.periodDays,
    absolute_expiry: d.absoluteExpiry,
    max_redemptions: d.maxRedemptions,
    is_claimable: d.isClaimable,
    eligibility: d.eligibility ?? null,
    is_extendable: d.isExtendable,
    is_published: d.isPublished,
  };
}

export function serializeTier(d: TierDefinitionRow) {
  return {
    ...common(d),
    point_definition_id: d.pointDefinitionId,
    value_min: d.valueMin,
    value_maintain: d.valueMaintain,
    is_floor: d.isFloor,
    credit_enabled: d.creditEnabled,
  };
}

export function serializeAchievement(d: AchievementDefinition) {
  return {
    ...common(d),
    levels: d.levels as { kind: string; every?: number; thresholds?: number[] },
    visibility: d.visibility,
    trigger: d.trigger,
    condition: d.condition ?? null,
    unlocks: d.unlocks,
    is_published: d.isPublished,
  };
}

export function serializeVersion(v: DefinitionVersion) {
  return { version: v.version, snapshot: v.snapshot, changed_by: v.changedBy, created_at: v.createdAt.toISOString() };
}

/** Each kind's serializer (the API shape and the versions snapshot). */
export const SERIALIZERS: { [K in DefinitionKind]: (row: RowOf[K]) => Record<string, unknown> } = {
  reward: serializeReward,
  point: serializePoint,
  rate: serializeRate,
  benefit: serializeBenefit,
  tier: serializeTier,
  achievement: serializeAchievement,
};

// ── the engine's shape of a rate (serializeRate shows its specificity) ─────────────────────────

export function toEarnRate(r: EarnRateRow): EarnRate {
  return {
    id: r.id,
    pointDefinitionId: r.pointDefinitionId,
    multiplier: r.multiplierMilli / 1000,
    locationIds: r.locationIds ?? null,
    startsAt: r.startsAt,
    endsAt: r.endsAt,
    daysOfWeek: (r.daysOfWeek ?? null) as Weekday[] | null,
    hours: r.hours ?? null,
    timezone: r.timezone,
    profileCondition: r.profileCondition ?? null,
    productCondition: r.productCondition ?? null,
    priority: r.priority,
  };
}

// ── issued incentives across profiles (Omneo's global /rewards, /benefits, /points), from the D1 projection ──

type InstanceRow = typeof incentiveInstances.$inferSelect;
type LedgerRow = typeof incentiveLedger.$inferSelect;
/** A reward instance under Omneo's field names; values in dollars (the projection holds cents). */
export function serializeRewardInstance(r: InstanceRow, now: Date) {
  return {
    id: r.id,
    profile_id: r.profileId,
    reward_definition_id: r.definitionId,
    definition_version: r.definitionVersion,
    value_initial: fromCents(r.valueInitial),
    value_remaining: fromCents(r.valueRemaining),
    status: r.status,
    is_active: r.status === "active" && (!r.expiresAt || r.expiresAt > now),
    is_expired: r.status === "expired" || (r.status === "active" && !!r.expiresAt && r.expiresAt <= now),
    issued_at: r.issuedAt.toISOString(),
    expires_at: iso(r.expiresAt),
    updated_at: r.updatedAt.toISOString(),
  };
}

/** A benefit instance under Omneo's field names. */
export function serializeBenefitInstance(b: InstanceRow, now: Date) {
  const expired = b.status === "expired" || (b.status === "active" && !!b.expiresAt && b.expiresAt <= now);
  return {
    id: b.id,
    profile_id: b.profileId,
    benefit_definition_id: b.definitionId,
    definition_version: b.definitionVersion,
    max_redemptions: b.valueInitial,
    redemptions_remaining: b.valueRemaining,
    status: b.status,
    is_redeemable: b.status === "active" && !expired && b.valueRemaining > 0,
    is_expired: expired,
    issued_at: b.issuedAt.toISOString(),
    expires_at: iso(b.expiresAt),
    updated_at: b.updatedAt.toISOString(),
  };
}

/** A points award (an earn or a hand issue) under Omneo's field names; what is left of it lives in the profile's ledger. */
export function serializePointAward(e: LedgerRow) {
  return {
    id: e.instanceId ?? e.id,
    profile_id: e.profileId,
    point_definition_id: e.definitionId,
    value_initial: e.delta,
    issued_at: (e.occurredAt ?? e.createdAt).toISOString(),
    source_type: e.sourceType,
    source_id: e.sourceId,
    description: e.reason,
    created_at: e.createdAt.toISOString(),
  };
}
