// The `webhooks` event handler: an event becomes one queued delivery per active webhook whose trigger,
// condition and namespace match. The context is built only when some webhook listens for the type.
import { buildEventContext } from "../events/context";
import { canonicalEventType } from "../events/catalogue";
import type { DomainEvent } from "../platform/outbox";
import type { Services } from "../services";

export async function fanOutWebhooks(event: DomainEvent, services: Services): Promise<void> {
  const trigger = canonicalEventType(event.type);
  if (!trigger) return;
  await services.deliveries.fanOut(event, trigger, () => buildEventContext(event, services));
}
