// The checks of definition kinds that read D1: a tier ladder stays sound, an achievement's unlocks name
// live benefits at reachable levels, an earn rate's locations and points definition exist. Each fails
// with a 422 naming the fields, as the API and the console show it.
import { and, eq, inArray, isNull, or } from "drizzle-orm";
import type { Db } from "../../../db/client";
import { benefitDefinitions, locations, pointDefinitions, targets, tierDefinitions } from "../../../db/schema";
import { DomainError, type FieldErrors } from "../../platform/errors";
import { inList } from "../../platform/sql";
import type { EarnRateInput } from "../definitions.schema";
import type { AchievementLevels } from "../rules/achievements";
import type { Weekday } from "../../platform/time";
import { multiplierThousandths, rateErrors, type EarnRate } from "../rules/rates";
import { ladderErrors } from "../rules/tiers";
import { DEFINITION_LABELS, type PointDefinition, type TierDefinitionRow } from "../views";
import { toTierConfig } from "./engine";

export function fail(errors: FieldErrors, what: string): never {
  throw new DomainError("validation_failed", `Invalid ${what}: ${Object.keys(errors).join(", ")}`, { errors });
}

export const add = (errors: FieldErrors, field: string, message: string) => void (errors[field] ??= []).push(message);

export class DefinitionChecks {
  constructor(private readonly db: Db) {}

  /** A reward definition's issue/expiry/extend targets, given by id or handle, as target ids (null clears); each unknown one is named. */
  async rewardTargets(input: { issue_target_id?: string | null; expiry_target_id?: string | null; extend_target_id?: string | null }): Promise<{ issueTargetId?: string | null; expiryTargetId?: string | null; extendTargetId?: string | null }> {
    const fields = [["issue_target_id", "issueTargetId"], ["expiry_target_id", "expiryTargetId"], ["extend_target_id", "extendTargetId"]] as const;
    const given = fields.filter(([f]) => typeof input[f] === "string");
    const out: { issueTargetId?: string | null; expiryTargetId?: string | null; extendTargetId?: string | null } = {};
    for (const [f, col] of fields) if (input[f] === null) out[col] = null;
    if (!given.length) return out;
    const refs = [...new Set(given.map(([f]) => input[f] as string))];
    const rows = await this.db.select({ id: targets.id, handle: targets.handle }).from(targets).where(or(inList(targets.id, refs), inList(targets.handle, refs.map((r) => r.toLowerCase()))));
    const errors: FieldErrors = {};
    for (const [f, col] of given) {
      const ref = input[f] as string;
      const hit = rows.find((r) => r.id === ref) ?? rows.find((r) => r.handle === ref.toLowerCase());
      if (hit) out[col] = hit.id;
      else add(errors, f, `No target with id or handle "${ref}"`);
    }
    if (Object.keys(errors).length) fail(errors, "reward definition");
    return out;
  }

  /** Location ids or external ids → our ids; each unknown one is named. */
  private async resolveLocations(values: readonly string[] | null | undefined, errors: FieldErrors): Promise<string[] | null> {
    if (values === null || values === undefined) return null;
    if (!values.length) return [];
    const unique = [...new Set(values)];
    const rows = await this.db
      .select({ id: locations.id, externalId: locations.externalId })
      .from(locations)
      .where(or(inList(locations.id, unique), inList(locations.externalId, unique)));
    const ids: string[] = [];
    for (const v of unique) {
      const hit = rows.find((r) => r.id === v) ?? rows.find((r) => r.externalId === v);
      if (hit) ids.push(hit.id);
      else add(errors, "location_ids", `No location with id or external id "${v}"`);
    }
    return [...new Set(ids)];
  }

  private async livePointDefinition(id: string, field: string, errors: FieldErrors, kind?: PointDefinition["kind"]): Promise<PointDefinition | null> {
    const [d] = await this.db.select().from(pointDefinitions).where(eq(pointDefinitions.id, id)).limit(1);
    if (!d) add(errors, field, `No point definition with id ${id}`);
    else if (d.archivedAt) add(errors, field, `The point definition ${d.name} is archived`);
    else if (kind && d.kind !== kind) add(errors, field, `${d.name} is a ${d.kind} points definition; a tier ladder needs tier points`);
    else return d;
    return null;
  }

