// One spec per kind of definition: its table, its audit entity, whether it has a handle, how its list
// is ordered, and how a create or update input becomes columns (after the kind's own checks). The
// DefinitionsService runs one generic create/update/archive path over these; views.ts serializes rows.
import { asc, desc, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { achievementDefinitions, benefitDefinitions, earnRates, pointDefinitions, rewardDefinitions, tierDefinitions } from "../../../db/schema";
import type { Clock } from "../../platform/clock";
import { newId } from "../../platform/crypto";
import type { FieldErrors } from "../../platform/errors";
import type {
  AchievementDefinitionInput,
  BenefitDefinitionInput,
  EarnRateInput,
  PointDefinitionInput,
  RewardDefinitionInput,
  TierDefinitionInput,
  UpdateAchievementDefinitionInput,
  UpdateBenefitDefinitionInput,
  UpdateEarnRateInput,
  UpdatePointDefinitionInput,
  UpdateRewardDefinitionInput,
  UpdateTierDefinitionInput,
} from "../definitions.schema";
import type { AchievementLevels } from "../rules/achievements";
import { expiryErrors, periodFactor } from "../rules/expiry";
import { DEFINITION_LABELS, serializeRate, type AchievementDefinition, type DefinitionKind, type PointDefinition, type RowOf } from "../views";
import { add, fail, type DefinitionChecks } from "./checks";

/** The create input of each kind (the API's zod contract). */
export interface CreateInputOf {
  reward: RewardDefinitionInput;
  point: PointDefinitionInput;
  rate: EarnRateInput;
  benefit: BenefitDefinitionInput;
  tier: TierDefinitionInput;
  achievement: AchievementDefinitionInput;
}

/** The update input of each kind: only the fields given change. */
export interface UpdateInputOf {
  reward: UpdateRewardDefinitionInput;
  point: UpdatePointDefinitionInput;
  rate: UpdateEarnRateInput;
  benefit: UpdateBenefitDefinitionInput;
  tier: UpdateTierDefinitionInput;
  achievement: UpdateAchievementDefinitionInput;
}

/** What a spec's input mapping may use: the clock and the kinds' D1 checks. */
export interface SpecContext {
  clock: Clock;
  checks: DefinitionChecks;
}

export interface DefinitionSpec<K extends DefinitionKind> {
  /**
   * The kind's table. The generic reads and writes touch only the columns every definition table has
   * (id, version, timestamps; handle and name where the kind has them). Drizzle cannot type a query over
   * a union of tables, so each is seen as the reward table's shape: the cast is confined to this field.
   */
  table: typeof rewardDefinitions;
  /** the audit log's entity type (and its actions' prefix) */
  entityType: string;
  /** whether rows have a handle (all but earn rates) */
  handled: boolean;
  /** the column filter[point_definition_id] applies to, where the kind has one */
  pointDefinitionColumn?: SQLiteColumn;
  /** the list's order */
  order(): SQL[];
  /** A valid create input as a new row at version 1; the generic path fills the handle after. */
  build(input: CreateInputOf[K], ctx: SpecContext): Promise<RowOf[K]>;
  /** The columns an update input asks to change (checked against the definition it would make). */
  change(input: UpdateInputOf[K], current: RowOf[K], ctx: SpecContext): Promise<Partial<RowOf[K]>>;
}

const anyTable = (t: unknown) => t as typeof rewardDefinitions;
const byName = (t: typeof rewardDefinitions) => () => [asc(t.name), asc(t.id)];

/** The columns every new row starts with. */
function fresh(clock: Clock) {
  const now = clock.now();
  return { version: 1, createdAt: now, updatedAt: now, archivedAt: null };
}

/** The object without its undefined entries: the fields an update was given. */
function defined<T extends Record<string, unknown>>(o: T): Partial<{ [K in keyof T]: Exclude<T[K], undefined> }> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<{ [K in keyof T]: Exclude<T[K], undefined> }>;
}

