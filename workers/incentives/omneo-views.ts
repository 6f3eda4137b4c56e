// Omneo's shapes of issued incentives (a reward, a benefit, a profile's tier progress) built from the
// ledger's own views and the definitions' rows: pure serializers, no I/O. Omneo prints date-times as
// "YYYY-MM-DD HH:MM:SS": a reward's in UTC (with *_local_at beside them), a benefit's in its timezone,
// as the SDK's own tests read them. Fields for things this product does not model are documented in
// docs/omneo-compat.md; the tier's descriptive fields Omneo always carries are null here.
import { zonedParts } from "../platform/time";
import type { BenefitView, RewardView, TierView } from "./profile-ledger/contract";
import type { InstanceRow } from "./lists";
import { serializeBenefit, serializeBenefitInstance, serializeReward, serializeRewardInstance, serializeTier, type BenefitDefinition, type RewardDefinition, type TierDefinitionRow } from "./views";

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** An instant as Omneo prints it, in `timezone` (default UTC); null stays null. */
export function omneoDateTime(at: string | Date | null | undefined, timezone = "UTC"): string | null {
  if (at === null || at === undefined) return null;
  const p = zonedParts(typeof at === "string" ? new Date(at) : at, timezone);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
}

/** A reward instance under Omneo's names: values in dollars, dates in UTC and local. */
export function omneoReward(profileId: string, r: RewardView, definition: RewardDefinition | null, timezone: string, now: Date, externalId: string | null = null) {
  const expired = r.status === "expired" || (r.status === "active" && !!r.expires_at && new Date(r.expires_at) <= now);
  return {
    id: r.id,
    profile_id: profileId,
    reward_definition_id: r.reward_definition_id,
    external_id: externalId,
    timezone,
    value_initial: r.value_initial,
    value_remaining: r.value_remaining,
    status: r.status,
    is_active: r.status === "active" && !expired,
    is_expired: expired,
    issued_at: omneoDateTime(r.issued_at)!,
    expires_at: omneoDateTime(r.expires_at),
    issued_local_at: omneoDateTime(r.issued_at, timezone)!,
    expires_local_at: omneoDateTime(r.expires_at, timezone),
    extended_at: omneoDateTime(r.extended_at),
    definition: definition ? { ...serializeReward(definition), period_type: "days" as const } : { id: r.reward_definition_id, handle: r.handle, name: r.name },
    reason: r.reason,
    created_at: omneoDateTime(r.issued_at)!,
  };
}

/** A benefit instance under Omneo's names: dates in its timezone. */
export function omneoBenefit(profileId: string, b: BenefitView, definition: BenefitDefinition | null, timezone: string, now: Date, externalId: string | null = null) {
  const expired = b.status === "expired" || (b.status === "active" && !!b.expires_at && new Date(b.expires_at) <= now);
  return {
    id: b.id,
    profile_id: profileId,
    benefit_definition_id: b.benefit_definition_id,
    external_id: externalId,
    timezone,
    status: b.status,
    max_redemptions: b.max_redemptions,
    redemptions_used: b.redemptions_used,
    redemptions_remaining: b.redemptions_remaining,
    is_redeemable: b.status === "active" && !expired && b.redemptions_remaining > 0,
    is_expired: expired,
    issued_at: omneoDateTime(b.issued_at, timezone)!,
    expires_at: omneoDateTime(b.expires_at, timezone),
    claimed_at: b.claimed ? omneoDateTime(b.issued_at, timezone) : null,
    extended_at: omneoDateTime(b.extended_at, timezone),
    definition: definition ? { ...serializeBenefit(definition), period_type: "days" as const } : { id: b.benefit_definition_id, handle: b.handle, name: b.name },
    reason: b.reason,
    created_at: omneoDateTime(b.issued_at, timezone)!,
  };
}

/** A tier definition as Omneo's tier object; the descriptive fields Omneo has and we do not model are null. */
export function omneoTier(d: TierDefinitionRow) {
  return {
    ...serializeTier(d),
    is_assignable: true,
    disable_credit: !d.creditEnabled,
    internal_notes: null,
    short_description: null,
    long_description: null,
    terms_conditions: null,
    icon: null,
    image_url: null,
    earn_instructions: null,
    tags: [] as string[],
    meta: null,
  };
}

/**
 * Omneo's tier progress for one ladder. `ladder` is that ladder's tier definitions (any order): the
 * tier below the current one is `prev_tier`. Progress is in tier points over the rolling 12 months.
 */
export function omneoTierProgress(profileId: string, view: TierView, ladder: TierDefinitionRow[]) {
  const byMin = [...ladder].sort((a, b) => a.valueMin - b.valueMin || a.id.localeCompare(b.id));
  const current = view.current ? (byMin.find((t) => t.id === view.current!.id) ?? null) : null;
  const next = view.next ? (byMin.find((t) => t.id === view.next!.id) ?? null) : null;
  const prev = current ? (byMin.filter((t) => t.valueMin < current.valueMin).at(-1) ?? null) : null;
  return {
    id: view.point_definition_id,
    profile_id: profileId,
    point_definition_id: view.point_definition_id,
    current_tier: current ? omneoTier(current) : null,
    next_tier: next ? omneoTier(next) : null,
    prev_tier: prev ? omneoTier(prev) : null,
    is_floor: current?.isFloor ?? false,
    current_credit: view.credit,
    current_progress: view.points,
    current_remain: view.maintain?.remaining ?? 0,
    next_progress: view.points,
    next_remain: view.next ? view.remaining : null,
    total_points_12m: view.points,
    total_points_achievement: null,
    next_progress_change_at: null,
    anniversary_at: omneoDateTime(view.anniversary_at),
    maintained_at: null,
    assigned_at: null,
    achieved_at: omneoDateTime(view.achieved_at),
    created_at: omneoDateTime(view.achieved_at),
    updated_at: omneoDateTime(view.achieved_at),
  };
}

/** The definition an instance names, as the instance carries it (with period_type), or its id alone. */
function definitionOf(kind: "reward" | "benefit", id: string, d: RewardDefinition | BenefitDefinition | null | undefined) {
  if (!d) return { id };
  return { ...(kind === "reward" ? serializeReward(d as RewardDefinition) : serializeBenefit(d as BenefitDefinition)), period_type: "days" as const };
}

/** A reward of Omneo's global list (the D1 projection): dates as GET /rewards/{id} prints them (UTC). */
export function omneoListedReward(r: InstanceRow, definition: RewardDefinition | null | undefined, timezone: string, now: Date, externalId: string | null) {
  return {
    ...serializeRewardInstance(r, now),
    external_id: externalId,
    timezone,
    issued_at: omneoDateTime(r.issuedAt)!,
    expires_at: omneoDateTime(r.expiresAt),
    updated_at: omneoDateTime(r.updatedAt)!,
    definition: definitionOf("reward", r.definitionId, definition),
  };
}

/** A benefit of Omneo's global list: dates as GET /benefits/{id} prints them (in its timezone). */
export function omneoListedBenefit(b: InstanceRow, definition: BenefitDefinition | null | undefined, timezone: string, now: Date, externalId: string | null) {
  return {
    ...serializeBenefitInstance(b, now),
    external_id: externalId,
    timezone,
    issued_at: omneoDateTime(b.issuedAt, timezone)!,
    expires_at: omneoDateTime(b.expiresAt, timezone),
    updated_at: omneoDateTime(b.updatedAt, timezone)!,
    definition: definitionOf("benefit", b.definitionId, definition),
  };
}
