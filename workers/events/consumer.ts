// The `events` queue consumer. Each handler acts on an event once: a receipt row (event id, handler)
// is claimed first as a lease and made final when the handler has run, so a redelivered message does
// nothing twice and a crash mid-handler only delays it until the lease runs out. Later areas register their handlers
// (live feed, reactions, webhooks, metric rollups) in EVENT_HANDLERS.
import { and, eq, isNotNull, lt } from "drizzle-orm";
import { eventReceipts } from "../../db/schema";
import { fanOutWebhooks } from "../delivery/fan-out";
import { REWARD_TARGET_EVENTS, sendRewardTargets } from "../delivery/reward-targets";
import { isTransactionMessage, processQueuedTransaction } from "../commerce/transactions.service";
import { isBackfillMessage } from "../incentives/ledger.service";
import { isDomainEvent, type DomainEvent } from "../platform/outbox";
import { isJobMessage, processJob } from "../imports/jobs";
import { feedSignup } from "../profiles/live-feed";
import { isAutomationPageMessage } from "../reactions/automations.service";
import { ROLLUP_EVENT_TYPES } from "../reporting/rules";
import type { Services } from "../services";

export type EventHandler = (event: DomainEvent, services: Services) => Promise<void>;

/** handler name → (event types it wants, what it does). Names are stable: they key the receipts. */
export const EVENT_HANDLERS: Record<string, { types: readonly string[] | "*"; run: EventHandler }> = {
  "live-feed": { types: ["profile.created"], run: feedSignup },
  // every event type a webhook may listen for; a type nobody listens for costs one indexed query
  webhooks: { types: "*", run: fanOutWebhooks },
  // daily metric rollups: each event's rows added once (the receipt above keys on this name)
  "report-rollups": {
    types: ROLLUP_EVENT_TYPES,
    run: async (event, services) => {
      await services.reporting.applyEvent(event);
    },
  },
  // the merge hook moves the ledger at once; this resumes it if that was interrupted (every step is idempotent)
  "ledger-merge": {
    types: ["profile.merged"],
    run: async (event, services) => {
      const { winner_id, loser_id } = event.data as { winner_id?: string; loser_id?: string };
      if (winner_id && loser_id) await services.ledger.onMerge(winner_id, loser_id);
    },
  },
  // reward definitions' issue/expiry/extend targets (workers/delivery/reward-targets.ts)
  "reward-targets": { types: REWARD_TARGET_EVENTS, run: sendRewardTargets },
  // triggers (workers/reactions): every active trigger on the event's type, once per (event, trigger)
  reactions: {
    types: "*",
    run: async (event, services) => {
      await services.reactions.onEvent(event);
    },
  },
};

/** How long a claimed receipt is held for its handler before another delivery may take it over. */
export const RECEIPT_LEASE_MS = 5 * 60 * 1000;

/**
 * Claim (event, handler) before running it: a new receipt, or one whose lease ran out because the
 * worker that held it crashed mid-handler. A finished receipt (no lease) is never claimed again.
 */
export async function claimReceipt(services: Services, eventId: string, consumer: string): Promise<boolean> {
  const now = services.clock.now();
  const leasedUntil = new Date(now.getTime() + RECEIPT_LEASE_MS);
  const rows = await services.db
    .insert(eventReceipts)
    .values({ eventId, consumer, processedAt: now, leasedUntil })
    .onConflictDoUpdate({
      target: [eventReceipts.eventId, eventReceipts.consumer],
      set: { processedAt: now, leasedUntil },
      setWhere: and(isNotNull(eventReceipts.leasedUntil), lt(eventReceipts.leasedUntil, now)),
    })
    .returning({ eventId: eventReceipts.eventId });
  return rows.length > 0;
}

/** The handler ran: the receipt is final. */
export async function completeReceipt(services: Services, eventId: string, consumer: string): Promise<void> {
  await services.db
    .update(eventReceipts)
    .set({ leasedUntil: null, processedAt: services.clock.now() })
    .where(and(eq(eventReceipts.eventId, eventId), eq(eventReceipts.consumer, consumer)));
}

export async function handleEvent(event: DomainEvent, services: Services, handlers = EVENT_HANDLERS): Promise<string[]> {
  const ran: string[] = [];
  for (const [name, handler] of Object.entries(handlers)) {
    if (handler.types !== "*" && !handler.types.includes(event.type)) continue;
    if (!(await claimReceipt(services, event.id, name))) continue;
    try {
      await handler.run(event, services);
      ran.push(name);
    } catch (err) {
      // give the receipt back so the retry runs this handler again
      await services.db
        .delete(eventReceipts)
        .where(and(eq(eventReceipts.eventId, event.id), eq(eventReceipts.consumer, name)));
      throw err;
    }
    await completeReceipt(services, event.id, name);
  }
  return ran;
}

export async function consumeEvents(batch: MessageBatch<unknown>, services: Services): Promise<void> {
  for (const msg of batch.messages) {
    if (isJobMessage(msg.body)) {
      try {
        await processJob(services, msg.body.job_id);
        msg.ack();
      } catch (err) {
        console.error("events: job failed, will retry", msg.body.job_id, err);
        msg.retry({ delaySeconds: 30 });
      }
      continue;
    }
    if (isBackfillMessage(msg.body)) {
      try {
        await services.ledger.backfillStep(msg.body);
        msg.ack();
      } catch (err) {
        console.error("events: ledger backfill step failed, will retry", msg.body.job_id, err);
        msg.retry({ delaySeconds: 30 });
      }
      continue;
    }
    if (isAutomationPageMessage(msg.body)) {
      try {
        await services.automations.processPage(msg.body);
        msg.ack();
      } catch (err) {
        console.error("events: automation page failed, will retry", msg.body.run_id, err);
        msg.retry({ delaySeconds: 30 });
      }
      continue;
    }
    if (isTransactionMessage(msg.body)) {
      // a queued receipt's events carry the namespace of the token that sent it, as they would have inline
      services.outbox.namespace = msg.body.actor.namespace ?? null;
      try {
        await processQueuedTransaction(services, msg.body);
        msg.ack();
      } catch (err) {
        console.error("events: queued transaction failed, will retry", msg.body.input.external_id, err);
        msg.retry({ delaySeconds: 30 });
      } finally {
        services.outbox.namespace = null;
      }
      continue;
    }
    if (!isDomainEvent(msg.body)) {
      console.warn("events: dropping a message that is not a domain event", msg.id);
      msg.ack();
      continue;
    }
    try {
      await handleEvent(msg.body, services);
      msg.ack();
    } catch (err) {
      console.error("events: handler failed, will retry", msg.body.type, msg.body.id, err);
      msg.retry({ delaySeconds: Math.min(60 * 2 ** Math.min(msg.attempts, 6), 3600) });
    }
  }
}
