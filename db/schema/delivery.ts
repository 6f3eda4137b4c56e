// Delivery: outbound HTTP to a brand's other systems. Webhooks (event type + URL, signed per Standard
// Webhooks, secrets encrypted at rest), targets (URL + headers + a Twig payload template, fired by
// reactions), one delivery row per (endpoint, event) with every attempt logged, and the dead letters
// of every queue kept in D1 for the console instead of only in logs.
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
// the enums are the delivery area's vocabulary (its public face), so the console gets them without Drizzle
import { DELIVERY_KINDS, DELIVERY_STATUSES, WEBHOOK_QUEUES } from "../../workers/delivery/schema";

export { DELIVERY_KINDS, DELIVERY_STATUSES, WEBHOOK_QUEUES, type DeliveryKind, type DeliveryStatus, type WebhookQueue } from "../../workers/delivery/schema";

export const webhooks = sqliteTable(
  "webhooks",
  {
    id: text("id").primaryKey(),
    /** the event type as the client named it (Omneo's `profiles.create` is kept and echoed as sent) */
    trigger: text("trigger").notNull(),
    /** the catalogue's name of that event type (`profile.created`): what fan-out and uniqueness use */
    eventType: text("event_type").notNull().default(""),
    url: text("url").notNull(),
    namespace: text("namespace"),
    queue: text("queue", { enum: WEBHOOK_QUEUES }).notNull().default("low"),
    condition: text("condition", { mode: "json" }).$type<unknown>(),
    isActive: integer("is_active", { mode: "boolean" }).notNull().default(true),
    retryHourly: integer("retry_hourly", { mode: "boolean" }).notNull().default(true),
    retryDaily: integer("retry_daily", { mode: "boolean" }).notNull().default(true),
    /** the signing secret (whsec_...), AES-GCM encrypted under WEBHOOK_ENCRYPTION_KEY */
    secretEnc: text("secret_enc").notNull(),
    /** the secret before the last rotation, still signed with until previous_secret_expires_at */
    previousSecretEnc: text("previous_secret_enc"),
    previousSecretExpiresAt: integer("previous_secret_expires_at", { mode: "timestamp_ms" }),
    /** why the endpoint was switched off by the platform (410 Gone, failing for 3 days), shown in the console */
    disabledReason: text("disabled_reason"),
    disabledAt: integer("disabled_at", { mode: "timestamp_ms" }),
    /** the first failure of the current failing streak; cleared by a success */
    failingSince: integer("failing_since", { mode: "timestamp_ms" }),
    userId: text("user_id"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [uniqueIndex("webhooks_event_type_url_unique").on(t.eventType, t.url), index("webhooks_event_type_idx").on(t.eventType, t.isActive), index("webhooks_trigger_idx").on(t.trigger)],
);

export interface TargetHeader {
  name: string;
  /** plain for ordinary headers; for a secret one, AES-GCM encrypted and never returned */
  value: string;
  is_secret: boolean;
}

export const targets = sqliteTable(
  "targets",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    handle: text("handle").notNull(),
    url: text("url").notNull(),
    method: text("method").notNull().default("POST"),
    headers: text("headers", { mode: "json" }).$type<TargetHeader[]>().notNull().default([]),
    template: text("template").notNull(),
    condition: text("condition", { mode: "json" }).$type<unknown>(),
    description: text("description"),
    notes: text("notes"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [uniqueIndex("targets_handle_unique").on(t.handle)],
);

/** One message to one endpoint: its id is the Standard Webhooks `webhook-id`, stable across retries. */
export const deliveries = sqliteTable(
  "deliveries",
  {
    id: text("id").primaryKey(),
    kind: text("kind", { enum: DELIVERY_KINDS }).notNull(),
    webhookId: text("webhook_id"),
    targetId: text("target_id"),
    eventId: text("event_id"),
    eventType: text("event_type").notNull(),
    url: text("url").notNull(),
    method: text("method").notNull().default("POST"),
    /** the exact bytes sent (signed for webhooks) */
    body: text("body").notNull(),
    contentType: text("content_type").notNull().default("application/json"),
    status: text("status", { enum: DELIVERY_STATUSES }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: integer("next_attempt_at", { mode: "timestamp_ms" }),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
    deliveredAt: integer("delivered_at", { mode: "timestamp_ms" }),
  },
  (t) => [
    index("deliveries_webhook_idx").on(t.webhookId, t.status, t.createdAt),
    index("deliveries_target_idx").on(t.targetId, t.status, t.createdAt),
    index("deliveries_status_idx").on(t.status, t.createdAt),
  ],
);

export const deliveryAttempts = sqliteTable(
  "delivery_attempts",
  {
    id: text("id").primaryKey(),
    deliveryId: text("delivery_id").notNull(),
    attempt: integer("attempt").notNull(),
    at: integer("at", { mode: "timestamp_ms" }).notNull(),
    statusCode: integer("status_code"),
    latencyMs: integer("latency_ms").notNull(),
    error: text("error"),
    responseExcerpt: text("response_excerpt"),
  },
  (t) => [index("delivery_attempts_delivery_idx").on(t.deliveryId, t.attempt)],
);

/** What a queue gave up on (its dead-letter queue), kept for the console and replay. */
export const deadLetters = sqliteTable(
  "dead_letters",
  {
    id: text("id").primaryKey(),
    queue: text("queue").notNull(),
    messageId: text("message_id").notNull(),
    body: text("body").notNull(),
    receivedAt: integer("received_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("dead_letters_received_idx").on(t.receivedAt)],
);
