// Runs reactions: for an event, each active trigger on its type builds the context, evaluates its
// filters and dynamic arguments, and runs its actions through the ledger and profile services as a
// reaction actor. A run's id is (event, trigger) and each action's ledger idempotency key is (run,
// action), so a redelivered event or a retried run issues nothing twice. Events beyond causation
// depth 5 start no runs: the stop is recorded instead. Dry runs share the same path with no writes.
import { and, count, desc, eq, lt, sql, type SQL } from "drizzle-orm";
import { events, reactionRuns, type ActionOutcome, type StoredAction } from "../../db/schema";
import { reactionActor, type Actor } from "../access/actor";
import { CalculateEarnInput } from "../incentives/definitions.schema";
import { DomainError, isDomainError } from "../platform/errors";
import type { DomainEvent } from "../platform/outbox";
import { pageOffset, type PageRequest } from "../platform/pagination";
import { buildReactionContext, type ContextBuilder, type EventContext, type ReactionServices } from "./context";
import { actionKey, evaluateArguments, filterPasses, reactionDepth, reactionRunId, toCents, MAX_CAUSATION_DEPTH } from "./rules";
import type { TriggersService } from "./triggers.service";
import type { ReactionRunRow, TriggerRow } from "./views";

/** What sends an event context through a target (delivery's TargetsService.sendTarget, adapted by the composition root). */
export type TargetSender = (handle: string, context: EventContext, opts: { key: string; dryRun: boolean }) => Promise<unknown>;

/** A run still "running" after this long was left by a crashed worker and may be taken over. */
export const RUN_LEASE_MS = 5 * 60 * 1000;

export interface ActionPlan {
  action_id: string;
  type: string;
  name: string;
  outcome: string;
  arguments: Record<string, unknown>;
  passes?: boolean;
  error?: string;
}

export class ReactionRunner {
  constructor(
    /** the ledger, profiles and definitions it acts through, and the plumbing (all built before the runner) */
    private readonly s: ReactionServices,
    private readonly triggers: TriggersService,
    private readonly targetSender: TargetSender,
    private readonly buildContext: ContextBuilder = buildReactionContext,
  ) {}

  /** The EVENT_HANDLERS entry: every active trigger on the event's type, once per (event, trigger). */
  async onEvent(event: DomainEvent): Promise<number> {
    const found = await this.triggers.activeFor(event.type);
    if (!found.length) return 0;
    const { depth, allowed } = reactionDepth(event.causation);
    let context: EventContext | null = null;
    let ran = 0;
    for (const trigger of found) {
      const runId = reactionRunId(event.id, trigger.id);
      const claimed = await this.claimRun(runId, trigger, event, depth, allowed);
      if (!claimed) continue;
      if (!allowed) continue;
      context ??= await this.buildContext(this.s, event);
      await this.execute(claimed, trigger.actions, event, context);
      ran++;
    }
    return ran;
  }

  /** The run row to execute, or null when this (event, trigger) already ran to an end. */
  private async claimRun(runId: string, trigger: TriggerRow, event: DomainEvent, depth: number, allowed: boolean): Promise<ReactionRunRow | null> {
    const now = this.s.clock.now();
    const row: ReactionRunRow = {
      id: runId,
      triggerId: trigger.id,
      triggerName: trigger.name,
      eventId: event.id,
      eventType: event.type,
      profileId: event.profile_id,
      depth,
      status: allowed ? "running" : "stopped",
      outcomes: [],
      error: allowed ? null : `Stopped: causation depth ${depth} would exceed ${MAX_CAUSATION_DEPTH} (a loop between triggers?)`,
      attempts: 1,
      startedAt: now,
      finishedAt: allowed ? null : now,
    };
    const inserted = await this.s.db.insert(reactionRuns).values(row).onConflictDoNothing().returning({ id: reactionRuns.id });
    if (inserted.length) return row;
    // a redelivery: a run that ended stays ended; one still "running" is someone else's, unless it has
    // been so for longer than a lease (its worker crashed), when it is taken over and resumed
    const stale = new Date(now.getTime() - RUN_LEASE_MS);
    const taken = await this.s.db
      .update(reactionRuns)
      .set({ startedAt: now, attempts: sql`${reactionRuns.attempts} + 1` })
      .where(and(eq(reactionRuns.id, runId), eq(reactionRuns.status, "running"), lt(reactionRuns.startedAt, stale)))
      .returning();
    return taken[0] ?? null;
  }

