// The `deliveries` queue carries outbound HTTP (webhooks, targets) and its dead-letter queue what
// failed for good. Nothing produces deliveries yet; unknown messages are logged and acknowledged so
// they never loop.
export async function consumeDeliveries(batch: MessageBatch<unknown>): Promise<void> {
  for (const msg of batch.messages) {
    console.warn(`deliveries: no handler for message ${msg.id}; acknowledged`);
    msg.ack();
  }
}

export async function consumeDeadLetters(batch: MessageBatch<unknown>): Promise<void> {
  for (const msg of batch.messages) {
    console.error(`dead letter from ${batch.queue}: ${msg.id}`, JSON.stringify(msg.body).slice(0, 2000));
    msg.ack();
  }
}
