// Omneo's global incentive routes (POST /rewards, /benefits, /points; a reward or benefit by its id;
// /benefits/extend and .count; a profile's combined redeem; tier calculate and assign) as thin use cases
// over the LedgerService: every rule stays in the ledger (the DO decides), this only finds the profile an
// instance belongs to, maps Omneo's inputs onto ours and shapes the answer (omneo-views.ts).
// A create flushes the profile's ledger to the D1 projection before answering, so a read by id or a
// global list right after it sees the new instance.
import type { Actor } from "../access/actor";
import type { Clock } from "../platform/clock";
import { DomainError } from "../platform/errors";
import { canonicalTimezone, zonedInstant, zonedParts } from "../platform/time";
import type { DefinitionsService } from "./definitions.service";
import type { ProfilesService } from "../profiles/service";
import { unwrapLedger } from "./ledger-lifecycle";
import type { LedgerService } from "./ledger.service";
import type { IncentiveLists } from "./lists";
import { omneoBenefit, omneoReward, omneoTierProgress } from "./omneo-views";
import type { BenefitView, RewardView, TierView } from "./profile-ledger/contract";
import { serializePointAward } from "./views";

/** How far ahead of the ledger's clock an Omneo `issued_at` may be and still read as now (clock skew). */
export const ISSUED_AT_SKEW_MS = 5 * 60_000;

/** An Omneo `issued_at`: any past time back-dates the issue; a future one is refused. */
export function checkIssuedAt(issuedAt: Date, now: Date): Date {
  if (issuedAt.getTime() > now.getTime() + ISSUED_AT_SKEW_MS) throw DomainError.field("issued_at", "issued_at must not be in the future");
  return issuedAt.getTime() > now.getTime() ? now : issuedAt;
}