  /** Runs a chain and records each action's outcome; actions that already succeeded are not run again. */
  private async execute(run: ReactionRunRow, actions: readonly StoredAction[], event: DomainEvent, context: EventContext): Promise<ReactionRunRow> {
    const actor = reactionActor(run.triggerId, run.triggerName, { eventId: event.id, depth: run.depth, ...(event.causation?.namespace ? { namespace: event.causation.namespace } : {}) });
    const previous = new Map(run.outcomes.map((o) => [o.action_id, o]));
    const outcomes: ActionOutcome[] = [];
    let status: ReactionRunRow["status"] = "succeeded";
    for (const action of actions) {
      const before = previous.get(action.id);
      if (before && (before.status === "succeeded" || before.status === "passed")) {
        outcomes.push(before);
        continue;
      }
      if (action.type === "filter") {
        const passes = filterPasses(action, context);
        outcomes.push({ action_id: action.id, type: action.type, name: action.name, status: passes ? "passed" : "stopped" });
        if (!passes) {
          status = "filtered";
          break;
        }
        continue;
      }
      try {
        const args = evaluateArguments(action, context);
        const result = await this.perform(action, args, actor, actionKey(run.id, action.id), context);
        outcomes.push({ action_id: action.id, type: action.type, name: action.name, status: result.status, result: result.value, error: result.error ?? null });
        if (result.status === "unavailable") status = status === "succeeded" ? "failed" : status;
      } catch (err) {
        if (!isDomainError(err)) console.error("reactions: action failed", action.type, run.id, err);
        outcomes.push({ action_id: action.id, type: action.type, name: action.name, status: "failed", error: describeError(err) });
        status = "failed";
      }
    }
    const done: ReactionRunRow = { ...run, outcomes, status, error: status === "failed" ? outcomes.find((o) => o.status === "failed" || o.status === "unavailable")?.error ?? null : null, finishedAt: this.s.clock.now() };
    await this.s.db.update(reactionRuns).set({ outcomes, status, error: done.error, finishedAt: done.finishedAt, attempts: run.attempts }).where(eq(reactionRuns.id, run.id));
    return done;
  }

