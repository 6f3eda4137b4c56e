// ProfileLedger: one SQLite-backed Durable Object per profile (idFromName(profile_id)) that owns the truth
// of that profile's incentives: points lots, reward and benefit instances, tier state, achievement
// counts, redemptions and an append-only ledger where every entry names its source.
//
// Every operation is one synchronous storage transaction (nothing awaits between reading and writing, so
// two calls can never interleave), idempotent by key (the first result is stored and replayed), and
// writes its events to a local outbox in the same transaction. An alarm flushes the outbox to the D1
// projection and the `events` queue, retrying until done, and also expires lots and rewards and sends
// reminders on time. Errors a caller made come back as values ({ ok: false }), not throws, because an
// error's type does not survive RPC; the LedgerService turns them into DomainErrors.
//
// This class is the RPC surface and the alarm; the rest of the folder is the ledger: contract.ts (what
// crosses RPC), storage.ts (tables and the store), ops/ (the operations), reads.ts and views.ts (what it
// answers), projection.ts (the flush to D1 and the queue).
import { DurableObject } from "cloudflare:workers";
import type { AchievementDefinitionConfig, EngineConfig } from "../engine-types";
import type * as C from "./contract";
import { achievementViews, progressAchievement } from "./ops/achievements";
import { amendBenefit, amendReward } from "./ops/amend";
import { claimBenefit, extendBenefit, issueBenefit, redeemBenefit } from "./ops/benefits";
import { applyTransaction, applyTransactions, voidTransaction, type ApplyTransactionInput, type ApplyTransactionsArgs, type EarnManyResult } from "./ops/earn";
import { nextDue, processDue } from "./ops/expiry";
import { extendReward, issuePoints, issueReward, voidInstance } from "./ops/issue";
import { beginMoveOut, completeMoveOut, moveIn } from "./ops/merge";
import { redeem, reverseRedemption } from "./ops/redeem";
import { assignTier, calculateTiers, maintainTiers, tierViews } from "./ops/tiers";
import { eventMessages, eventRows, markFlushed, projectionStatements, readFlush } from "./projection";
import { balancesOf, benefitViews, ledgerPage, lotViews, pendingCounts, redemptionOf, rewardViews } from "./reads";
import { LedgerStore } from "./storage";

/** How long after a write the alarm retries a flush that did not finish in the write's own invocation. */
const FLUSH_BACKSTOP_MS = 30_000;

