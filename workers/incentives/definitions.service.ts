// Incentive definitions: rewards, points (+ earn rates), benefits, tiers and achievements. Admin-only
// to change; every change is versioned (definition_versions) and audited. One generic read, create,
// update and archive path runs over the kinds' specs (definitions/specs.ts: table, input mapping,
// checks); views.ts serializes rows. engineConfig() hands the ledger DO what is live.
import { and, asc, count, desc, eq, isNotNull, isNull, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client";
import { achievementDefinitions, benefitDefinitions, definitionVersions, earnRates, pointDefinitions, tierDefinitions } from "../../db/schema";
import type { Actor } from "../access/actor";
import type { AuditService } from "../access/audit";
import type { LocationsService } from "../commerce/locations.service";
import { deriveHandle, uniqueHandle } from "../platform/handles";
import { errorText, isUniqueViolation, runBatch, textMatch, type Statement } from "../platform/sql";
import type { Clock } from "../platform/clock";
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
import { add, DefinitionChecks, fail } from "./definitions/checks";
import { toAchievementConfig, toBenefitConfig, toPointConfig, toRewardConfig, toTierConfig } from "./definitions/engine";
import { specOf, type CreateInputOf, type SpecContext, type UpdateInputOf } from "./definitions/specs";
import type { AchievementDefinitionConfig, BenefitDefinitionConfig, EngineConfig, PointDefinitionConfig, RewardDefinitionConfig, TierDefinitionConfig } from "./engine-types";
import { calculateEarn } from "./rules/rates";
import {
  DEFINITION_LABELS,
  SERIALIZERS,
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

export type { CreateInputOf, UpdateInputOf } from "./definitions/specs";

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
    const t = specOf(kind).table;
    const [row] = await this.db.select().from(t).where(eq(t.id, id)).limit(1);
    return row as unknown as RowOf[K] | undefined;
  }

  async get<K extends DefinitionKind>(kind: K, id: string): Promise<RowOf[K]> {
    const row = await this.find(kind, id);
    if (!row) throw new DomainError("not_found", `No ${DEFINITION_LABELS[kind]} with id ${id}`);
    return row;
  }

  async list<K extends DefinitionKind>(kind: K, filter: DefinitionFilter, page: PageRequest): Promise<{ rows: RowOf[K][]; total: number }> {
    const t = specOf(kind).table;
    const conds: SQL[] = [];
    const archived = filter.archived ?? false;
    if (archived === false) conds.push(isNull(t.archivedAt));
    else if (archived === true) conds.push(isNotNull(t.archivedAt));
    const spec = specOf(kind);
    if (filter.pointDefinitionId && spec.pointDefinitionColumn) conds.push(eq(spec.pointDefinitionColumn, filter.pointDefinitionId));
    if (filter.handle !== undefined) conds.push(spec.handled ? eq(t.handle, filter.handle.toLowerCase()) : sql`0`);
    if (filter.name !== undefined) conds.push(eq(t.name, filter.name));
    const q = filter.search?.trim();
    if (q) conds.push(spec.handled ? or(textMatch(t.name, q, "contains"), textMatch(t.handle, q, "contains"))! : textMatch(t.name, q, "contains"));
    const where = conds.length ? and(...conds) : undefined;
    const order = spec.order();
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
    const t = specOf(kind).table;
    if (requested) {
      const [other] = await this.db.select({ id: t.id, archivedAt: t.archivedAt }).from(t).where(eq(t.handle, requested)).limit(1);
      if (other && other.id !== self) {
        const msg = `The handle "${requested}" is already used by ${other.archivedAt ? "an archived" : "another"} ${DEFINITION_LABELS[kind]} (${other.id})`;
        throw new DomainError("conflict", msg, { errors: { handle: [msg] } });
      }
      return requested;
    }
    const base = deriveHandle(name, kind);
    const taken = await this.db.select({ handle: t.handle, id: t.id }).from(t).where(textMatch(t.handle, base, "prefix"));
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
    const t = specOf(kind).table;
    await this.commit(kind, [
      this.db.insert(t).values(row as unknown as RewardDefinition),
      this.snapshot(kind, row, actor),
      this.audit.entry(actor, { action: `${specOf(kind).entityType}.created`, entityType: specOf(kind).entityType, entityId: row.id, newValues: SERIALIZERS[kind](row) }),
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
    const t = specOf(kind).table;
    await this.commit(kind, [
      this.db
        .update(t)
        .set({ ...(changed as Partial<RewardDefinition>), version: next.version, updatedAt: now })
        .where(and(eq(t.id, current.id), eq(t.version, current.version))),
      this.snapshot(kind, next, actor),
      this.audit.entry(actor, {
        action: `${specOf(kind).entityType}.updated`,
        entityType: specOf(kind).entityType,
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
    const t = specOf(kind).table;
    await this.commit(kind, [
      this.db.update(t).set({ archivedAt: now, updatedAt: now }).where(eq(t.id, id)),
      this.audit.entry(actor, { action: `${specOf(kind).entityType}.archived`, entityType: specOf(kind).entityType, entityId: id, oldValues: { archived_at: null }, newValues: { archived_at: now.toISOString() } }),
    ]);
    return { ...current, archivedAt: now, updatedAt: now };
  }

  // ── creating and changing: one path for every kind (definitions/specs.ts) ─────────────────────

  private get specContext(): SpecContext {
    return { clock: this.clock, checks: new DefinitionChecks(this.db) };
  }

  /** Create a definition of `kind` at version 1: the kind's checks, then its handle (requested or derived). */
  async create<K extends DefinitionKind>(kind: K, input: CreateInputOf[K], actor: Actor): Promise<RowOf[K]> {
    const spec = specOf(kind);
    const row = await spec.build(input, this.specContext);
    if (spec.handled) {
      const named = input as { handle?: string; name: string };
      (row as { handle: string }).handle = await this.handleFor(kind as Exclude<DefinitionKind, "rate">, named.handle, named.name, null);
    }
    return this.insertRow(kind, row, actor);
  }

  /** Change a live definition: only the fields given; a change is the next version (none: no new version). */
  async update<K extends DefinitionKind>(kind: K, id: string, input: UpdateInputOf[K], actor: Actor): Promise<RowOf[K]> {
    const spec = specOf(kind);
    const current = await this.getLive(kind, id);
    const change = await spec.change(input, current, this.specContext);
    const named = input as { handle?: string; name?: string };
    if (spec.handled && named.handle !== undefined) {
      (change as { handle?: string }).handle = await this.handleFor(kind as Exclude<DefinitionKind, "rate">, named.handle, named.name ?? current.name, id);
    }
    return this.updateRow(kind, current, change, actor);
  }

  // Each kind by name, as the ledger tests and older callers say it.
  createReward = (input: RewardDefinitionInput, actor: Actor): Promise<RewardDefinition> => this.create("reward", input, actor);
  updateReward = (id: string, input: UpdateRewardDefinitionInput, actor: Actor): Promise<RewardDefinition> => this.update("reward", id, input, actor);
  createPoint = (input: PointDefinitionInput, actor: Actor): Promise<PointDefinition> => this.create("point", input, actor);
  updatePoint = (id: string, input: UpdatePointDefinitionInput, actor: Actor): Promise<PointDefinition> => this.update("point", id, input, actor);
  createRate = (input: EarnRateInput, actor: Actor): Promise<EarnRateRow> => this.create("rate", input, actor);
  updateRate = (id: string, input: UpdateEarnRateInput, actor: Actor): Promise<EarnRateRow> => this.update("rate", id, input, actor);
  createBenefit = (input: BenefitDefinitionInput, actor: Actor): Promise<BenefitDefinition> => this.create("benefit", input, actor);
  updateBenefit = (id: string, input: UpdateBenefitDefinitionInput, actor: Actor): Promise<BenefitDefinition> => this.update("benefit", id, input, actor);
  createTier = (input: TierDefinitionInput, actor: Actor): Promise<TierDefinitionRow> => this.create("tier", input, actor);
  updateTier = (id: string, input: UpdateTierDefinitionInput, actor: Actor): Promise<TierDefinitionRow> => this.update("tier", id, input, actor);
  createAchievement = (input: AchievementDefinitionInput, actor: Actor): Promise<AchievementDefinition> => this.create("achievement", input, actor);
  updateAchievement = (id: string, input: UpdateAchievementDefinitionInput, actor: Actor): Promise<AchievementDefinition> => this.update("achievement", id, input, actor);

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

  // ── tiers ─────────────────────────────────────────────────────────────────────────────────────

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
