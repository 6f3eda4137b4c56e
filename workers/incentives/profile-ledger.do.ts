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
import { DurableObject } from "cloudflare:workers";
import type { ErrorCode, FieldErrors } from "../platform/errors";
import { redemptionId } from "./redemption-ids";
import type {
  AchievementView,
  Balances,
  BenefitView,
  LedgerEntryView,
  LedgerError,
  LedgerResult,
  LedgerSource,
  LedgerTransaction,
  LotView,
  MoveSnapshot,
  PointsBalance,
  RedemptionView,
  RewardView,
  TierView,
  TransactionOutcome,
} from "./profile-ledger/contract";
import type {
  AchievementDefinitionConfig,
  BenefitDefinitionConfig,
  EngineConfig,
  PointDefinitionConfig,
  RewardDefinitionConfig,
  TierDefinitionConfig,
} from "./engine-types";
import {
  type LotAllocation,
  type PointsLot,
  type RewardInstance,
  type TierState,
  addMonths,
  allocateRedemption,
  assignTier,
  buildLadder,
  calculateEarn,
  canReverse,
  centsForPoints,
  clawBackReturn,
  conditionHolds,
  expireLots,
  expiresAt as expiryFor,
  levelAt,
  levelsReached,
  lotBalance,
  maintain,
  nextLevel,
  onPoints,
  progress as tierProgress,
  reminderTimes,
  REVERSAL_WINDOW_MS,
  spendableAt,
} from "./rules";

export const LEDGER_SCHEMA_VERSION = 1;
const DAY_MS = 86_400_000;
/** How long after a write the alarm retries a flush that did not finish in the write's own invocation. */
const FLUSH_BACKSTOP_MS = 30_000;

// ── storage rows ───────────────────────────────────────────────────────────────────────────────

