// Pure serializers from delivery rows to the API's and the console's shapes. Secrets never leave:
// a webhook's signing secret is returned once by create/rotate only, a secret header's value never.
import type { deliveries, deliveryAttempts, targets, webhooks } from "../../db/schema/delivery";
import { EVENT_ALIASES, EVENT_CATALOGUE, EVENT_TYPES } from "../events/catalogue";
import { normaliseQueue } from "./rules";

export type WebhookRow = typeof webhooks.$inferSelect;
export type TargetRow = typeof targets.$inferSelect;
export type DeliveryRow = typeof deliveries.$inferSelect;
export type AttemptRow = typeof deliveryAttempts.$inferSelect;

const iso = (d: Date | null | undefined) => d?.toISOString() ?? null;

export function serializeWebhook(w: WebhookRow, now: Date) {
  const overlap = w.previousSecretEnc && w.previousSecretExpiresAt && w.previousSecretExpiresAt.getTime() > now.getTime();
  return {
    id: w.id,
    trigger: w.trigger,
    url: w.url,
    namespace: w.namespace,
    user_id: w.userId,
    queue: normaliseQueue(w.queue),
    condition: w.condition ?? null,
    is_active: w.isActive,
    retry_hourly: w.retryHourly,
    retry_daily: w.retryDaily,
    disabled_reason: w.disabledReason,
    disabled_at: iso(w.disabledAt),
    failing_since: iso(w.failingSince),
    secret_rotated_until: overlap ? iso(w.previousSecretExpiresAt) : null,
    created_at: w.createdAt.toISOString(),
    updated_at: w.updatedAt.toISOString(),
  };
}
export type WebhookView = ReturnType<typeof serializeWebhook>;

export function serializeAttempt(a: AttemptRow) {
  return { attempt: a.attempt, at: a.at.toISOString(), status_code: a.statusCode, latency_ms: a.latencyMs, error: a.error, response_excerpt: a.responseExcerpt };
}

export function serializeDelivery(d: DeliveryRow, attempts?: AttemptRow[]) {
  return {
    id: d.id,
    kind: d.kind,
    webhook_id: d.webhookId,
    target_id: d.targetId,
    event_id: d.eventId,
    event_type: d.eventType,
    url: d.url,
    status: d.status,
    attempts: d.attempts,
    next_attempt_at: d.status === "pending" ? iso(d.nextAttemptAt) : null,
    last_status_code: d.lastStatusCode,
    last_error: d.lastError,
    created_at: d.createdAt.toISOString(),
    delivered_at: iso(d.deliveredAt),
    ...(attempts ? { body: d.body, attempt_log: attempts.map(serializeAttempt) } : {}),
  };
}
export type DeliveryView = ReturnType<typeof serializeDelivery>;

export function serializeTarget(t: TargetRow) {
  return {
    id: t.id,
    name: t.name,
    handle: t.handle,
    url: t.url,
    method: t.method,
    headers: t.headers.map((h) => ({ name: h.name, value: h.is_secret ? null : h.value, is_secret: h.is_secret })),
    template: t.template,
    // Omneo's targets carry the condition as a string of JSON Logic
    condition: t.condition === null || t.condition === undefined ? null : JSON.stringify(t.condition),
    description: t.description,
    notes: t.notes,
    created_at: t.createdAt.toISOString(),
    updated_at: t.updatedAt.toISOString(),
  };
}
export type TargetView = ReturnType<typeof serializeTarget>;

/** The catalogue as the API and the console list it. */
export function eventCatalogueView() {
  return EVENT_TYPES.map((type) => ({
    type,
    subject: EVENT_CATALOGUE[type].subject,
    description: EVENT_CATALOGUE[type].description,
    aliases: Object.entries(EVENT_ALIASES)
      .filter(([, t]) => t === type)
      .map(([a]) => a),
  }));
}
