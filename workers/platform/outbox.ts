// The transactional outbox. A change and its events are written in one D1 batch; the events are then
// sent to the `events` queue and marked sent. Whatever a crash leaves unsent, the cron sweep re-sends:
// delivery is at least once, and consumers are idempotent by event id.
import { and, asc, eq, inArray, isNull, lt, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client";
import { events } from "../../db/schema";
import type { Clock } from "./clock";
import { newId } from "./crypto";

/** Event chains triggered by events (reactions) stop at this depth, so loops cannot run forever. */
export const MAX_CAUSATION_DEPTH = 5;

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

  /** Send rows to the queue and mark them sent. A failure leaves them for the sweep. */
  async publish(rows: EventRow[]): Promise<void> {
    if (rows.length === 0) return;
    for (let i = 0; i < rows.length; i += 100) {
      const chunk = rows.slice(i, i + 100);
      await this.queue.sendBatch(chunk.map((r) => ({ body: toMessage(r), contentType: "json" as const })));
      await this.db
        .update(events)
        .set({ sentAt: this.clock.now(), attempts: sql`${events.attempts} + 1` })
        .where(inArray(events.id, chunk.map((r) => r.id)));
    }
  }

  /** Re-send events still unsent after `olderThanMs`; returns how many were sent. */
  async sweep(olderThanMs = 2 * 60 * 1000, limit = 500): Promise<number> {
    const cutoff = new Date(this.clock.now().getTime() - olderThanMs);
    const rows = await this.db
      .select()
      .from(events)
      .where(and(isNull(events.sentAt), lt(events.occurredAt, cutoff)))
      .orderBy(asc(events.occurredAt))
      .limit(limit);
    await this.publish(rows);
    return rows.length;
  }

  async get(id: string): Promise<EventRow | undefined> {
    return this.db.query.events.findFirst({ where: eq(events.id, id) });
  }
}
