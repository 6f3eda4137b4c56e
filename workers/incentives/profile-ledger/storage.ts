// The ledger's own SQLite (one per profile): the tables, their row types, and LedgerStore, the small
// layer every operation writes through: run-once-per-key in one storage transaction, ledger entries,
// outbox events, and the few reads several operations share.
import type { LotAllocation, PointsLot } from "../rules";
import type { PointDefinitionConfig } from "../engine-types";
import type { LedgerError, LedgerResult, LedgerSource } from "./contract";

export const LEDGER_SCHEMA_VERSION = 1;

// ── rows ─────────────────────────────────────────────────────────────────────────────────────────

export type Row = Record<string, SqlStorageValue>;
export interface LotRow extends Row {
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
export interface RewardRow extends Row {
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
export interface BenefitRow extends Row {
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
export interface TierRow extends Row {
  ladder_id: string;
  tier_id: string | null;
  achieved_at: number | null;
  anniversary_at: number | null;
  credit: number;
}
export interface AchievementRow extends Row {
  definition_id: string;
  count: number;
  level: number;
  updated_at: number;
}
export interface RedemptionRow extends Row {
  id: string;
  strategy: string;
  amount: number;
  breakdown: string;
  transaction_external_id: string | null;
  created_at: number;
  reversed_at: number | null;
}
export interface LedgerRow extends Row {
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
export interface OutboxRow extends Row {
  seq: number;
  id: string;
  type: string;
  data: string;
  occurred_at: number;
}
export interface PointDefRow extends Row {
  id: string;
  handle: string;
  name: string;
  kind: string;
  points_per_dollar: number | null;
}

/** A redemption's breakdown as stored (redemptions.breakdown): what came from which reward and lot. */
export interface StoredBreakdown {
  strategy: string;
  amountCents: number;
  rewards: Array<{ rewardId: string; cents: number }>;
  rewardsCents: number;
  points: { definitionId: string; points: number; cents: number; allocations: LotAllocation[] } | null;
  pointsCents: number;
}

// ── tables ───────────────────────────────────────────────────────────────────────────────────────

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
export const CAUSATION_KEY = "__causation";

type Causation = NonNullable<LedgerSource["causation"]>;

/** A refusal thrown inside a storage transaction so that it rolls back, caught again by run(). */
class Refusal extends Error {
  constructor(readonly error: LedgerError) {
    super(error.message);
  }
}

export interface LedgerEntry {
  kind: string;
  action: string;
  definitionId?: string | null;
  instanceId?: string | null;
  delta: number;
  source: LedgerSource;
  reason?: string | null;
  occurredAt?: number;
  /** when the ledger dates it (created_at): now, or the time of a back-dated write */
  at?: number;
}

// ── the store ────────────────────────────────────────────────────────────────────────────────────

/** Thrown inside scratch()'s transaction to roll it back. */
const ROLLBACK = Symbol("rollback");

export class LedgerStore {
  /** Whether the tables exist (cached once seen); reset whenever a transaction rolls back, which may undo their creation. */
  private ready = false;
  /** The causation of the operation running now (a reaction's), carried by the events it emits. */
  private causedBy: Causation | null = null;
  /** What rememberDefinitions last wrote, per definition, so an unchanged definition costs no write. */
  private readonly knownDefinitions = new Map<string, string>();

  /** `now` is the ledger's clock (milliseconds): every timestamp it writes and every "is it due" it asks. */
  constructor(
    private readonly storage: Pick<DurableObjectStorage, "sql" | "transactionSync">,
    readonly now: () => number,
  ) {
  }

  /**
   * Every statement goes through here, and the first one creates the tables: a ledger's storage exists from
   * its first write on. Reads of a ledger that was never written do not come here (the object answers them
   * from nothing, see exists()), so asking about any UUID creates no storage (issue 14).
   */
  private get sql(): SqlStorage {
    if (!this.ready) this.migrate();
    return this.storage.sql;
  }

  /** Whether this object has its tables, i.e. has ever been written; asks without creating them. */
  exists(): boolean {
    if (!this.ready) this.ready = this.storage.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'outbox'`).one().n > 0;
    return this.ready;
  }

  /** Creates the tables if they are missing; an object that already has them skips the DDL. */
  migrate(): void {
    if (this.exists()) return;
    for (const stmt of SCHEMA) this.storage.sql.exec(stmt);
    this.storage.sql.exec(`INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)`, String(LEDGER_SCHEMA_VERSION));
    this.ready = true;
  }

  /**
   * `fn` over the ledger as it would be with empty tables, rolled back afterwards: for a read of a ledger that
   * was never written whose empty answer still depends on its inputs (tiers, achievements), without storage.
   */
  scratch<T>(fn: () => T): T {
    const out: { value?: T } = {};
    try {
      this.transaction(() => {
        out.value = fn();
        throw ROLLBACK;
      });
    } catch (err) {
      if (err !== ROLLBACK) throw err;
    }
    return out.value as T;
  }

  exec(query: string, ...bindings: unknown[]): void {
    this.sql.exec(query, ...bindings);
  }

  rows<T extends Row = Row>(query: string, ...bindings: unknown[]): T[] {
    return this.sql.exec<T>(query, ...bindings).toArray();
  }

  count(query: string, ...bindings: unknown[]): number {
    return this.rows<{ n: number }>(query, ...bindings)[0]?.n ?? 0;
  }

  transaction<T>(fn: () => T): T {
    try {
      return this.storage.transactionSync(fn);
    } catch (err) {
      // the rollback may have undone the tables' creation (a first write refused): look again next time
      this.ready = false;
      throw err;
    }
  }

  meta(key: string): string | null {
    return this.rows<{ value: string }>(`SELECT value FROM meta WHERE key = ?`, key)[0]?.value ?? null;
  }

  setMeta(key: string, value: string | null): void {
    if (value === null) this.sql.exec(`DELETE FROM meta WHERE key = ?`, key);
    else this.sql.exec(`INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, value);
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

