// The incentive ledger as the rest of the worker sees it: finds a profile's ProfileLedger DO, hands it
// the live definitions, turns its refusals into DomainErrors and audits what staff do by hand. The API,
// the console and the transaction ingest all call these methods; none talks to the DO directly.
// Over 500 lines (about 600, with the amend of an issued reward or benefit Omneo's PUT needs) because it is the one façade every caller shares: the history backfill (its
// ~75 lines and BACKFILL_* constants) is the next to leave, as its own service beside this one, when its callers
// (the events consumer, the seed, the console's Admin button) are next changed.
import { and, asc, eq, gt, inArray, isNotNull, lte, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { batchJobs, incentiveInstances, incentiveLedger, profileIncentiveState, transactions } from "../../db/schema";
import type { Actor } from "../access/actor";
import type { AuditService } from "../access/audit";
import type { TransactionView } from "../commerce/transactions.service";
import type { Clock } from "../platform/clock";
import { DomainError } from "../platform/errors";
import type { EventRow } from "../platform/outbox";
import { isUuid } from "../platform/ids";
import { profileConditionContext } from "../profiles/rules";
import type { Profile, ProfilesService } from "../profiles/service";
import type { DefinitionsService } from "./definitions.service";
import type { EngineConfig } from "./engine-types";
import { type LedgerLifecycle, ledgerStub, unwrapLedger } from "./ledger-lifecycle";
import type { TransactionIncentives } from "./ledger.schema";
import type { AmendInstanceArgs, Balances, BenefitView, LedgerResult, LedgerSource, LedgerTransaction, RewardView } from "./profile-ledger/contract";
import type { ProfileLedger } from "./profile-ledger/ledger.do";
import type { EarnManyResult } from "./profile-ledger/ops/earn";
import { profileOfRedemption } from "./redemption-ids";
import { historyByProfile, replayHistory, type HistoryRecord } from "./history";

type BatchJob = typeof batchJobs.$inferSelect;

/** Who did it, as the ledger records it. A token's namespace travels as the (depth 0) causation of what it changes. */
export function ledgerSource(actor: Actor): LedgerSource {
  if (actor.type === "user") return { type: "staff", id: actor.id, label: actor.label };
  if (actor.type === "token") return { type: "token", id: actor.id, label: actor.label, ...(actor.namespace ? { causation: { depth: 0, namespace: actor.namespace } } : {}) };
  // a reaction (trigger or automation) carries the event that caused it, so the events it causes continue the chain
  if (actor.causedBy) return { type: "reaction", id: actor.id, label: actor.label, causation: actor.causedBy };
  return { type: "system", id: null, label: actor.label };
}

/** Receipts a member earns in one ledger call (the RPC's size stays bounded; a bigger history takes several). */
const EARN_MANY = 100;

/** A recorded transaction as the ledger earns on it. */
function ledgerTransaction(t: TransactionView): LedgerTransaction {
  return {
    id: t.id,
    externalId: t.externalId,
    originalExternalId: t.originalExternalId ?? null,
    totalCents: t.total,
    items: [...t.items].sort((a, b) => a.position - b.position).map((i) => ({ quantity: i.quantity, priceSell: i.priceSell, sku: i.sku, productId: i.productId, name: i.name })),
    locationId: t.locationId,
    timezone: t.timezone,
    channel: t.channel,
    transactedAt: t.transactedAt.getTime(),
  };
}

/** A queue message: earn for the next BACKFILL_PAGE profiles (by id) after `after`, then pass it on. */
export const BACKFILL_MESSAGE = "ledger.backfill";
export const BACKFILL_PAGE = 25;
export interface BackfillMessage {
  kind: typeof BACKFILL_MESSAGE;
  job_id: string;
  after: string | null;
}
export function isBackfillMessage(body: unknown): body is BackfillMessage {
  return !!body && typeof body === "object" && (body as BackfillMessage).kind === BACKFILL_MESSAGE && typeof (body as BackfillMessage).job_id === "string";
}

/** The ledger's port onto commerce: a profile's recorded transactions, not voided, oldest first (for backfills). */
export interface TransactionHistory {
  historyOf(profileId: string): Promise<TransactionView[]>;
}

export class LedgerService {
  constructor(
    private readonly env: Env,
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly profiles: ProfilesService,
    private readonly definitions: DefinitionsService,
    /** TransactionsService: it no longer calls the ledger (receipts earn through commerce/ingest.ts), so it is built first */
    private readonly history: TransactionHistory,
    /** the merge and purge hooks, built before ProfilesService (which calls them) */
    private readonly lifecycle: LedgerLifecycle,
    /** the request's origin (the Outbox): the namespace of the API token whose request this is, if any */
    private readonly origin: { readonly namespace: string | null } = { namespace: null },
  ) {}

  /** The causation a receipt's ledger work carries: the causing token's namespace, so its webhooks are not echoed. */
  private get originCausation(): LedgerSource["causation"] {
    return this.origin.namespace ? { depth: 0, namespace: this.origin.namespace } : null;
  }

  stub(profileId: string): DurableObjectStub<ProfileLedger> {
    return ledgerStub(this.env, profileId);
  }

  private unwrap<T>(r: LedgerResult<T>): T {
    return unwrapLedger(r);
  }

  /** A live profile (404 otherwise; 409 for a deleted one), for every write. */
  private async live(profileId: string): Promise<Profile> {
    const p = await this.profiles.require(profileId);
    if (p.type === "deleted") throw new DomainError("conflict", p.mergedInto ? `This profile was merged into ${p.mergedInto}` : "This profile is deleted; restore it first");
    return p;
  }

  /**
   * The ledger op's key: the client's Idempotency-Key, else a natural key the retry of the same request
   * repeats (a redemption against one receipt), else a fresh one (the caller should send a key).
   */
  private key(actor: Actor, idempotencyKey: string | null | undefined, op: string, natural?: string | null): string {
    if (idempotencyKey) return `${op}:${actor.type}:${actor.id ?? "-"}:${idempotencyKey}`;
    if (natural) return `${op}:${actor.type}:${actor.id ?? "-"}:natural:${natural}`;
    return `${op}:${crypto.randomUUID()}`;
  }

  // ── reads ────────────────────────────────────────────────────────────────────────────────────

  /** Balances from the DO alone; only a ledger that has never been written asks D1 whether the profile exists. */
  async balances(profileId: string): Promise<Balances> {
    if (!isUuid(profileId)) throw new DomainError("not_found", `No profile with id ${profileId}`);
    const found = await this.stub(profileId).balances();
    if (found) return found;
    await this.profiles.require(profileId);
    const config = await this.definitions.engineConfig();
    return {
      profile_id: profileId,
      reward_balance: 0,
      point_balance: 0,
      point_balance_dollars: 0,
      combined_balance_dollars: 0,
      benefit_balance: 0,
      points: config.pointDefinitions
        .map((d) => ({ point_definition_id: d.id, handle: d.handle, name: d.name, kind: d.kind, balance: 0, spendable: 0, pending: 0, dollars: d.kind === "reward" ? 0 : null }))
        .sort((a, b) => a.handle.localeCompare(b.handle)),
      updated_at: this.clock.now().toISOString(),
    };
  }

  async rewards(profileId: string) {
    await this.profiles.require(profileId);
    return this.stub(profileId).rewards();
  }

  async benefits(profileId: string) {
    await this.profiles.require(profileId);
    return this.stub(profileId).benefits();
  }

  async points(profileId: string) {
    await this.profiles.require(profileId);
    return this.stub(profileId).pointLots();
  }

  async achievements(profileId: string) {
    await this.profiles.require(profileId);
    const config = await this.definitions.engineConfig();
    return this.stub(profileId).achievements(config.achievements);
  }

  async tiers(profileId: string) {
    await this.profiles.require(profileId);
    const config = await this.definitions.engineConfig();
    return this.stub(profileId).tiers({ tiers: config.tiers });
  }

  async ledger(profileId: string, page: { before?: number | null; limit: number }) {
    await this.profiles.require(profileId);
    return this.stub(profileId).ledger(page);
  }

  async redemption(id: string) {
    const profileId = profileOfRedemption(id);
    const found = profileId ? await this.stub(profileId).redemption(id) : null;
    if (!found) throw new DomainError("not_found", `No redemption ${id}`);
    return found;
  }

  // ── earning ──────────────────────────────────────────────────────────────────────────────────

  /**
   * Earn (or claw back) for a transaction that belongs to a profile: once per transaction, however
   * often it is posted. Null for an anonymous or voided transaction.
   */
  async onTransaction(t: TransactionView, profile?: Profile | null, event?: EventRow): Promise<TransactionIncentives | null> {
    if (!t.profileId || t.isVoid) return null;
    const [p, config] = await Promise.all([profile && profile.id === t.profileId ? profile : this.profiles.require(t.profileId), this.definitions.engineConfig()]);
    const stub = this.stub(t.profileId);
    // the receipt's own event, when handed off, is sent by the ledger's flush with what it earned
    const handOff = event ? { id: event.id, type: event.type, occurredAt: event.occurredAt.getTime(), data: event.data, causation: event.causation } : undefined;
    return this.unwrap(await stub.applyTransaction({ profileId: t.profileId, transaction: ledgerTransaction(t), profile: profileConditionContext(p), config, source: { type: "transaction", id: t.id, label: t.externalId, causation: this.originCausation }, handOff }));
  }

  /**
   * A member's receipts earned in one ledger call per EARN_MANY receipts, in the order given (date order:
   * each earns as of its own date, so a tier crossed by the third is dated by it); each once, however
   * often asked. Anonymous, voided and other members' receipts are skipped. A refusal (a merged-away
   * profile) throws like onTransaction; what earned before it stays earned.
   */
  async onTransactions(profileId: string, ts: readonly TransactionView[], profile?: Profile | null): Promise<number> {
    const mine = ts.filter((t) => t.profileId === profileId && !t.isVoid);
    if (!mine.length) return 0;
    const [p, config] = await Promise.all([profile && profile.id === profileId ? profile : this.profiles.require(profileId), this.definitions.engineConfig()]);
    const stub = this.stub(profileId);
    for (let i = 0; i < mine.length; i += EARN_MANY) {
      // (the RPC's mapped type of the nested results is too deep for the checker: it is what the object returns)
      const { outcomes } = (await stub.applyTransactions({ profileId, transactions: mine.slice(i, i + EARN_MANY).map(ledgerTransaction), profile: profileConditionContext(p), config, causation: this.originCausation })) as unknown as EarnManyResult;
      for (const o of outcomes) this.unwrap(o);
    }
    return mine.length;
  }

  /** A voided receipt takes back what it earned (what is left of its lots; a shortfall is recorded). */
  async onVoid(t: TransactionView): Promise<unknown> {
    if (!t.profileId) return null;
    return this.unwrap(await this.stub(t.profileId).voidTransaction({ profileId: t.profileId, transactionId: t.id, externalId: t.externalId, reason: t.voidReason ?? "transaction voided", causation: this.originCausation }));
  }

  // ── earning for history already recorded (imports, the seeded demo) ──────────────────────────

  /** Earns for every transaction of a profile, oldest first; each once, so running it again changes nothing. */
  async backfillProfile(profileId: string, history: readonly HistoryRecord[] = []): Promise<number> {
    const profile = await this.profiles.find(profileId);
    if (!profile || profile.type === "deleted") return 0;
    const txs = await this.history.historyOf(profileId);
    await this.onTransactions(profileId, txs, profile);
    // then the rewards issued and redeemed in that history, back-dated (see history.ts)
    await replayHistory(this.stub(profileId), this.definitions, profileId, history);
    return txs.length;
  }

  /**
   * A job that earns for the whole recorded history, BACKFILL_PAGE profiles per queue message. With
   * `enqueue: false` (the seed, before any worker runs) the job waits for the cron to start it.
   */
  async startBackfill(actor: Actor, opts: { enqueue?: boolean; history?: HistoryRecord[] } = {}): Promise<BatchJob> {
    const now = this.clock.now();
    const [{ n }] = (await this.db.select({ n: sql<number>`count(distinct ${transactions.profileId})` }).from(transactions).where(isNotNull(transactions.profileId))) as [{ n: number }];
    const job: BatchJob = { id: crypto.randomUUID(), kind: "ledger-backfill", status: "queued", total: n, payload: opts.history?.length ? opts.history : null, processed: 0, succeeded: 0, failed: 0, results: null, createdBy: actor.label, actor: null, createdAt: now, completedAt: null };
    await this.db.insert(batchJobs).values(job);
    if (opts.enqueue !== false) return this.kick(job);
    return job;
  }

  private async kick(job: BatchJob): Promise<BatchJob> {
    await this.db.update(batchJobs).set({ status: "processing" }).where(eq(batchJobs.id, job.id));
    await this.env.EVENTS.send({ kind: BACKFILL_MESSAGE, job_id: job.id, after: null } satisfies BackfillMessage, { contentType: "json" });
    return { ...job, status: "processing" };
  }

  /** The cron starts backfill jobs that were created without a worker to run them (the seed's). */
  async kickQueuedBackfills(): Promise<number> {
    const queued = await this.db.select().from(batchJobs).where(and(eq(batchJobs.kind, "ledger-backfill"), eq(batchJobs.status, "queued")));
    for (const job of queued) await this.kick(job);
    return queued.length;
  }

  async backfillJob(id: string): Promise<BatchJob> {
    const job = await this.db.query.batchJobs.findFirst({ where: and(eq(batchJobs.id, id), eq(batchJobs.kind, "ledger-backfill")) });
    if (!job) throw new DomainError("not_found", `No backfill job ${id}`);
    return job;
  }

  /** One page of a backfill: earn for the next profiles, record progress, pass the rest on. */
  async backfillStep(msg: BackfillMessage): Promise<void> {
    const page = await this.db
      .selectDistinct({ profileId: transactions.profileId })
      .from(transactions)
      .where(and(isNotNull(transactions.profileId), msg.after ? gt(transactions.profileId, msg.after) : undefined))
      .orderBy(asc(transactions.profileId))
      .limit(BACKFILL_PAGE);
    const job = await this.db.select({ payload: batchJobs.payload }).from(batchJobs).where(eq(batchJobs.id, msg.job_id));
    const history = historyByProfile(job[0]?.payload);
    let succeeded = 0;
    let failed = 0;
    for (const { profileId } of page) {
      try {
        await this.backfillProfile(profileId!, history.get(profileId!));
        succeeded++;
      } catch (err) {
        failed++;
        console.error(`ledger backfill: profile ${profileId} failed`, err);
      }
    }
    const done = page.length < BACKFILL_PAGE;
    await this.db
      .update(batchJobs)
      .set({
        processed: sql`${batchJobs.processed} + ${page.length}`,
        succeeded: sql`${batchJobs.succeeded} + ${succeeded}`,
        failed: sql`${batchJobs.failed} + ${failed}`,
        ...(done ? { status: "completed" as const, completedAt: this.clock.now() } : {}),
      })
      .where(eq(batchJobs.id, msg.job_id));
    if (!done) await this.env.EVENTS.send({ kind: BACKFILL_MESSAGE, job_id: msg.job_id, after: page.at(-1)!.profileId } satisfies BackfillMessage, { contentType: "json" });
  }

  // ── issuing by hand ──────────────────────────────────────────────────────────────────────────

  /** `issued_at` back-dates the issue (Omneo's create; never in the future): its expiry counts from then. */
  async issueReward(profileId: string, input: { reward_definition_id: string; value?: number | null; expires_at?: Date | null; issued_at?: Date | null; reason: string }, actor: Actor, idempotencyKey?: string | null) {
    await this.live(profileId);
    const [definition, config] = await Promise.all([this.definitions.rewardConfig(input.reward_definition_id, "reward_definition_id"), this.definitions.engineConfig()]);
    const reward = this.unwrap(
      await this.stub(profileId).issueReward({
        profileId,
        key: this.key(actor, idempotencyKey, "reward"),
        definition,
        valueCents: input.value ?? null,
        expiresAt: input.expires_at?.getTime() ?? null,
        at: input.issued_at?.getTime() ?? null,
        reason: input.reason,
        source: ledgerSource(actor),
        timezone: config.timezone,
        pointDefinitions: config.pointDefinitions,
      }),
    );
    await this.audited(actor, "reward.issued", profileId, { reward_id: reward.id, reward_definition_id: definition.id, value: reward.value_initial, reason: input.reason });
    return reward;
  }

  async issuePoints(profileId: string, input: { point_definition_id: string; value: number; reason: string }, actor: Actor, idempotencyKey?: string | null) {
    await this.live(profileId);
    const [definition, config] = await Promise.all([this.definitions.pointConfig(input.point_definition_id, "point_definition_id"), this.definitions.engineConfig()]);
    const lot = this.unwrap(
      await this.stub(profileId).issuePoints({ profileId, key: this.key(actor, idempotencyKey, "points"), definition, points: input.value, reason: input.reason, source: ledgerSource(actor), config }),
    );
    await this.audited(actor, "points.issued", profileId, { lot_id: lot.id, point_definition_id: definition.id, points: input.value, reason: input.reason });
    return lot;
  }

  /** `issued_at` back-dates the issue and `expires_at` replaces the definition's period (Omneo's create; either may be past). */
  async issueBenefit(profileId: string, input: { benefit_definition_id: string; reason: string; issued_at?: Date | null; expires_at?: Date | null }, actor: Actor, idempotencyKey?: string | null) {
    await this.live(profileId);
    const [definition, config] = await Promise.all([this.definitions.benefitConfig(input.benefit_definition_id, "benefit_definition_id"), this.definitions.engineConfig()]);
    const benefit = this.unwrap(
      await this.stub(profileId).issueBenefit({
        profileId,
        key: this.key(actor, idempotencyKey, "benefit"),
        definition,
        reason: input.reason,
        source: ledgerSource(actor),
        timezone: config.timezone,
        pointDefinitions: config.pointDefinitions,
        at: input.issued_at?.getTime() ?? null,
        ...(input.expires_at !== undefined ? { expiresAt: input.expires_at?.getTime() ?? null } : {}),
      }),
    );
    await this.audited(actor, "benefit.issued", profileId, { benefit_id: benefit.id, benefit_definition_id: definition.id, reason: input.reason });
    return benefit;
  }

  async progressAchievement(profileId: string, input: { achievement_definition_id: string; count: number; reason?: string | null }, actor: Actor, idempotencyKey?: string | null) {
    await this.live(profileId);
    const [definition, config] = await Promise.all([this.definitions.achievementConfig(input.achievement_definition_id, "achievement_definition_id"), this.definitions.engineConfig()]);
    const benefits = await this.unlockableBenefits(definition.unlocks.map((u) => u.benefitDefinitionId), config);
    const result = this.unwrap(
      await this.stub(profileId).progressAchievement({
        profileId,
        key: this.key(actor, idempotencyKey, "achievement"),
        definition,
        count: input.count,
        reason: input.reason ?? null,
        source: ledgerSource(actor),
        config: { benefits, timezone: config.timezone },
      }),
    );
    await this.audited(actor, "achievement.progressed", profileId, { achievement_definition_id: definition.id, count: input.count, reason: input.reason ?? null });
    return result;
  }

  private async unlockableBenefits(ids: string[], config: EngineConfig) {
    const out = config.benefits.filter((b) => ids.includes(b.id));
    for (const id of ids) if (!out.some((b) => b.id === id)) out.push(await this.definitions.benefitConfig(id));
    return out;
  }

  async voidInstance(profileId: string, kind: "reward" | "benefit" | "points", id: string, reason: string, actor: Actor) {
    await this.profiles.require(profileId);
    const result = this.unwrap(await this.stub(profileId).voidInstance({ profileId, key: `void:${kind}:${id}`, kind, id, reason, source: ledgerSource(actor) }));
    await this.audited(actor, `${kind}.voided`, profileId, { id, reason });
    return result;
  }

  /** Omneo's edit of an issued reward: values in cents, expiry (past or future); audited as reward.updated. */
  async amendReward(profileId: string, id: string, change: InstanceChange, actor: Actor): Promise<RewardView> {
    await this.live(profileId);
    const view = this.unwrap(await this.stub(profileId).amendReward(this.amendArgs(profileId, "reward", id, change, actor)));
    await this.audited(actor, "reward.updated", profileId, auditedChange(id, change));
    return view;
  }

  /** Omneo's edit of an issued benefit: its expiry (past or future), or an extension; audited as benefit.updated. */
  async amendBenefit(profileId: string, id: string, change: InstanceChange, actor: Actor): Promise<BenefitView> {
    await this.live(profileId);
    const view = this.unwrap(await this.stub(profileId).amendBenefit(this.amendArgs(profileId, "benefit", id, change, actor)));
    await this.audited(actor, change.extended ? "benefit.extended" : "benefit.updated", profileId, auditedChange(id, change));
    return view;
  }

  private amendArgs(profileId: string, kind: "reward" | "benefit", id: string, change: InstanceChange, actor: Actor): AmendInstanceArgs {
    return {
      profileId,
      key: `amend:${kind}:${id}:${crypto.randomUUID()}`,
      id,
      valueInitialCents: change.value_initial,
      valueRemainingCents: change.value_remaining,
      ...(change.expires_at !== undefined ? { expiresAt: change.expires_at?.getTime() ?? null } : {}),
      extended: change.extended,
      reason: change.reason,
      source: ledgerSource(actor),
    };
  }

  async extendReward(profileId: string, id: string, days: number | null, actor: Actor) {
    await this.live(profileId);
    const config = await this.definitions.engineConfig();
    const r = this.unwrap(await this.stub(profileId).extendReward({ profileId, key: `extend:reward:${id}`, id, days, source: ledgerSource(actor), timezone: config.timezone }));
    await this.audited(actor, "reward.extended", profileId, { reward_id: id, expires_at: r.expires_at });
    return r;
  }

  async claimBenefit(profileId: string, benefitDefinitionId: string, actor: Actor, source?: LedgerSource) {
    const p = await this.live(profileId);
    const [definition, config] = await Promise.all([this.definitions.benefitConfig(benefitDefinitionId, "benefit_definition_id"), this.definitions.engineConfig()]);
    const claimed = this.unwrap(
      await this.stub(profileId).claimBenefit({ profileId, key: `claim:${benefitDefinitionId}:${crypto.randomUUID()}`, definition, profile: profileConditionContext(p), source: source ?? ledgerSource(actor), timezone: config.timezone }),
    );
    await this.audited(actor, "benefit.claimed", profileId, { benefit_definition_id: benefitDefinitionId });
    return claimed;
  }

  async redeemBenefit(profileId: string, id: string, input: { transaction_external_id?: string | null }, actor: Actor, idempotencyKey?: string | null) {
    await this.live(profileId);
    const redeemed = this.unwrap(
      await this.stub(profileId).redeemBenefit({ profileId, key: this.key(actor, idempotencyKey, `benefit-redeem:${id}`, input.transaction_external_id ? `tx:${input.transaction_external_id}` : null), id, source: ledgerSource(actor), transactionExternalId: input.transaction_external_id ?? null }),
    );
    await this.audited(actor, "benefit.redeemed", profileId, { benefit_id: id, transaction_external_id: input.transaction_external_id ?? null });
    return redeemed;
  }

  async extendBenefit(profileId: string, id: string, days: number | null, actor: Actor) {
    await this.live(profileId);
    const config = await this.definitions.engineConfig();
    const extended = this.unwrap(await this.stub(profileId).extendBenefit({ profileId, key: `extend:benefit:${id}`, id, days, source: ledgerSource(actor), timezone: config.timezone }));
    await this.audited(actor, "benefit.extended", profileId, { benefit_id: id, days });
    return extended;
  }

  // ── redemption ───────────────────────────────────────────────────────────────────────────────

  async redeem(profileId: string, input: { strategy: string; amount: number; transaction_external_id?: string | null }, actor: Actor, idempotencyKey?: string | null) {
    await this.live(profileId);
    const config = await this.definitions.engineConfig();
    const result = this.unwrap(
      await this.stub(profileId).redeem({
        profileId,
        // without a key, a retried redemption against the same receipt spends once
        key: this.key(actor, idempotencyKey, "redeem", input.transaction_external_id ? `tx:${input.transaction_external_id}:${input.strategy}:${input.amount}` : null),
        strategy: input.strategy,
        amountCents: input.amount,
        transactionExternalId: input.transaction_external_id ?? null,
        source: ledgerSource(actor),
        pointDefinitions: config.pointDefinitions,
      }),
    );
    await this.audited(actor, "redemption.created", profileId, { redemption_id: result.redemption.id, strategy: input.strategy, amount: input.amount, transaction_external_id: input.transaction_external_id ?? null });
    return result;
  }

  async reverse(redemptionId: string, actor: Actor) {
    const profileId = profileOfRedemption(redemptionId);
    if (!profileId) throw new DomainError("not_found", `No redemption ${redemptionId}`);
    const reversed = this.unwrap(await this.stub(profileId).reverseRedemption({ profileId, key: `reverse:${redemptionId}`, id: redemptionId, source: ledgerSource(actor) }));
    await this.audited(actor, "redemption.reversed", profileId, { redemption_id: redemptionId });
    return reversed;
  }

  // ── tiers ────────────────────────────────────────────────────────────────────────────────────

  async assignTier(profileId: string, input: { tier_definition_id: string | null; point_definition_id?: string | null; reason: string }, actor: Actor, idempotencyKey?: string | null) {
    await this.live(profileId);
    const config = await this.definitions.engineConfig();
    let ladderId = input.point_definition_id ?? null;
    if (input.tier_definition_id) {
      const tier = config.tiers.find((t) => t.id === input.tier_definition_id);
      if (!tier) throw DomainError.field("tier_definition_id", `No live tier definition ${input.tier_definition_id}`);
      ladderId = tier.pointDefinitionId;
    }
    if (!ladderId) throw DomainError.field("point_definition_id", "point_definition_id names the ladder when tier_definition_id is null (removing the tier)");
    const view = this.unwrap(
      await this.stub(profileId).assignTier({ profileId, key: this.key(actor, idempotencyKey, "assign"), pointDefinitionId: ladderId, tierId: input.tier_definition_id, reason: input.reason, source: ledgerSource(actor), config }),
    );
    await this.audited(actor, "tier.assigned", profileId, { tier_definition_id: input.tier_definition_id, point_definition_id: ladderId, reason: input.reason });
    return view;
  }

  /** The anniversary job: every profile whose earliest anniversary has come, up to `limit` per run. */
  async maintainDueTiers(limit = 200): Promise<number> {
    const now = this.clock.now();
    const due = await this.db
      .select({ profileId: profileIncentiveState.profileId })
      .from(profileIncentiveState)
      .where(lte(profileIncentiveState.nextAnniversaryAt, now))
      .limit(limit);
    if (!due.length) return 0;
    const config = await this.definitions.engineConfig();
    let changed = 0;
    for (const { profileId } of due) {
      const stub = this.stub(profileId);
      const r = this.unwrap(await stub.maintainTiers({ profileId, config: { tiers: config.tiers, timezone: config.timezone } }));
      changed += r.length;
      // the projection must move past this anniversary even when nothing changed, or the job spins on it
      await stub.flush();
    }
    return changed;
  }

  // ── lifecycle: merge and purge ───────────────────────────────────────────────────────────────

  /** Moves the loser's ledger into the winner's (see LedgerLifecycle; the events consumer calls it too). */
  onMerge(winnerId: string, loserId: string): Promise<void> {
    return this.lifecycle.onMerge(winnerId, loserId);
  }

  onPurge(profileId: string): Promise<void> {
    return this.lifecycle.onPurge(profileId);
  }

  // ── the Incentives overview (D1 projection) ──────────────────────────────────────────────────

  /** Per definition: instances issued, redeemed, outstanding value; points awarded, redeemed, expired. */
  async overview() {
    const [instances, points, tiersReached, tierHolders, achievements] = await this.db.batch([
      this.db
        .select({
          kind: incentiveInstances.kind,
          definitionId: incentiveInstances.definitionId,
          issued: sql<number>`count(*)`,
          active: sql<number>`sum(case when ${incentiveInstances.status} = 'active' then 1 else 0 end)`,
          redeemed: sql<number>`sum(case when ${incentiveInstances.valueRemaining} < ${incentiveInstances.valueInitial} and ${incentiveInstances.status} <> 'void' then 1 else 0 end)`,
          outstanding: sql<number>`sum(case when ${incentiveInstances.status} = 'active' then ${incentiveInstances.valueRemaining} else 0 end)`,
          firstIssued: sql<number>`min(${incentiveInstances.issuedAt})`,
          nextExpiry: sql<number | null>`min(case when ${incentiveInstances.status} = 'active' then ${incentiveInstances.expiresAt} end)`,
        })
        .from(incentiveInstances)
        .groupBy(incentiveInstances.kind, incentiveInstances.definitionId),
      this.db
        .select({
          definitionId: incentiveLedger.definitionId,
          awarded: sql<number>`sum(case when ${incentiveLedger.action} in ('earn', 'issue') then ${incentiveLedger.delta} else 0 end)`,
          redeemed: sql<number>`-sum(case when ${incentiveLedger.action} = 'redeem' then ${incentiveLedger.delta} else 0 end) + sum(case when ${incentiveLedger.action} = 'reverse' then -${incentiveLedger.delta} else 0 end)`,
          expired: sql<number>`-sum(case when ${incentiveLedger.action} = 'expire' then ${incentiveLedger.delta} else 0 end)`,
          outstanding: sql<number>`sum(case when ${incentiveLedger.action} not in ('clawback_shortfall', 'move_in_window') then ${incentiveLedger.delta} else 0 end)`,
        })
        .from(incentiveLedger)
        .where(eq(incentiveLedger.kind, "points"))
        .groupBy(incentiveLedger.definitionId),
      // tiers: how often each was reached (attained or assigned) and who holds it now
      this.db
        .select({ definitionId: incentiveLedger.definitionId, reached: sql<number>`count(*)` })
        .from(incentiveLedger)
        .where(and(eq(incentiveLedger.kind, "tier"), inArray(incentiveLedger.action, ["attain", "assign"])))
        .groupBy(incentiveLedger.definitionId),
      this.db.all<{ tierId: string; holders: number }>(sql`select j.value as tierId, count(*) as holders from ${profileIncentiveState}, json_each(${profileIncentiveState.tiers}) j group by j.value`),
      // achievements: members counting toward each, and the counts in all
      this.db
        .select({ definitionId: incentiveLedger.definitionId, members: sql<number>`count(distinct ${incentiveLedger.profileId})`, counted: sql<number>`sum(${incentiveLedger.delta})` })
        .from(incentiveLedger)
        .where(eq(incentiveLedger.kind, "achievement"))
        .groupBy(incentiveLedger.definitionId),
    ]);
    return { instances, points, tiers: { reached: tiersReached, holders: tierHolders }, achievements };
  }

  private async audited(actor: Actor, action: string, profileId: string, values: Record<string, unknown>): Promise<void> {
    await this.audit.entry(actor, { action, entityType: "profile", entityId: profileId, newValues: values });
  }
}

/** What Omneo's PUT (or extend) changes on an instance: values in cents, an expiry (null: never), the rest stays. */
export interface InstanceChange {
  value_initial?: number;
  value_remaining?: number;
  expires_at?: Date | null;
  extended?: boolean;
  reason: string;
}

function auditedChange(id: string, change: InstanceChange) {
  return {
    id,
    value_initial: change.value_initial ?? null,
    value_remaining: change.value_remaining ?? null,
    ...(change.expires_at !== undefined ? { expires_at: change.expires_at?.toISOString() ?? null } : {}),
    reason: change.reason,
  };
}
