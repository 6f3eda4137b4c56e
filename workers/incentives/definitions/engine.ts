// The engine's shape of each kind of definition (what the ledger runs on): pure mappers from rows.
import type { AchievementDefinitionConfig, BenefitDefinitionConfig, PointDefinitionConfig, RewardDefinitionConfig, TierDefinitionConfig } from "../engine-types";
import type { AchievementLevels, AchievementVisibility } from "../rules/achievements";
import { periodMonthsOf } from "../rules/expiry";
import type { AchievementDefinition, BenefitDefinition, PointDefinition, RewardDefinition, TierDefinitionRow } from "../views";

export function toPointConfig(d: PointDefinition): PointDefinitionConfig {
  return { id: d.id, handle: d.handle, name: d.name, kind: d.kind, pointsPerDollar: d.pointsPerDollar, expiryDays: d.expiryDays, pendingDays: d.pendingDays, version: d.version };
}

export function toTierConfig(d: TierDefinitionRow): TierDefinitionConfig {
  return {
    id: d.id,
    handle: d.handle,
    name: d.name,
    pointDefinitionId: d.pointDefinitionId,
    valueMin: d.valueMin,
    valueMaintain: d.valueMaintain,
    isFloor: d.isFloor,
    creditEnabled: d.creditEnabled,
    version: d.version,
  };
}

export function toBenefitConfig(d: BenefitDefinition): BenefitDefinitionConfig {
  return {
    id: d.id,
    handle: d.handle,
    name: d.name,
    periodDays: d.periodDays,
    absoluteExpiry: d.absoluteExpiry,
    maxRedemptions: d.maxRedemptions,
    isExtendable: d.isExtendable,
    isClaimable: d.isClaimable,
    eligibility: d.eligibility ?? null,
    version: d.version,
  };
}

export function toRewardConfig(d: RewardDefinition): RewardDefinitionConfig {
  return {
    id: d.id,
    handle: d.handle,
    name: d.name,
    type: d.type,
    value: d.value,
    periodDays: d.periodDays,
    periodMonths: periodMonthsOf(d.periodDays, d.periodType),
    absoluteExpiry: d.absoluteExpiry,
    isExtendable: d.isExtendable,
    notificationOffsets: d.notificationOffsets,
    version: d.version,
  };
}

export function toAchievementConfig(d: AchievementDefinition): AchievementDefinitionConfig {
  return {
    id: d.id,
    handle: d.handle,
    name: d.name,
    levels: d.levels as AchievementLevels,
    visibility: d.visibility as AchievementVisibility,
    trigger: d.trigger as "transaction" | "manual",
    condition: d.condition ?? null,
    unlocks: d.unlocks.map((u) => ({ level: u.level, benefitDefinitionId: u.benefit_definition_id })),
    version: d.version,
  };
}
