// The transactional outbox. A change and its events are written in one D1 batch; the events are then
// sent to the `events` queue and marked sent. Whatever a crash leaves unsent, the cron sweep re-sends:
// delivery is at least once, and consumers are idempotent by event id.
import { and, asc, eq, isNull, lt, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client";
import { events } from "../../db/schema";
import type { Clock } from "./clock";
import { newId } from "./crypto";
import { chunk, inList } from "./sql";

/** Cloudflare Queues: 128 KB a message, 256 KB and 100 messages a sendBatch (a margin kept for the envelope). */
export const MAX_MESSAGE_BYTES = 120 * 1024;
const MAX_BATCH_BYTES = 240 * 1024;
const MAX_BATCH_MESSAGES = 100;
/** After this many failed sends the sweep stops retrying an event. */
export const MAX_SEND_ATTEMPTS = 10;

export interface DomainEvent {
  id: string;
  type: string;
  occurred_at: string;
  profile_id: string | null;
  data: Record<string, unknown>;
  causation: Causation | null;
}

/**
 * Why an event happened: the event that caused it (reactions), how deep the chain is, and the
 * namespace of the API token whose request started the chain (webhooks of that namespace are not
 * sent back to the integration that made the change).
 */
export interface Causation {
  eventId?: string;
  depth: number;
  namespace?: string;
}

export type EventRow = typeof events.$inferSelect;

export function toMessage(row: EventRow): DomainEvent {
  return {
    id: row.id,
    type: row.type,
    occurred_at: row.occurredAt.toISOString(),
    profile_id: row.profileId,
    data: row.data,
    causation: row.causation,
  };
}

export function isDomainEvent(body: unknown): body is DomainEvent {
  if (!body || typeof body !== "object") return false;
  const b = body as Record<string, unknown>;
  return typeof b.id === "string" && typeof b.type === "string" && typeof b.occurred_at === "string" && typeof b.data === "object";
}

export class Outbox {
  constructor(
    private readonly db: Db,
    private readonly queue: Queue<DomainEvent>,
    private readonly clock: Clock,
  ) {}

  /** The namespace of the API token this request runs under, stamped on every event it writes. */
  namespace: string | null = null;

  /** A new event row; put `insert(row)` in the same batch as the change, then `publish([row])` after it. */
  event(type: string, data: Record<string, unknown>, opts: { profileId?: string | null; causedBy?: DomainEvent | null } = {}): EventRow {
    const depth = opts.causedBy ? (opts.causedBy.causation?.depth ?? 0) + 1 : 0;
    const namespace = opts.causedBy ? opts.causedBy.causation?.namespace : (this.namespace ?? undefined);
    const causation: Causation | null = opts.causedBy ? { eventId: opts.causedBy.id, depth, ...(namespace ? { namespace } : {}) } : namespace ? { depth: 0, namespace } : null;
    return {
      id: newId(),
      type,
      occurredAt: this.clock.now(),
      profileId: opts.profileId ?? null,
      data,
      causation,
      sentAt: null,
      attempts: 0,
    };
  }

  insert(rows: EventRow[]) {
    return this.db.insert(events).values(rows);
  }

  /**
   * insert() for a batch whose change may not take (a conditional update before it): the row is written
   * only if `when` holds at that point of the batch. Give it a derived id, so a repeat writes nothing.
   */
  insertWhen(row: EventRow, when: SQL) {
    const causation = row.causation ? JSON.stringify(row.causation) : null;
    return this.db
      .insert(events)
      .select(sql`SELECT ${row.id}, ${row.type}, ${row.occurredAt.getTime()}, ${row.profileId}, ${JSON.stringify(row.data)}, ${causation}, NULL, 0 WHERE ${when}`)
      .onConflictDoNothing();
  }

  /**
   * Send rows to the queue and mark them sent. Batches respect the queue's limits (100 messages, 256 KB
   * a batch, 128 KB a message); a batch the queue refuses is retried one message at a time, so one bad
   * event never holds back the others. An event too large to ever send is counted as an attempt and
   * left unsent (logged by id and type only: its data may be personal). Returns how many were sent;
   * what is left the sweep tries again.
   */
  async publish(rows: EventRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    const sent: string[] = [];
    const unsendable: string[] = [];
    let batch: { row: EventRow; body: DomainEvent }[] = [];
    let batchBytes = 0;
    const flush = async () => {
      if (!batch.length) return;
      const part = batch;
      batch = [];
      batchBytes = 0;
      try {
        await this.queue.sendBatch(part.map((m) => ({ body: m.body, contentType: "json" as const })));
        sent.push(...part.map((m) => m.row.id));
      } catch {
        for (const m of part) {
          try {
            await this.queue.send(m.body, { contentType: "json" });
            sent.push(m.row.id);
          } catch (err) {
            console.error(`outbox: event ${m.row.id} (${m.row.type}) could not be sent: ${err instanceof Error ? err.message.slice(0, 200) : "error"}`);
            unsendable.push(m.row.id);
          }
        }
      }
    };
    for (const row of rows) {
      const body = toMessage(row);
      const bytes = new TextEncoder().encode(JSON.stringify(body)).length;
      if (bytes > MAX_MESSAGE_BYTES) {
        console.error(`outbox: event ${row.id} (${row.type}) is ${bytes} bytes, over the queue's message limit; left unsent`);
        unsendable.push(row.id);
        continue;
      }
      if (batch.length >= MAX_BATCH_MESSAGES || batchBytes + bytes > MAX_BATCH_BYTES) await flush();
      batch.push({ row, body });
      batchBytes += bytes;
    }
    await flush();
    const now = this.clock.now();
    // one JSON parameter for the ids, so any number of them binds three parameters (platform/sql.ts)
    for (const ids of chunk(sent, 500)) {
      await this.db.update(events).set({ sentAt: now, attempts: sql`${events.attempts} + 1` }).where(inList(events.id, ids));
    }
    for (const ids of chunk(unsendable, 500)) {
      await this.db.update(events).set({ attempts: sql`${events.attempts} + 1` }).where(inList(events.id, ids));
    }
    return sent.length;
  }

  /**
   * Re-send events still unsent after `olderThanMs`; returns how many were sent. An event that failed
   * MAX_SEND_ATTEMPTS times is skipped (it stays in D1 for inspection), so it cannot fill every sweep.
   */
  async sweep(olderThanMs = 2 * 60 * 1000, limit = 500): Promise<number> {
    const cutoff = new Date(this.clock.now().getTime() - olderThanMs);
    const rows = await this.db
      .select()
      .from(events)
      .where(and(isNull(events.sentAt), lt(events.occurredAt, cutoff), lt(events.attempts, MAX_SEND_ATTEMPTS)))
      .orderBy(asc(events.occurredAt))
      .limit(limit);
    return this.publish(rows);
  }

  async get(id: string): Promise<EventRow | undefined> {
    return this.db.query.events.findFirst({ where: eq(events.id, id) });
  }
}
