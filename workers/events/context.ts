// The event context: the one payload that webhook conditions and bodies, target templates, trigger
// filters and automation actions all see. The profile's fields sit at the root (`first_name`,
// `email`, `tier_handle`, `reward_balance`, ...), with `aggregations`, `attributes`, `balances`,
// `tier{handle,name}`, the event itself under `event`, and its subject under its own key
// (`transaction`, `reward`, `definition`, ...). composeEventContext is pure; loadContextParts does the
// reads (D1 for the profile and definitions, the profile's ledger DO for balances).
import { eq, inArray } from "drizzle-orm";
import { profileAggregations, profileIncentiveState, tierDefinitions } from "../../db/schema";
import type { Balances } from "../incentives/profile-ledger/contract";
import { serializeAchievement, serializeBenefit, serializePoint, serializeReward, serializeTier } from "../incentives/views";
import type { DomainEvent } from "../platform/outbox";
import { serializeAggregations, serializeProfile } from "../profiles/views";
import type { Services } from "../services";
import { canonicalEventType, subjectKeyOf } from "./catalogue";

/** What building a context reads through (reactions hand in only these). */
export type EventContextServices = Pick<Services, "db" | "profiles" | "ledger" | "definitions">;

export type SerializedProfile = ReturnType<typeof serializeProfile>;
export type SerializedAggregations = ReturnType<typeof serializeAggregations>;

/** What the context is built from: everything read, nothing computed yet. */
export interface ContextParts {
  profile: SerializedProfile | null;
  aggregations: SerializedAggregations | null;
  balances: Omit<Balances, "profile_id" | "updated_at"> | null;
  /** the profile's current tier (the first ladder's, when a brand runs several) */
  tier: { id: string; handle: string; name: string } | null;
  /** the definition the event is about (reward, points, benefit, tier or achievement), serialized */
  definition: Record<string, unknown> | null;
}

export interface EventContext extends Record<string, unknown> {
  profile_id: string | null;
  event: { id: string; type: string; occurred_at: string; depth: number; data: Record<string, unknown> };
}

const EMPTY_BALANCES = { reward_balance: 0, point_balance: 0, point_balance_dollars: 0, combined_balance_dollars: 0, benefit_balance: 0 };

/** Which definition an event's data names: [kind, id] or null. */
export function definitionRefOf(type: string, data: Record<string, unknown>): ["reward" | "point" | "benefit" | "tier" | "achievement", string] | null {
  const str = (k: string) => (typeof data[k] === "string" ? (data[k] as string) : null);
  if (str("reward_definition_id")) return ["reward", str("reward_definition_id")!];
  if (str("benefit_definition_id")) return ["benefit", str("benefit_definition_id")!];
  if (str("achievement_definition_id")) return ["achievement", str("achievement_definition_id")!];
  if (str("point_definition_id")) return ["point", str("point_definition_id")!];
  if (type.startsWith("tier.") && str("to_tier_id")) return ["tier", str("to_tier_id")!];
  return null;
}

/**
 * The event's subject and what is left of its data: `{transaction: {...}, reason}` gives the
 * transaction as subject and `{reason}` as the rest; flat data (`{reward_id, value, ...}`) is its own subject.
 */
export function splitSubject(type: string, data: Record<string, unknown>): { key: string; subject: Record<string, unknown>; rest: Record<string, unknown> } {
  const key = subjectKeyOf(type);
  const nested = data[key];
  if (nested && typeof nested === "object" && !Array.isArray(nested)) {
    const { [key]: _subject, ...rest } = data;
    return { key, subject: nested as Record<string, unknown>, rest };
  }
  return { key, subject: data, rest: {} };
}

/** Pure: the context of an event from what was read for it. */
export function composeEventContext(event: DomainEvent, parts: ContextParts): EventContext {
  const type = canonicalEventType(event.type) ?? event.type;
  const { key, subject, rest } = splitSubject(type, event.data ?? {});
  const p = parts.profile;
  const balances = parts.balances ?? EMPTY_BALANCES;
  const profileFields: Record<string, unknown> = p
    ? {
        id: p.id,
        first_name: p.first_name,
        last_name: p.last_name,
        full_name: p.full_name,
        email: p.email,
        mobile_phone: p.mobile_phone,
        gender: p.gender,
        birth_day: p.birth_day,
        birth_month: p.birth_month,
        birth_year: p.birth_year,
        company: p.company,
        currency: p.currency,
        profile_type: p.type,
        joined_at: p.joined_at,
        joined_location_id: p.joined_location_id,
        preferred_location_id: p.preferred_location_id,
        tags: p.tags,
        flattened_tags: p.tags.join(","),
        identities: p.identities.map((i) => ({ handle: i.handle, identifier: i.identifier, is_primary: i.is_primary })),
        attributes: p.attributes,
        created_at: p.created_at,
        updated_at: p.updated_at,
      }
    : { tags: [], flattened_tags: "", attributes: { comms: {}, appearance: {}, custom: [], dates: [] } };
  return {
    ...profileFields,
    profile_id: p?.id ?? event.profile_id ?? null,
    tier_handle: parts.tier?.handle ?? null,
    tier_name: parts.tier?.name ?? null,
    tier: parts.tier ? { handle: parts.tier.handle, name: parts.tier.name } : null,
    reward_balance: balances.reward_balance,
    point_balance: balances.point_balance,
    point_balance_dollars: balances.point_balance_dollars,
    combined_balance_dollars: balances.combined_balance_dollars,
    benefit_balance: balances.benefit_balance,
    balances: parts.balances ?? { ...EMPTY_BALANCES, points: [] },
    aggregations: parts.aggregations,
    ...(parts.definition ? { definition: parts.definition } : {}),
    // the subject last, so its key wins over a profile field of the same name (`profile` on profile.*)
    [key]: subject,
    event: { id: event.id, type, occurred_at: event.occurred_at, depth: event.causation?.depth ?? 0, data: rest },
  };
}

