// The incentives area's vocabulary: the enums its definitions, the console's forms and db/schema/incentives
// share. A leaf (no imports), so the console gets them without Drizzle. The zod contracts themselves are in
// definitions.schema.ts (configuration) and ledger.schema.ts (operations on a profile's ledger).
export const REWARD_TYPES = ["birthday", "spend", "campaign", "customer_service", "referral", "welcome", "other"] as const;
export const POINT_KINDS = ["reward", "tier", "action"] as const;
export type PointKind = (typeof POINT_KINDS)[number];
export const ACHIEVEMENT_VISIBILITY = ["standard", "hidden", "mystery", "system"] as const;
export const ACHIEVEMENT_TRIGGERS = ["transaction", "manual"] as const;
