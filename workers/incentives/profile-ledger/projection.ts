// The ledger's flush: what is pending locally (outbox events, new ledger entries, changed instances, the
// balance summary) becomes one D1 batch into the projection tables and the outbox's `events` table, then
// queue messages. Rows are the D1 tables' own Drizzle row types and the events are the outbox's EventRow
// and message (platform/outbox.ts), so no column list or message shape is written twice.
import { getTableColumns, getTableName, type Column } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import { events, incentiveInstances, incentiveLedger, profileIncentiveState } from "../../../db/schema";
import { toMessage, type DomainEvent, type EventRow } from "../../platform/outbox";
import type { Balances } from "./contract";
import { balancesOf } from "./reads";
import { CAUSATION_KEY, type BenefitRow, type LedgerRow, type LedgerStore, type OutboxRow, type RewardRow, type TierRow } from "./storage";

const DAY_MS = 86_400_000;

/** What one flush writes: read in one go, marked done only after D1 and the queue took it. */
export interface FlushBatch {
  profileId: string;
  now: number;
  outbox: OutboxRow[];
  entries: LedgerRow[];
  rewards: RewardRow[];
  benefits: BenefitRow[];
  /** the balance summary, when anything changed it since the last flush */
  state: { balances: Balances; tiers: TierRow[]; nextPointsExpiry?: number | null } | null;
}

/** What is pending (a bounded slice of it), or null when there is nothing to flush. */
export function readFlush(store: LedgerStore): FlushBatch | null {
  const profileId = store.profileId();
  if (!profileId) return null;
  const outbox = store.rows<OutboxRow>(`SELECT * FROM outbox WHERE flushed = 0 ORDER BY seq LIMIT 100`);
  const entries = store.rows<LedgerRow>(`SELECT * FROM ledger WHERE projected = 0 ORDER BY seq LIMIT 200`);
  const rewards = store.rows<RewardRow>(`SELECT * FROM rewards WHERE dirty = 1 LIMIT 200`);
  const benefits = store.rows<BenefitRow>(`SELECT * FROM benefits WHERE dirty = 1 LIMIT 200`);
  const stateDirty = store.meta("state_dirty") === "1";
  if (!outbox.length && !entries.length && !rewards.length && !benefits.length && !stateDirty) return null;
  const now = store.now();
  const state = stateDirty
    ? {
        balances: balancesOf(store, profileId, now),
        tiers: store.rows<TierRow>(`SELECT * FROM tiers WHERE tier_id IS NOT NULL`),
        // the earliest expiry of points still held: the "points expiring within N days" automation query reads it in D1
        nextPointsExpiry: store.rows<{ m: number | null }>(`SELECT MIN(expires_at) AS m FROM lots WHERE status = 'active' AND points_remaining > 0 AND expires_at > ?`, now)[0]?.m ?? null,
      }
    : null;
  return { profileId, now, outbox, entries, rewards, benefits, state };
}

/** The batch's events as the outbox's rows: written to D1 already marked sent (the flush sends them next). */
export function eventRows(batch: FlushBatch): EventRow[] {
  return batch.outbox.map((e) => {
    // emit() kept the causation inside the stored data; the event carries it beside its data
    const { [CAUSATION_KEY]: causation, ...data } = JSON.parse(e.data) as Record<string, unknown>;
    return {
      id: e.id,
      type: e.type,
      occurredAt: new Date(e.occurred_at),
      profileId: batch.profileId,
      data,
      causation: (causation as EventRow["causation"] | undefined) ?? null,
      sentAt: new Date(batch.now),
      attempts: 1,
    };
  });
}

/** The queue messages for those events, in the outbox's message shape. */
export function eventMessages(rows: readonly EventRow[]): MessageSendRequest<DomainEvent>[] {
  return rows.map((row) => ({ body: toMessage(row), contentType: "json" as const }));
}