  /** One action, for real. Arguments were validated at save; values that came out of the context are checked here. */
  async perform(action: StoredAction, args: Record<string, unknown>, actor: Actor, key: string, context: EventContext): Promise<{ status: ActionOutcome["status"]; value?: unknown; error?: string }> {
    const s = this.s;
    const reason = typeof args.reason === "string" && args.reason ? args.reason : `reaction: ${actor.label.replace(/^system: reaction /, "")}`;
    if (action.type === "target.send") {
      const handle = String(args.target ?? "");
      return { status: "succeeded", value: await this.targetSender(handle, context, { key, dryRun: false }) };
    }
    const profileId = requireString(args.profile_id, "profile_id");
    switch (action.type) {
      case "reward.create": {
        const id = await this.definitionId("reward", args.definition);
        const r = await s.ledger.issueReward(profileId, { reward_definition_id: id, value: toCents(args.value), expires_at: args.expires_at ? new Date(String(args.expires_at)) : null, reason }, actor, key);
        return { status: "succeeded", value: { reward_id: r.id } };
      }
      case "points.award": {
        const id = await this.definitionId("point", args.definition);
        let points: number;
        let rate: { rate_id: string; spend: number } | null = null;
        if (args.spend !== undefined && args.spend !== null) {
          const earned = await this.throughRates(profileId, id, args.spend, args.location_id);
          // no live rate matches this profile (or it gives 0 points): nothing to award, and that is not a failure
          if (!earned || earned.points <= 0) return { status: "skipped", value: { points: 0, spend: args.spend, rate_id: earned?.rate_id ?? null } };
          points = earned.points;
          rate = { rate_id: earned.rate_id, spend: earned.eligible_spend };
        } else {
          points = Number(args.points);
          if (!Number.isInteger(points) || points <= 0) throw DomainError.field("points", `points must be a whole number greater than 0 (got ${JSON.stringify(args.points)})`);
        }
        const lot = await s.ledger.issuePoints(profileId, { point_definition_id: id, value: points, reason }, actor, key);
        return { status: "succeeded", value: { lot_id: lot.id, points, ...(rate ?? {}) } };
      }
      case "benefit.create": {
        const id = await this.definitionId("benefit", args.definition);
        const b = await s.ledger.issueBenefit(profileId, { benefit_definition_id: id, reason }, actor, key);
        return { status: "succeeded", value: { benefit_id: b.id } };
      }
      case "benefit.redeem": {
        const b = await s.ledger.redeemBenefit(profileId, requireString(args.benefit_id, "benefit_id"), {}, actor, key);
        return { status: "succeeded", value: { benefit_id: b.id } };
      }
      case "tier.assign": {
        const id = await this.definitionId("tier", args.tier);
        await s.ledger.assignTier(profileId, { tier_definition_id: id, reason }, actor, key);
        return { status: "succeeded", value: { tier_definition_id: id } };
      }
      case "achievement.progress": {
        const id = await this.definitionId("achievement", args.definition);
        const n = args.count === undefined ? 1 : Number(args.count);
        if (!Number.isInteger(n) || n <= 0) throw DomainError.field("count", `count must be a whole number greater than 0 (got ${JSON.stringify(args.count)})`);
        await s.ledger.progressAchievement(profileId, { achievement_definition_id: id, count: n, reason }, actor, key);
        return { status: "succeeded", value: { achievement_definition_id: id, count: n } };
      }
      case "profile.tag": {
        const tag = requireString(args.tag, "tag");
        const profile = await s.profiles.require(profileId);
        const tags = profile.tags ?? [];
        const remove = args.remove === true;
        // already so: nothing to write (and no profile.updated to set off another trigger)
        if (remove ? !tags.includes(tag) : tags.includes(tag)) return { status: "skipped", value: { tag, unchanged: true } };
        await s.profiles.update(profileId, { tags: remove ? tags.filter((t) => t !== tag) : [...tags, tag] } as Parameters<ReactionServices["profiles"]["update"]>[1], actor);
        return { status: "succeeded", value: { tag, removed: remove } };
      }
      default:
        throw new DomainError("validation_failed", `Unknown action "${action.type}"`);
    }
  }

  private async definitionId(kind: Parameters<TriggersService["resolveDefinition"]>[0], ref: unknown): Promise<string> {
    const r = requireString(ref, kind === "tier" ? "tier" : "definition");
    const id = await this.triggers.resolveDefinition(kind, r);
    if (!id) throw DomainError.field(kind === "tier" ? "tier" : "definition", `No live ${kind} definition with handle or id "${r}"`);
    return id;
  }

