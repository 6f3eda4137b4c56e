// The profile page's incentive intents and the permission each needs. Pure (no server code), so the
// route module can export its whole intent table for the console's authorization matrix.
import type { Permission } from "../../workers/access/rules";

export const INCENTIVE_INTENTS = {
  "reward-issue": "incentives:issue",
  "points-issue": "incentives:issue",
  "benefit-issue": "incentives:issue",
  "achievement-progress": "incentives:issue",
  "tier-assign": "incentives:issue",
  "incentive-void": "incentives:issue",
} as const satisfies Record<string, Permission>;
export type IncentiveIntent = keyof typeof INCENTIVE_INTENTS;
