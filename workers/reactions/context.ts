// The event context reactions evaluate filters and dynamic arguments over. Reactions depend only on
// the ContextBuilder signature (tests and dry runs may pass another); the default is the shared one.
import { EVENT_TYPES } from "../events/catalogue";
import { buildEventContext, type EventContextServices } from "../events/context";
import type { DomainEvent } from "../platform/outbox";
import type { Services } from "../services";

export type EventContext = Record<string, unknown>;
export type ContextBuilder = (services: EventContextServices, event: DomainEvent) => Promise<EventContext>;

/**
 * The services reactions read and act through. All of them are built before the reaction runner, so the
 * composition root hands them in whole (no handle on the finished Services, which would include reactions).
 */
export type ReactionServices = Pick<Services, "env" | "db" | "clock" | "audit" | "profiles" | "ledger" | "definitions">;

/** The shared builder (workers/events/context.ts): filters, webhooks and targets see the same context. */
export const buildReactionContext: ContextBuilder = (services, event) => buildEventContext(event, services);

/** Event types a trigger may listen to: the shared catalogue. */
export { EVENT_TYPES };