/** The reads behind an event's context. A profile that is gone (purged) leaves the profile parts empty. */
export async function loadContextParts(event: DomainEvent, services: EventContextServices): Promise<ContextParts> {
  const profileId = event.profile_id;
  const ref = definitionRefOf(event.type, event.data ?? {});
  const definitionP = ref ? loadDefinition(services, ref[0], ref[1]) : Promise.resolve(null);
  if (!profileId) return { profile: null, aggregations: null, balances: null, tier: null, definition: await definitionP };
  const row = await services.profiles.find(profileId);
  if (!row) return { profile: null, aggregations: null, balances: null, tier: null, definition: await definitionP };
  const [view, agg, state, balances, definition] = await Promise.all([
    services.profiles.withRelations(row),
    services.db.query.profileAggregations.findFirst({ where: eq(profileAggregations.profileId, profileId) }),
    services.db.query.profileIncentiveState.findFirst({ where: eq(profileIncentiveState.profileId, profileId) }),
    services.ledger.balances(profileId).catch(() => null),
    definitionP,
  ]);
  let tier: ContextParts["tier"] = null;
  if (state?.tiers.length) {
    const rows = await services.db
      .select({ id: tierDefinitions.id, handle: tierDefinitions.handle, name: tierDefinitions.name })
      .from(tierDefinitions)
      .where(inArray(tierDefinitions.id, state.tiers.slice(0, 50)));
    tier = rows.find((r) => r.id === state.tiers[0]) ?? rows[0] ?? null;
  }
  let trimmed: ContextParts["balances"] = null;
  if (balances) {
    const { profile_id: _p, updated_at: _u, ...rest } = balances;
    trimmed = rest;
  }
  return { profile: serializeProfile(view), aggregations: agg ? serializeAggregations(agg) : null, balances: trimmed, tier, definition };
}

async function loadDefinition(services: EventContextServices, kind: "reward" | "point" | "benefit" | "tier" | "achievement", id: string): Promise<Record<string, unknown> | null> {
  const row = await services.definitions.find(kind, id);
  if (!row) return null;
  switch (kind) {
    case "reward":
      return serializeReward(row as Parameters<typeof serializeReward>[0]);
    case "point":
      return serializePoint(row as Parameters<typeof serializePoint>[0]);
    case "benefit":
      return serializeBenefit(row as Parameters<typeof serializeBenefit>[0]);
    case "tier":
      return serializeTier(row as Parameters<typeof serializeTier>[0]);
    case "achievement":
      return serializeAchievement(row as Parameters<typeof serializeAchievement>[0]);
  }
}

/** The context of an event, for filters, webhooks, targets and reactions. */
export async function buildEventContext(event: DomainEvent, services: EventContextServices): Promise<EventContext> {
  return composeEventContext(event, await loadContextParts(event, services));
}

/** A realistic profile for previews and test sends, so a template renders as it will for a customer. */
export const SAMPLE_PARTS: ContextParts = {
  profile: {
    id: "00000000-0000-4000-8000-0000000000a1",
    first_name: "Jane",
    last_name: "Citizen",
    full_name: "Jane Citizen",
    email: "jane.citizen@example.com",
    mobile_phone: "+61400000000",
    gender: null,
    birth_day: 14,
    birth_month: 2,
    birth_year: 1990,
    company: null,
    currency: "AUD",
    type: "active",
    joined_at: "2024-03-01T00:00:00.000Z",
    joined_location_id: null,
    preferred_location_id: null,
    tags: ["vip"],
    attributes: { comms: { email_promo: true }, appearance: {}, custom: [], dates: [] },
    identities: [],
    addresses: [],
    deleted_at: null,
    created_at: "2024-03-01T00:00:00.000Z",
    updated_at: "2024-03-01T00:00:00.000Z",
  } as unknown as SerializedProfile,
  aggregations: null,
  balances: { reward_balance: 10, point_balance: 250, point_balance_dollars: 2.5, combined_balance_dollars: 12.5, benefit_balance: 1, points: [] },
  tier: { id: "00000000-0000-4000-8000-0000000000b1", handle: "gold", name: "Gold" },
  definition: null,
};

/** A context built from a sample event and the sample profile (previews, test sends): no reads. */
export function sampleContext(type: string, data: Record<string, unknown> = {}, now = new Date()): EventContext {
  return composeEventContext(
    { id: "00000000-0000-4000-8000-000000000000", type, occurred_at: now.toISOString(), profile_id: SAMPLE_PARTS.profile!.id, data, causation: null },
    SAMPLE_PARTS,
  );
}