  /** What a chain would do for an event: filters evaluated, arguments resolved, nothing written. */
  async plan(actions: readonly StoredAction[], context: EventContext): Promise<{ would_run: boolean; stopped_by: string | null; actions: ActionPlan[] }> {
    const out: ActionPlan[] = [];
    let stoppedBy: string | null = null;
    for (const action of actions) {
      if (stoppedBy) {
        out.push({ action_id: action.id, type: action.type, name: action.name, outcome: "not reached: a filter stopped the chain", arguments: {} });
        continue;
      }
      if (action.type === "filter") {
        const passes = filterPasses(action, context);
        out.push({ action_id: action.id, type: action.type, name: action.name, outcome: passes ? "passes" : "stops the chain", passes, arguments: { condition: action.arguments.find((a) => a.name === "condition")?.value } });
        if (!passes) stoppedBy = action.id;
        continue;
      }
      let args: Record<string, unknown> = {};
      try {
        args = evaluateArguments(action, context);
        out.push({ action_id: action.id, type: action.type, name: action.name, outcome: await this.describe(action, args), arguments: args });
      } catch (err) {
        out.push({ action_id: action.id, type: action.type, name: action.name, outcome: "would fail", arguments: args, error: describeError(err) });
      }
    }
    return { would_run: stoppedBy === null, stopped_by: stoppedBy, actions: out };
  }

  /** What `spend` dollars earn for a profile in one points definition under the live earn rates (the ledger's calculateEarn); null when no rate matches. */
  private async throughRates(profileId: string, definitionId: string, spend: unknown, locationId: unknown) {
    const parsed = CalculateEarnInput.safeParse({ transaction: { total: typeof spend === "string" ? Number(spend) : spend, ...(typeof locationId === "string" && locationId ? { location_id: locationId } : {}) }, profile_id: profileId });
    if (!parsed.success) throw DomainError.field("spend", `spend must be an amount in dollars (got ${JSON.stringify(spend)})`);
    if (parsed.data.transaction.total <= 0) throw DomainError.field("spend", `spend must be greater than 0 (got ${JSON.stringify(spend)})`);
    const results = await this.s.definitions.calculate(parsed.data);
    return results.find((r) => r.point_definition_id === definitionId) ?? null;
  }

  /** A sentence saying what an action would do with these arguments (checks definitions and the profile). */
  private async describe(action: StoredAction, args: Record<string, unknown>): Promise<string> {
    if (action.type === "target.send") return `would send through target "${String(args.target)}"`;
    const profileId = requireString(args.profile_id, "profile_id");
    const profile = await this.s.profiles.find(profileId);
    if (!profile || profile.type === "deleted") throw DomainError.field("profile_id", `No live profile ${profileId}`);
    switch (action.type) {
      case "reward.create":
        await this.definitionId("reward", args.definition);
        return `would issue a "${String(args.definition)}" reward${args.value ? ` of $${String(args.value)}` : ""} to ${profileId}`;
      case "points.award": {
        const id = await this.definitionId("point", args.definition);
        if (args.spend === undefined || args.spend === null) return `would award ${String(args.points)} "${String(args.definition)}" points to ${profileId}`;
        const earned = await this.throughRates(profileId, id, args.spend, args.location_id);
        return earned && earned.points > 0
          ? `would award ${earned.points} "${String(args.definition)}" points to ${profileId} ($${String(args.spend)} through rate ${earned.rate_id})`
          : `would award nothing: no live "${String(args.definition)}" rate gives $${String(args.spend)} any points for ${profileId}`;
      }
      case "benefit.create":
        await this.definitionId("benefit", args.definition);
        return `would issue a "${String(args.definition)}" benefit to ${profileId}`;
      case "benefit.redeem":
        return `would redeem benefit ${String(args.benefit_id)} of ${profileId}`;
      case "tier.assign":
        await this.definitionId("tier", args.tier);
        return `would assign tier "${String(args.tier)}" to ${profileId}`;
      case "achievement.progress":
        await this.definitionId("achievement", args.definition);
        return `would count ${String(args.count ?? 1)} toward "${String(args.definition)}" for ${profileId}`;
      case "profile.tag":
        return `would ${args.remove === true ? "remove" : "add"} the tag "${String(args.tag)}" ${args.remove === true ? "from" : "to"} ${profileId}`;
      default:
        return "unknown action";
    }
  }