export class ProfileLedger extends DurableObject<Env> {
  protected readonly store: LedgerStore;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // no tables yet: the store creates them on its first write, so a read of any UUID leaves no storage behind
    this.store = new LedgerStore(ctx.storage, () => this.now());
  }

  /** The ledger's clock. */
  protected now(): number {
    return Date.now();
  }

  /** A write's result; a change schedules its flush. */
  private wrote<T>(result: C.LedgerResult<T>): C.LedgerResult<T> {
    if (result.ok) this.scheduleSoon();
    return result;
  }

  // ── reads (no D1: the edge answers balances from here) ───────────────────────────────────────
  // A ledger that was never written has no tables, and a read does not create them (any UUID can be asked
  // about): each read answers from nothing then, as it would over empty tables.

  /** The storage version; used by health checks and migrations (it sets up the storage it reports on). */
  schemaVersion(): number {
    this.store.migrate();
    return Number(this.store.meta("schema_version"));
  }

  /** The profile this object belongs to, or null before its first operation. */
  profileId(): string | null {
    return this.store.exists() ? this.store.profileId() : null;
  }

  balances(): C.Balances | null {
    const profileId = this.profileId();
    return profileId ? balancesOf(this.store, profileId, this.now()) : null;
  }

  rewards(): C.RewardView[] {
    return this.store.exists() ? rewardViews(this.store) : [];
  }

  benefits(): C.BenefitView[] {
    return this.store.exists() ? benefitViews(this.store) : [];
  }

  pointLots(): C.LotView[] {
    return this.store.exists() ? lotViews(this.store) : [];
  }

  achievements(defs: AchievementDefinitionConfig[]): C.AchievementView[] {
    return this.store.exists() ? achievementViews(this.store, defs) : this.store.scratch(() => achievementViews(this.store, defs));
  }

  tiers(config: Pick<EngineConfig, "tiers">): C.TierView[] {
    return this.store.exists() ? tierViews(this.store, config) : this.store.scratch(() => tierViews(this.store, config));
  }

  ledger(opts: { before?: number | null; limit: number }): C.LedgerPage {
    return this.store.exists() ? ledgerPage(this.store, opts) : { entries: [], next_before: null };
  }

  redemption(id: string): C.RedemptionView | null {
    return this.store.exists() ? redemptionOf(this.store, id) : null;
  }

  /** What is still to be flushed: for health checks and tests. */
  pending(): { outbox: number; unprojected: number } {
    return this.store.exists() ? pendingCounts(this.store) : { outbox: 0, unprojected: 0 };
  }

  // ── writes: each one operation of ops/, once per key ──────────────────────────────────────────

  /**
   * A transaction: points per the best rate for each definition (a return claws back), tier points and
   * tiers, achievements and what their levels unlock. Once per transaction id. A handed-off event (the
   * receipt's own) is kept with the earn and sent first by its flush.
   */
  applyTransaction(input: ApplyTransactionInput): C.LedgerResult<C.EarnResult> {
    return this.wrote(applyTransaction(this.store, input));
  }

  /** A member's receipts in one call, in the order given (date order), each once: an import's or a backfill's. One flush for all. */
  applyTransactions(input: ApplyTransactionsArgs): EarnManyResult {
    const result = applyTransactions(this.store, input);
    if (result.outcomes.some((o) => o.ok)) this.scheduleSoon();
    return result;
  }

  /** A voided transaction gives back what its lots still hold, once. */
  voidTransaction(input: C.VoidTransactionArgs): C.LedgerResult<C.VoidTransactionResult> {
    return this.wrote(voidTransaction(this.store, input));
  }

  issueReward(input: C.IssueRewardArgs): C.LedgerResult<C.RewardView> {
    return this.wrote(issueReward(this.store, input));
  }

  /**
   * History a backfill replays (back-dated issues and redemptions), in order and in one invocation, so no
   * expiry sweep runs between a reward's issue and its redemption. One result per step.
   */
  replayHistory(ops: C.HistoryOp[]): Array<C.LedgerResult<unknown>> {
    const results = ops.map((op) => ("issue" in op ? issueReward(this.store, op.issue) : redeem(this.store, op.redeem)));
    if (results.some((r) => r.ok)) this.scheduleSoon();
    return results;
  }

  issuePoints(input: C.IssuePointsArgs): C.LedgerResult<C.LotView> {
    return this.wrote(issuePoints(this.store, input));
  }

  issueBenefit(input: C.IssueBenefitArgs): C.LedgerResult<C.BenefitView> {
    return this.wrote(issueBenefit(this.store, input));
  }

  progressAchievement(input: C.ProgressAchievementArgs): C.LedgerResult<C.AchievementProgressed> {
    return this.wrote(progressAchievement(this.store, input));
  }

  /** Void marks an instance invalid and keeps it; voiding it again changes nothing. */
  voidInstance(input: C.VoidInstanceArgs): C.LedgerResult<C.VoidResult> {
    return this.wrote(voidInstance(this.store, input));
  }

  extendReward(input: C.ExtendArgs): C.LedgerResult<C.RewardView> {
    return this.wrote(extendReward(this.store, input));
  }

  claimBenefit(input: C.ClaimBenefitArgs): C.LedgerResult<C.BenefitView> {
    return this.wrote(claimBenefit(this.store, input));
  }

  redeemBenefit(input: C.RedeemBenefitArgs): C.LedgerResult<C.BenefitView> {
    return this.wrote(redeemBenefit(this.store, input));
  }

  extendBenefit(input: C.ExtendArgs): C.LedgerResult<C.BenefitView> {
    return this.wrote(extendBenefit(this.store, input));
  }

  /** Omneo's PUT of a reward (values, expiry) and of a benefit (expiry), and its extend to a date. */
  amendReward(input: C.AmendInstanceArgs): C.LedgerResult<C.RewardView> {
    return this.wrote(amendReward(this.store, input));
  }

  amendBenefit(input: C.AmendInstanceArgs): C.LedgerResult<C.BenefitView> {
    return this.wrote(amendBenefit(this.store, input));
  }

  /** Checks and spends in one transaction: concurrent redemptions can never take more than the balance. */
  redeem(input: C.RedeemArgs): C.LedgerResult<C.RedemptionResult> {
    return this.wrote(redeem(this.store, input));
  }

  /** Restores exactly what a redemption took, once, within 10 minutes. */
  reverseRedemption(input: C.ReverseRedemptionArgs): C.LedgerResult<C.RedemptionResult> {
    return this.wrote(reverseRedemption(this.store, input));
  }

  assignTier(input: C.AssignTierArgs): C.LedgerResult<C.TierView> {
    return this.wrote(assignTier(this.store, input));
  }

  /** Omneo's tiers/calculate: attains what the rolling totals already reach; writes nothing otherwise. */
  calculateTiers(input: C.CalculateTiersArgs): C.LedgerResult<C.TierView[]> {
    return this.wrote(calculateTiers(this.store, input));
  }

  /** The anniversary job: keeps, drops or holds each tier whose anniversary has come. Safe to repeat. */
  maintainTiers(input: C.MaintainTiersArgs): C.LedgerResult<C.TierChange[]> {
    return this.wrote(maintainTiers(this.store, input));
  }

  // ── merge: the loser's ledger moves into the winner's ────────────────────────────────────────

  /** Loser side, step 1: marks the profile as moving and returns everything that moves. Repeatable. */
  beginMoveOut(input: C.MoveOutArgs): C.LedgerResult<C.MoveSnapshot> {
    return beginMoveOut(this.store, input);
  }

  /** Winner side: takes the loser's snapshot in, once (keyed by the loser). */
  moveIn(input: C.MoveInArgs): C.LedgerResult<{ lots: number; rewards: number; benefits: number }> {
    return this.wrote(moveIn(this.store, input));
  }

  /** Loser side, step 2: empties what moved (kept in the ledger as move_out entries). Repeatable. */
  completeMoveOut(input: C.MoveOutArgs): C.LedgerResult<{ done: true }> {
    const result = completeMoveOut(this.store, input);
    this.scheduleSoon();
    return result;
  }

  /** A purged profile: everything goes. */
  async purge(): Promise<void> {
    this.store.forget();
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    // the tables are gone: a later write creates them again
    this.store.forget();
  }

  // ── alarms: expiry, reminders, outbox flush ──────────────────────────────────────────────────

  /**
   * After a write: flush at once, in the background of this same invocation (no separate alarm event
   * per operation), with the alarm as the backstop — set first, so that if this object is evicted or the
   * flush fails, the alarm retries it; moved to the next expiry or reminder once the flush is done.
   */
  private scheduleSoon(): void {
    // the flush below points the alarm at the next expiry once it is done; were this object evicted
    // first, the backstop's tick would expire anything that fell due meanwhile
    void this.ctx.storage.setAlarm(Date.now() + FLUSH_BACKSTOP_MS);
    this.ctx.waitUntil(this.flushAndReschedule());
  }

  async alarm(): Promise<void> {
    await this.tick();
  }

  /**
   * The alarm's work, callable directly (the anniversary job, tests): expire what is due, send due
   * reminders, flush the outbox and projection, and set the next alarm (soon with backoff after a
   * failed flush, else the next expiry or reminder). Returns whether the flush succeeded.
   */
  async tick(): Promise<boolean> {
    // a ledger never written has nothing due and nothing to flush (and is not given tables for asking)
    if (!this.store.exists()) return true;
    processDue(this.store);
    return this.flushAndReschedule();
  }

  /**
   * Flushes, then points the alarm at what comes next: straight away while events are still pending,
   * else the next expiry or reminder (none: no alarm). A failed flush is retried by the alarm with
   * backoff. Returns whether the flush succeeded.
   */
  private async flushAndReschedule(): Promise<boolean> {
    const store = this.store;
    try {
      await this.flush();
    } catch (err) {
      const attempts = Number(store.meta("flush_attempts") ?? "0") + 1;
      store.setMeta("flush_attempts", String(attempts));
      console.error(`ledger flush failed (attempt ${attempts}); the alarm retries`, err);
      await this.ctx.storage.setAlarm(Date.now() + Math.min(300_000, 1000 * 2 ** Math.min(attempts, 8)));
      return false;
    }
    if (store.meta("flush_attempts")) store.setMeta("flush_attempts", null);
    const due = pendingCounts(store).outbox > 0 ? this.now() : nextDue(store);
    // alarms run on the wall clock; the ledger's clock may differ from it (a test's does)
    if (due === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(due - (this.now() - Date.now()));
    return true;
  }

  /**
   * Writes pending events, changed instances, new ledger entries and the balance summary to D1 in one
   * batch (idempotent: upserts and INSERT OR IGNORE), sends the events to the queue, then marks them
   * done. A failure anywhere leaves everything pending for the next try: at least once, never lost.
   */
  flush(): Promise<{ events: number; entries: number; instances: number }> {
    // one flush at a time: a second caller (the alarm and an RPC) waits, then flushes what is left
    const run = this.flushing.then(() => this.flushOnce());
    this.flushing = run.catch(() => undefined);
    return run;
  }

  private flushing: Promise<unknown> = Promise.resolve();

  protected async flushOnce(): Promise<{ events: number; entries: number; instances: number }> {
    const batch = this.store.exists() ? readFlush(this.store) : null;
    if (!batch) return { events: 0, entries: 0, instances: 0 };
    const events = eventRows(batch);
    const stmts = projectionStatements(this.env.DB, batch, events);
    if (stmts.length) await this.env.DB.batch(stmts);
    if (events.length) await this.env.EVENTS.sendBatch(eventMessages(events));
    markFlushed(this.store, batch);
    return { events: batch.outbox.length, entries: batch.entries.length, instances: batch.rewards.length + batch.benefits.length };
  }
}
