// The `deliveries` queue carries outbound HTTP (webhooks, targets): each message is one attempt of one
// delivery (see workers/delivery/deliveries.service.ts), sent concurrently within a batch so one slow
// receiver does not hold up the rest. The dead-letter queue's messages are kept in D1 for the console.
import { eq } from "drizzle-orm";
import { deadLetters, deliveries } from "../../db/schema/delivery";
import { isDeliveryMessage } from "../delivery/deliveries.service";
import { newId } from "../platform/crypto";
import type { Services } from "../services";

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

export async function consumeDeadLetters(batch: MessageBatch<unknown>, services: Services): Promise<void> {
  const now = services.clock.now();
  for (const msg of batch.messages) {
    const body = JSON.stringify(msg.body) ?? "null";
    console.error(`dead letter from ${batch.queue}: ${msg.id}`, body.slice(0, 2000));
    const stmts = [services.db.insert(deadLetters).values({ id: newId(), queue: batch.queue, messageId: msg.id, body: body.slice(0, 100_000), receivedAt: now }).onConflictDoNothing()];
    if (isDeliveryMessage(msg.body)) {
      stmts.push(services.db.update(deliveries).set({ status: "dead", lastError: "Dead-lettered by the queue after repeated consumer failures", updatedAt: now }).where(eq(deliveries.id, msg.body.delivery_id)) as never);
    }
    await services.db.batch(stmts as [(typeof stmts)[number], ...(typeof stmts)[number][]]);
    msg.ack();
  }
}
