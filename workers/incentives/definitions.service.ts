// Incentive definitions: rewards, points (+ earn rates), benefits, tiers and achievements. Admin-only
// to change; every change is versioned (definition_versions) and audited. engineConfig() hands the
// ledger DO what is live.
import { and, asc, count, desc, eq, inArray, isNotNull, isNull, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client";
import {
  achievementDefinitions,
  benefitDefinitions,
  definitionVersions,
  earnRates,
  locations,
  pointDefinitions,
  rewardDefinitions,
  tierDefinitions,
} from "../../db/schema";
import type { Actor } from "../access/actor";
import type { AuditService } from "../access/audit";
import type { LocationsService } from "../commerce/locations.service";
import { deriveHandle, uniqueHandle } from "../commerce/rules";
import { isUniqueViolation, errorText, likeText, runBatch, type Statement } from "../commerce/sql";
import { inList } from "../platform/sql";
import type { Clock } from "../platform/clock";
import { newId } from "../platform/crypto";
import { profileConditionContext } from "../profiles/rules";
import type { ProfilesService } from "../profiles/service";
import { DomainError, type FieldErrors } from "../platform/errors";
import { fromCents } from "../platform/money";
import { pageOffset, type PageRequest } from "../platform/pagination";
import type {
  AchievementDefinitionInput,
  BenefitDefinitionInput,
  CalculateEarnInput,
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
} from "./definitions.schema";
import type {
  AchievementDefinitionConfig,
  BenefitDefinitionConfig,
  EngineConfig,
  PointDefinitionConfig,
  RewardDefinitionConfig,
  TierDefinitionConfig,
} from "./engine-types";
import type { AchievementLevels, AchievementVisibility } from "./rules/achievements";
import type { Weekday } from "./rules/calendar";
import {
  DEFINITION_LABELS,
  SERIALIZERS,
  serializeRate,
  toEarnRate,
  type AchievementDefinition,
  type BenefitDefinition,
  type DefinitionKind,
  type DefinitionVersion,
  type EarnRateRow,
  type PointDefinition,
  type RewardDefinition,
  type RowOf,
  type TierDefinitionRow,
} from "./views";
import { calculateEarn, multiplierThousandths, rateErrors, type EarnRate } from "./rules/rates";
import { ladderErrors } from "./rules/tiers";

const TABLES = {
  reward: rewardDefinitions,
  point: pointDefinitions,
  rate: earnRates,
  benefit: benefitDefinitions,
  tier: tierDefinitions,
  achievement: achievementDefinitions,
} as const;

// The generic reads and writes below touch only the columns every definition table has (id, version,
// timestamps; handle and name where the kind has them). Drizzle cannot type a query over a union of
// tables, so they see each table as the reward table's shape: the cast is confined to this function.
function anyTable(kind: DefinitionKind) {
  return TABLES[kind] as unknown as typeof rewardDefinitions;
}

// ── engine shapes ───────────────────────────────────────────────────────────────────────────────

function toPointConfig(d: PointDefinition): PointDefinitionConfig {
  return { id: d.id, handle: d.handle, name: d.name, kind: d.kind, pointsPerDollar: d.pointsPerDollar, expiryDays: d.expiryDays, pendingDays: d.pendingDays, version: d.version };
}

function toTierConfig(d: TierDefinitionRow): TierDefinitionConfig {
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

function toBenefitConfig(d: BenefitDefinition): BenefitDefinitionConfig {
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

function toRewardConfig(d: RewardDefinition): RewardDefinitionConfig {
  return {
    id: d.id,
    handle: d.handle,
    name: d.name,
    type: d.type,
    value: d.value,
    periodDays: d.periodDays,
    absoluteExpiry: d.absoluteExpiry,
    isExtendable: d.isExtendable,
    notificationOffsets: d.notificationOffsets,
    version: d.version,
  };
}

function toAchievementConfig(d: AchievementDefinition): AchievementDefinitionConfig {
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

// ── the engine config cache ─────────────────────────────────────────────────────────────────────

const ENGINE_CONFIG_TTL_MS = 30_000;
// Per isolate: every transaction needs the config, and definitions change rarely. A write through this
// service clears it at once; a write in another isolate shows here within the TTL. Wall time, not the
// injected clock: this is about freshness of a copy, not a business rule.
let engineCache: { timezone: string; at: number; config: EngineConfig } | null = null;

/** Drop the cached engine config (every write through DefinitionsService does this). */
export function clearEngineConfigCache(): void {
  engineCache = null;
}

export interface DefinitionFilter {
  /** false (default): live only; true: archived only; "all": both */
  archived?: boolean | "all";
  pointDefinitionId?: string;
  search?: string;
  handle?: string;
  name?: string;
}

function fail(errors: FieldErrors, what: string): never {
  throw new DomainError("validation_failed", `Invalid ${what}: ${Object.keys(errors).join(", ")}`, { errors });
}

const add = (errors: FieldErrors, field: string, message: string) => void (errors[field] ??= []).push(message);

export class DefinitionsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly opts: { timezone: string },
    /** where a rate preview finds the location and the profile it is asked about */
    private readonly peers: { locations: Pick<LocationsService, "findByIdOrExternalId">; profiles: Pick<ProfilesService, "find"> },
  ) {}

  get timezone(): string {
    return this.opts.timezone;
  }

  // ── generic reading ───────────────────────────────────────────────────────────────────────────

  async find<K extends DefinitionKind>(kind: K, id: string): Promise<RowOf[K] | undefined> {
    const t = anyTable(kind);
    const [row] = await this.db.select().from(t).where(eq(t.id, id)).limit(1);
    return row as unknown as RowOf[K] | undefined;
  }

  async get<K extends DefinitionKind>(kind: K, id: string): Promise<RowOf[K]> {
    const row = await this.find(kind, id);
    if (!row) throw new DomainError("not_found", `No ${DEFINITION_LABELS[kind]} with id ${id}`);
    return row;
  }

  async list<K extends DefinitionKind>(kind: K, filter: DefinitionFilter, page: PageRequest): Promise<{ rows: RowOf[K][]; total: number }> {
    const t = anyTable(kind);
    const conds: SQL[] = [];
    const archived = filter.archived ?? false;
    if (archived === false) conds.push(isNull(t.archivedAt));
    else if (archived === true) conds.push(isNotNull(t.archivedAt));
    if (filter.pointDefinitionId && (kind === "tier" || kind === "rate")) conds.push(eq(kind === "tier" ? tierDefinitions.pointDefinitionId : earnRates.pointDefinitionId, filter.pointDefinitionId));
    if (filter.handle !== undefined) conds.push(kind === "rate" ? sql`0` : eq(t.handle, filter.handle.toLowerCase()));
    if (filter.name !== undefined) conds.push(eq(t.name, filter.name));
    const q = filter.search?.trim();
    if (q) conds.push(kind === "rate" ? likeText(t.name, "%", q, "%") : or(likeText(t.name, "%", q, "%"), likeText(t.handle, "%", q, "%"))!);
    const where = conds.length ? and(...conds) : undefined;
    const order =
      kind === "tier"
        ? [asc(tierDefinitions.pointDefinitionId), asc(tierDefinitions.valueMin), asc(tierDefinitions.id)]
        : kind === "rate"
          ? [asc(earnRates.pointDefinitionId), desc(earnRates.priority), asc(earnRates.name), asc(earnRates.id)]
          : [asc(t.name), asc(t.id)];
    const [rows, [total]] = await this.db.batch([
      this.db
        .select()
        .from(t)
        .where(where)
        .orderBy(...order)
        .limit(page.size)
        .offset(pageOffset(page)),
      this.db.select({ n: count() }).from(t).where(where),
    ]);
    return { rows: rows as unknown as RowOf[K][], total: total?.n ?? 0 };
  }

  /** Every snapshot of one definition, newest first. */
  async versions(kind: DefinitionKind, id: string): Promise<DefinitionVersion[]> {
    await this.get(kind, id);
    return this.db
      .select()
      .from(definitionVersions)
      .where(and(eq(definitionVersions.definitionType, kind), eq(definitionVersions.definitionId, id)))
      .orderBy(desc(definitionVersions.version));
  }

  // ── generic writing ───────────────────────────────────────────────────────────────────────────

  /** A live (not archived) definition to change or to refer to; an archived one cannot change (409). */
  private async getLive<K extends DefinitionKind>(kind: K, id: string): Promise<RowOf[K]> {
    const row = await this.get(kind, id);
    if (row.archivedAt) throw new DomainError("conflict", `The ${DEFINITION_LABELS[kind]} ${row.name} is archived and cannot be changed`);
    return row;
  }

  /** The handle to store: a requested one must be free in this kind (409 naming `handle`), a derived one is made free. */
  private async handleFor(kind: Exclude<DefinitionKind, "rate">, requested: string | undefined, name: string, self: string | null): Promise<string> {
    const t = anyTable(kind);
    if (requested) {
      const [other] = await this.db.select({ id: t.id, archivedAt: t.archivedAt }).from(t).where(eq(t.handle, requested)).limit(1);
      if (other && other.id !== self) {
        const msg = `The handle "${requested}" is already used by ${other.archivedAt ? "an archived" : "another"} ${DEFINITION_LABELS[kind]} (${other.id})`;
        throw new DomainError("conflict", msg, { errors: { handle: [msg] } });
      }
      return requested;
    }
    const base = deriveHandle(name, kind);
    const taken = await this.db.select({ handle: t.handle, id: t.id }).from(t).where(likeText(t.handle, "", base, "%"));
    return uniqueHandle(base, new Set(taken.filter((r) => r.id !== self).map((r) => r.handle)));
  }

  private snapshot<K extends DefinitionKind>(kind: K, row: RowOf[K], actor: Actor) {
    return this.db.insert(definitionVersions).values({
      definitionType: kind,
      definitionId: row.id,
      version: row.version,
      snapshot: SERIALIZERS[kind](row),
      changedBy: actor.label,
      createdAt: row.updatedAt,
    });
  }

  private async commit(kind: DefinitionKind, statements: Statement[]): Promise<void> {
    try {
      await runBatch(this.db, statements);
    } catch (err) {
      if (isUniqueViolation(err)) {
        // the snapshot's primary key (type, id, version) doubles as an optimistic lock on concurrent edits
        if (errorText(err).includes("definition_versions")) {
          throw new DomainError("conflict", `This ${DEFINITION_LABELS[kind]} was changed by someone else at the same time; reload it and try again`);
        }
        const msg = `This handle is already used by another ${DEFINITION_LABELS[kind]}`;
        throw new DomainError("conflict", msg, { errors: { handle: [msg] } });
      }
      throw err;
    } finally {
      clearEngineConfigCache();
    }
  }

  private async insertRow<K extends DefinitionKind>(kind: K, row: RowOf[K], actor: Actor): Promise<RowOf[K]> {
    const t = anyTable(kind);
    await this.commit(kind, [
      this.db.insert(t).values(row as unknown as RewardDefinition),
      this.snapshot(kind, row, actor),
      this.audit.entry(actor, { action: `${entityType(kind)}.created`, entityType: entityType(kind), entityId: row.id, newValues: SERIALIZERS[kind](row) }),
    ]);
    return row;
  }

  /** Apply the changed fields as the next version (no change: no new version), snapshot and audit in one batch. */
  private async updateRow<K extends DefinitionKind>(kind: K, current: RowOf[K], change: Partial<RowOf[K]>, actor: Actor): Promise<RowOf[K]> {
    const keys = (Object.keys(change) as Array<keyof RowOf[K]>).filter((k) => JSON.stringify(change[k]) !== JSON.stringify(current[k]));
    if (!keys.length) return current;
    const changed = Object.fromEntries(keys.map((k) => [k, change[k]])) as Partial<RowOf[K]>;
    const now = this.clock.now();
    const next = { ...current, ...changed, version: current.version + 1, updatedAt: now } as RowOf[K];
    const t = anyTable(kind);
    await this.commit(kind, [
      this.db
        .update(t)
        .set({ ...(changed as Partial<RewardDefinition>), version: next.version, updatedAt: now })
        .where(and(eq(t.id, current.id), eq(t.version, current.version))),
      this.snapshot(kind, next, actor),
      this.audit.entry(actor, {
        action: `${entityType(kind)}.updated`,
        entityType: entityType(kind),
        entityId: current.id,
        oldValues: Object.fromEntries(keys.map((k) => [k, current[k]])),
        newValues: { ...(changed as Record<string, unknown>), version: next.version },
      }),
    ]);
    return next;
  }

  /** Archive: issues nothing new and leaves engineConfig; what was issued stays valid. Archiving again changes nothing. */
  async archive<K extends DefinitionKind>(kind: K, id: string, actor: Actor): Promise<RowOf[K]> {
    const current = await this.get(kind, id);
    if (current.archivedAt) return current;
    const now = this.clock.now();
    const t = anyTable(kind);
    await this.commit(kind, [
      this.db.update(t).set({ archivedAt: now, updatedAt: now }).where(eq(t.id, id)),
      this.audit.entry(actor, { action: `${entityType(kind)}.archived`, entityType: entityType(kind), entityId: id, oldValues: { archived_at: null }, newValues: { archived_at: now.toISOString() } }),
    ]);
    return { ...current, archivedAt: now, updatedAt: now };
  }

  // ── rewards ───────────────────────────────────────────────────────────────────────────────────

  async createReward(input: RewardDefinitionInput, actor: Actor): Promise<RewardDefinition> {
    const handle = await this.handleFor("reward", input.handle, input.name, null);
    const now = this.clock.now();
    return this.insertRow(
      "reward",
      {
        id: newId(),
        name: input.name,
        handle,
        type: input.type ?? "other",
        description: input.description ?? null,
        value: input.value,
        periodDays: input.period ?? null,
        absoluteExpiry: input.absolute_expiry ?? null,
        isExtendable: input.is_extendable ?? false,
        isPublished: input.is_published ?? true,
        notificationOffsets: input.notification_offsets ?? [],
        version: 1,
        createdAt: now,
        updatedAt: now,
        archivedAt: null,
      },
      actor,
    );
  }

  async updateReward(id: string, input: UpdateRewardDefinitionInput, actor: Actor): Promise<RewardDefinition> {
    const current = await this.getLive("reward", id);
    const change: Partial<RewardDefinition> = defined({
      name: input.name,
      type: input.type,
      description: input.description,
      value: input.value,
      periodDays: input.period,
      absoluteExpiry: input.absolute_expiry,
      isExtendable: input.is_extendable,
      isPublished: input.is_published,
      notificationOffsets: input.notification_offsets,
    });
    if (input.handle !== undefined) change.handle = await this.handleFor("reward", input.handle, input.name ?? current.name, id);
    return this.updateRow("reward", current, change, actor);
  }

  // ── points ────────────────────────────────────────────────────────────────────────────────────

  private pointErrors(kind: PointDefinition["kind"], pointsPerDollar: number | null | undefined, errors: FieldErrors): void {
    if (kind === "reward" && (pointsPerDollar === null || pointsPerDollar === undefined)) {
      add(errors, "points_per_dollar", "points_per_dollar is required for reward points: how many points are worth $1 (e.g. 100)");
    } else if (kind !== "reward" && pointsPerDollar !== null && pointsPerDollar !== undefined) {
      add(errors, "points_per_dollar", `points_per_dollar applies only to reward points; ${kind} points are never redeemable, so leave it out`);
    }
  }

  async createPoint(input: PointDefinitionInput, actor: Actor): Promise<PointDefinition> {
    const errors: FieldErrors = {};
    this.pointErrors(input.kind, input.points_per_dollar, errors);
    if (Object.keys(errors).length) fail(errors, DEFINITION_LABELS.point);
    const handle = await this.handleFor("point", input.handle, input.name, null);
    const now = this.clock.now();
    return this.insertRow(
      "point",
      {
        id: newId(),
        name: input.name,
        handle,
        kind: input.kind,
        description: input.description ?? null,
        pointsPerDollar: input.points_per_dollar ?? null,
        expiryDays: input.expiry_days ?? null,
        pendingDays: input.pending_days ?? 0,
        isPublished: input.is_published ?? true,
        version: 1,
        createdAt: now,
        updatedAt: now,
        archivedAt: null,
      },
      actor,
    );
  }

  async updatePoint(id: string, input: UpdatePointDefinitionInput, actor: Actor): Promise<PointDefinition> {
    const current = await this.getLive("point", id);
    const errors: FieldErrors = {};
    if (input.kind !== undefined && input.kind !== current.kind) add(errors, "kind", `kind cannot change after creation (this is a ${current.kind} points definition); create a new definition instead`);
    this.pointErrors(current.kind, input.points_per_dollar === undefined ? current.pointsPerDollar : input.points_per_dollar, errors);
    if (Object.keys(errors).length) fail(errors, DEFINITION_LABELS.point);
    const change: Partial<PointDefinition> = defined({
      name: input.name,
      description: input.description,
      pointsPerDollar: input.points_per_dollar,
      expiryDays: input.expiry_days,
      pendingDays: input.pending_days,
      isPublished: input.is_published,
    });
    if (input.handle !== undefined) change.handle = await this.handleFor("point", input.handle, input.name ?? current.name, id);
    return this.updateRow("point", current, change, actor);
  }

  // ── earn rates ────────────────────────────────────────────────────────────────────────────────

  /** Location ids or external ids → our ids; each unknown one is named. */
  private async resolveLocations(values: readonly string[] | null | undefined, errors: FieldErrors): Promise<string[] | null> {
    if (values === null || values === undefined) return null;
    if (!values.length) return [];
    const unique = [...new Set(values)];
    const rows = await this.db
      .select({ id: locations.id, externalId: locations.externalId })
      .from(locations)
      .where(or(inList(locations.id, unique), inList(locations.externalId, unique)));
    const ids: string[] = [];
    for (const v of unique) {
      const hit = rows.find((r) => r.id === v) ?? rows.find((r) => r.externalId === v);
      if (hit) ids.push(hit.id);
      else add(errors, "location_ids", `No location with id or external id "${v}"`);
    }
    return [...new Set(ids)];
  }

  private async livePointDefinition(id: string, field: string, errors: FieldErrors, kind?: PointDefinition["kind"]): Promise<PointDefinition | null> {
    const d = await this.find("point", id);
    if (!d) add(errors, field, `No point definition with id ${id}`);
    else if (d.archivedAt) add(errors, field, `The point definition ${d.name} is archived`);
    else if (kind && d.kind !== kind) add(errors, field, `${d.name} is a ${d.kind} points definition; a tier ladder needs tier points`);
    else return d;
    return null;
  }

  /** Validate a whole rate (the merge of current and input on update) and return the columns to store. */
  private async rateColumns(rate: Omit<EarnRateInput, "location_ids"> & { location_ids: readonly string[] | null }, checkDefinition: boolean) {
    const errors: FieldErrors = {};
    if (checkDefinition) await this.livePointDefinition(rate.point_definition_id, "point_definition_id", errors);
    const locationIds = await this.resolveLocations(rate.location_ids, errors);
    const milli = multiplierThousandths(rate.multiplier);
    if (milli === 0) add(errors, "multiplier", "multiplier must be more than 0");
    const earn: Partial<EarnRate> = {
      pointDefinitionId: rate.point_definition_id,
      multiplier: rate.multiplier,
      locationIds: locationIds ?? null,
      startsAt: rate.starts_at ? new Date(rate.starts_at) : null,
      endsAt: rate.ends_at ? new Date(rate.ends_at) : null,
      daysOfWeek: (rate.days_of_week ?? null) as Weekday[] | null,
      hours: rate.hours ?? null,
      timezone: rate.timezone ?? null,
      profileCondition: rate.profile_condition ?? null,
      productCondition: rate.product_condition ?? null,
      priority: rate.priority ?? 0,
    };
    for (const [field, messages] of Object.entries(rateErrors(earn))) {
      // an unknown location is already named; rateErrors would only add "must list at least one"
      if (field === "location_ids" && errors.location_ids) continue;
      for (const m of messages) add(errors, field, m);
    }
    if (Object.keys(errors).length) fail(errors, DEFINITION_LABELS.rate);
    return {
      pointDefinitionId: rate.point_definition_id,
      name: rate.name,
      multiplierMilli: milli!,
      locationIds: locationIds,
      startsAt: earn.startsAt ?? null,
      endsAt: earn.endsAt ?? null,
      daysOfWeek: rate.days_of_week ? [...new Set(rate.days_of_week)] : null,
      hours: rate.hours ?? null,
      timezone: rate.timezone ?? null,
      profileCondition: rate.profile_condition ?? null,
      productCondition: rate.product_condition ?? null,
      priority: rate.priority ?? 0,
      isActive: rate.is_active ?? true,
    };
  }

  async createRate(input: EarnRateInput, actor: Actor): Promise<EarnRateRow> {
    const cols = await this.rateColumns({ ...input, location_ids: input.location_ids ?? null }, true);
    const now = this.clock.now();
    return this.insertRow("rate", { id: newId(), ...cols, version: 1, createdAt: now, updatedAt: now, archivedAt: null }, actor);
  }

  async updateRate(id: string, input: UpdateEarnRateInput, actor: Actor): Promise<EarnRateRow> {
    const current = await this.getLive("rate", id);
    const cur = serializeRate(current);
    const pick = <T>(v: T | undefined, fallback: T) => (v === undefined ? fallback : v);
    const cols = await this.rateColumns(
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
    return this.updateRow("rate", current, cols, actor);
  }

  /**
   * What a transaction would earn now (or at transacted_at) under the live rates: the same calculateEarn
   * the ledger runs, over engineConfig's rates. Backs POST /rates/calculate and the console calculator.
   */
  async calculate(input: CalculateEarnInput) {
    const config = await this.engineConfig();
    const errors: FieldErrors = {};
    const tx = input.transaction;
    let locationId: string | null = null;
    let timezone = tx.timezone ?? null;
    if (tx.location_id) {
      const loc = await this.peers.locations.findByIdOrExternalId(tx.location_id);
      if (!loc) add(errors, "transaction.location_id", `No location with id or external id "${tx.location_id}"`);
      else {
        locationId = loc.id;
        timezone ??= loc.timezone;
      }
    }
    let profile: Record<string, unknown> = input.profile ?? {};
    if (input.profile_id) {
      const p = await this.peers.profiles.find(input.profile_id);
      if (!p || p.deletedAt) add(errors, "profile_id", `No profile with id ${input.profile_id}`);
      else profile = { ...profileConditionContext(p), ...(input.profile ?? {}) };
    }
    if (Object.keys(errors).length) fail(errors, "calculation");
    const at = tx.transacted_at ? new Date(tx.transacted_at) : this.clock.now();
    const results = calculateEarn(
      {
        locationId,
        timezone,
        totalCents: tx.total,
        items: tx.items.map((i) => ({
          quantity: i.quantity,
          priceSell: i.price_sell,
          sku: i.sku,
          productId: i.product_id,
          name: i.name,
          category: i.category,
          brand: i.brand,
          tags: i.tags,
        })),
      },
      profile,
      config.rates,
      at,
    );
    const handles = new Map(config.pointDefinitions.map((d) => [d.id, d]));
    return results.map((r) => ({
      point_definition_id: r.pointDefinitionId,
      handle: handles.get(r.pointDefinitionId)?.handle ?? "",
      name: handles.get(r.pointDefinitionId)?.name ?? "",
      rate_id: r.rateId,
      points: r.points,
      eligible_spend: fromCents(r.eligibleSpendCents),
      specificity: r.specificity,
    }));
  }

  // ── benefits ──────────────────────────────────────────────────────────────────────────────────

  async createBenefit(input: BenefitDefinitionInput, actor: Actor): Promise<BenefitDefinition> {
    const handle = await this.handleFor("benefit", input.handle, input.name, null);
    const now = this.clock.now();
    return this.insertRow(
      "benefit",
      {
        id: newId(),
        name: input.name,
        handle,
        description: input.description ?? null,
        periodDays: input.period ?? null,
        absoluteExpiry: input.absolute_expiry ?? null,
        maxRedemptions: input.max_redemptions ?? 1,
        isClaimable: input.is_claimable ?? false,
        eligibility: input.eligibility ?? null,
        isExtendable: input.is_extendable ?? false,
        isPublished: input.is_published ?? true,
        version: 1,
        createdAt: now,
        updatedAt: now,
        archivedAt: null,
      },
      actor,
    );
  }

  async updateBenefit(id: string, input: UpdateBenefitDefinitionInput, actor: Actor): Promise<BenefitDefinition> {
    const current = await this.getLive("benefit", id);
    const change: Partial<BenefitDefinition> = defined({
      name: input.name,
      description: input.description,
      periodDays: input.period,
      absoluteExpiry: input.absolute_expiry,
      maxRedemptions: input.max_redemptions,
      isClaimable: input.is_claimable,
      eligibility: input.eligibility,
      isExtendable: input.is_extendable,
      isPublished: input.is_published,
    });
    if (input.handle !== undefined) change.handle = await this.handleFor("benefit", input.handle, input.name ?? current.name, id);
    return this.updateRow("benefit", current, change, actor);
  }

  // ── tiers ─────────────────────────────────────────────────────────────────────────────────────

  /** The ladder a tier would join must stay sound (ladderErrors): each message is named by the field it is about. */
  private async checkTier(tier: TierDefinitionRow, checkDefinition: boolean): Promise<void> {
    const errors: FieldErrors = {};
    if (checkDefinition) await this.livePointDefinition(tier.pointDefinitionId, "point_definition_id", errors, "tier");
    if (tier.valueMaintain > tier.valueMin) add(errors, "value_maintain", `value_maintain (${tier.valueMaintain}) may not be more than value_min (${tier.valueMin}): keeping a tier cannot ask more than reaching it`);
    if (!Object.keys(errors).length) {
      const others = await this.db
        .select()
        .from(tierDefinitions)
        .where(and(eq(tierDefinitions.pointDefinitionId, tier.pointDefinitionId), isNull(tierDefinitions.archivedAt)));
      const ladder = [...others.filter((t) => t.id !== tier.id), tier].map(toTierConfig);
      for (const message of ladderErrors(ladder)) {
        const field = message.includes("value_maintain") ? "value_maintain" : message.includes("value_min") ? "value_min" : "point_definition_id";
        add(errors, field, message);
      }
    }
    if (Object.keys(errors).length) fail(errors, DEFINITION_LABELS.tier);
  }

  async createTier(input: TierDefinitionInput, actor: Actor): Promise<TierDefinitionRow> {
    const now = this.clock.now();
    const row: TierDefinitionRow = {
      id: newId(),
      name: input.name,
      handle: "",
      description: input.description ?? null,
      pointDefinitionId: input.point_definition_id,
      valueMin: input.value_min,
      valueMaintain: input.value_maintain,
      isFloor: input.is_floor ?? false,
      creditEnabled: input.credit_enabled ?? false,
      version: 1,
      createdAt: now,
      updatedAt: now,
      archivedAt: null,
    };
    await this.checkTier(row, true);
    row.handle = await this.handleFor("tier", input.handle, input.name, null);
    return this.insertRow("tier", row, actor);
  }

  async updateTier(id: string, input: UpdateTierDefinitionInput, actor: Actor): Promise<TierDefinitionRow> {
    const current = await this.getLive("tier", id);
    const change: Partial<TierDefinitionRow> = defined({
      name: input.name,
      description: input.description,
      pointDefinitionId: input.point_definition_id,
      valueMin: input.value_min,
      valueMaintain: input.value_maintain,
      isFloor: input.is_floor,
      creditEnabled: input.credit_enabled,
    });
    await this.checkTier({ ...current, ...change }, change.pointDefinitionId !== undefined && change.pointDefinitionId !== current.pointDefinitionId);
    if (input.handle !== undefined) change.handle = await this.handleFor("tier", input.handle, input.name ?? current.name, id);
    return this.updateRow("tier", current, change, actor);
  }

  /** Every live ladder: its tier points definition and its tiers by value_min (the console's diagram). */
  async ladders(): Promise<Array<{ pointDefinition: PointDefinition | null; tiers: TierDefinitionRow[] }>> {
    const [tiers, points] = await this.db.batch([
      this.db.select().from(tierDefinitions).where(isNull(tierDefinitions.archivedAt)).orderBy(asc(tierDefinitions.valueMin), asc(tierDefinitions.id)),
      this.db.select().from(pointDefinitions).where(eq(pointDefinitions.kind, "tier")),
    ]);
    const byDefinition = new Map<string, TierDefinitionRow[]>();
    for (const t of tiers) byDefinition.set(t.pointDefinitionId, [...(byDefinition.get(t.pointDefinitionId) ?? []), t]);
    return [...byDefinition.entries()].map(([pid, list]) => ({ pointDefinition: points.find((p) => p.id === pid) ?? null, tiers: list }));
  }

  // ── achievements ──────────────────────────────────────────────────────────────────────────────

  private async checkUnlocks(levels: AchievementLevels, unlocks: ReadonlyArray<{ level: number; benefit_definition_id: string }>): Promise<void> {
    const errors: FieldErrors = {};
    const ids = [...new Set(unlocks.map((u) => u.benefit_definition_id))];
    const benefits = ids.length ? await this.db.select().from(benefitDefinitions).where(inArray(benefitDefinitions.id, ids)) : [];
    unlocks.forEach((u, i) => {
      const b = benefits.find((x) => x.id === u.benefit_definition_id);
      if (!b) add(errors, `unlocks.${i}.benefit_definition_id`, `No benefit definition with id ${u.benefit_definition_id}`);
      else if (b.archivedAt) add(errors, `unlocks.${i}.benefit_definition_id`, `The benefit definition ${b.name} is archived`);
      const top = levels.kind === "on_off" ? 1 : levels.kind === "thresholds" ? levels.thresholds.length : Infinity;
      if (u.level > top) {
        add(errors, `unlocks.${i}.level`, levels.kind === "on_off" ? "an on/off achievement has only level 1" : `level ${u.level} cannot be reached: there are ${top} thresholds`);
      }
    });
    if (Object.keys(errors).length) fail(errors, DEFINITION_LABELS.achievement);
  }

  async createAchievement(input: AchievementDefinitionInput, actor: Actor): Promise<AchievementDefinition> {
    const unlocks = input.unlocks ?? [];
    await this.checkUnlocks(input.levels, unlocks);
    const handle = await this.handleFor("achievement", input.handle, input.name, null);
    const now = this.clock.now();
    return this.insertRow(
      "achievement",
      {
        id: newId(),
        name: input.name,
        handle,
        description: input.description ?? null,
        levels: input.levels as AchievementDefinition["levels"],
        visibility: input.visibility ?? "standard",
        trigger: input.trigger ?? "manual",
        condition: input.condition ?? null,
        unlocks,
        isPublished: input.is_published ?? true,
        version: 1,
        createdAt: now,
        updatedAt: now,
        archivedAt: null,
      },
      actor,
    );
  }

  async updateAchievement(id: string, input: UpdateAchievementDefinitionInput, actor: Actor): Promise<AchievementDefinition> {
    const current = await this.getLive("achievement", id);
    if (input.levels !== undefined || input.unlocks !== undefined) {
      await this.checkUnlocks((input.levels ?? current.levels) as AchievementLevels, input.unlocks ?? current.unlocks);
    }
    const change: Partial<AchievementDefinition> = defined({
      name: input.name,
      description: input.description,
      levels: input.levels as AchievementDefinition["levels"] | undefined,
      visibility: input.visibility,
      trigger: input.trigger,
      condition: input.condition,
      unlocks: input.unlocks,
      isPublished: input.is_published,
    });
    if (input.handle !== undefined) change.handle = await this.handleFor("achievement", input.handle, input.name ?? current.name, id);
    return this.updateRow("achievement", current, change, actor);
  }

  // ── the engine's view ─────────────────────────────────────────────────────────────────────────

  /** Everything live a transaction can touch (see EngineConfig): one D1 batch, cached per isolate for 30 s. */
  async engineConfig(): Promise<EngineConfig> {
    const timezone = this.opts.timezone;
    if (engineCache && engineCache.timezone === timezone && Date.now() - engineCache.at < ENGINE_CONFIG_TTL_MS) return engineCache.config;
    const [points, rates, tiers, achievements, benefits] = await this.db.batch([
      this.db
        .select()
        .from(pointDefinitions)
        .where(and(eq(pointDefinitions.isPublished, true), isNull(pointDefinitions.archivedAt)))
        .orderBy(asc(pointDefinitions.id)),
      this.db
        .select()
        .from(earnRates)
        .where(and(eq(earnRates.isActive, true), isNull(earnRates.archivedAt)))
        .orderBy(asc(earnRates.id)),
      this.db.select().from(tierDefinitions).where(isNull(tierDefinitions.archivedAt)).orderBy(asc(tierDefinitions.valueMin), asc(tierDefinitions.id)),
      this.db
        .select()
        .from(achievementDefinitions)
        .where(and(eq(achievementDefinitions.isPublished, true), isNull(achievementDefinitions.archivedAt)))
        .orderBy(asc(achievementDefinitions.id)),
      this.db
        .select()
        .from(benefitDefinitions)
        .where(and(eq(benefitDefinitions.isPublished, true), isNull(benefitDefinitions.archivedAt)))
        .orderBy(asc(benefitDefinitions.id)),
    ]);
    const live = new Map(points.map((p) => [p.id, p]));
    const achievementConfigs = achievements.map(toAchievementConfig);
    const unlocked = new Set(achievementConfigs.flatMap((a) => a.unlocks.map((u) => u.benefitDefinitionId)));
    const config: EngineConfig = {
      timezone,
      pointDefinitions: points.map(toPointConfig),
      rates: rates.filter((r) => live.has(r.pointDefinitionId)).map(toEarnRate),
      tiers: tiers.filter((t) => live.get(t.pointDefinitionId)?.kind === "tier").map(toTierConfig),
      achievements: achievementConfigs,
      benefits: benefits.filter((b) => unlocked.has(b.id)).map(toBenefitConfig),
    };
    engineCache = { timezone, at: Date.now(), config };
    return config;
  }

  /**
   * One live definition for the ledger to issue or apply. Unknown: not_found, or a 422 on `field` when
   * the caller names the API field the id came from; archived: a 422 on `field` (default "definition_id").
   */
  private async liveForIssue<K extends DefinitionKind>(kind: K, id: string, field?: string): Promise<RowOf[K]> {
    const row = await this.find(kind, id);
    if (!row) {
      if (field) throw DomainError.field(field, `No ${DEFINITION_LABELS[kind]} with id ${id}`);
      throw new DomainError("not_found", `No ${DEFINITION_LABELS[kind]} with id ${id}`);
    }
    if (row.archivedAt) throw DomainError.field(field ?? "definition_id", `The ${DEFINITION_LABELS[kind]} ${row.name} is archived and cannot be issued`);
    return row;
  }

  async rewardConfig(id: string, field?: string): Promise<RewardDefinitionConfig> {
    return toRewardConfig(await this.liveForIssue("reward", id, field));
  }

  async pointConfig(id: string, field?: string): Promise<PointDefinitionConfig> {
    return toPointConfig(await this.liveForIssue("point", id, field));
  }

  async benefitConfig(id: string, field?: string): Promise<BenefitDefinitionConfig> {
    return toBenefitConfig(await this.liveForIssue("benefit", id, field));
  }

  async achievementConfig(id: string, field?: string): Promise<AchievementDefinitionConfig> {
    return toAchievementConfig(await this.liveForIssue("achievement", id, field));
  }

  async tierConfig(id: string, field?: string): Promise<TierDefinitionConfig> {
    return toTierConfig(await this.liveForIssue("tier", id, field));
  }
}

function entityType(kind: DefinitionKind): string {
  return kind === "rate" ? "earn_rate" : `${kind}_definition`;
}

/** The object without its undefined entries: the fields an update was given. */
function defined<T extends Record<string, unknown>>(o: T): Partial<{ [K in keyof T]: Exclude<T[K], undefined> }> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<{ [K in keyof T]: Exclude<T[K], undefined> }>;
}

