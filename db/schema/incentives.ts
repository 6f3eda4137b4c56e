// Incentives in D1: the definitions (configuration, versioned: every change writes a snapshot to
// definition_versions and instances name the version they were issued under) and the read-only
// projection of every profile's ledger DO (instances, ledger entries, per-profile state) that lists,
// the Incentives overview, reporting and the tier-anniversary cron read. The DOs own the truth.
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
// the enums are the incentives area's vocabulary (its public face), so the console gets them without Drizzle
import type { PointKind } from "../../workers/incentives/schema";

const timestamps = {
  version: integer("version").notNull().default(1),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  /** archived definitions issue nothing new; what was issued stays valid */
  archivedAt: integer("archived_at", { mode: "timestamp_ms" }),
};

export { ACHIEVEMENT_TRIGGERS, ACHIEVEMENT_VISIBILITY, POINT_KINDS, REWARD_TYPES, type PointKind } from "../../workers/incentives/schema";

export const rewardDefinitions = sqliteTable(
  "reward_definitions",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    handle: text("handle").notNull(),
    type: text("type").notNull().default("other"),
    description: text("description"),
    /** cents */
    value: integer("value").notNull(),
    periodDays: integer("period_days"),
    /** "YYYY-MM-DD" (end of that local day) or an ISO instant */
    absoluteExpiry: text("absolute_expiry"),
    isExtendable: integer("is_extendable", { mode: "boolean" }).notNull().default(false),
    isPublished: integer("is_published", { mode: "boolean" }).notNull().default(true),
    /** days before expiry to fire reward.expiring */
    notificationOffsets: text("notification_offsets", { mode: "json" }).$type<number[]>().notNull().default([]),
    /** Omneo's unit of `period` as given (days, weeks, months, years; null: days); period_days holds the days (months 30, years 365 nominal; their expiry counts calendar months) */
    periodType: text("period_type").$type<"days" | "weeks" | "months" | "years">(),
    /** targets sent on a reward's issue, expiry reminders and extension (workers/delivery/reward-targets.ts) */
    issueTargetId: text("issue_target_id"),
    expiryTargetId: text("expiry_target_id"),
    extendTargetId: text("extend_target_id"),
    notifyIssueOffsetDays: integer("notify_issue_offset_days"),
    notifyExtendOffsetDays: integer("notify_extend_offset_days"),
    ...timestamps,
  },
  (t) => [uniqueIndex("reward_definitions_handle_unique").on(t.handle)],
);

export const pointDefinitions = sqliteTable(
  "point_definitions",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    handle: text("handle").notNull(),
    kind: text("kind").$type<PointKind>().notNull(),
    description: text("description"),
    /** reward kind only: points worth $1 (100 = 100 points per dollar) */
    pointsPerDollar: integer("points_per_dollar"),
    /** lots expire at the end of the local day this many days after they are earned; null: never */
    expiryDays: integer("expiry_days"),
    /** earned now, spendable this many days later; 0: at once */
    pendingDays: integer("pending_days").notNull().default(0),
    isPublished: integer("is_published", { mode: "boolean" }).notNull().default(true),
    ...timestamps,
  },
  (t) => [uniqueIndex("point_definitions_handle_unique").on(t.handle)],
);

export const earnRates = sqliteTable(
  "earn_rates",
  {
    id: text("id").primaryKey(),
    pointDefinitionId: text("point_definition_id").notNull(),
    name: text("name").notNull(),
    /** points per dollar in thousandths (1.5 → 1500): exact, never a float */
    multiplierMilli: integer("multiplier_milli").notNull(),
    locationIds: text("location_ids", { mode: "json" }).$type<string[] | null>(),
    startsAt: integer("starts_at", { mode: "timestamp_ms" }),
    endsAt: integer("ends_at", { mode: "timestamp_ms" }),
    daysOfWeek: text("days_of_week", { mode: "json" }).$type<string[] | null>(),
    hours: text("hours", { mode: "json" }).$type<{ from: string; to: string } | null>(),
    timezone: text("timezone"),
    profileCondition: text("profile_condition", { mode: "json" }).$type<unknown>(),
    productCondition: text("product_condition", { mode: "json" }).$type<unknown>(),
    priority: integer("priority").notNull().default(0),
    isActive: integer("is_active", { mode: "boolean" }).notNull().default(true),
    ...timestamps,
  },
  (t) => [index("earn_rates_definition_idx").on(t.pointDefinitionId)],
);

export const benefitDefinitions = sqliteTable(
  "benefit_definitions",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    handle: text("handle").notNull(),
    description: text("description"),
    periodDays: integer("period_days"),
    absoluteExpiry: text("absolute_expiry"),
    /** how many times one instance can be redeemed */
    maxRedemptions: integer("max_redemptions").notNull().default(1),
    isClaimable: integer("is_claimable", { mode: "boolean" }).notNull().default(false),
    /** JSON Logic over the profile: who may claim it */
    eligibility: text("eligibility", { mode: "json" }).$type<unknown>(),
    isExtendable: integer("is_extendable", { mode: "boolean" }).notNull().default(false),
    isPublished: integer("is_published", { mode: "boolean" }).notNull().default(true),
    ...timestamps,
  },
  (t) => [uniqueIndex("benefit_definitions_handle_unique").on(t.handle)],
);

