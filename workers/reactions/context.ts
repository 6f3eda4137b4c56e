// The event context reactions evaluate filters and dynamic arguments over. Reactions depend only on
// the ContextBuilder signature; the shared builder (workers/events/context.ts, delivery's) replaces
// the interim one below when it lands, so filters, webhooks and targets see the same context.
import type { DomainEvent } from "../platform/outbox";
import { profileConditionContext } from "../profiles/rules";
import type { Services } from "../services";

export type EventContext = Record<string, unknown>;
export type ContextBuilder = (services: Services, event: DomainEvent) => Promise<EventContext>;

/** The subject's key in the context: the event type's noun ("transaction.created" → "transaction"). */
export function subjectKey(type: string): string {
  return type.split(".")[0] ?? "event";
}

/** Profile fields at the root, the subject under its own key, and the event itself under `event`. */
export const buildReactionContext: ContextBuilder = async (services, event) => {
  const key = subjectKey(event.type);
  // some events already wrap their subject ({transaction: {...}}); the context has it once, under its key
  const wrapped = event.data[key];
  const subject = wrapped && typeof wrapped === "object" && !Array.isArray(wrapped) ? wrapped : event.data;
  const base: EventContext = {
    event: { id: event.id, type: event.type, occurred_at: event.occurred_at, causation: event.causation, data: event.data },
    profile_id: event.profile_id,
    [key]: subject,
  };
  if (!event.profile_id) return base;
  const profile = await services.profiles.find(event.profile_id);
  if (!profile) return base;
  const [balances, aggregations] = await Promise.all([services.ledger.balances(profile.id).catch(() => null), services.profiles.getAggregations(profile.id).catch(() => null)]);
  const p = profileConditionContext(profile);
  return {
    ...p,
    profile_id: profile.id,
    flattened_tags: (profile.tags ?? []).join(","),
    reward_balance: balances?.reward_balance ?? 0,
    point_balance: balances?.point_balance ?? 0,
    combined_balance_dollars: balances?.combined_balance_dollars ?? 0,
    aggregations,
    ...base,
  };
};

/** Event types reactions accept until the shared catalogue (workers/events/catalogue.ts) lands. */
export const EVENT_TYPES: readonly string[] = [
  "profile.created",
  "profile.updated",
  "profile.deleted",
  "profile.merged",
  "interaction.created",
  "transaction.created",
  "transaction.voided",
  "transaction.claimed",
  "reward.issued",
  "reward.redeemed",
  "reward.expiring",
  "reward.expired",
  "reward.extended",
  "reward.voided",
  "points.awarded",
  "points.redeemed",
  "points.expired",
  "points.voided",
  "points.clawed_back",
  "benefit.issued",
  "benefit.claimed",
  "benefit.redeemed",
  "benefit.expired",
  "benefit.extended",
  "benefit.voided",
  "tier.achieved",
  "tier.maintained",
  "tier.downgraded",
  "achievement.progressed",
  "achievement.level_reached",
  "redemption.created",
  "redemption.reversed",
];