  /** Validate a whole rate (the merge of current and input on update) and return the columns to store. */
  async rateColumns(rate: Omit<EarnRateInput, "location_ids"> & { location_ids: readonly string[] | null }, checkDefinition: boolean) {
    const errors: FieldErrors = {};
    if (checkDefinition) await this.livePointDefinition(rate.point_definition_id, "point_definition_id", errors);
    const locationIds = await this.resolveLocations(rate.location_ids, errors);
    const milli = multiplierThousandths(rate.multiplier);
    if (milli === 0) add(errors, "multiplier", "multiplier must be more than 0");
    const earn: Partial<EarnRate> = {
      pointDefinitionId: rate.point_definition_id,
      multiplier: rate.multiplier,
      locationIds: locationIds ?? null,
      startsAt: rate.starts_at ? new Date(rate.starts_at) : null,
      endsAt: rate.ends_at ? new Date(rate.ends_at) : null,
      daysOfWeek: (rate.days_of_week ?? null) as Weekday[] | null,
      hours: rate.hours ?? null,
      timezone: rate.timezone ?? null,
      profileCondition: rate.profile_condition ?? null,
      productCondition: rate.product_condition ?? null,
      priority: rate.priority ?? 0,
    };
    for (const [field, messages] of Object.entries(rateErrors(earn))) {
      // an unknown location is already named; rateErrors would only add "must list at least one"
      if (field === "location_ids" && errors.location_ids) continue;
      for (const m of messages) add(errors, field, m);
    }
    if (Object.keys(errors).length) fail(errors, DEFINITION_LABELS.rate);
    return {
      pointDefinitionId: rate.point_definition_id,
      name: rate.name,
      multiplierMilli: milli!,
      locationIds: locationIds,
      startsAt: earn.startsAt ?? null,
      endsAt: earn.endsAt ?? null,
      daysOfWeek: rate.days_of_week ? [...new Set(rate.days_of_week)] : null,
      hours: rate.hours ?? null,
      timezone: rate.timezone ?? null,
      profileCondition: rate.profile_condition ?? null,
      productCondition: rate.product_condition ?? null,
      priority: rate.priority ?? 0,
      isActive: rate.is_active ?? true,
    };
  }

  /** The ladder a tier would join must stay sound (ladderErrors): each message is named by the field it is about. */
  async checkTier(tier: TierDefinitionRow, checkDefinition: boolean): Promise<void> {
    const errors: FieldErrors = {};
    if (checkDefinition) await this.livePointDefinition(tier.pointDefinitionId, "point_definition_id", errors, "tier");
    if (tier.valueMaintain > tier.valueMin) add(errors, "value_maintain", `value_maintain (${tier.valueMaintain}) may not be more than value_min (${tier.valueMin}): keeping a tier cannot ask more than reaching it`);
    if (!Object.keys(errors).length) {
      const others = await this.db
        .select()
        .from(tierDefinitions)
        .where(and(eq(tierDefinitions.pointDefinitionId, tier.pointDefinitionId), isNull(tierDefinitions.archivedAt)));
      const ladder = [...others.filter((t) => t.id !== tier.id), tier].map(toTierConfig);
      for (const message of ladderErrors(ladder)) {
        const field = message.includes("value_maintain") ? "value_maintain" : message.includes("value_min") ? "value_min" : "point_definition_id";
        add(errors, field, message);
      }
    }
    if (Object.keys(errors).length) fail(errors, DEFINITION_LABELS.tier);
  }

  async checkUnlocks(levels: AchievementLevels, unlocks: ReadonlyArray<{ level: number; benefit_definition_id: string }>): Promise<void> {
    const errors: FieldErrors = {};
    const ids = [...new Set(unlocks.map((u) => u.benefit_definition_id))];
    const benefits = ids.length ? await this.db.select().from(benefitDefinitions).where(inArray(benefitDefinitions.id, ids)) : [];
    unlocks.forEach((u, i) => {
      const b = benefits.find((x) => x.id === u.benefit_definition_id);
      if (!b) add(errors, `unlocks.${i}.benefit_definition_id`, `No benefit definition with id ${u.benefit_definition_id}`);
      else if (b.archivedAt) add(errors, `unlocks.${i}.benefit_definition_id`, `The benefit definition ${b.name} is archived`);
      const top = levels.kind === "on_off" ? 1 : levels.kind === "thresholds" ? levels.thresholds.length : Infinity;
      if (u.level > top) {
        add(errors, `unlocks.${i}.level`, levels.kind === "on_off" ? "an on/off achievement has only level 1" : `level ${u.level} cannot be reached: there are ${top} thresholds`);
      }
    });
    if (Object.keys(errors).length) fail(errors, DEFINITION_LABELS.achievement);
  }
}