const reward: DefinitionSpec<"reward"> = {
  table: rewardDefinitions,
  entityType: "reward_definition",
  handled: true,
  order: byName(rewardDefinitions),
  build: async (input, { clock, checks }) => ({
    id: newId(),
    name: input.name,
    handle: "",
    type: input.type ?? "other",
    description: input.description ?? null,
    value: input.value,
    periodDays: input.period === null || input.period === undefined ? null : periodDays(input.period, input.period_type),
    periodType: input.period_type ?? null,
    absoluteExpiry: input.absolute_expiry ?? null,
    isExtendable: input.is_extendable ?? false,
    isPublished: input.is_published ?? true,
    notificationOffsets: input.notification_offsets ?? [],
    issueTargetId: null,
    expiryTargetId: null,
    extendTargetId: null,
    ...(await checks.rewardTargets(input)),
    notifyIssueOffsetDays: input.notify_issue_offset_days ?? null,
    notifyExtendOffsetDays: input.notify_extend_offset_days ?? null,
    ...fresh(clock),
  }),
  change: async (input, current, { checks }) => {
    const periodType = input.period_type === undefined ? current.periodType : input.period_type;
    // the period is kept in days; a new unit alone re-reads the same number of units in it (30 days → 30 weeks)
    const units = input.period !== undefined ? input.period : input.period_type !== undefined && current.periodDays !== null ? current.periodDays / periodFactor(current.periodType) : undefined;
    return defined({
      name: input.name,
      type: input.type,
      description: input.description,
      value: input.value,
      periodDays: units === undefined ? undefined : units === null ? null : periodDays(units, periodType),
      periodType: input.period_type,
      absoluteExpiry: input.absolute_expiry,
      isExtendable: input.is_extendable,
      isPublished: input.is_published,
      notificationOffsets: input.notification_offsets,
      ...(await checks.rewardTargets(input)),
      notifyIssueOffsetDays: input.notify_issue_offset_days,
      notifyExtendOffsetDays: input.notify_extend_offset_days,
    });
  },
};

/**
 * A reward's period in the days `period_days` keeps (rules/expiry periodFactor: months and years in
 * nominal days, their expiry counted in calendar months); refused past the 100-year bound.
 */
function periodDays(units: number, periodType: string | null | undefined): number {
  const days = units * periodFactor(periodType);
  const errors = expiryErrors({ periodDays: days });
  if (errors.period) fail({ period: [`period ${units} ${periodType ?? "days"} is beyond 100 years (36500 days)`] }, "reward definition");
  return days;
}

/** Reward points say what $1 is worth in points; other points are never redeemable, so they may not. */
function pointErrors(kind: PointDefinition["kind"], pointsPerDollar: number | null | undefined, errors: FieldErrors): void {
  if (kind === "reward" && (pointsPerDollar === null || pointsPerDollar === undefined)) {
    add(errors, "points_per_dollar", "points_per_dollar is required for reward points: how many points are worth $1 (e.g. 100)");
  } else if (kind !== "reward" && pointsPerDollar !== null && pointsPerDollar !== undefined) {
    add(errors, "points_per_dollar", `points_per_dollar applies only to reward points; ${kind} points are never redeemable, so leave it out`);
  }
}

const point: DefinitionSpec<"point"> = {
  table: anyTable(pointDefinitions),
  entityType: "point_definition",
  handled: true,
  order: byName(anyTable(pointDefinitions)),
  build: async (input, { clock }) => {
    const errors: FieldErrors = {};
    pointErrors(input.kind, input.points_per_dollar, errors);
    if (Object.keys(errors).length) fail(errors, DEFINITION_LABELS.point);
    return {
      id: newId(),
      name: input.name,
      handle: "",
      kind: input.kind,
      description: input.description ?? null,
      pointsPerDollar: input.points_per_dollar ?? null,
      expiryDays: input.expiry_days ?? null,
      pendingDays: input.pending_days ?? 0,
      isPublished: input.is_published ?? true,
      ...fresh(clock),
    };
  },
  change: async (input, current) => {
    const errors: FieldErrors = {};
    if (input.kind !== undefined && input.kind !== current.kind) add(errors, "kind", `kind cannot change after creation (this is a ${current.kind} points definition); create a new definition instead`);
    pointErrors(current.kind, input.points_per_dollar === undefined ? current.pointsPerDollar : input.points_per_dollar, errors);
    if (Object.keys(errors).length) fail(errors, DEFINITION_LABELS.point);
    return defined({
      name: input.name,
      description: input.description,
      pointsPerDollar: input.points_per_dollar,
      expiryDays: input.expiry_days,
      pendingDays: input.pending_days,
      isPublished: input.is_published,
    });
  },
};

const rate: DefinitionSpec<"rate"> = {
  table: anyTable(earnRates),
  entityType: "earn_rate",
  handled: false,
  pointDefinitionColumn: earnRates.pointDefinitionId,
  order: () => [asc(earnRates.pointDefinitionId), desc(earnRates.priority), asc(earnRates.name), asc(earnRates.id)],
  build: async (input, { clock, checks }) => {
    const cols = await checks.rateColumns({ ...input, location_ids: input.location_ids ?? null }, true);
    return { id: newId(), ...cols, ...fresh(clock) };
  },
  // a rate is checked whole: the input over the current rate, as the API shows it
  change: async (input, current, { checks }) => {
    const cur = serializeRate(current);
    const pick = <T>(v: T | undefined, fallback: T) => (v === undefined ? fallback : v);
    return checks.rateColumns(
      {
        point_definition_id: pick(input.point_definition_id, cur.point_definition_id),
        name: pick(input.name, cur.name),
        multiplier: pick(input.multiplier, cur.multiplier),
        location_ids: pick(input.location_ids, cur.location_ids),
        starts_at: pick(input.starts_at, cur.starts_at),
        ends_at: pick(input.ends_at, cur.ends_at),
        days_of_week: pick(input.days_of_week, cur.days_of_week),
        hours: pick(input.hours, cur.hours),
        timezone: pick(input.timezone, cur.timezone),
        profile_condition: pick(input.profile_condition, cur.profile_condition),
        product_condition: pick(input.product_condition, cur.product_condition),
        priority: pick(input.priority, cur.priority),
        is_active: pick(input.is_active, cur.is_active),
      },
      input.point_definition_id !== undefined && input.point_definition_id !== current.pointDefinitionId,
    );
  },
};