export const tierDefinitions = sqliteTable(
  "tier_definitions",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    handle: text("handle").notNull(),
    description: text("description"),
    /** the tier-kind points definition that feeds this ladder */
    pointDefinitionId: text("point_definition_id").notNull(),
    valueMin: integer("value_min").notNull(),
    valueMaintain: integer("value_maintain").notNull(),
    isFloor: integer("is_floor", { mode: "boolean" }).notNull().default(false),
    creditEnabled: integer("credit_enabled", { mode: "boolean" }).notNull().default(false),
    ...timestamps,
  },
  (t) => [uniqueIndex("tier_definitions_handle_unique").on(t.handle), index("tier_definitions_ladder_idx").on(t.pointDefinitionId, t.valueMin)],
);

export interface AchievementUnlock {
  level: number;
  benefit_definition_id: string;
}

export const achievementDefinitions = sqliteTable(
  "achievement_definitions",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    handle: text("handle").notNull(),
    description: text("description"),
    /** { kind: "on_off" } | { kind: "every", every } | { kind: "thresholds", thresholds } */
    levels: text("levels", { mode: "json" }).$type<{ kind: "on_off" } | { kind: "every"; every: number } | { kind: "thresholds"; thresholds: number[] }>().notNull(),
    visibility: text("visibility").notNull().default("standard"),
    /** transaction: +1 per purchase that meets `condition`; manual: only by hand or a reaction */
    trigger: text("trigger").notNull().default("manual"),
    /** JSON Logic over the transaction (total in dollars, items, location_id, channel) */
    condition: text("condition", { mode: "json" }).$type<unknown>(),
    unlocks: text("unlocks", { mode: "json" }).$type<AchievementUnlock[]>().notNull().default([]),
    isPublished: integer("is_published", { mode: "boolean" }).notNull().default(true),
    ...timestamps,
  },
  (t) => [uniqueIndex("achievement_definitions_handle_unique").on(t.handle)],
);

/** Every version of every definition, so an instance issued under version 3 still explains itself. */
export const definitionVersions = sqliteTable(
  "definition_versions",
  {
    definitionType: text("definition_type").notNull(),
    definitionId: text("definition_id").notNull(),
    version: integer("version").notNull(),
    snapshot: text("snapshot", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    changedBy: text("changed_by"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.definitionType, t.definitionId, t.version] })],
);

// ── projection of the ledger DOs (written only by their outbox flush) ──────────────────────────

export const incentiveInstances = sqliteTable(
  "incentive_instances",
  {
    id: text("id").primaryKey(),
    profileId: text("profile_id").notNull(),
    /** reward | benefit */
    kind: text("kind").notNull(),
    definitionId: text("definition_id").notNull(),
    definitionVersion: integer("definition_version").notNull(),
    /** active | redeemed | expired | void */
    status: text("status").notNull(),
    /** rewards: cents; benefits: redemptions */
    valueInitial: integer("value_initial").notNull(),
    valueRemaining: integer("value_remaining").notNull(),
    issuedAt: integer("issued_at", { mode: "timestamp_ms" }).notNull(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("incentive_instances_definition_idx").on(t.kind, t.definitionId, t.status), index("incentive_instances_profile_idx").on(t.profileId, t.issuedAt)],
);

export const incentiveLedger = sqliteTable(
  "incentive_ledger",
  {
    id: text("id").primaryKey(),
    profileId: text("profile_id").notNull(),
    seq: integer("seq").notNull(),
    /** points | reward | benefit | tier | achievement */
    kind: text("kind").notNull(),
    /** earn | redeem | clawback | expire | issue | void | reverse | adjust | claim | extend | move_in | move_out … */
    action: text("action").notNull(),
    definitionId: text("definition_id"),
    instanceId: text("instance_id"),
    /** points or cents or count, signed */
    delta: integer("delta").notNull(),
    sourceType: text("source_type").notNull(),
    sourceId: text("source_id"),
    reason: text("reason"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    /** when it happened in the world (a receipt's time for earn and claw-back); reports date points by it */
    occurredAt: integer("occurred_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("incentive_ledger_definition_idx").on(t.kind, t.definitionId, t.action), index("incentive_ledger_profile_idx").on(t.profileId, t.seq)],
);

export const profileIncentiveState = sqliteTable(
  "profile_incentive_state",
  {
    profileId: text("profile_id").primaryKey(),
    rewardBalance: integer("reward_balance").notNull().default(0),
    pointBalance: integer("point_balance").notNull().default(0),
    benefitBalance: integer("benefit_balance").notNull().default(0),
    /** definition id → points */
    points: text("points", { mode: "json" }).$type<Record<string, number>>().notNull().default({}),
    /** tier definition ids held, one per ladder */
    tiers: text("tiers", { mode: "json" }).$type<string[]>().notNull().default([]),
    /** the earliest anniversary of any tier held: the daily cron asks the DO to maintain from then on */
    nextAnniversaryAt: integer("next_anniversary_at", { mode: "timestamp_ms" }),
    /** the earliest expiry of points the profile still holds (null: none expire), for "points expiring within N days" */
    nextPointsExpiryAt: integer("next_points_expiry_at", { mode: "timestamp_ms" }),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("profile_incentive_state_anniversary_idx").on(t.nextAnniversaryAt), index("profile_incentive_state_points_expiry_idx").on(t.nextPointsExpiryAt)],
);