  /** A dry run of a trigger (saved or not) over a stored or pasted event. */
  async dryRun(actions: readonly StoredAction[], event: DomainEvent) {
    const context = await this.buildContext(this.s, event);
    const plan = await this.plan(actions, context);
    return { event: { id: event.id, type: event.type, profile_id: event.profile_id }, context, ...plan };
  }

  async eventById(id: string): Promise<DomainEvent> {
    const row = await this.s.db.query.events.findFirst({ where: eq(events.id, id) });
    if (!row) throw DomainError.field("event_id", `No event ${id}`);
    return { id: row.id, type: row.type, occurred_at: row.occurredAt.toISOString(), profile_id: row.profileId, data: row.data, causation: row.causation };
  }

  // ── history ──────────────────────────────────────────────────────────────────────────────────

  async history(filter: { triggerId?: string; status?: ReactionRunRow["status"]; eventId?: string; profileId?: string }, page: PageRequest) {
    const conds: SQL[] = [];
    if (filter.triggerId) conds.push(eq(reactionRuns.triggerId, filter.triggerId));
    if (filter.status) conds.push(eq(reactionRuns.status, filter.status));
    if (filter.eventId) conds.push(eq(reactionRuns.eventId, filter.eventId));
    if (filter.profileId) conds.push(eq(reactionRuns.profileId, filter.profileId));
    const where = conds.length ? and(...conds) : undefined;
    const [rows, [total]] = await this.s.db.batch([
      this.s.db.select().from(reactionRuns).where(where).orderBy(desc(reactionRuns.startedAt)).limit(page.size).offset(pageOffset(page)),
      this.s.db.select({ n: count() }).from(reactionRuns).where(where),
    ]);
    return { rows, total: total?.n ?? 0 };
  }

  async run(id: string): Promise<ReactionRunRow> {
    const row = await this.s.db.query.reactionRuns.findFirst({ where: eq(reactionRuns.id, id) });
    if (!row) throw new DomainError("not_found", `No action history ${id}`);
    return row;
  }

  /** Runs a failed run again with the trigger's current actions; what already succeeded is kept, not redone. */
  async retry(id: string, actor: Actor): Promise<ReactionRunRow> {
    const run = await this.run(id);
    if (run.status !== "failed") throw new DomainError("conflict", `Only a failed run can be retried; this one is ${run.status}`);
    const trigger = await this.triggers.get(run.triggerId);
    const event = await this.eventById(run.eventId).catch(() => {
      throw new DomainError("conflict", `The event ${run.eventId} of this run is no longer stored`);
    });
    const claimed = await this.s.db
      .update(reactionRuns)
      .set({ status: "running", attempts: run.attempts + 1 })
      .where(and(eq(reactionRuns.id, id), eq(reactionRuns.status, "failed")))
      .returning({ id: reactionRuns.id });
    if (!claimed.length) throw new DomainError("conflict", "This run is being retried already");
    await this.s.audit.record(actor, { action: "action_history.retried", entityType: "reaction_run", entityId: id });
    const context = await this.buildContext(this.s, event);
    return this.execute({ ...run, status: "running", attempts: run.attempts + 1 }, trigger.actions, event, context);
  }

  async eventOf(run: ReactionRunRow) {
    return (await this.s.db.query.events.findFirst({ where: eq(events.id, run.eventId) })) ?? null;
  }
}

function requireString(v: unknown, field: string): string {
  if (typeof v === "string" && v.trim()) return v.trim();
  if (typeof v === "number") return String(v);
  throw DomainError.field(field, `${field} came out as ${JSON.stringify(v) ?? "undefined"}, not a value`);
}

function describeError(err: unknown): string {
  if (isDomainError(err)) {
    const fields = err.errors ? Object.entries(err.errors).map(([k, v]) => `${k}: ${v.join("; ")}`) : [];
    return fields.length ? `${err.message} (${fields.join(", ")})` : err.message;
  }
  return "An internal error (logged)";
}