type Row = Record<string, SqlStorageValue>;
interface LotRow extends Row {
  id: string;
  definition_id: string;
  points_initial: number;
  points_remaining: number;
  earned_at: number;
  expires_at: number | null;
  spendable_at: number;
  source_type: string;
  source_id: string | null;
  source_label: string | null;
  source_transaction: string | null;
  reason: string | null;
  status: string;
}
interface RewardRow extends Row {
  id: string;
  definition_id: string;
  definition_version: number;
  handle: string;
  name: string;
  type: string;
  value_initial: number;
  value_remaining: number;
  issued_at: number;
  expires_at: number | null;
  extended_at: number | null;
  is_extendable: number;
  period_days: number | null;
  offsets: string;
  next_reminder_at: number | null;
  next_reminder_offset: number | null;
  status: string;
  void_reason: string | null;
  source_type: string;
  source_id: string | null;
  source_label: string | null;
  reason: string | null;
  updated_at: number;
}
interface BenefitRow extends Row {
  id: string;
  definition_id: string;
  definition_version: number;
  handle: string;
  name: string;
  max_redemptions: number;
  redemptions_used: number;
  issued_at: number;
  expires_at: number | null;
  extended_at: number | null;
  is_extendable: number;
  period_days: number | null;
  claimed: number;
  status: string;
  void_reason: string | null;
  source_type: string;
  source_id: string | null;
  source_label: string | null;
  reason: string | null;
  updated_at: number;
}
interface TierRow extends Row {
  ladder_id: string;
  tier_id: string | null;
  achieved_at: number | null;
  anniversary_at: number | null;
  credit: number;
}
interface RedemptionRow extends Row {
  id: string;
  strategy: string;
  amount: number;
  breakdown: string;
  transaction_external_id: string | null;
  created_at: number;
  reversed_at: number | null;
}
interface LedgerRow extends Row {
  seq: number;
  id: string;
  kind: string;
  action: string;
  definition_id: string | null;
  instance_id: string | null;
  delta: number;
  source_type: string;
  source_id: string | null;
  source_label: string | null;
  reason: string | null;
  occurred_at: number;
  created_at: number;
}
interface OutboxRow extends Row {
  seq: number;
  id: string;
  type: string;
  data: string;
  occurred_at: number;
}

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS ops (key TEXT PRIMARY KEY, result TEXT NOT NULL, created_at INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS point_defs (id TEXT PRIMARY KEY, handle TEXT NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL, points_per_dollar INTEGER)`,
  `CREATE TABLE IF NOT EXISTS lots (id TEXT PRIMARY KEY, definition_id TEXT NOT NULL, points_initial INTEGER NOT NULL, points_remaining INTEGER NOT NULL,
     earned_at INTEGER NOT NULL, expires_at INTEGER, spendable_at INTEGER NOT NULL, source_type TEXT NOT NULL, source_id TEXT, source_label TEXT,
     source_transaction TEXT, reason TEXT, status TEXT NOT NULL DEFAULT 'active')`,
  `CREATE INDEX IF NOT EXISTS lots_live ON lots (definition_id, points_remaining)`,
  `CREATE TABLE IF NOT EXISTS rewards (id TEXT PRIMARY KEY, definition_id TEXT NOT NULL, definition_version INTEGER NOT NULL, handle TEXT NOT NULL, name TEXT NOT NULL,
     type TEXT NOT NULL, value_initial INTEGER NOT NULL, value_remaining INTEGER NOT NULL, issued_at INTEGER NOT NULL, expires_at INTEGER, extended_at INTEGER,
     is_extendable INTEGER NOT NULL, period_days INTEGER, offsets TEXT NOT NULL DEFAULT '[]', next_reminder_at INTEGER, next_reminder_offset INTEGER,
     status TEXT NOT NULL, void_reason TEXT, source_type TEXT NOT NULL, source_id TEXT, source_label TEXT, reason TEXT, updated_at INTEGER NOT NULL, dirty INTEGER NOT NULL DEFAULT 1)`,
  `CREATE TABLE IF NOT EXISTS benefits (id TEXT PRIMARY KEY, definition_id TEXT NOT NULL, definition_version INTEGER NOT NULL, handle TEXT NOT NULL, name TEXT NOT NULL,
     max_redemptions INTEGER NOT NULL, redemptions_used INTEGER NOT NULL DEFAULT 0, issued_at INTEGER NOT NULL, expires_at INTEGER, extended_at INTEGER,
     is_extendable INTEGER NOT NULL, period_days INTEGER, claimed INTEGER NOT NULL DEFAULT 0, status TEXT NOT NULL, void_reason TEXT, source_type TEXT NOT NULL,
     source_id TEXT, source_label TEXT, reason TEXT, updated_at INTEGER NOT NULL, dirty INTEGER NOT NULL DEFAULT 1)`,
  `CREATE TABLE IF NOT EXISTS tiers (ladder_id TEXT PRIMARY KEY, tier_id TEXT, achieved_at INTEGER, anniversary_at INTEGER, credit INTEGER NOT NULL DEFAULT 0)`,
  `CREATE TABLE IF NOT EXISTS achievements (definition_id TEXT PRIMARY KEY, count INTEGER NOT NULL, level INTEGER NOT NULL, updated_at INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS redemptions (id TEXT PRIMARY KEY, strategy TEXT NOT NULL, amount INTEGER NOT NULL, breakdown TEXT NOT NULL,
     transaction_external_id TEXT, created_at INTEGER NOT NULL, reversed_at INTEGER)`,
  `CREATE TABLE IF NOT EXISTS ledger (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, action TEXT NOT NULL, definition_id TEXT,
     instance_id TEXT, delta INTEGER NOT NULL, source_type TEXT NOT NULL, source_id TEXT, source_label TEXT, reason TEXT, occurred_at INTEGER NOT NULL,
     created_at INTEGER NOT NULL, projected INTEGER NOT NULL DEFAULT 0)`,
  `CREATE INDEX IF NOT EXISTS ledger_unprojected ON ledger (projected, seq)`,
  `CREATE INDEX IF NOT EXISTS ledger_points ON ledger (kind, definition_id, occurred_at)`,
  `CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, data TEXT NOT NULL,
     occurred_at INTEGER NOT NULL, flushed INTEGER NOT NULL DEFAULT 0)`,
  `CREATE INDEX IF NOT EXISTS outbox_pending ON outbox (flushed, seq)`,
];

/** Where emit() keeps an event's causation inside its stored data until the flush takes it out. */
const CAUSATION_KEY = "__causation";

function splitCausation(stored: string): { data: Record<string, unknown>; causation: { eventId: string; depth: number } | null } {
  const { [CAUSATION_KEY]: causation, ...data } = JSON.parse(stored) as Record<string, unknown>;
  return { data, causation: (causation as { eventId: string; depth: number } | undefined) ?? null };
}

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());
const dollars = (cents: number) => Math.round(cents) / 100;
const fail = (code: ErrorCode, message: string, errors?: FieldErrors, detail?: Record<string, unknown>): { ok: false; error: LedgerError } => ({
  ok: false,
  error: { code, message, ...(errors ? { errors } : {}), ...(detail ? { detail } : {}) },
});
const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });

export class ProfileLedger extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  /** Test seam (set through runInDurableObject): the next N flushes fail before writing anything. */
  flushFailures = 0;
  /** Test seam: milliseconds added to the wall clock, so alarms and expiry can be exercised without waiting. */
  clockOffsetMs = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    ctx.blockConcurrencyWhile(async () => {
      // an object that already has its tables (every waking after the first) skips the DDL
      const ready = this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'outbox'`).one().n > 0;
      if (ready) return;
      for (const stmt of SCHEMA) this.sql.exec(stmt);
      this.sql.exec(`INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)`, String(LEDGER_SCHEMA_VERSION));
    });
  }

  // ── plumbing ─────────────────────────────────────────────────────────────────────────────────

  private now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  private meta(key: string): string | null {
    const rows = this.sql.exec<{ value: string }>(`SELECT value FROM meta WHERE key = ?`, key).toArray();
    return rows[0]?.value ?? null;
  }

  private setMeta(key: string, value: string | null): void {
    if (value === null) this.sql.exec(`DELETE FROM meta WHERE key = ?`, key);
    else this.sql.exec(`INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, value);
  }

  private rows<T extends Row>(query: string, ...bindings: unknown[]): T[] {
    return this.sql.exec<T>(query, ...bindings).toArray();
  }

  /** The storage version; used by health checks and migrations. */
  schemaVersion(): number {
    return Number(this.meta("schema_version"));
  }

  /** The profile this object belongs to, or null before its first operation. */
  profileId(): string | null {
    return this.meta("profile_id");
  }

  /** Binds the object to its profile (every write does); refuses a profile that has been merged away. */
  private bind(profileId: string): LedgerError | null {
    const bound = this.meta("profile_id");
    if (bound && bound !== profileId) return { code: "conflict", message: "This ledger belongs to another profile" };
    if (!bound) this.setMeta("profile_id", profileId);
    const moved = this.meta("moved_to");
    if (moved) return { code: "conflict", message: `This profile was merged into ${moved}; its incentives live there now`, detail: { merged_into: moved } };
    return null;
  }

  /** Runs `fn` once per key in one storage transaction; a repeated key returns the first result. */
  private once<T>(profileId: string, key: string, fn: () => LedgerResult<T>): LedgerResult<T> {
    return this.ctx.storage.transactionSync(() => {
      const done = this.rows<{ result: string }>(`SELECT result FROM ops WHERE key = ?`, key)[0];
      if (done) return JSON.parse(done.result) as LedgerResult<T>;
      const refused = this.bind(profileId);
      if (refused) return { ok: false as const, error: refused };
      const result = fn();
      // a refusal is not remembered: the same key may succeed once the balance allows it
      if (result.ok) {
        this.sql.exec(`INSERT INTO ops (key, result, created_at) VALUES (?, ?, ?)`, key, JSON.stringify(result), this.now());
        this.setMeta("state_dirty", "1");
      } else {
        throw new Refusal(result.error);
      }
      return result;
    });
  }

  private run<T>(profileId: string, key: string, fn: () => LedgerResult<T>): LedgerResult<T> {
    let result: LedgerResult<T>;
    try {
      result = this.once(profileId, key, fn);
    } catch (err) {
      this.causedBy = null;
      // a refusal (or a bug) rolls back whatever the operation had written before it found the problem,
      // including definitions this object believes it has stored
      this.knownDefinitions.clear();
      if (err instanceof Refusal) return { ok: false, error: err.error };
      throw err;
    }
    this.causedBy = null;
    if (result.ok) this.scheduleSoon();
    return result;
  }

  private entry(e: {
    kind: string;
    action: string;
    definitionId?: string | null;
    instanceId?: string | null;
    delta: number;
    source: LedgerSource;
    reason?: string | null;
    occurredAt?: number;
  }): void {
    const now = this.now();
    this.sql.exec(
      `INSERT INTO ledger (id, kind, action, definition_id, instance_id, delta, source_type, source_id, source_label, reason, occurred_at, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      crypto.randomUUID(),
      e.kind,
      e.action,
      e.definitionId ?? null,
      e.instanceId ?? null,
      e.delta,
      e.source.type,
      e.source.id,
      e.source.label ?? null,
      e.reason ?? null,
      e.occurredAt ?? now,
      now,
    );
  }

  /** The causation of the operation running now (a reaction's), carried by the events it emits. */
  private causedBy: { eventId: string; depth: number; namespace?: string } | null = null;

  private emit(type: string, data: Record<string, unknown>): void {
    // the causation travels inside the stored data (the outbox table has no column for it) and is
    // taken out again when the event is flushed
    const stored = this.causedBy ? { ...data, [CAUSATION_KEY]: this.causedBy } : data;
    this.sql.exec(`INSERT INTO outbox (id, type, data, occurred_at) VALUES (?, ?, ?, ?)`, crypto.randomUUID(), type, JSON.stringify(stored), this.now());
  }

  /** What rememberDefinitions last wrote, per definition, so an unchanged definition costs no write. */
  private readonly knownDefinitions = new Map<string, string>();

  private rememberDefinitions(defs: readonly PointDefinitionConfig[]): void {
    for (const d of defs) {
      const stamp = `${d.handle}|${d.name}|${d.kind}|${d.pointsPerDollar}`;
      if (this.knownDefinitions.get(d.id) === stamp) continue;
      this.knownDefinitions.set(d.id, stamp);
      this.sql.exec(
        `INSERT INTO point_defs (id, handle, name, kind, points_per_dollar) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET handle = excluded.handle, name = excluded.name, kind = excluded.kind, points_per_dollar = excluded.points_per_dollar`,
        d.id,
        d.handle,
        d.name,
        d.kind,
        d.pointsPerDollar,
      );
    }
  }

  private pointDefs(): Map<string, { id: string; handle: string; name: string; kind: string; points_per_dollar: number | null }> {
    return new Map(this.rows<{ id: string; handle: string; name: string; kind: string; points_per_dollar: number | null }>(`SELECT * FROM point_defs`).map((d) => [d.id, d]));
  }

  private lots(definitionId?: string): PointsLot[] {
    const rows = definitionId
      ? this.rows<LotRow>(`SELECT * FROM lots WHERE definition_id = ? AND status = 'active'`, definitionId)
      : this.rows<LotRow>(`SELECT * FROM lots WHERE status = 'active'`);
    return rows.map(toLot);
  }

  private applyLots(allocations: readonly LotAllocation[], direction: 1 | -1): void {
    for (const a of allocations) {
      this.sql.exec(`UPDATE lots SET points_remaining = points_remaining + ? WHERE id = ?`, direction * a.points, a.lotId);
    }
  }

  private rewardInstances(): RewardInstance[] {
    return this.rows<RewardRow>(`SELECT * FROM rewards WHERE status IN ('active', 'redeemed')`).map((r) => ({
      id: r.id,
      valueRemainingCents: r.value_remaining,
      valueInitialCents: r.value_initial,
      issuedAt: new Date(r.issued_at),
      expiresAt: r.expires_at === null ? null : new Date(r.expires_at),
      isVoid: false,
    }));
  }

  /** The reward-kind definition a points redemption spends: the one with the most spendable points. */
  private pointsSource(at: Date) {
    let best: { definitionId: string; pointsPerDollar: number; lots: PointsLot[]; spendable: number } | null = null;
    for (const def of this.pointDefs().values()) {
      if (def.kind !== "reward" || !def.points_per_dollar) continue;
      const lots = this.lots(def.id);
      const spendable = lotBalance(lots, at).spendable;
      if (!best || spendable > best.spendable) best = { definitionId: def.id, pointsPerDollar: def.points_per_dollar, lots, spendable };
    }
    return best;
  }

  // ── reads (no D1: the edge answers balances from here) ───────────────────────────────────────

  balances(): Balances | null {
    const profileId = this.meta("profile_id");
    if (!profileId) return null;
    return this.computeBalances(profileId, this.now());
  }

  private computeBalances(profileId: string, nowMs: number): Balances {
    const at = new Date(nowMs);
    const rewardCents = this.rows<{ s: number | null }>(
      `SELECT SUM(value_remaining) AS s FROM rewards WHERE status = 'active' AND value_remaining > 0 AND (expires_at IS NULL OR expires_at > ?)`,
      nowMs,
    )[0]?.s ?? 0;
    const benefitCount = this.rows<{ n: number }>(
      `SELECT COUNT(*) AS n FROM benefits WHERE status = 'active' AND redemptions_used < max_redemptions AND (expires_at IS NULL OR expires_at > ?)`,
      nowMs,
    )[0]?.n ?? 0;
    const defs = this.pointDefs();
    const byDef = new Map<string, PointsLot[]>();
    for (const lot of this.lots()) {
      const list = byDef.get(lot.definitionId) ?? [];
      list.push(lot);
      byDef.set(lot.definitionId, list);
    }
    const points: PointsBalance[] = [];
    let rewardPoints = 0;
    let rewardPointsCents = 0;
    for (const def of defs.values()) {
      const b = lotBalance(byDef.get(def.id) ?? [], at);
      const cents = def.kind === "reward" && def.points_per_dollar ? centsForPoints(b.spendable, def.points_per_dollar) : null;
      if (def.kind === "reward") {
        rewardPoints += b.spendable;
        rewardPointsCents += cents ?? 0;
      }
      points.push({ point_definition_id: def.id, handle: def.handle, name: def.name, kind: def.kind, balance: b.total, spendable: b.spendable, pending: b.pending, dollars: cents === null ? null : dollars(cents) });
    }
    points.sort((a, b) => a.handle.localeCompare(b.handle));
    return {
      profile_id: profileId,
      reward_balance: dollars(rewardCents),
      point_balance: rewardPoints,
      point_balance_dollars: dollars(rewardPointsCents),
      combined_balance_dollars: dollars(rewardCents + rewardPointsCents),
      benefit_balance: benefitCount,
      points,
      updated_at: at.toISOString(),
    };
  }

  rewards(): RewardView[] {
    return this.rows<RewardRow>(`SELECT * FROM rewards ORDER BY issued_at DESC, id`).map(rewardView);
  }

  benefits(): BenefitView[] {
    return this.rows<BenefitRow>(`SELECT * FROM benefits ORDER BY issued_at DESC, id`).map(benefitView);
  }

  pointLots(): LotView[] {
    const defs = this.pointDefs();
    return this.rows<LotRow>(`SELECT * FROM lots ORDER BY earned_at DESC, id`).map((l) => ({
      id: l.id,
      point_definition_id: l.definition_id,
      handle: defs.get(l.definition_id)?.handle ?? "",
      kind: defs.get(l.definition_id)?.kind ?? "",
      points_initial: l.points_initial,
      points_remaining: l.points_remaining,
      status: l.status === "active" && l.expires_at !== null && l.expires_at <= this.now() ? "expired" : l.status,
      earned_at: iso(l.earned_at)!,
      spendable_at: iso(l.spendable_at)!,
      expires_at: iso(l.expires_at),
      transaction_external_id: l.source_transaction,
      reason: l.reason,
      source: { type: l.source_type, id: l.source_id, label: l.source_label },
    }));
  }

  achievements(defs: AchievementDefinitionConfig[]): AchievementView[] {
    const counts = new Map(this.rows<{ definition_id: string; count: number; level: number; updated_at: number }>(`SELECT * FROM achievements`).map((a) => [a.definition_id, a]));
    return defs.map((d) => {
      const c = counts.get(d.id);
      const count = c?.count ?? 0;
      return {
        achievement_definition_id: d.id,
        handle: d.handle,
        name: d.name,
        visibility: d.visibility,
        count,
        level: c?.level ?? levelAt(d.levels, count),
        next_level: nextLevel(d, count),
        updated_at: iso(c?.updated_at),
      };
    });
  }

  tiers(config: Pick<EngineConfig, "tiers">): TierView[] {
    const out: TierView[] = [];
    const now = this.now();
    for (const ladderId of new Set(config.tiers.map((t) => t.pointDefinitionId))) {
      const ladder = buildLadder(config.tiers, ladderId) as TierDefinitionConfig[];
      const state = this.tierState(ladderId, ladder);
      const total = this.rollingTierTotal(ladderId, now);
      const p = tierProgress(ladder, state, total);
      const cur = p.current as TierDefinitionConfig | null;
      const next = p.next as TierDefinitionConfig | null;
      out.push({
        point_definition_id: ladderId,
        current: cur ? { id: cur.id, handle: cur.handle, name: cur.name } : null,
        next: next ? { id: next.id, handle: next.handle, name: next.name, value_min: next.valueMin } : null,
        points: total,
        credit: state.credit,
        progress: p.progress,
        remaining: p.remaining,
        achieved_at: iso(state.achievedAt?.getTime()),
        anniversary_at: iso(state.anniversaryAt?.getTime()),
        maintain: p.maintain,
      });
    }
    return out;
  }

  ledger(opts: { before?: number | null; limit: number }): { entries: LedgerEntryView[]; next_before: number | null } {
    const limit = Math.max(1, Math.min(200, opts.limit));
    const rows = opts.before
      ? this.rows<LedgerRow>(`SELECT * FROM ledger WHERE seq < ? ORDER BY seq DESC LIMIT ?`, opts.before, limit + 1)
      : this.rows<LedgerRow>(`SELECT * FROM ledger ORDER BY seq DESC LIMIT ?`, limit + 1);
    const page = rows.slice(0, limit);
    return { entries: page.map(ledgerView), next_before: rows.length > limit ? page.at(-1)!.seq : null };
  }

  redemption(id: string): RedemptionView | null {
    const row = this.rows<RedemptionRow>(`SELECT * FROM redemptions WHERE id = ?`, id)[0];
    return row ? redemptionView(row, this.meta("profile_id") ?? "") : null;
  }

  /** What is still to be flushed: for health checks and tests. */
  pending(): { outbox: number; unprojected: number } {
    return {
      outbox: this.rows<{ n: number }>(`SELECT COUNT(*) AS n FROM outbox WHERE flushed = 0`)[0]!.n,
      unprojected: this.rows<{ n: number }>(`SELECT COUNT(*) AS n FROM ledger WHERE projected = 0`)[0]!.n,
    };
  }

  // ── earning ──────────────────────────────────────────────────────────────────────────────────

  /**
   * A transaction: points per the best rate for each definition (a return claws back), tier points and
   * tiers, achievements and what their levels unlock. Once per transaction id.
   */
  applyTransaction(input: { profileId: string; transaction: LedgerTransaction; profile: Record<string, unknown>; config: EngineConfig; source: LedgerSource }): LedgerResult<TransactionOutcome & { balances: Balances }> {
    const result = this.earn(input);
    // the balances after, in the same call (a replay reports today's balances beside the first outcome)
    return result.ok ? ok({ ...result.value, balances: this.computeBalances(input.profileId, this.now()) }) : result;
  }

  private earn(input: { profileId: string; transaction: LedgerTransaction; profile: Record<string, unknown>; config: EngineConfig; source: LedgerSource }): LedgerResult<TransactionOutcome> {
    const { transaction: tx, config } = input;
    this.rememberTimezone(config.timezone);
    return this.run(input.profileId, `tx:${tx.id}`, () => {
      this.rememberDefinitions(config.pointDefinitions);
      const now = this.now();
      const at = new Date(now);
      const defs = new Map(config.pointDefinitions.map((d) => [d.id, d]));
      const earnAt = new Date(tx.transactedAt);
      const earned = calculateEarn({ locationId: tx.locationId, timezone: tx.timezone, totalCents: tx.totalCents, items: tx.items }, input.profile, config.rates, earnAt);
      const outcome: TransactionOutcome = { transaction_id: tx.id, points: [], shortfall: 0, tiers: [], achievements: [] };
      const earnedAt = Math.min(now, tx.transactedAt);
      const source: LedgerSource = { type: "transaction", id: tx.id, label: tx.externalId };
      const touchedLadders = new Set<string>();
      for (const e of earned) {
        const def = defs.get(e.pointDefinitionId);
        if (!def || e.points === 0) continue;
        if (e.points > 0) {
          // earned when it was bought (a receipt posted late, or history backfilled, expires on its own clock)
          this.addLot(def, e.points, { source, reason: null, transactionExternalId: tx.externalId, earnedAt: earnedAt, occurredAt: tx.transactedAt, action: "earn", timezone: config.timezone });
          outcome.points.push({ point_definition_id: def.id, handle: def.handle, kind: def.kind, rate_id: e.rateId, points: e.points });
        } else {
          const claw = clawBackReturn(this.lots(def.id), -e.points, tx.originalExternalId, at);
          this.applyLots(claw.allocations, -1);
          for (const a of claw.allocations) {
            this.entry({ kind: "points", action: "clawback", definitionId: def.id, instanceId: a.lotId, delta: -a.points, source, occurredAt: tx.transactedAt });
          }
          if (claw.shortfall > 0) {
            this.entry({
              kind: "points",
              action: "clawback_shortfall",
              definitionId: def.id,
              delta: 0,
              source,
              reason: `${claw.shortfall} points could not be clawed back: the balance had run out`,
              occurredAt: tx.transactedAt,
            });
          }
          outcome.shortfall += claw.shortfall;
          outcome.points.push({ point_definition_id: def.id, handle: def.handle, kind: def.kind, rate_id: e.rateId, points: -claw.clawedBack, shortfall: claw.shortfall });
          if (claw.clawedBack > 0) {
            this.emit("points.clawed_back", { point_definition_id: def.id, handle: def.handle, points: claw.clawedBack, shortfall: claw.shortfall, transaction_id: tx.id, transaction_external_id: tx.externalId, occurred_at: iso(tx.transactedAt) });
          }
        }
        if (def.kind === "tier") touchedLadders.add(def.id);
      }
      for (const ladderId of touchedLadders) {
        // attained at the purchase that crossed the line, judged on the window as it stood then
        const change = this.evaluateTier(ladderId, config, earnedAt);
        if (change) outcome.tiers.push(change);
      }
      if (tx.totalCents > 0) {
        const context = transactionContext(tx);
        for (const def of config.achievements) {
          if (def.trigger !== "transaction") continue;
          if (def.condition && !conditionHolds(def.condition, context)) continue;
          const progressed = this.progress(def, 1, config, { type: "transaction", id: tx.id, label: tx.externalId }, null);
          outcome.achievements.push(progressed);
        }
      }
      return ok(outcome);
    });
  }

  /**
   * A voided transaction: the lots it earned give back what is left in them (points already spent stay
   * spent; the shortfall is written down), once per transaction. A transaction that earned nothing here
   * changes nothing.
   */
  voidTransaction(input: { profileId: string; transactionId: string; externalId: string; reason: string }): LedgerResult<{ points: number; shortfall: number }> {
    if (!this.meta("profile_id")) return ok({ points: 0, shortfall: 0 });
    return this.run(input.profileId, `void-tx:${input.transactionId}`, () => {
      const source: LedgerSource = { type: "transaction", id: input.transactionId, label: input.externalId };
      const lots = this.rows<LotRow>(`SELECT * FROM lots WHERE source_type = 'transaction' AND source_id = ? AND status = 'active'`, input.transactionId);
      let points = 0;
      let shortfall = 0;
      const byDef = new Map<string, number>();
      for (const l of lots) {
        const taken = l.points_remaining;
        shortfall += l.points_initial - taken;
        if (taken > 0) {
          this.sql.exec(`UPDATE lots SET points_remaining = 0, status = 'void' WHERE id = ?`, l.id);
          // dated like the earn it undoes, so the rolling tier window loses exactly what it gained
          const earnedOn = this.rows<{ occurred_at: number }>(`SELECT occurred_at FROM ledger WHERE instance_id = ? AND action = 'earn' LIMIT 1`, l.id)[0]?.occurred_at ?? l.earned_at;
          this.entry({ kind: "points", action: "void", definitionId: l.definition_id, instanceId: l.id, delta: -taken, source, reason: input.reason, occurredAt: earnedOn });
          byDef.set(l.definition_id, (byDef.get(l.definition_id) ?? 0) + taken);
          points += taken;
        }
        if (l.points_initial > taken) {
          this.entry({ kind: "points", action: "void_shortfall", definitionId: l.definition_id, instanceId: l.id, delta: 0, source, reason: `${l.points_initial - taken} points of this lot were already spent or clawed back` });
        }
      }
      for (const [definitionId, n] of byDef) this.emit("points.voided", { point_definition_id: definitionId, points: n, transaction_id: input.transactionId, transaction_external_id: input.externalId, reason: input.reason });
      return ok({ points, shortfall });
    });
  }

  private addLot(
    def: PointDefinitionConfig,
    points: number,
    o: { source: LedgerSource; reason: string | null; transactionExternalId: string | null; earnedAt: number; occurredAt: number; action: string; timezone: string },
  ): string {
    const id = crypto.randomUUID();
    const earnedAt = new Date(o.earnedAt);
    const expires = def.expiryDays !== null && def.expiryDays !== undefined ? expiryFor({ periodDays: def.expiryDays }, earnedAt, o.timezone) : null;
    const spendable = spendableAt(earnedAt, def.pendingDays ?? 0, o.timezone);
    this.sql.exec(
      `INSERT INTO lots (id, definition_id, points_initial, points_remaining, earned_at, expires_at, spendable_at, source_type, source_id, source_label, source_transaction, reason)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      id,
      def.id,
      points,
      points,
      o.earnedAt,
      expires?.getTime() ?? null,
      spendable.getTime(),
      o.source.type,
      o.source.id,
      o.source.label ?? null,
      o.transactionExternalId,
      o.reason,
    );
    this.entry({ kind: "points", action: o.action, definitionId: def.id, instanceId: id, delta: points, source: o.source, reason: o.reason, occurredAt: o.occurredAt });
    this.emit("points.awarded", {
      point_definition_id: def.id,
      handle: def.handle,
      kind: def.kind,
      points,
      lot_id: id,
      expires_at: iso(expires?.getTime()),
      spendable_at: spendable.toISOString(),
      // when the points were earned (the receipt's time, which a backfill or late receipt puts in the past)
      occurred_at: iso(o.occurredAt),
      source: o.source,
      reason: o.reason,
    });
    return id;
  }

  private rollingTierTotal(ladderId: string, nowMs: number): number {
    const since = addMonths(new Date(nowMs), -12).getTime();
    const sum = this.rows<{ s: number | null }>(
      `SELECT SUM(delta) AS s FROM ledger WHERE kind = 'points' AND definition_id = ? AND occurred_at >= ? AND occurred_at <= ?`,
      ladderId,
      since,
      nowMs,
    )[0]?.s;
    return Math.max(0, sum ?? 0);
  }

  private tierState(ladderId: string, ladder: readonly TierDefinitionConfig[]): TierState {
    const row = this.rows<TierRow>(`SELECT * FROM tiers WHERE ladder_id = ?`, ladderId)[0];
    // a tier that was deleted from the ladder since counts as none
    if (!row || !row.tier_id || !ladder.some((t) => t.id === row.tier_id)) return { tierId: null, achievedAt: null, anniversaryAt: null, credit: 0 };
    return { tierId: row.tier_id, achievedAt: row.achieved_at === null ? null : new Date(row.achieved_at), anniversaryAt: row.anniversary_at === null ? null : new Date(row.anniversary_at), credit: row.credit };
  }

  private saveTier(ladderId: string, state: TierState): void {
    this.sql.exec(
      `INSERT INTO tiers (ladder_id, tier_id, achieved_at, anniversary_at, credit) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(ladder_id) DO UPDATE SET tier_id = excluded.tier_id, achieved_at = excluded.achieved_at, anniversary_at = excluded.anniversary_at, credit = excluded.credit`,
      ladderId,
      state.tierId,
      state.achievedAt?.getTime() ?? null,
      state.anniversaryAt?.getTime() ?? null,
      state.credit,
    );
  }

  private tierEvent(outcome: string, ladder: readonly TierDefinitionConfig[], from: string | null, to: string | null, state: TierState, extra: Record<string, unknown> = {}): void {
    const name = (id: string | null) => (id ? (ladder.find((t) => t.id === id)?.handle ?? id) : null);
    const rank = (id: string | null) => (id ? ladder.findIndex((t) => t.id === id) : -1);
    const type =
      outcome === "attained" ? "tier.achieved" : outcome === "maintained" || outcome === "held_by_floor" ? "tier.maintained" : outcome === "downgraded" ? "tier.downgraded" : rank(to) >= rank(from) ? "tier.achieved" : "tier.downgraded";
    this.emit(type, {
      outcome,
      from_tier_id: from,
      from_tier: name(from),
      to_tier_id: to,
      to_tier: name(to),
      achieved_at: iso(state.achievedAt?.getTime()),
      anniversary_at: iso(state.anniversaryAt?.getTime()),
      credit: state.credit,
      ...extra,
    });
  }

  private evaluateTier(ladderId: string, config: EngineConfig, nowMs: number): TransactionOutcome["tiers"][number] | null {
    const ladder = buildLadder(config.tiers, ladderId) as TierDefinitionConfig[];
    if (!ladder.length) return null;
    const state = this.tierState(ladderId, ladder);
    const total = this.rollingTierTotal(ladderId, nowMs);
    const change = onPoints(ladder, state, total, new Date(nowMs), config.timezone);
    if (change.outcome !== "attained") return null;
    this.saveTier(ladderId, change.state);
    this.entry({ kind: "tier", action: "attain", definitionId: change.to, delta: 0, source: { type: "system", id: null }, reason: `rolling 12-month total ${total}`, occurredAt: nowMs });
    this.tierEvent("attained", ladder, change.from, change.to, change.state, { points: total });
    return { point_definition_id: ladderId, outcome: change.outcome, from: change.from, to: change.to };
  }

  private progress(def: AchievementDefinitionConfig, by: number, config: Pick<EngineConfig, "benefits" | "timezone">, source: LedgerSource, reason: string | null) {
    const row = this.rows<{ count: number; level: number }>(`SELECT count, level FROM achievements WHERE definition_id = ?`, def.id)[0];
    const old = row?.count ?? 0;
    const count = old + by;
    const reached = levelsReached(def, old, count);
    const level = levelAt(def.levels, count);
    const now = this.now();
    this.sql.exec(
      `INSERT INTO achievements (definition_id, count, level, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT(definition_id) DO UPDATE SET count = excluded.count, level = excluded.level, updated_at = excluded.updated_at`,
      def.id,
      count,
      level,
      now,
    );
    this.entry({ kind: "achievement", action: "progress", definitionId: def.id, delta: by, source, reason });
    this.emit("achievement.progressed", { achievement_definition_id: def.id, handle: def.handle, count, previous_count: old, level });
    for (const l of reached) {
      this.emit("achievement.level_reached", { achievement_definition_id: def.id, handle: def.handle, level: l, count });
      for (const unlock of def.unlocks.filter((u) => u.level === l)) {
        const benefit = config.benefits.find((b) => b.id === unlock.benefitDefinitionId);
        if (benefit) this.addBenefit(benefit, { source: { type: "achievement", id: def.id, label: def.handle }, reason: `${def.name} level ${l}`, claimed: false, timezone: config.timezone });
      }
    }
    return { achievement_definition_id: def.id, count, levels_reached: reached };
  }

  // ── issuing by hand (staff, API tokens, reactions) ───────────────────────────────────────────

  issueReward(input: {
    profileId: string;
    key: string;
    definition: RewardDefinitionConfig;
    valueCents?: number | null;
    expiresAt?: number | null;
    reason: string;
    source: LedgerSource;
    timezone: string;
    pointDefinitions?: PointDefinitionConfig[];
  }): LedgerResult<RewardView> {
    this.rememberTimezone(input.timezone);
    this.causedBy = input.source.causation ?? null;
    return this.run(input.profileId, input.key, () => {
      this.rememberDefinitions(input.pointDefinitions ?? []);
      const value = input.valueCents ?? input.definition.value;
      if (!Number.isSafeInteger(value) || value <= 0) return fail("validation_failed", "value must be greater than 0", { value: ["value must be greater than 0"] });
      const now = this.now();
      if (input.expiresAt !== null && input.expiresAt !== undefined && input.expiresAt <= now) {
        return fail("validation_failed", "expires_at must be in the future", { expires_at: ["expires_at must be in the future"] });
      }
      const id = this.addReward(input.definition, value, input.expiresAt ?? null, input.source, input.reason, input.timezone);
      return ok(rewardView(this.rows<RewardRow>(`SELECT * FROM rewards WHERE id = ?`, id)[0]!));
    });
  }

  private addReward(def: RewardDefinitionConfig, valueCents: number, expiresAtMs: number | null, source: LedgerSource, reason: string | null, timezone: string): string {
    const now = this.now();
    const id = crypto.randomUUID();
    const expires = expiresAtMs ?? expiryFor({ periodDays: def.periodDays, absoluteExpiry: def.absoluteExpiry }, new Date(now), timezone)?.getTime() ?? null;
    const reminder = expires === null ? null : (reminderTimes(new Date(expires), def.notificationOffsets, timezone, { notBefore: new Date(now) })[0] ?? null);
    this.sql.exec(
      `INSERT INTO rewards (id, definition_id, definition_version, handle, name, type, value_initial, value_remaining, issued_at, expires_at, is_extendable, period_days,
         offsets, next_reminder_at, next_reminder_offset, status, source_type, source_id, source_label, reason, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?, ?)`,
      id,
      def.id,
      def.version,
      def.handle,
      def.name,
      def.type,
      valueCents,
      valueCents,
      now,
      expires,
      def.isExtendable ? 1 : 0,
      def.periodDays,
      JSON.stringify(def.notificationOffsets),
      reminder?.remindAt.getTime() ?? null,
      reminder?.offsetDays ?? null,
      source.type,
      source.id,
      source.label ?? null,
      reason,
      now,
    );
    this.entry({ kind: "reward", action: "issue", definitionId: def.id, instanceId: id, delta: valueCents, source, reason });
    this.emit("reward.issued", { reward_id: id, reward_definition_id: def.id, handle: def.handle, value: dollars(valueCents), expires_at: iso(expires), source, reason });
    return id;
  }

  issuePoints(input: { profileId: string; key: string; definition: PointDefinitionConfig; points: number; reason: string; source: LedgerSource; config: EngineConfig }): LedgerResult<LotView> {
    this.causedBy = input.source.causation ?? null;
    return this.run(input.profileId, input.key, () => {
      if (!Number.isSafeInteger(input.points) || input.points <= 0) return fail("validation_failed", "value must be a whole number of points greater than 0", { value: ["value must be a whole number of points greater than 0"] });
      this.rememberDefinitions([input.definition, ...input.config.pointDefinitions]);
      const now = this.now();
      const id = this.addLot(input.definition, input.points, { source: input.source, reason: input.reason, transactionExternalId: null, earnedAt: now, occurredAt: now, action: "issue", timezone: input.config.timezone });
      if (input.definition.kind === "tier") this.evaluateTier(input.definition.id, input.config, now);
      return ok(this.pointLots().find((l) => l.id === id)!);
    });
  }

  issueBenefit(input: { profileId: string; key: string; definition: BenefitDefinitionConfig; reason: string; source: LedgerSource; timezone: string; pointDefinitions?: PointDefinitionConfig[] }): LedgerResult<BenefitView> {
    this.causedBy = input.source.causation ?? null;
    return this.run(input.profileId, input.key, () => {
      this.rememberDefinitions(input.pointDefinitions ?? []);
      const id = this.addBenefit(input.definition, { source: input.source, reason: input.reason, claimed: false, timezone: input.timezone });
      return ok(benefitView(this.rows<BenefitRow>(`SELECT * FROM benefits WHERE id = ?`, id)[0]!));
    });
  }

  private addBenefit(def: BenefitDefinitionConfig, o: { source: LedgerSource; reason: string | null; claimed: boolean; timezone: string }): string {
    const now = this.now();
    const id = crypto.randomUUID();
    const expires = expiryFor({ periodDays: def.periodDays, absoluteExpiry: def.absoluteExpiry }, new Date(now), o.timezone)?.getTime() ?? null;
    this.sql.exec(
      `INSERT INTO benefits (id, definition_id, definition_version, handle, name, max_redemptions, issued_at, expires_at, is_extendable, period_days, claimed, status,
         source_type, source_id, source_label, reason, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?, ?)`,
      id,
      def.id,
      def.version,
      def.handle,
      def.name,
      def.maxRedemptions,
      now,
      expires,
      def.isExtendable ? 1 : 0,
      def.periodDays,
      o.claimed ? 1 : 0,
      o.source.type,
      o.source.id,
      o.source.label ?? null,
      o.reason,
      now,
    );
    this.entry({ kind: "benefit", action: o.claimed ? "claim" : "issue", definitionId: def.id, instanceId: id, delta: def.maxRedemptions, source: o.source, reason: o.reason });
    this.emit("benefit.issued", { benefit_id: id, benefit_definition_id: def.id, handle: def.handle, max_redemptions: def.maxRedemptions, expires_at: iso(expires), source: o.source, reason: o.reason });
    if (o.claimed) this.emit("benefit.claimed", { benefit_id: id, benefit_definition_id: def.id, handle: def.handle });
    return id;
  }

  progressAchievement(input: { profileId: string; key: string; definition: AchievementDefinitionConfig; count: number; reason: string | null; source: LedgerSource; config: Pick<EngineConfig, "benefits" | "timezone"> }) {
    this.causedBy = input.source.causation ?? null;
    return this.run(input.profileId, input.key, () => {
      if (!Number.isSafeInteger(input.count) || input.count < 1 || input.count > 10_000) return fail("validation_failed", "count must be a whole number from 1 to 10000", { count: ["count must be a whole number from 1 to 10000"] });
      return ok(this.progress(input.definition, input.count, input.config, input.source, input.reason));
    });
  }

  /** Void marks an instance invalid and keeps it; voiding it again changes nothing. */
  voidInstance(input: { profileId: string; key: string; kind: "reward" | "benefit" | "points"; id: string; reason: string; source: LedgerSource }): LedgerResult<{ id: string; status: string }> {
    return this.run(input.profileId, input.key, () => {
      const now = this.now();
      if (input.kind === "reward") {
        const r = this.rows<RewardRow>(`SELECT * FROM rewards WHERE id = ?`, input.id)[0];
        if (!r) return fail("not_found", `No reward ${input.id} on this profile`);
        if (r.status === "void") return ok({ id: r.id, status: r.status });
        this.sql.exec(`UPDATE rewards SET status = 'void', void_reason = ?, updated_at = ?, dirty = 1 WHERE id = ?`, input.reason, now, r.id);
        this.entry({ kind: "reward", action: "void", definitionId: r.definition_id, instanceId: r.id, delta: -r.value_remaining, source: input.source, reason: input.reason });
        this.emit("reward.voided", { reward_id: r.id, reward_definition_id: r.definition_id, value_remaining: dollars(r.value_remaining), reason: input.reason });
      } else if (input.kind === "benefit") {
        const b = this.rows<BenefitRow>(`SELECT * FROM benefits WHERE id = ?`, input.id)[0];
        if (!b) return fail("not_found", `No benefit ${input.id} on this profile`);
        if (b.status === "void") return ok({ id: b.id, status: b.status });
        this.sql.exec(`UPDATE benefits SET status = 'void', void_reason = ?, updated_at = ?, dirty = 1 WHERE id = ?`, input.reason, now, b.id);
        this.entry({ kind: "benefit", action: "void", definitionId: b.definition_id, instanceId: b.id, delta: -(b.max_redemptions - b.redemptions_used), source: input.source, reason: input.reason });
        this.emit("benefit.voided", { benefit_id: b.id, benefit_definition_id: b.definition_id, reason: input.reason });
      } else {
        const l = this.rows<LotRow>(`SELECT * FROM lots WHERE id = ?`, input.id)[0];
        if (!l) return fail("not_found", `No points lot ${input.id} on this profile`);
        if (l.status === "void") return ok({ id: l.id, status: l.status });
        this.sql.exec(`UPDATE lots SET status = 'void', points_remaining = 0 WHERE id = ?`, l.id);
        this.entry({ kind: "points", action: "void", definitionId: l.definition_id, instanceId: l.id, delta: -l.points_remaining, source: input.source, reason: input.reason, occurredAt: l.earned_at });
        this.emit("points.voided", { lot_id: l.id, point_definition_id: l.definition_id, points: l.points_remaining, reason: input.reason });
      }
      return ok({ id: input.id, status: "void" });
    });
  }

  extendReward(input: { profileId: string; key: string; id: string; days?: number | null; source: LedgerSource; timezone: string }): LedgerResult<RewardView> {
    return this.run(input.profileId, input.key, () => {
      const r = this.rows<RewardRow>(`SELECT * FROM rewards WHERE id = ?`, input.id)[0];
      if (!r) return fail("not_found", `No reward ${input.id} on this profile`);
      const extension = extensionOf("reward", r, input.days, input.timezone);
      if (!extension.ok) return extension;
      const now = this.now();
      const expires = extension.value;
      const offsets = JSON.parse(r.offsets) as number[];
      const reminder = reminderTimes(new Date(expires), offsets, input.timezone, { notBefore: new Date(now) })[0] ?? null;
      this.sql.exec(
        `UPDATE rewards SET expires_at = ?, extended_at = ?, next_reminder_at = ?, next_reminder_offset = ?, updated_at = ?, dirty = 1 WHERE id = ?`,
        expires,
        now,
        reminder?.remindAt.getTime() ?? null,
        reminder?.offsetDays ?? null,
        now,
        r.id,
      );
      this.entry({ kind: "reward", action: "extend", definitionId: r.definition_id, instanceId: r.id, delta: 0, source: input.source, reason: `extended to ${iso(expires)}` });
      this.emit("reward.extended", { reward_id: r.id, expires_at: iso(expires) });
      return ok(rewardView(this.rows<RewardRow>(`SELECT * FROM rewards WHERE id = ?`, r.id)[0]!));
    });
  }

  // ── benefits: claim, redeem, extend ──────────────────────────────────────────────────────────

  claimBenefit(input: { profileId: string; key: string; definition: BenefitDefinitionConfig; profile: Record<string, unknown>; source: LedgerSource; timezone: string }): LedgerResult<BenefitView> {
    return this.run(input.profileId, input.key, () => {
      const def = input.definition;
      if (!def.isClaimable) return fail("conflict", `${def.name} cannot be claimed; staff or automations issue it`);
      if (def.eligibility && !conditionHolds(def.eligibility, input.profile)) return fail("conflict", `This profile is not eligible for ${def.name}`);
      const now = this.now();
      const held = this.rows<{ n: number }>(
        `SELECT COUNT(*) AS n FROM benefits WHERE definition_id = ? AND status = 'active' AND redemptions_used < max_redemptions AND (expires_at IS NULL OR expires_at > ?)`,
        def.id,
        now,
      )[0]!.n;
      if (held > 0) return fail("conflict", `This profile already holds ${def.name}`);
      const id = this.addBenefit(def, { source: input.source, reason: "claimed", claimed: true, timezone: input.timezone });
      return ok(benefitView(this.rows<BenefitRow>(`SELECT * FROM benefits WHERE id = ?`, id)[0]!));
    });
  }

  redeemBenefit(input: { profileId: string; key: string; id: string; source: LedgerSource; transactionExternalId?: string | null }): LedgerResult<BenefitView> {
    this.causedBy = input.source.causation ?? null;
    return this.run(input.profileId, input.key, () => {
      const b = this.rows<BenefitRow>(`SELECT * FROM benefits WHERE id = ?`, input.id)[0];
      if (!b) return fail("not_found", `No benefit ${input.id} on this profile`);
      const now = this.now();
      if (b.status === "void") return fail("conflict", "This benefit is void");
      if (b.expires_at !== null && b.expires_at <= now) return fail("conflict", "This benefit has expired");
      if (b.redemptions_used >= b.max_redemptions) return fail("conflict", "This benefit has no redemptions left");
      const used = b.redemptions_used + 1;
      this.sql.exec(`UPDATE benefits SET redemptions_used = ?, status = ?, updated_at = ?, dirty = 1 WHERE id = ?`, used, used >= b.max_redemptions ? "redeemed" : "active", now, b.id);
      this.entry({ kind: "benefit", action: "redeem", definitionId: b.definition_id, instanceId: b.id, delta: -1, source: input.source, reason: input.transactionExternalId ? `transaction ${input.transactionExternalId}` : null });
      this.emit("benefit.redeemed", { benefit_id: b.id, benefit_definition_id: b.definition_id, handle: b.handle, redemptions_used: used, redemptions_remaining: b.max_redemptions - used, transaction_external_id: input.transactionExternalId ?? null });
      return ok(benefitView(this.rows<BenefitRow>(`SELECT * FROM benefits WHERE id = ?`, b.id)[0]!));
    });
  }

  extendBenefit(input: { profileId: string; key: string; id: string; days?: number | null; source: LedgerSource; timezone: string }): LedgerResult<BenefitView> {
    return this.run(input.profileId, input.key, () => {
      const b = this.rows<BenefitRow>(`SELECT * FROM benefits WHERE id = ?`, input.id)[0];
      if (!b) return fail("not_found", `No benefit ${input.id} on this profile`);
      const extension = extensionOf("benefit", b, input.days, input.timezone);
      if (!extension.ok) return extension;
      const now = this.now();
      const expires = extension.value;
      this.sql.exec(`UPDATE benefits SET expires_at = ?, extended_at = ?, updated_at = ?, dirty = 1 WHERE id = ?`, expires, now, now, b.id);
      this.entry({ kind: "benefit", action: "extend", definitionId: b.definition_id, instanceId: b.id, delta: 0, source: input.source, reason: `extended to ${iso(expires)}` });
      this.emit("benefit.extended", { benefit_id: b.id, expires_at: iso(expires) });
      return ok(benefitView(this.rows<BenefitRow>(`SELECT * FROM benefits WHERE id = ?`, b.id)[0]!));
    });
  }

  // ── redemption ───────────────────────────────────────────────────────────────────────────────

  /** Checks and spends in one transaction: concurrent redemptions can never take more than the balance. */
  redeem(input: { profileId: string; key: string; strategy: string; amountCents: number; transactionExternalId: string | null; source: LedgerSource; pointDefinitions: PointDefinitionConfig[] }): LedgerResult<{ redemption: RedemptionView; balances: Balances }> {
    return this.run(input.profileId, input.key, () => {
      this.rememberDefinitions(input.pointDefinitions);
      const now = this.now();
      const at = new Date(now);
      const source = this.pointsSource(at);
      const result = allocateRedemption({ strategy: input.strategy, amountCents: input.amountCents, rewards: this.rewardInstances(), points: source }, at);
      if (!result.ok) {
        const field = result.code === "invalid_strategy" ? "strategy" : "amount";
        return fail("validation_failed", result.message, { [field]: [result.message] }, result.code === "insufficient_balance" ? { available: dollars(result.availableCents), shortfall: dollars(result.shortfallCents) } : undefined);
      }
      const b = result.breakdown;
      const id = redemptionId(input.profileId);
      for (const r of b.rewards) {
        this.sql.exec(
          `UPDATE rewards SET value_remaining = value_remaining - ?, status = CASE WHEN value_remaining - ? = 0 THEN 'redeemed' ELSE status END, updated_at = ?, dirty = 1 WHERE id = ?`,
          r.cents,
          r.cents,
          now,
          r.rewardId,
        );
        const row = this.rows<RewardRow>(`SELECT * FROM rewards WHERE id = ?`, r.rewardId)[0]!;
        this.entry({ kind: "reward", action: "redeem", definitionId: row.definition_id, instanceId: r.rewardId, delta: -r.cents, source: input.source, reason: `redemption ${id}` });
        this.emit("reward.redeemed", { reward_id: r.rewardId, reward_definition_id: row.definition_id, amount: dollars(r.cents), value_remaining: dollars(row.value_remaining), redemption_id: id });
      }
      if (b.points) {
        this.applyLots(b.points.allocations, -1);
        for (const a of b.points.allocations) {
          this.entry({ kind: "points", action: "redeem", definitionId: b.points.definitionId, instanceId: a.lotId, delta: -a.points, source: input.source, reason: `redemption ${id}` });
        }
        this.emit("points.redeemed", { point_definition_id: b.points.definitionId, points: b.points.points, amount: dollars(b.points.cents), redemption_id: id });
      }
      this.sql.exec(
        `INSERT INTO redemptions (id, strategy, amount, breakdown, transaction_external_id, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
        id,
        b.strategy,
        b.amountCents,
        JSON.stringify(b),
        input.transactionExternalId,
        now,
      );
      const view = redemptionView(this.rows<RedemptionRow>(`SELECT * FROM redemptions WHERE id = ?`, id)[0]!, input.profileId);
      this.emit("redemption.created", { ...view, source: input.source } as unknown as Record<string, unknown>);
      return ok({ redemption: view, balances: this.computeBalances(input.profileId, now) });
    });
  }

  /** Restores exactly what a redemption took, once, within 10 minutes. */
  reverseRedemption(input: { profileId: string; key: string; id: string; source: LedgerSource }): LedgerResult<{ redemption: RedemptionView; balances: Balances }> {
    return this.run(input.profileId, input.key, () => {
      const row = this.rows<RedemptionRow>(`SELECT * FROM redemptions WHERE id = ?`, input.id)[0];
      if (!row) return fail("not_found", `No redemption ${input.id}`);
      const now = this.now();
      const check = canReverse({ createdAt: new Date(row.created_at), reversedAt: row.reversed_at === null ? null : new Date(row.reversed_at) }, new Date(now));
      if (!check.ok) return fail("conflict", check.message, undefined, { reason: check.code });
      const b = JSON.parse(row.breakdown) as ReturnType<typeof parseBreakdown>;
      for (const r of b.rewards) {
        this.sql.exec(`UPDATE rewards SET value_remaining = value_remaining + ?, status = CASE WHEN status = 'redeemed' THEN 'active' ELSE status END, updated_at = ?, dirty = 1 WHERE id = ?`, r.cents, now, r.rewardId);
        const reward = this.rows<RewardRow>(`SELECT definition_id FROM rewards WHERE id = ?`, r.rewardId)[0];
        this.entry({ kind: "reward", action: "reverse", definitionId: reward?.definition_id ?? null, instanceId: r.rewardId, delta: r.cents, source: input.source, reason: `reversal of ${row.id}` });
      }
      if (b.points) {
        this.applyLots(b.points.allocations, 1);
        for (const a of b.points.allocations) {
          const lot = this.rows<LotRow>(`SELECT earned_at FROM lots WHERE id = ?`, a.lotId)[0];
          this.entry({ kind: "points", action: "reverse", definitionId: b.points.definitionId, instanceId: a.lotId, delta: a.points, source: input.source, reason: `reversal of ${row.id}`, occurredAt: lot?.earned_at });
        }
      }
      this.sql.exec(`UPDATE redemptions SET reversed_at = ? WHERE id = ?`, now, row.id);
      const view = redemptionView(this.rows<RedemptionRow>(`SELECT * FROM redemptions WHERE id = ?`, row.id)[0]!, input.profileId);
      this.emit("redemption.reversed", { ...view, source: input.source } as unknown as Record<string, unknown>);
      return ok({ redemption: view, balances: this.computeBalances(input.profileId, now) });
    });
  }

  // ── tiers by hand and on the anniversary ─────────────────────────────────────────────────────

  assignTier(input: { profileId: string; key: string; pointDefinitionId: string; tierId: string | null; reason: string; source: LedgerSource; config: Pick<EngineConfig, "tiers" | "timezone"> }): LedgerResult<TierView> {
    this.causedBy = input.source.causation ?? null;
    return this.run(input.profileId, input.key, () => {
      const ladder = buildLadder(input.config.tiers, input.pointDefinitionId) as TierDefinitionConfig[];
      if (input.tierId !== null && !ladder.some((t) => t.id === input.tierId)) return fail("validation_failed", "That tier is not on this ladder", { tier_definition_id: ["That tier is not on this ladder"] });
      const state = this.tierState(input.pointDefinitionId, ladder);
      const change = assignTier(ladder, state, input.tierId, new Date(this.now()), input.config.timezone);
      this.saveTier(input.pointDefinitionId, change.state);
      this.entry({ kind: "tier", action: "assign", definitionId: input.tierId, delta: 0, source: input.source, reason: input.reason });
      this.tierEvent("assigned", ladder, change.from, change.to, change.state, { reason: input.reason });
      return ok(this.tiers(input.config).find((t) => t.point_definition_id === input.pointDefinitionId)!);
    });
  }

  /** The anniversary job: keeps, drops or holds each tier whose anniversary has come. Safe to repeat. */
  maintainTiers(input: { profileId: string; config: Pick<EngineConfig, "tiers" | "timezone"> }): LedgerResult<Array<{ point_definition_id: string; outcome: string; from: string | null; to: string | null }>> {
    const now = this.now();
    return this.run(input.profileId, `maintain:${now}`, () => {
      const out: Array<{ point_definition_id: string; outcome: string; from: string | null; to: string | null }> = [];
      for (const row of this.rows<TierRow>(`SELECT * FROM tiers WHERE tier_id IS NOT NULL AND anniversary_at <= ?`, now)) {
        const ladder = buildLadder(input.config.tiers, row.ladder_id) as TierDefinitionConfig[];
        if (!ladder.length) continue;
        const state = this.tierState(row.ladder_id, ladder);
        if (!state.tierId) continue;
        const total = this.rollingTierTotal(row.ladder_id, now);
        const change = maintain(ladder, state, total, new Date(now), input.config.timezone);
        if (change.outcome === "not_due") continue;
        this.saveTier(row.ladder_id, change.state);
        this.entry({ kind: "tier", action: change.outcome, definitionId: change.to, delta: 0, source: { type: "system", id: "tier-anniversary" }, reason: `rolling 12-month total ${total} + credit ${state.credit}` });
        this.tierEvent(change.outcome, ladder, change.from, change.to, change.state, { points: total, credit_used: state.credit });
        out.push({ point_definition_id: row.ladder_id, outcome: change.outcome, from: change.from, to: change.to });
      }
      return ok(out);
    });
  }

  // ── merge: the loser's ledger moves into the winner's ────────────────────────────────────────

  /** Loser side, step 1: marks the profile as moving and returns everything that moves. Repeatable. */
  beginMoveOut(input: { profileId: string; winnerId: string }): LedgerResult<MoveSnapshot> {
    return this.ctx.storage.transactionSync(() => {
      const bound = this.meta("profile_id");
      if (bound && bound !== input.profileId) return fail("conflict", "This ledger belongs to another profile");
      if (!bound) this.setMeta("profile_id", input.profileId);
      const moved = this.meta("moved_to");
      if (moved && moved !== input.winnerId) return fail("conflict", `This profile was already merged into ${moved}`);
      this.setMeta("moved_to", input.winnerId);
      const now = this.now();
      const since = addMonths(new Date(now), -12).getTime();
      const tierDefs = this.rows<{ id: string }>(`SELECT id FROM point_defs WHERE kind = 'tier'`).map((d) => d.id);
      return ok({
        from: input.profileId,
        lots: this.rows<LotRow>(`SELECT * FROM lots WHERE status = 'active' AND points_remaining > 0`),
        rewards: this.rows<RewardRow>(`SELECT * FROM rewards WHERE status = 'active'`),
        benefits: this.rows<BenefitRow>(`SELECT * FROM benefits WHERE status = 'active'`),
        achievements: this.rows(`SELECT * FROM achievements`),
        tiers: this.rows<TierRow>(`SELECT * FROM tiers WHERE tier_id IS NOT NULL`),
        tierEntries: tierDefs.length
          ? this.rows(`SELECT definition_id, SUM(delta) AS delta, MIN(occurred_at) AS occurred_at FROM ledger WHERE kind = 'points' AND occurred_at >= ? AND definition_id IN (${tierDefs.map(() => "?").join(",")}) AND action IN ('earn', 'clawback', 'issue') GROUP BY definition_id, occurred_at`, since, ...tierDefs)
          : [],
        pointDefs: this.rows(`SELECT * FROM point_defs`),
      } as MoveSnapshot);
    });
  }

  /** Winner side: takes the loser's snapshot in, once (keyed by the loser). */
  moveIn(input: { profileId: string; snapshot: MoveSnapshot }): LedgerResult<{ lots: number; rewards: number; benefits: number }> {
    const s = input.snapshot;
    return this.run(input.profileId, `merge-in:${s.from}`, () => {
      const source: LedgerSource = { type: "merge", id: s.from, label: null };
      const now = this.now();
      for (const d of s.pointDefs) {
        this.sql.exec(`INSERT OR IGNORE INTO point_defs (id, handle, name, kind, points_per_dollar) VALUES (?, ?, ?, ?, ?)`, d.id, d.handle, d.name, d.kind, d.points_per_dollar);
      }
      for (const l of s.lots as LotRow[]) {
        this.sql.exec(
          `INSERT OR IGNORE INTO lots (id, definition_id, points_initial, points_remaining, earned_at, expires_at, spendable_at, source_type, source_id, source_label, source_transaction, reason)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          l.id, l.definition_id, l.points_remaining, l.points_remaining, l.earned_at, l.expires_at, l.spendable_at, l.source_type, l.source_id, l.source_label, l.source_transaction, `moved from ${s.from}`,
        );
        // tier points keep counting toward the rolling window through the tier entries below
        this.entry({ kind: "points", action: "move_in", definitionId: l.definition_id, instanceId: l.id, delta: l.points_remaining, source, occurredAt: 0 });
      }
      for (const e of s.tierEntries) {
        this.entry({ kind: "points", action: "move_in_window", definitionId: e.definition_id as string, delta: e.delta as number, source, occurredAt: e.occurred_at as number, reason: "tier points inside the rolling window" });
      }
      for (const r of s.rewards as RewardRow[]) {
        const cols = Object.keys(r).filter((k) => k !== "dirty");
        this.sql.exec(`INSERT OR IGNORE INTO rewards (${cols.join(",")}, dirty) VALUES (${cols.map(() => "?").join(",")}, 1)`, ...cols.map((c) => r[c]));
        this.entry({ kind: "reward", action: "move_in", definitionId: r.definition_id, instanceId: r.id, delta: r.value_remaining, source });
      }
      for (const b of s.benefits as BenefitRow[]) {
        const cols = Object.keys(b).filter((k) => k !== "dirty");
        this.sql.exec(`INSERT OR IGNORE INTO benefits (${cols.join(",")}, dirty) VALUES (${cols.map(() => "?").join(",")}, 1)`, ...cols.map((c) => b[c]));
        this.entry({ kind: "benefit", action: "move_in", definitionId: b.definition_id, instanceId: b.id, delta: b.max_redemptions - b.redemptions_used, source });
      }
      for (const a of s.achievements) {
        this.sql.exec(
          `INSERT INTO achievements (definition_id, count, level, updated_at) VALUES (?, ?, ?, ?)
           ON CONFLICT(definition_id) DO UPDATE SET count = count + excluded.count, level = MAX(level, excluded.level), updated_at = excluded.updated_at`,
          a.definition_id, a.count, a.level, now,
        );
      }
      for (const t of s.tiers as TierRow[]) {
        // the winner keeps its own tier on a ladder where it has one; otherwise it takes the loser's
        this.sql.exec(`INSERT OR IGNORE INTO tiers (ladder_id, tier_id, achieved_at, anniversary_at, credit) VALUES (?, ?, ?, ?, ?)`, t.ladder_id, t.tier_id, t.achieved_at, t.anniversary_at, t.credit);
      }
      this.sql.exec(`UPDATE rewards SET dirty = 1`);
      this.sql.exec(`UPDATE benefits SET dirty = 1`);
      this.emit("profile.incentives_merged", { from_profile_id: s.from, lots: s.lots.length, rewards: s.rewards.length, benefits: s.benefits.length });
      return ok({ lots: s.lots.length, rewards: s.rewards.length, benefits: s.benefits.length });
    });
  }

  /** Loser side, step 2: empties what moved (kept in the ledger as move_out entries). Repeatable. */
  completeMoveOut(input: { profileId: string; winnerId: string }): LedgerResult<{ done: true }> {
    const result = this.ctx.storage.transactionSync(() => {
      if (this.meta("moved_to") !== input.winnerId) return fail("conflict", "This profile is not being merged into that profile");
      if (this.meta("move_completed")) return ok({ done: true as const });
      const source: LedgerSource = { type: "merge", id: input.winnerId, label: null };
      for (const l of this.rows<LotRow>(`SELECT * FROM lots WHERE status = 'active' AND points_remaining > 0`)) {
        this.entry({ kind: "points", action: "move_out", definitionId: l.definition_id, instanceId: l.id, delta: -l.points_remaining, source, occurredAt: 0 });
      }
      this.sql.exec(`UPDATE lots SET status = 'moved', points_remaining = 0 WHERE status = 'active'`);
      for (const r of this.rows<RewardRow>(`SELECT * FROM rewards WHERE status = 'active'`)) {
        this.entry({ kind: "reward", action: "move_out", definitionId: r.definition_id, instanceId: r.id, delta: -r.value_remaining, source });
      }
      // the instances now belong to the winner: drop them here so the projection keeps one owner
      this.sql.exec(`DELETE FROM rewards WHERE status = 'active'`);
      this.sql.exec(`DELETE FROM benefits WHERE status = 'active'`);
      this.sql.exec(`DELETE FROM tiers`);
      this.sql.exec(`DELETE FROM achievements`);
      this.setMeta("move_completed", String(this.now()));
      this.setMeta("state_dirty", "1");
      return ok({ done: true as const });
    });
    this.scheduleSoon();
    return result;
  }

  /** A purged profile: everything goes. */
  async purge(): Promise<void> {
    this.knownDefinitions.clear();
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
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



  /** Expires what is due and sends due reminders, in one storage transaction. */
  private processDue(): void {
    const profileId = this.meta("profile_id");
    if (!profileId) return;
    this.ctx.storage.transactionSync(() => {
      const now = this.now();
      const at = new Date(now);
      const source: LedgerSource = { type: "expiry", id: null };
      const expired = expireLots(this.lots(), at);
      if (expired.expired.length) {
        const byDef = new Map<string, number>();
        for (const e of expired.expired) {
          const lot = this.rows<LotRow>(`SELECT definition_id, earned_at FROM lots WHERE id = ?`, e.lotId)[0]!;
          this.sql.exec(`UPDATE lots SET points_remaining = 0, status = 'expired' WHERE id = ?`, e.lotId);
          this.entry({ kind: "points", action: "expire", definitionId: lot.definition_id, instanceId: e.lotId, delta: -e.points, source, occurredAt: lot.earned_at });
          byDef.set(lot.definition_id, (byDef.get(lot.definition_id) ?? 0) + e.points);
        }
        for (const [definitionId, points] of byDef) this.emit("points.expired", { point_definition_id: definitionId, points });
      }
      for (const r of this.rows<RewardRow>(`SELECT * FROM rewards WHERE status = 'active' AND expires_at IS NOT NULL AND expires_at <= ?`, now)) {
        this.sql.exec(`UPDATE rewards SET status = 'expired', updated_at = ?, dirty = 1 WHERE id = ?`, now, r.id);
        this.entry({ kind: "reward", action: "expire", definitionId: r.definition_id, instanceId: r.id, delta: -r.value_remaining, source });
        this.emit("reward.expired", { reward_id: r.id, reward_definition_id: r.definition_id, handle: r.handle, value_remaining: dollars(r.value_remaining) });
      }
      for (const r of this.rows<RewardRow>(`SELECT * FROM rewards WHERE status = 'active' AND next_reminder_at IS NOT NULL AND next_reminder_at <= ?`, now)) {
        if (r.value_remaining > 0) {
          this.emit("reward.expiring", { reward_id: r.id, reward_definition_id: r.definition_id, handle: r.handle, value_remaining: dollars(r.value_remaining), expires_at: iso(r.expires_at), days_before: r.next_reminder_offset });
        }
        const next = reminderTimes(new Date(r.expires_at!), JSON.parse(r.offsets) as number[], this.meta("timezone") ?? "UTC", { notBefore: new Date(now + 1) })[0] ?? null;
        this.sql.exec(`UPDATE rewards SET next_reminder_at = ?, next_reminder_offset = ? WHERE id = ?`, next?.remindAt.getTime() ?? null, next?.offsetDays ?? null, r.id);
      }
      for (const b of this.rows<BenefitRow>(`SELECT * FROM benefits WHERE status = 'active' AND expires_at IS NOT NULL AND expires_at <= ?`, now)) {
        this.sql.exec(`UPDATE benefits SET status = 'expired', updated_at = ?, dirty = 1 WHERE id = ?`, now, b.id);
        this.entry({ kind: "benefit", action: "expire", definitionId: b.definition_id, instanceId: b.id, delta: -(b.max_redemptions - b.redemptions_used), source });
        this.emit("benefit.expired", { benefit_id: b.id, benefit_definition_id: b.definition_id, handle: b.handle });
      }
      this.setMeta("state_dirty", "1");
    });
  }

  /** When the alarm must next fire for expiry or a reminder (wall clock, without the test offset). */
  private nextDue(): number | null {
    const now = this.now();
    // one statement: MIN over the four candidates (MIN of no rows, or of NULLs, is NULL)
    const t = this.rows<{ t: number | null }>(
      `SELECT MIN(t) AS t FROM (
         SELECT MIN(expires_at) AS t FROM lots WHERE status = 'active' AND points_remaining > 0 AND expires_at > ?1
         UNION ALL SELECT MIN(expires_at) FROM rewards WHERE status = 'active' AND expires_at > ?1
         UNION ALL SELECT MIN(next_reminder_at) FROM rewards WHERE status = 'active' AND next_reminder_at > ?1
         UNION ALL SELECT MIN(expires_at) FROM benefits WHERE status = 'active' AND expires_at > ?1)`,
      now,
    )[0]?.t ?? null;
    return t === null ? null : t - this.clockOffsetMs;
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
    this.processDue();
    return this.flushAndReschedule();
  }

  /**
   * Flushes, then points the alarm at what comes next: straight away while events are still pending,
   * else the next expiry or reminder (none: no alarm). A failed flush is retried by the alarm with
   * backoff. Returns whether the flush succeeded.
   */
  private async flushAndReschedule(): Promise<boolean> {
    try {
      await this.flush();
    } catch (err) {
      const attempts = Number(this.meta("flush_attempts") ?? "0") + 1;
      this.setMeta("flush_attempts", String(attempts));
      console.error(`ledger flush failed (attempt ${attempts}); the alarm retries`, err);
      await this.ctx.storage.setAlarm(Date.now() + Math.min(300_000, 1000 * 2 ** Math.min(attempts, 8)));
      return false;
    }
    if (this.meta("flush_attempts")) this.setMeta("flush_attempts", null);
    const pending = this.rows<{ n: number }>(`SELECT COUNT(*) AS n FROM outbox WHERE flushed = 0`)[0]!.n;
    const next = pending > 0 ? Date.now() : this.nextDue();
    if (next === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(next);
    return true;
  }

  /** Remembers the brand's time zone for the alarm's reminder times. */
  private rememberTimezone(tz: string): void {
    if (this.meta("timezone") !== tz) this.setMeta("timezone", tz);
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

  private async flushOnce(): Promise<{ events: number; entries: number; instances: number }> {
    const profileId = this.meta("profile_id");
    if (!profileId) return { events: 0, entries: 0, instances: 0 };
    if (this.flushFailures > 0) {
      this.flushFailures -= 1;
      throw new Error("simulated flush failure");
    }
    const outbox = this.rows<OutboxRow>(`SELECT * FROM outbox WHERE flushed = 0 ORDER BY seq LIMIT 100`);
    const entries = this.rows<LedgerRow>(`SELECT * FROM ledger WHERE projected = 0 ORDER BY seq LIMIT 200`);
    const rewards = this.rows<RewardRow>(`SELECT * FROM rewards WHERE dirty = 1 LIMIT 200`);
    const benefits = this.rows<BenefitRow>(`SELECT * FROM benefits WHERE dirty = 1 LIMIT 200`);
    const stateDirty = this.meta("state_dirty") === "1";
    if (!outbox.length && !entries.length && !rewards.length && !benefits.length && !stateDirty) return { events: 0, entries: 0, instances: 0 };
    const now = this.now();
    const db = this.env.DB;
    const stmts: D1PreparedStatement[] = [];
    // each kind of row goes in one statement however many there are: the rows travel as one JSON
    // parameter of arrays (json_each; column i is json_extract(value, '$[i]')), which keeps clear of
    // D1's 100 bound parameters; the profile id is ?2
    const rowsOf = (rows: unknown[]) => JSON.stringify(rows);
    const fields = (n: number) => Array.from({ length: n }, (_, i) => `json_extract(value, '$[${i}]')`);
    const outgoing = outbox.map((e) => splitCausation(e.data));
    if (outbox.length) {
      stmts.push(
        db
          .prepare(
            `INSERT OR IGNORE INTO events (id, type, occurred_at, profile_id, data, causation, sent_at, attempts)
             SELECT ${fields(3).join(", ")}, ?2, ${fields(5).slice(3).join(", ")}, ?3, 1 FROM json_each(?1)`,
          )
          .bind(rowsOf(outbox.map((e, i) => [e.id, e.type, e.occurred_at, JSON.stringify(outgoing[i]!.data), outgoing[i]!.causation ? JSON.stringify(outgoing[i]!.causation) : null])), profileId, now),
      );
    }
    const instances = [
      ...rewards.map((r) => [r.id, "reward", r.definition_id, r.definition_version, r.status, r.value_initial, r.value_remaining, r.issued_at, r.expires_at, r.updated_at]),
      ...benefits.map((b) => [b.id, "benefit", b.definition_id, b.definition_version, b.status, b.max_redemptions, b.max_redemptions - b.redemptions_used, b.issued_at, b.expires_at, b.updated_at]),
    ];
    if (instances.length) {
      stmts.push(
        db
          .prepare(
            `INSERT INTO incentive_instances (id, profile_id, kind, definition_id, definition_version, status, value_initial, value_remaining, issued_at, expires_at, updated_at)
             SELECT ${fields(1)[0]}, ?2, ${fields(10).slice(1).join(", ")} FROM json_each(?1) WHERE true
             ON CONFLICT(id) DO UPDATE SET profile_id = excluded.profile_id, status = excluded.status, value_remaining = excluded.value_remaining, expires_at = excluded.expires_at, updated_at = excluded.updated_at`,
          )
          .bind(rowsOf(instances), profileId),
      );
    }
    if (entries.length) {
      stmts.push(
        db
          .prepare(
            `INSERT OR IGNORE INTO incentive_ledger (id, profile_id, seq, kind, action, definition_id, instance_id, delta, source_type, source_id, reason, created_at, occurred_at)
             SELECT ${fields(1)[0]}, ?2, ${fields(12).slice(1).join(", ")} FROM json_each(?1)`,
          )
          .bind(rowsOf(entries.map((e) => [e.id, e.seq, e.kind, e.action, e.definition_id, e.instance_id, e.delta, e.source_type, e.source_id, e.reason, e.created_at, e.occurred_at])), profileId),
      );
    }
    if (stateDirty) {
      const b = this.computeBalances(profileId, now);
      const tiers = this.rows<TierRow>(`SELECT * FROM tiers WHERE tier_id IS NOT NULL`);
      const next = tiers.reduce<number | null>((m, t) => (t.anniversary_at !== null && (m === null || t.anniversary_at < m) ? t.anniversary_at : m), null);
      const points = Object.fromEntries(b.points.map((p) => [p.point_definition_id, p.balance]));
      stmts.push(
        db
          .prepare(
            `INSERT INTO profile_incentive_state (profile_id, reward_balance, point_balance, benefit_balance, points, tiers, next_anniversary_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT(profile_id) DO UPDATE SET reward_balance = excluded.reward_balance, point_balance = excluded.point_balance, benefit_balance = excluded.benefit_balance,
               points = excluded.points, tiers = excluded.tiers, next_anniversary_at = excluded.next_anniversary_at, updated_at = excluded.updated_at`,
          )
          .bind(profileId, Math.round(b.reward_balance * 100), b.point_balance, b.benefit_balance, JSON.stringify(points), JSON.stringify(tiers.map((t) => t.tier_id)), next, now),
      );
    }
    if (stmts.length) await db.batch(stmts);
    if (outbox.length) {
      await this.env.EVENTS.sendBatch(
        outbox.map((e, i) => ({
          body: { id: e.id, type: e.type, occurred_at: new Date(e.occurred_at).toISOString(), profile_id: profileId, data: outgoing[i]!.data, causation: outgoing[i]!.causation },
          contentType: "json" as const,
        })),
      );
    }
    // mark exactly what was written; anything that changed meanwhile stays pending
    this.ctx.storage.transactionSync(() => {
      if (outbox.length) this.sql.exec(`UPDATE outbox SET flushed = 1 WHERE seq <= ? AND flushed = 0`, outbox.at(-1)!.seq);
      if (entries.length) this.sql.exec(`UPDATE ledger SET projected = 1 WHERE seq <= ? AND projected = 0`, entries.at(-1)!.seq);
      for (const r of rewards) this.sql.exec(`UPDATE rewards SET dirty = 0 WHERE id = ? AND updated_at = ?`, r.id, r.updated_at);
      for (const b of benefits) this.sql.exec(`UPDATE benefits SET dirty = 0 WHERE id = ? AND updated_at = ?`, b.id, b.updated_at);
      if (stateDirty) this.setMeta("state_dirty", null);
      // flushed events older than a day are not needed here any more (D1 keeps them)
      this.sql.exec(`DELETE FROM outbox WHERE flushed = 1 AND occurred_at < ?`, now - DAY_MS);
      // remembered results of requests a client may retry (Idempotency-Key lives 24 h) go after a week;
      // per-transaction, merge and void keys stay for good, so a receipt replayed years later earns nothing
      this.sql.exec(`DELETE FROM ops WHERE created_at < ? AND key NOT LIKE 'tx:%' AND key NOT LIKE 'merge-in:%' AND key NOT LIKE 'void-tx:%'`, now - 7 * DAY_MS);
    });
    return { events: outbox.length, entries: entries.length, instances: rewards.length + benefits.length };
  }
}

class Refusal extends Error {
  constructor(readonly error: LedgerError) {
    super(error.message);
  }
}

function parseBreakdown(s: string) {
  return JSON.parse(s) as {
    strategy: string;
    amountCents: number;
    rewards: Array<{ rewardId: string; cents: number }>;
    rewardsCents: number;
    points: { definitionId: string; points: number; cents: number; allocations: LotAllocation[] } | null;
    pointsCents: number;
  };
}

/**
 * Whether a reward or benefit can be extended (active, extendable, not extended before, with an
 * expiry) and its new expiry: `days` (default: its definition's period) after the current one.
 */
function extensionOf(
  kind: "reward" | "benefit",
  row: { status: string; is_extendable: number; extended_at: number | null; expires_at: number | null; period_days: number | null },
  days: number | null | undefined,
  timezone: string,
): LedgerResult<number> {
  if (row.status !== "active") return fail("conflict", `This ${kind} is ${row.status}; only an active ${kind} can be extended`);
  if (!row.is_extendable) return fail("conflict", `This ${kind}'s definition does not allow extending it`);
  if (row.extended_at !== null) return fail("conflict", `This ${kind} has already been extended once`);
  if (row.expires_at === null) return fail("conflict", `This ${kind} never expires; there is nothing to extend`);
  const n = days ?? row.period_days;
  if (!n || !Number.isSafeInteger(n) || n < 1 || n > 3650) return fail("validation_failed", "days must be a whole number from 1 to 3650", { days: ["days must be a whole number from 1 to 3650 (the definition has no period to default to)"] });
  return ok(expiryFor({ periodDays: n }, new Date(row.expires_at), timezone)!.getTime());
}

function toLot(r: LotRow): PointsLot {
  return {
    id: r.id,
    definitionId: r.definition_id,
    pointsRemaining: r.points_remaining,
    earnedAt: new Date(r.earned_at),
    expiresAt: r.expires_at === null ? null : new Date(r.expires_at),
    spendableAt: new Date(r.spendable_at),
    sourceTransactionId: r.source_transaction,
  };
}

function transactionContext(tx: LedgerTransaction): Record<string, unknown> {
  return {
    total: tx.totalCents / 100,
    location_id: tx.locationId,
    channel: tx.channel,
    item_count: tx.items.reduce((s, i) => s + i.quantity, 0),
    items: tx.items.map((i) => ({ sku: i.sku ?? null, category: i.category ?? null, brand: i.brand ?? null, quantity: i.quantity, price: i.priceSell / 100, tags: i.tags ?? [] })),
  };
}

function rewardView(r: RewardRow): RewardView {
  return {
    id: r.id,
    reward_definition_id: r.definition_id,
    definition_version: r.definition_version,
    handle: r.handle,
    name: r.name,
    type: r.type,
    value_initial: dollars(r.value_initial),
    value_remaining: dollars(r.value_remaining),
    status: r.status === "active" && r.expires_at !== null && r.expires_at <= Date.now() ? "expired" : r.status,
    issued_at: iso(r.issued_at)!,
    expires_at: iso(r.expires_at),
    extended_at: iso(r.extended_at),
    is_extendable: !!r.is_extendable,
    void_reason: r.void_reason,
    reason: r.reason,
    source: { type: r.source_type, id: r.source_id, label: r.source_label },
  };
}

function benefitView(b: BenefitRow): BenefitView {
  return {
    id: b.id,
    benefit_definition_id: b.definition_id,
    definition_version: b.definition_version,
    handle: b.handle,
    name: b.name,
    max_redemptions: b.max_redemptions,
    redemptions_used: b.redemptions_used,
    redemptions_remaining: Math.max(0, b.max_redemptions - b.redemptions_used),
    status: b.status === "active" && b.expires_at !== null && b.expires_at <= Date.now() ? "expired" : b.status,
    issued_at: iso(b.issued_at)!,
    expires_at: iso(b.expires_at),
    extended_at: iso(b.extended_at),
    is_extendable: !!b.is_extendable,
    claimed: !!b.claimed,
    void_reason: b.void_reason,
    reason: b.reason,
    source: { type: b.source_type, id: b.source_id, label: b.source_label },
  };
}

function redemptionView(r: RedemptionRow, profileId: string): RedemptionView {
  const b = parseBreakdown(r.breakdown);
  return {
    id: r.id,
    profile_id: profileId,
    strategy: r.strategy,
    amount: dollars(r.amount),
    rewards: b.rewards.map((x) => ({ reward_id: x.rewardId, amount: dollars(x.cents) })),
    rewards_amount: dollars(b.rewardsCents),
    points: b.points ? { point_definition_id: b.points.definitionId, points: b.points.points, amount: dollars(b.points.cents), lots: b.points.allocations.map((a) => ({ lot_id: a.lotId, points: a.points })) } : null,
    points_amount: dollars(b.pointsCents),
    transaction_external_id: r.transaction_external_id,
    created_at: iso(r.created_at)!,
    reversible_until: iso(r.created_at + REVERSAL_WINDOW_MS)!,
    reversed_at: iso(r.reversed_at),
  };
}

function ledgerView(e: LedgerRow): LedgerEntryView {
  return {
    id: e.id,
    seq: e.seq,
    kind: e.kind,
    action: e.action,
    definition_id: e.definition_id,
    instance_id: e.instance_id,
    delta: e.delta,
    reason: e.reason,
    source: { type: e.source_type, id: e.source_id, label: e.source_label },
    occurred_at: iso(e.occurred_at)!,
    created_at: iso(e.created_at)!,
  };
}