  /**
   * Runs `fn` once per key in one storage transaction; a repeated key returns the first result. A refusal
   * rolls back whatever `fn` wrote and is not remembered (the same key may succeed once the balance
   * allows it). `causation` (a reaction's) travels on the events `fn` emits.
   */
  run<T>(profileId: string, key: string, fn: () => LedgerResult<T>, causation: Causation | null = null): LedgerResult<T> {
    this.causedBy = causation;
    try {
      return this.transaction(() => {
        const done = this.rows<{ result: string }>(`SELECT result FROM ops WHERE key = ?`, key)[0];
        if (done) return JSON.parse(done.result) as LedgerResult<T>;
        const refused = this.bind(profileId);
        if (refused) return { ok: false as const, error: refused };
        const result = fn();
        if (!result.ok) throw new Refusal(result.error);
        this.sql.exec(`INSERT INTO ops (key, result, created_at) VALUES (?, ?, ?)`, key, JSON.stringify(result), this.now());
        this.setMeta("state_dirty", "1");
        return result;
      });
    } catch (err) {
      // a refusal (or a bug) rolls back whatever the operation had written before it found the problem,
      // including definitions this object believes it has stored
      this.knownDefinitions.clear();
      if (err instanceof Refusal) return { ok: false, error: err.error };
      throw err;
    } finally {
      this.causedBy = null;
    }
  }

  /** Appends a ledger entry: every change names its source. */
  entry(e: LedgerEntry): void {
    const now = e.at ?? this.now();
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

  /** Writes an event to the local outbox, in the operation's transaction; the flush sends it. `at`: a back-dated write's time. */
  emit(type: string, data: Record<string, unknown>, at?: number): void {
    // the causation travels inside the stored data (the outbox table has no column for it) and is
    // taken out again when the event is flushed
    const stored = this.causedBy ? { ...data, [CAUSATION_KEY]: this.causedBy } : data;
    this.sql.exec(`INSERT INTO outbox (id, type, data, occurred_at) VALUES (?, ?, ?, ?)`, crypto.randomUUID(), type, JSON.stringify(stored), at ?? this.now());
  }

  /** Keeps the point definitions an operation was handed, for balances and redemptions later. */
  rememberDefinitions(defs: readonly PointDefinitionConfig[]): void {
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

  /** Remembers the brand's time zone for the alarm's reminder times. */
  rememberTimezone(tz: string): void {
    if (this.meta("timezone") !== tz) this.setMeta("timezone", tz);
  }

  /** Forgets what it believes is stored (after the storage was wiped). */
  forget(): void {
    this.knownDefinitions.clear();
    this.ready = false;
  }

  // ── shared reads ───────────────────────────────────────────────────────────────────────────────

  pointDefs(): Map<string, PointDefRow> {
    return new Map(this.rows<PointDefRow>(`SELECT * FROM point_defs`).map((d) => [d.id, d]));
  }

  /** The active lots (of one definition). */
  lots(definitionId?: string): PointsLot[] {
    const rows = definitionId
      ? this.rows<LotRow>(`SELECT * FROM lots WHERE definition_id = ? AND status = 'active'`, definitionId)
      : this.rows<LotRow>(`SELECT * FROM lots WHERE status = 'active'`);
    return rows.map(toLot);
  }

  /** Takes (-1) or gives back (1) what the allocations name. */
  applyLots(allocations: readonly LotAllocation[], direction: 1 | -1): void {
    for (const a of allocations) {
      this.sql.exec(`UPDATE lots SET points_remaining = points_remaining + ? WHERE id = ?`, direction * a.points, a.lotId);
    }
  }

  lot(id: string): LotRow | undefined {
    return this.rows<LotRow>(`SELECT * FROM lots WHERE id = ?`, id)[0];
  }

  reward(id: string): RewardRow | undefined {
    return this.rows<RewardRow>(`SELECT * FROM rewards WHERE id = ?`, id)[0];
  }

  benefit(id: string): BenefitRow | undefined {
    return this.rows<BenefitRow>(`SELECT * FROM benefits WHERE id = ?`, id)[0];
  }

  redemption(id: string): RedemptionRow | undefined {
    return this.rows<RedemptionRow>(`SELECT * FROM redemptions WHERE id = ?`, id)[0];
  }
}

export function toLot(r: LotRow): PointsLot {
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