const benefit: DefinitionSpec<"benefit"> = {
  table: anyTable(benefitDefinitions),
  entityType: "benefit_definition",
  handled: true,
  order: byName(anyTable(benefitDefinitions)),
  build: async (input, { clock }) => ({
    id: newId(),
    name: input.name,
    handle: "",
    description: input.description ?? null,
    periodDays: input.period ?? null,
    absoluteExpiry: input.absolute_expiry ?? null,
    maxRedemptions: input.max_redemptions ?? 1,
    isClaimable: input.is_claimable ?? false,
    eligibility: input.eligibility ?? null,
    isExtendable: input.is_extendable ?? false,
    isPublished: input.is_published ?? true,
    ...fresh(clock),
  }),
  change: async (input) =>
    defined({
      name: input.name,
      description: input.description,
      periodDays: input.period,
      absoluteExpiry: input.absolute_expiry,
      maxRedemptions: input.max_redemptions,
      isClaimable: input.is_claimable,
      eligibility: input.eligibility,
      isExtendable: input.is_extendable,
      isPublished: input.is_published,
    }),
};

const tier: DefinitionSpec<"tier"> = {
  table: anyTable(tierDefinitions),
  entityType: "tier_definition",
  handled: true,
  pointDefinitionColumn: tierDefinitions.pointDefinitionId,
  order: () => [asc(tierDefinitions.pointDefinitionId), asc(tierDefinitions.valueMin), asc(tierDefinitions.id)],
  build: async (input, { clock, checks }) => {
    const row = {
      id: newId(),
      name: input.name,
      handle: "",
      description: input.description ?? null,
      pointDefinitionId: input.point_definition_id,
      valueMin: input.value_min,
      valueMaintain: input.value_maintain,
      isFloor: input.is_floor ?? false,
      creditEnabled: input.credit_enabled ?? false,
      ...fresh(clock),
    };
    await checks.checkTier(row, true);
    return row;
  },
  change: async (input, current, { checks }) => {
    const change = defined({
      name: input.name,
      description: input.description,
      pointDefinitionId: input.point_definition_id,
      valueMin: input.value_min,
      valueMaintain: input.value_maintain,
      isFloor: input.is_floor,
      creditEnabled: input.credit_enabled,
    });
    await checks.checkTier({ ...current, ...change }, change.pointDefinitionId !== undefined && change.pointDefinitionId !== current.pointDefinitionId);
    return change;
  },
};

const achievement: DefinitionSpec<"achievement"> = {
  table: anyTable(achievementDefinitions),
  entityType: "achievement_definition",
  handled: true,
  order: byName(anyTable(achievementDefinitions)),
  build: async (input, { clock, checks }) => {
    const unlocks = input.unlocks ?? [];
    await checks.checkUnlocks(input.levels, unlocks);
    return {
      id: newId(),
      name: input.name,
      handle: "",
      description: input.description ?? null,
      levels: input.levels as AchievementDefinition["levels"],
      visibility: input.visibility ?? "standard",
      trigger: input.trigger ?? "manual",
      condition: input.condition ?? null,
      unlocks,
      isPublished: input.is_published ?? true,
      ...fresh(clock),
    };
  },
  change: async (input, current, { checks }) => {
    if (input.levels !== undefined || input.unlocks !== undefined) {
      await checks.checkUnlocks((input.levels ?? current.levels) as AchievementLevels, input.unlocks ?? current.unlocks);
    }
    return defined({
      name: input.name,
      description: input.description,
      levels: input.levels as AchievementDefinition["levels"] | undefined,
      visibility: input.visibility,
      trigger: input.trigger,
      condition: input.condition,
      unlocks: input.unlocks,
      isPublished: input.is_published,
    });
  },
};

export const DEFINITION_SPECS: { [K in DefinitionKind]: DefinitionSpec<K> } = { reward, point, rate, benefit, tier, achievement };

/** The spec of a kind (one indexed read, typed for the kind). */
export function specOf<K extends DefinitionKind>(kind: K): DefinitionSpec<K> {
  return DEFINITION_SPECS[kind];
}
