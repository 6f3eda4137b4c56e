// The event catalogue: every event type the services emit, what it is about (its subject key in the
// event context) and Omneo's names for the same events, so triggers and webhooks configured in Omneo
// import as they are. Pure: no I/O.

export interface EventTypeInfo {
  /** the key the event's subject has in the context (`transaction`, `reward`, ...) */
  subject: string;
  description: string;
}

/** Our event types, in catalogue order. */
export const EVENT_CATALOGUE = {
  "profile.created": { subject: "profile", description: "A profile was created (API, console, import or sign-up)" },
  "profile.updated": { subject: "profile", description: "A profile's fields, identities or type changed" },
  "profile.merged": { subject: "profile", description: "A profile absorbed another (data: winner_id, loser_id)" },
  "profile.deleted": { subject: "profile", description: "A profile was soft-deleted or purged" },
  "interaction.created": { subject: "interaction", description: "A non-purchase interaction was recorded" },
  "transaction.created": { subject: "transaction", description: "A transaction (purchase or return) was recorded" },
  "transaction.voided": { subject: "transaction", description: "A transaction was voided" },
  "transaction.claimed": { subject: "transaction", description: "An anonymous receipt was claimed by a profile" },
  "points.awarded": { subject: "points", description: "Points were earned from a transaction" },
  "points.redeemed": { subject: "points", description: "Points were spent in a redemption" },
  "points.expired": { subject: "points", description: "Points expired" },
  "points.voided": { subject: "points", description: "Points were voided (with their transaction, or by hand)" },
  "points.clawed_back": { subject: "points", description: "A return took back points already earned" },
  "reward.issued": { subject: "reward", description: "A reward was issued" },
  "reward.redeemed": { subject: "reward", description: "A reward was (partly) redeemed" },
  "reward.expiring": { subject: "reward", description: "A reward reaches one of its reminder offsets before expiry" },
  "reward.expired": { subject: "reward", description: "A reward expired with value left" },
  "reward.extended": { subject: "reward", description: "A reward's expiry was extended" },
  "reward.voided": { subject: "reward", description: "A reward was voided" },
  "benefit.issued": { subject: "benefit", description: "A benefit was issued" },
  "benefit.claimed": { subject: "benefit", description: "A customer claimed a claimable benefit" },
  "benefit.redeemed": { subject: "benefit", description: "A benefit was redeemed" },
  "benefit.expired": { subject: "benefit", description: "A benefit expired" },
  "benefit.extended": { subject: "benefit", description: "A benefit's expiry was extended" },
  "benefit.voided": { subject: "benefit", description: "A benefit was voided" },
  "tier.achieved": { subject: "tier_change", description: "A profile moved up a tier (or was assigned a higher one)" },
  "tier.maintained": { subject: "tier_change", description: "A profile kept its tier on the anniversary" },
  "tier.downgraded": { subject: "tier_change", description: "A profile dropped a tier" },
  "achievement.progressed": { subject: "achievement", description: "An achievement's count rose" },
  "achievement.level_reached": { subject: "achievement", description: "An achievement reached a level" },
  "redemption.created": { subject: "redemption", description: "Rewards and/or points were redeemed" },
  "redemption.reversed": { subject: "redemption", description: "A redemption was reversed" },
  "product.created": { subject: "product", description: "A product was added to the catalogue (API or console)" },
  "product.updated": { subject: "product", description: "A product's fields or variants changed" },
  "product.deleted": { subject: "product", description: "A product was deleted (data: the product as it was)" },
} as const satisfies Record<string, EventTypeInfo>;

export type EventType = keyof typeof EVENT_CATALOGUE;
export const EVENT_TYPES = Object.keys(EVENT_CATALOGUE) as EventType[];

/** Omneo's event names where ours differ. */
export const EVENT_ALIASES: Readonly<Record<string, EventType>> = {
  "reward.created": "reward.issued",
  "benefit.created": "benefit.issued",
};

/** Omneo's resource names (plural, as its webhook triggers spell them: `profiles.create`) → ours. */
const OMNEO_RESOURCES: Readonly<Record<string, string>> = {
  profiles: "profile",
  transactions: "transaction",
  interactions: "interaction",
  rewards: "reward",
  benefits: "benefit",
  tiers: "tier",
  achievements: "achievement",
  redemptions: "redemption",
  products: "product",
  point: "points",
};

/** Omneo's verbs in the present tense (`profiles.create`) → the past tense our types use. */
const OMNEO_VERBS: Readonly<Record<string, string>> = {
  create: "created",
  update: "updated",
  delete: "deleted",
  merge: "merged",
  void: "voided",
  claim: "claimed",
  issue: "issued",
  redeem: "redeemed",
  expire: "expired",
  extend: "extended",
  award: "awarded",
  progress: "progressed",
  achieve: "achieved",
  maintain: "maintained",
  downgrade: "downgraded",
  reverse: "reversed",
};

/** Our name for an event type given by us or by Omneo (case-insensitive); null for an unknown one. */
export function canonicalEventType(type: string): EventType | null {
  const t = type.trim().toLowerCase();
  if (Object.hasOwn(EVENT_CATALOGUE, t)) return t as EventType;
  if (Object.hasOwn(EVENT_ALIASES, t)) return EVENT_ALIASES[t]!;
  // Omneo's spellings: a plural resource and/or a present-tense verb (`profiles.create`, `rewards.created`)
  const dot = t.indexOf(".");
  if (dot <= 0) return null;
  const resource = t.slice(0, dot);
  const verb = t.slice(dot + 1);
  const ours = `${Object.hasOwn(OMNEO_RESOURCES, resource) ? OMNEO_RESOURCES[resource] : resource}.${Object.hasOwn(OMNEO_VERBS, verb) ? OMNEO_VERBS[verb] : verb}`;
  if (ours === t) return null;
  if (Object.hasOwn(EVENT_CATALOGUE, ours)) return ours as EventType;
  return Object.hasOwn(EVENT_ALIASES, ours) ? EVENT_ALIASES[ours]! : null;
}

/** The message for an unknown event type, naming the closest known ones so a typo is easy to fix. */
export function unknownEventTypeMessage(type: string): string {
  const prefix = type.trim().toLowerCase().split(".")[0] ?? "";
  const near = EVENT_TYPES.filter((t) => t.startsWith(`${prefix}.`));
  return `unknown event type "${type}"${near.length ? `; ${prefix}.* events are ${near.join(", ")}` : "; see GET /webhooks/events for the catalogue"}`;
}

/** The subject key of an event type: from the catalogue, else the type's first segment. */
export function subjectKeyOf(type: string): string {
  const known = canonicalEventType(type);
  if (known) return EVENT_CATALOGUE[known].subject;
  return type.split(".")[0] || "subject";
}
