// The `deliveries` queue carries outbound HTTP (webhooks, targets): each message is one attempt of one
// delivery (see workers/delivery/deliveries.service.ts), sent concurrently within a batch so one slow
// receiver does not hold up the rest. The dead-letter queue's messages are kept in D1 for the console, as
// identifiers only (deadLetterSummary): a message's body carries personal data.
import { eq } from "drizzle-orm";
import { deadLetters, deliveries } from "../../db/schema/delivery";
import { isTransactionMessage } from "../commerce/transactions.service";
import { isDeliveryMessage } from "../delivery/deliveries.service";
import { isJobMessage } from "../imports/jobs";
import { isBackfillMessage } from "../incentives/ledger.service";
import { newId } from "../platform/crypto";
import { isDomainEvent } from "../platform/outbox";
import { isAutomationPageMessage } from "../reactions/automations.service";
import type { Services } from "../services";
import { isUuid } from "../platform/ids";

export async function consumeDeliveries(batch: MessageBatch<unknown>, services: Services, fetcher: typeof fetch = fetch): Promise<void> {
  await Promise.all(
    batch.messages.map(async (msg) => {
      if (!isDeliveryMessage(msg.body)) {
        console.warn(`deliveries: not a delivery message ${msg.id}; acknowledged`);
        msg.ack();
        return;
      }
      try {
        await services.deliveries.attempt(msg.body, fetcher);
        msg.ack();
      } catch (err) {
        // our own failure (D1, decryption), not the receiver's: the queue retries, then dead-letters
        console.error("deliveries: attempt failed, will retry", msg.body.delivery_id, err);
        msg.retry({ delaySeconds: 30 });
      }
    }),
  );
}

const idOrNull = (v: unknown): string | null => (typeof v === "string" && isUuid(v) ? v : null);

/**
 * What is kept of a dead letter: identifiers only, never its body. A message carries personal data (a
 * profile event's email, names, mobile, addresses and `meta`; a queued receipt's customer fields), so the
 * log line and the D1 row name the message by kind and ids, and whoever investigates reads the rest from
 * its source (the event, the delivery, the job) by those ids.
 */
export function deadLetterSummary(body: unknown): Record<string, string | number | null> {
  if (isDeliveryMessage(body)) return { kind: "delivery", delivery_id: body.delivery_id.slice(0, 100), attempt: body.attempt };
  if (isTransactionMessage(body)) {
    // profile_id may be an email or a mobile when profile_id_handle names one: kept only when it is an id
    const input = body.input as { external_id?: unknown; profile_id?: unknown };
    return { kind: body.kind, external_id: typeof input.external_id === "string" ? input.external_id.slice(0, 100) : null, profile_id: idOrNull(input.profile_id), actor_type: ["user", "token", "system"].includes(body.actor.type) ? body.actor.type : null, actor_id: idOrNull(body.actor.id) };
  }
  if (isBackfillMessage(body)) return { kind: body.kind, job_id: body.job_id, after: idOrNull(body.after) };
  if (isJobMessage(body)) return { kind: body.kind, job: String(body.job).slice(0, 100), job_id: body.job_id.slice(0, 100) };
  if (isAutomationPageMessage(body)) return { kind: body.kind, run_id: body.run_id, after: idOrNull(body.after) };
  if (isDomainEvent(body)) return { kind: "event", event_id: body.id.slice(0, 100), event_type: body.type.slice(0, 100), profile_id: idOrNull(body.profile_id), occurred_at: body.occurred_at.slice(0, 40) };
  return { kind: "unknown", type: body === null ? "null" : Array.isArray(body) ? "array" : typeof body };
}

export async function consumeDeadLetters(batch: MessageBatch<unknown>, services: Services): Promise<void> {
  const now = services.clock.now();
  for (const msg of batch.messages) {
    const summary = { queue: batch.queue, message_id: msg.id, attempts: msg.attempts, ...deadLetterSummary(msg.body) };
    const kept = JSON.stringify(summary);
    console.error(`dead letter from ${batch.queue}: ${msg.id}`, kept);
    const stmts = [services.db.insert(deadLetters).values({ id: newId(), queue: batch.queue, messageId: msg.id, body: kept, receivedAt: now }).onConflictDoNothing()];
    if (isDeliveryMessage(msg.body)) {
      stmts.push(services.db.update(deliveries).set({ status: "dead", lastError: "Dead-lettered by the queue after repeated consumer failures", updatedAt: now }).where(eq(deliveries.id, msg.body.delivery_id)) as never);
    }
    await services.db.batch(stmts as [(typeof stmts)[number], ...(typeof stmts)[number][]]);
    msg.ack();
  }
}