/** The D1 statements: events, instances, ledger entries and the balance summary; each idempotent. */
export function projectionStatements(db: D1Database, batch: FlushBatch, eventsOut: readonly EventRow[]): D1PreparedStatement[] {
  const stmts: D1PreparedStatement[] = [];
  const { profileId, now } = batch;
  const at = (ms: number | null) => (ms === null ? null : new Date(ms));
  // an upsert of the sent mark: a handed-off event (a receipt's own) is in D1 already, unsent
  if (eventsOut.length) stmts.push(insertAll(db, events, eventsOut, { target: events.id, set: [events.sentAt, events.attempts] }));
  const instances: Array<typeof incentiveInstances.$inferSelect> = [
    ...batch.rewards.map((r) => ({ id: r.id, profileId, kind: "reward", definitionId: r.definition_id, definitionVersion: r.definition_version, status: r.status, valueInitial: r.value_initial, valueRemaining: r.value_remaining, issuedAt: new Date(r.issued_at), expiresAt: at(r.expires_at), updatedAt: new Date(r.updated_at) })),
    ...batch.benefits.map((b) => ({ id: b.id, profileId, kind: "benefit", definitionId: b.definition_id, definitionVersion: b.definition_version, status: b.status, valueInitial: b.max_redemptions, valueRemaining: b.max_redemptions - b.redemptions_used, issuedAt: new Date(b.issued_at), expiresAt: at(b.expires_at), updatedAt: new Date(b.updated_at) })),
  ];
  if (instances.length) {
    const t = incentiveInstances;
    stmts.push(insertAll(db, t, instances, { target: t.id, set: [t.profileId, t.status, t.valueRemaining, t.expiresAt, t.updatedAt] }));
  }
  if (batch.entries.length) {
    const entries: Array<typeof incentiveLedger.$inferSelect> = batch.entries.map((e) => ({
      id: e.id,
      profileId,
      seq: e.seq,
      kind: e.kind,
      action: e.action,
      definitionId: e.definition_id,
      instanceId: e.instance_id,
      delta: e.delta,
      sourceType: e.source_type,
      sourceId: e.source_id,
      reason: e.reason,
      createdAt: new Date(e.created_at),
      occurredAt: new Date(e.occurred_at),
    }));
    stmts.push(insertAll(db, incentiveLedger, entries, "ignore"));
  }
  if (batch.state) {
    const { balances: b, tiers } = batch.state;
    const next = tiers.reduce<number | null>((m, t) => (t.anniversary_at !== null && (m === null || t.anniversary_at < m) ? t.anniversary_at : m), null);
    const t = profileIncentiveState;
    const row: typeof t.$inferSelect = {
      profileId,
      rewardBalance: Math.round(b.reward_balance * 100),
      pointBalance: b.point_balance,
      benefitBalance: b.benefit_balance,
      points: Object.fromEntries(b.points.map((p) => [p.point_definition_id, p.balance])),
      tiers: tiers.map((x) => x.tier_id!),
      nextAnniversaryAt: at(next),
      nextPointsExpiryAt: at(batch.state.nextPointsExpiry ?? null),
      updatedAt: new Date(now),
    };
    stmts.push(insertAll(db, t, [row], { target: t.profileId, set: [t.rewardBalance, t.pointBalance, t.benefitBalance, t.points, t.tiers, t.nextAnniversaryAt, t.nextPointsExpiryAt, t.updatedAt] }));
  }
  return stmts;
}

/** Marks exactly what was written (anything that changed meanwhile stays pending) and prunes what is done. */
export function markFlushed(store: LedgerStore, batch: FlushBatch): void {
  const { now } = batch;
  store.transaction(() => {
    if (batch.outbox.length) store.exec(`UPDATE outbox SET flushed = 1 WHERE seq <= ? AND flushed = 0`, batch.outbox.at(-1)!.seq);
    if (batch.entries.length) store.exec(`UPDATE ledger SET projected = 1 WHERE seq <= ? AND projected = 0`, batch.entries.at(-1)!.seq);
    for (const r of batch.rewards) store.exec(`UPDATE rewards SET dirty = 0 WHERE id = ? AND updated_at = ?`, r.id, r.updated_at);
    for (const b of batch.benefits) store.exec(`UPDATE benefits SET dirty = 0 WHERE id = ? AND updated_at = ?`, b.id, b.updated_at);
    if (batch.state) store.setMeta("state_dirty", null);
    // flushed events older than a day are not needed here any more (D1 keeps them)
    store.exec(`DELETE FROM outbox WHERE flushed = 1 AND occurred_at < ?`, now - DAY_MS);
    // remembered results of requests a client may retry (Idempotency-Key lives 24 h) go after a week;
    // per-transaction, merge and void keys stay for good, so a receipt replayed years later earns nothing
    store.exec(`DELETE FROM ops WHERE created_at < ? AND key NOT LIKE 'tx:%' AND key NOT LIKE 'merge-in:%' AND key NOT LIKE 'void-tx:%'`, now - 7 * DAY_MS);
  });
}

/**
 * One INSERT of any number of rows of a D1 table: the rows travel as one JSON parameter of arrays
 * (json_each; column i is json_extract(value, '$[i]')), which keeps clear of D1's 100 bound parameters.
 * Values go through each column's own driver mapping (dates to milliseconds, JSON columns to text).
 */
function insertAll<T extends SQLiteTable>(db: D1Database, table: T, rows: ReadonlyArray<T["$inferSelect"]>, conflict: "ignore" | { target: Column; set: Column[] }): D1PreparedStatement {
  const columns = Object.entries(getTableColumns(table)) as Array<[string, Column]>;
  const values = rows.map((row) =>
    columns.map(([key, column]) => {
      const value = (row as Record<string, unknown>)[key];
      return value === null || value === undefined ? null : column.mapToDriverValue(value);
    }),
  );
  const names = columns.map(([, c]) => c.name).join(", ");
  const fields = columns.map((_, i) => `json_extract(value, '$[${i}]')`).join(", ");
  const sql =
    conflict === "ignore"
      ? `INSERT OR IGNORE INTO ${getTableName(table)} (${names}) SELECT ${fields} FROM json_each(?1)`
      : // WHERE true: an upsert's SELECT needs one, or SQLite reads ON as a join's
        `INSERT INTO ${getTableName(table)} (${names}) SELECT ${fields} FROM json_each(?1) WHERE true
         ON CONFLICT(${conflict.target.name}) DO UPDATE SET ${conflict.set.map((c) => `${c.name} = excluded.${c.name}`).join(", ")}`;
  return db.prepare(sql).bind(JSON.stringify(values));
}