/** `days` calendar days after `from`, at the same wall time in `zone`. */
function addDays(from: Date, days: number, zone: string): Date {
  const p = zonedParts(from, zone);
  return zonedInstant({ ...p, day: p.day + days, millisecond: 0 }, zone);
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/**
 * Omneo's date-times: "YYYY-MM-DD", "YYYY-MM-DD HH:MM[:SS]" (a wall time in `timezone`), or ISO 8601 with
 * an offset. The API's schema has checked the form; this reads it.
 */
export function readOmneoDateTime(field: string, text: string, timezone: string): Date {
  const m = LOCAL.exec(text.trim());
  if (m) {
    const [, y, mo, d, h, mi, sec] = m.map((v) => (v === undefined ? 0 : Number(v)));
    const at = zonedInstant({ year: y!, month: mo!, day: d!, hour: h!, minute: mi!, second: sec!, millisecond: 0 }, timezone);
    if (!Number.isNaN(at.getTime()) && mo! >= 1 && mo! <= 12 && d! >= 1 && d! <= 31 && h! < 24 && mi! < 60 && sec! < 60) return at;
  } else {
    const at = new Date(text);
    if (/[zZ]|[+-]\d{2}:?\d{2}$/.test(text) && !Number.isNaN(at.getTime())) return at;
  }
  throw DomainError.field(field, `${field} must be "YYYY-MM-DD HH:MM:SS" (read in timezone), "YYYY-MM-DD" or an ISO 8601 date-time with offset`);
}

/** Omneo's wire dates are read in the body's timezone, else the brand's. */
interface Zoned {
  timezone?: string;
}

export interface OmneoRewardInput extends Zoned {
  profile_id: string;
  reward_definition_id: string;
  value_initial?: number;
  value_remaining?: number;
  expires_at?: string;
  issued_at?: string;
  external_id?: string;
}
export interface OmneoBenefitInput extends Zoned {
  profile_id: string;
  benefit_definition_id: string;
  issued_at?: string;
  expires_at?: string | null;
  external_id?: string;
}
/** Omneo's PUT /rewards/{id}: what is sent changes, the rest stays. */
export interface OmneoRewardUpdate extends Zoned {
  value_initial?: number;
  value_remaining?: number;
  expires_at?: string | null;
  external_id?: string | null;
}
/** Omneo's PUT /benefits/{id}. */
export interface OmneoBenefitUpdate extends Zoned {
  expires_at?: string | null;
  external_id?: string | null;
}
export interface OmneoPointsInput extends Zoned {
  profile_id: string;
  point_definition_id: string;
  value_initial: number;
  value_remaining?: number;
  issued_at?: string;
  description?: string;
}

const API_REASON = "Issued over the API";

export class OmneoIncentives {
  constructor(
    private readonly ledger: LedgerService,
    private readonly lists: IncentiveLists,
    private readonly definitions: DefinitionsService,
    private readonly profiles: ProfilesService,
    private readonly clock: Clock,
  ) {}

  /** The Idempotency-Key header, else Omneo's external_id: a create retried with either issues once. */
  private key(idempotencyKey: string | null | undefined, externalId: string | undefined): string | null {
    return idempotencyKey || (externalId ? `omneo-external-id:${externalId}` : null);
  }

  private async timezone(): Promise<string> {
    return (await this.definitions.engineConfig()).timezone;
  }

  /** The zone the body's local date-times are read in: its own `timezone` (checked), else the brand's. */
  private async zoneOf(input: Zoned): Promise<string> {
    if (!input.timezone) return this.timezone();
    const known = canonicalTimezone(input.timezone);
    if (!known) throw DomainError.field("timezone", `Unknown time zone ${input.timezone}`);
    return known;
  }

  /** The body's issued_at as an instant (back-dated when past), or undefined for now. */
  private issuedAt(input: { issued_at?: string }, zone: string): Date | undefined {
    return input.issued_at ? checkIssuedAt(readOmneoDateTime("issued_at", input.issued_at, zone), this.clock.now()) : undefined;
  }

  /** An expires_at as sent: a date-time read in the zone, null for never, undefined when not sent. */
  private expiresAt(text: string | null | undefined, zone: string): Date | null | undefined {
    return text === undefined ? undefined : text === null ? null : readOmneoDateTime("expires_at", text, zone);
  }

  private async flush(profileId: string): Promise<void> {
    await this.ledger.stub(profileId).flush();
  }

  // ── rewards ──────────────────────────────────────────────────────────────────────────────────

  async createReward(input: OmneoRewardInput, actor: Actor, idempotencyKey?: string | null) {
    const zone = await this.zoneOf(input);
    if (input.value_remaining !== undefined && input.value_remaining !== (input.value_initial ?? input.value_remaining)) {
      throw DomainError.field("value_remaining", "value_remaining must equal value_initial: a new reward has spent nothing");
    }
    const issuedAt = this.issuedAt(input, zone);
    const value = input.value_initial ?? input.value_remaining;
    const reward = await this.ledger.issueReward(
      input.profile_id,
      { reward_definition_id: input.reward_definition_id, value: value ?? null, expires_at: this.expiresAt(input.expires_at, zone) ?? null, issued_at: issuedAt ?? null, reason: API_REASON },
      actor,
      this.key(idempotencyKey, input.external_id),
    );
    await this.lists.saveOmneoFields("reward", reward.id, input.profile_id, { externalId: input.external_id ?? null, timezone: input.timezone ? zone : null }, this.clock.now());
    await this.flush(input.profile_id);
    return this.rewardView(input.profile_id, reward);
  }

  /** Omneo's PUT /rewards/{id}: values (dollars) and expiry as sent, external_id and timezone kept beside. */
  async updateReward(id: string, input: OmneoRewardUpdate, actor: Actor) {
    const { profileId } = await this.findReward(id);
    const zone = input.timezone ? await this.zoneOf(input) : ((await this.lists.omneoFields([id])).get(id)?.timezone ?? (await this.timezone()));
    const expires = this.expiresAt(input.expires_at, zone);
    let reward: RewardView | undefined;
    if (input.value_initial !== undefined || input.value_remaining !== undefined || expires !== undefined) {
      reward = await this.ledger.amendReward(profileId, id, { value_initial: input.value_initial, value_remaining: input.value_remaining, expires_at: expires, reason: "Updated over the API" }, actor);
    }
    if (input.external_id !== undefined || input.timezone) {
      await this.lists.saveOmneoFields("reward", id, profileId, { ...(input.external_id !== undefined ? { externalId: input.external_id } : {}), ...(input.timezone ? { timezone: zone } : {}) }, this.clock.now());
    }
    await this.flush(profileId);
    return this.rewardView(profileId, reward ?? (await this.findReward(id)).reward);
  }

  /** A reward by its id alone; a deleted (void) one is gone, as in Omneo. */
  async reward(id: string) {
    const { profileId, reward } = await this.findReward(id);
    return this.rewardView(profileId, reward);
  }

  async deleteReward(id: string, actor: Actor): Promise<void> {
    const { profileId } = await this.findReward(id);
    await this.ledger.voidInstance(profileId, "reward", id, "Deleted over the API", actor);
  }

  private async findReward(id: string): Promise<{ profileId: string; reward: RewardView }> {
    const profileId = await this.lists.ownerOf("reward", id);
    const reward = profileId ? (await this.ledger.rewards(profileId)).find((r) => r.id === id) : undefined;
    if (!profileId || !reward || reward.status === "void") throw new DomainError("not_found", `No reward ${id}`);
    return { profileId, reward };
  }

  private async rewardView(profileId: string, reward: RewardView) {
    const [definition, timezone, fields] = await Promise.all([this.definitions.find("reward", reward.reward_definition_id), this.timezone(), this.lists.omneoFields([reward.id])]);
    const own = fields.get(reward.id);
    return omneoReward(profileId, reward, definition ?? null, own?.timezone ?? timezone, this.clock.now(), own?.externalId ?? null);
  }

  // ── benefits ─────────────────────────────────────────────────────────────────────────────────

  async createBenefit(input: OmneoBenefitInput, actor: Actor, idempotencyKey?: string | null) {
    const zone = await this.zoneOf(input);
    const issuedAt = this.issuedAt(input, zone);
    const benefit = await this.ledger.issueBenefit(
      input.profile_id,
      { benefit_definition_id: input.benefit_definition_id, reason: API_REASON, issued_at: issuedAt ?? null, expires_at: this.expiresAt(input.expires_at, zone) },
      actor,
      this.key(idempotencyKey, input.external_id),
    );
    await this.lists.saveOmneoFields("benefit", benefit.id, input.profile_id, { externalId: input.external_id ?? null, timezone: input.timezone ? zone : null }, this.clock.now());
    await this.flush(input.profile_id);
    return this.benefitView(input.profile_id, benefit);
  }

  /** Omneo's PUT /benefits/{id}: its expiry as sent (past or future), external_id and timezone kept beside. */
  async updateBenefit(id: string, input: OmneoBenefitUpdate, actor: Actor) {
    const found = await this.findBenefit(id);
    const zone = input.timezone ? await this.zoneOf(input) : await this.zoneOfInstance(id);
    const expires = this.expiresAt(input.expires_at, zone);
    let benefit: BenefitView | undefined;
    if (expires !== undefined) benefit = await this.ledger.amendBenefit(found.profileId, id, { expires_at: expires, reason: "Updated over the API" }, actor);
    if (input.external_id !== undefined || input.timezone) {
      await this.lists.saveOmneoFields("benefit", id, found.profileId, { ...(input.external_id !== undefined ? { externalId: input.external_id } : {}), ...(input.timezone ? { timezone: zone } : {}) }, this.clock.now());
    }
    await this.flush(found.profileId);
    return this.benefitView(found.profileId, benefit ?? (await this.findBenefit(id)).benefit);
  }

  /** The zone an instance's dates were given in (its own), else the brand's. */
  private async zoneOfInstance(id: string): Promise<string> {
    return (await this.lists.omneoFields([id])).get(id)?.timezone ?? this.timezone();
  }

  /** A benefit by its id; with `profileId`, only that profile's (404 for another's). */
  async benefit(id: string, profileId?: string) {
    const found = await this.findBenefit(id, profileId);
    return this.benefitView(found.profileId, found.benefit);
  }

  async deleteBenefit(id: string, actor: Actor, profileId?: string): Promise<void> {
    const found = await this.findBenefit(id, profileId);
    await this.ledger.voidInstance(found.profileId, "benefit", id, "Deleted over the API", actor);
  }

  private async findBenefit(id: string, profileId?: string): Promise<{ profileId: string; benefit: BenefitView }> {
    const owner = profileId ?? (await this.lists.ownerOf("benefit", id));
    const benefit = owner ? (await this.ledger.benefits(owner)).find((b) => b.id === id) : undefined;
    if (!owner || !benefit || benefit.status === "void") throw new DomainError("not_found", profileId ? `Profile ${profileId} has no benefit ${id}` : `No benefit ${id}`);
    return { profileId: owner, benefit };
  }

  /**
   * Omneo's extend of some of a profile's benefits: to `extend_date` (read in each one's zone), or by
   * `extend_days` after its current expiry; also one already past its expiry (it is active again when the
   * new date is ahead). Every id is checked first (the profile's, not deleted or used up, extendable, not
   * extended before, and for days an expiry to count from), so a refused request extends none.
   */
  async extendBenefits(input: { profile_id: string; ids: string[]; extend_days?: number; extend_date?: string }, actor: Actor) {
    const benefits = await this.ledger.benefits(input.profile_id);
    const ids = [...new Set(input.ids)];
    const plans: Array<{ id: string; expires: Date }> = [];
    for (const [i, id] of input.ids.entries()) {
      const b = benefits.find((x) => x.id === id && x.status !== "void");
      if (!b) throw DomainError.field(`ids.${i}`, `Profile ${input.profile_id} has no benefit ${id}`);
      const why =
        b.status === "redeemed" ? "is redeemed" : !b.is_extendable ? "has a definition that does not allow extending" : b.extended_at ? "has already been extended once" : input.extend_date === undefined && !b.expires_at ? "never expires" : null;
      if (why) throw new DomainError("conflict", `Benefit ${id} ${why}`, { errors: { [`ids.${i}`]: [`Benefit ${id} ${why}`] } });
      if (!ids.includes(id) || plans.some((p) => p.id === id)) continue;
      const zone = await this.zoneOfInstance(id);
      const expires = input.extend_date !== undefined ? readOmneoDateTime("extend_date", input.extend_date, zone) : addDays(new Date(b.expires_at!), input.extend_days!, zone);
      plans.push({ id, expires });
    }
    const out: BenefitView[] = [];
    for (const p of plans) out.push(await this.ledger.amendBenefit(input.profile_id, p.id, { expires_at: p.expires, extended: true, reason: `Extended over the API to ${p.expires.toISOString()}` }, actor));
    await this.flush(input.profile_id);
    return Promise.all(out.map((b) => this.benefitView(input.profile_id, b)));
  }

  async benefitCount(): Promise<{ countAll: number; countRedeemed: number }> {
    const { all, redeemed } = await this.lists.benefitCounts();
    return { countAll: all, countRedeemed: redeemed };
  }

  private async benefitView(profileId: string, benefit: BenefitView) {
    const [definition, timezone, fields] = await Promise.all([this.definitions.find("benefit", benefit.benefit_definition_id), this.timezone(), this.lists.omneoFields([benefit.id])]);
    const own = fields.get(benefit.id);
    return omneoBenefit(profileId, benefit, definition ?? null, own?.timezone ?? timezone, this.clock.now(), own?.externalId ?? null);
  }

  // ── points ───────────────────────────────────────────────────────────────────────────────────

  async createPoints(input: OmneoPointsInput, actor: Actor, idempotencyKey?: string | null) {
    const zone = await this.zoneOf(input);
    // points are awarded now: an issued_at other than now is refused, not silently moved
    if (input.issued_at && Math.abs(readOmneoDateTime("issued_at", input.issued_at, zone).getTime() - this.clock.now().getTime()) > ISSUED_AT_SKEW_MS) {
      throw DomainError.field("issued_at", "issued_at must be now (within 5 minutes) or omitted: points are awarded at the moment they are asked for");
    }
    if (input.value_remaining !== undefined && input.value_remaining !== input.value_initial) {
      throw DomainError.field("value_remaining", "value_remaining must equal value_initial: new points have spent nothing");
    }
    const lot = await this.ledger.issuePoints(input.profile_id, { point_definition_id: input.point_definition_id, value: input.value_initial, reason: input.description ?? API_REASON }, actor, idempotencyKey);
    await this.flush(input.profile_id);
    return this.pointAward(lot.id);
  }

  /** A points award as GET /points lists it. */
  async pointAward(id: string) {
    const row = await this.lists.pointAward(id);
    if (!row) throw new DomainError("not_found", `No points award ${id}`);
    return serializePointAward(row);
  }

  // ── a profile's combined redeem and tiers ────────────────────────────────────────────────────

  /** Omneo's redeem of an amount from the combined balance: rewards first (nearest expiry), then reward points. */
  async redeem(profileId: string, input: { amount: number; transaction_external_id?: string | null }, actor: Actor, idempotencyKey?: string | null) {
    const { redemption, balances } = await this.ledger.redeem(profileId, { strategy: "rewards_points", amount: input.amount, transaction_external_id: input.transaction_external_id ?? null }, actor, idempotencyKey);
    return { ...redemption, total: redemption.amount, total_localised: redemption.amount, balances, updated_at: redemption.created_at };
  }

  /** The profile's progress on each tier ladder, in Omneo's shape. */
  async tierProgress(profileId: string, views?: TierView[]) {
    const [tiers, ladders] = await Promise.all([views ?? this.ledger.tiers(profileId), this.definitions.list("tier", {}, { number: 1, size: 200 })]);
    return tiers.map((v) => omneoTierProgress(profileId, v, ladders.rows.filter((t) => t.pointDefinitionId === v.point_definition_id)));
  }

  /**
   * Omneo's tiers/calculate: the ledger first attains what the rolling totals already reach (a live member
   * who never earned joins a tier that starts at 0), then answers the ladder where the member holds a tier,
   * else the first; 404 when no ladder is defined.
   */
  async calculateTier(profileId: string) {
    const profile = await this.profiles.require(profileId);
    let views: TierView[] | undefined;
    if (profile.type !== "deleted") {
      const config = await this.definitions.engineConfig();
      views = unwrapLedger(await this.ledger.stub(profileId).calculateTiers({ profileId, config }));
    }
    const progress = await this.tierProgress(profileId, views);
    const pick = progress.find((p) => p.current_tier) ?? progress[0];
    if (!pick) throw new DomainError("not_found", "No tier ladder is defined");
    return pick;
  }

  /** Assigns the live tier with this handle by hand (audited by the ledger service); answers that ladder's progress. */
  async assignTier(profileId: string, handle: string, actor: Actor) {
    const { rows } = await this.definitions.list("tier", { handle }, { number: 1, size: 1 });
    const tier = rows[0];
    if (!tier) throw DomainError.field("tier", `No live tier definition with handle ${handle}`);
    await this.ledger.assignTier(profileId, { tier_definition_id: tier.id, reason: "Assigned over the API" }, actor);
    const progress = await this.tierProgress(profileId);
    return progress.find((p) => p.point_definition_id === tier.pointDefinitionId)!;
  }
}
