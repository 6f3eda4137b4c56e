// The transactional outbox: every domain event is written here in the same D1 batch as the change
// that caused it, then sent to the `events` queue; the cron re-sends what was not marked sent.
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const events = sqliteTable(
  "events",
  {
    id: text("id").primaryKey(),
    type: text("type").notNull(),
    occurredAt: integer("occurred_at", { mode: "timestamp_ms" }).notNull(),
    profileId: text("profile_id"),
    data: text("data", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    causation: text("causation", { mode: "json" }).$type<{ eventId?: string; depth: number; namespace?: string } | null>(),
    sentAt: integer("sent_at", { mode: "timestamp_ms" }),
    attempts: integer("attempts").notNull().default(0),
  },
  (t) => [index("events_unsent_idx").on(t.sentAt, t.occurredAt), index("events_profile_idx").on(t.profileId, t.occurredAt)],
);

// One row per (event, consumer) that has acted on it: the queue delivers at least once, this makes
// the effect happen once.
export const eventReceipts = sqliteTable(
  "event_receipts",
  {
    eventId: text("event_id").notNull(),
    consumer: text("consumer").notNull(),
    processedAt: integer("processed_at", { mode: "timestamp_ms" }).notNull(),
    /** while the handler runs: when another delivery may take it over (a crash); null once it has run */
    leasedUntil: integer("leased_until", { mode: "timestamp_ms" }),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.consumer] })],
);
