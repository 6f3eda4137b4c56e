// The shapes the ledger DO works with: the definitions it needs to earn, tier and progress (passed in
// by the worker, which reads them from D1 through DefinitionsService.engineConfig()), and the
// descriptions of what to issue. Plain data: everything here crosses the DO's RPC boundary.
import type { AchievementLevels, AchievementVisibility } from "./rules/achievements";
import type { EarnRate } from "./rules/rates";
import type { TierDefinition } from "./rules/tiers";

export interface PointDefinitionConfig {
  id: string;
  handle: string;
  name: string;
  kind: "reward" | "tier" | "action";
  /** reward kind: points worth $1; null for tier and action points */
  pointsPerDollar: number | null;
  expiryDays: number | null;
  pendingDays: number;
  version: number;
}

export interface TierDefinitionConfig extends TierDefinition {
  handle: string;
  name: string;
  version: number;
}

export interface BenefitDefinitionConfig {
  id: string;
  handle: string;
  name: string;
  periodDays: number | null;
  absoluteExpiry: string | null;
  maxRedemptions: number;
  isExtendable: boolean;
  isClaimable: boolean;
  eligibility: unknown;
  version: number;
}

export interface RewardDefinitionConfig {
  id: string;
  handle: string;
  name: string;
  type: string;
  /** cents */
  value: number;
  periodDays: number | null;
  /** calendar months for period_type months/years (replaces periodDays for the expiry); absent or null: days */
  periodMonths?: number | null;
  absoluteExpiry: string | null;
  isExtendable: boolean;
  notificationOffsets: number[];
  version: number;
}

export interface AchievementDefinitionConfig {
  id: string;
  handle: string;
  name: string;
  levels: AchievementLevels;
  visibility: AchievementVisibility;
  trigger: "transaction" | "manual";
  /** JSON Logic over the transaction context; null: every purchase counts */
  condition: unknown;
  unlocks: Array<{ level: number; benefitDefinitionId: string }>;
  version: number;
}

/** Everything live that a transaction can touch: published, not archived. */
export interface EngineConfig {
  /** the brand's time zone: expiry days, tier anniversaries and reminders are read in it */
  timezone: string;
  pointDefinitions: PointDefinitionConfig[];
  /** active rates of those definitions */
  rates: EarnRate[];
  tiers: TierDefinitionConfig[];
  achievements: AchievementDefinitionConfig[];
  /** benefit definitions an achievement level unlocks */
  benefits: BenefitDefinitionConfig[];
}
