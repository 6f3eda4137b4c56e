// Scheduled automations: a query over profiles (conditions stored as data, turned into SQL here) and
// the actions to run for each match. A run's id is (automation, scheduled time), so a second cron or
// a second "run now" for the same time finds the run already there; profiles are paged ≤ 100 per
// queue message, and each profile's receipt is claimed before its actions run, so a redelivered page
// runs nothing twice. Action keys are (run, profile, action) in the ledger as well.
import { and, asc, count, desc, eq, gt, isNull, lte, ne, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client";
import { automationRunProfiles, automationRuns, automations, incentiveInstances, profileAggregations, profileIncentiveState, profiles, type StoredAction } from "../../db/schema";
import { reactionActor, type Actor } from "../access/actor";
import type { AuditService } from "../access/audit";
import { addDaysToDate, localDate, startOfLocalDay, zonedParts } from "../platform/time";
import type { Clock } from "../platform/clock";
import { newId } from "../platform/crypto";
import { DomainError, isDomainError, type FieldErrors } from "../platform/errors";
import type { DomainEvent } from "../platform/outbox";
import { pageOffset, type PageRequest } from "../platform/pagination";
import type { ContextBuilder, ReactionServices } from "./context";
import { AUTOMATION_TEMPLATES, evaluateArguments, filterPasses, type AutomationTemplate } from "./rules";

export { AUTOMATION_TEMPLATES, type AutomationTemplate };
import type { AutomationInput, AutomationUpdateInput, QueryCondition } from "./schema";
import { nextRunAt, scheduleErrors, type Schedule } from "./schedule";
import type { ReactionRunner } from "./runner";
import type { TriggersService } from "./triggers.service";
import { serializeAutomation, type AutomationRow, type AutomationRunRow } from "./views";

/** Profiles per queue message (and per page of a run). */
export const AUTOMATION_PAGE = 100;

export const AUTOMATION_PAGE_MESSAGE = "automation.page";
export interface AutomationPageMessage {
  kind: typeof AUTOMATION_PAGE_MESSAGE;
  run_id: string;
  /** the last profile id of the previous page */
  after: string | null;
}
export function isAutomationPageMessage(body: unknown): body is AutomationPageMessage {
  return !!body && typeof body === "object" && (body as AutomationPageMessage).kind === AUTOMATION_PAGE_MESSAGE && typeof (body as AutomationPageMessage).run_id === "string";
}

/** The run of an automation for one scheduled time: the same time always names the same run. */
export function automationRunId(automationId: string, scheduledFor: Date): string {
  return `${automationId}:${scheduledFor.getTime()}`;
}



/** How an automation runs an action: the reaction runner's, so triggers and automations act alike. */
export interface ActionPerformer {
  perform: ReactionRunner["perform"];
}

export class AutomationsService {
  constructor(
    /** the plumbing and the services its queries and actions go through (all built before it) */
    private readonly s: ReactionServices,
    private readonly performer: ActionPerformer,
    private readonly triggers: TriggersService,
    private readonly buildContext: ContextBuilder,
  ) {}
  private get db(): Db {
    return this.s.db;
  }
  private get clock(): Clock {
    return this.s.clock;
  }
  private get audit(): AuditService {
    return this.s.audit;
  }
  private get timezone(): string {
    return this.s.env.BRAND_TIMEZONE || "Australia/Sydney";
  }

  // ── CRUD ─────────────────────────────────────────────────────────────────────────────────────

  async list(filter: { active?: boolean }, page: PageRequest) {
    const where = filter.active === undefined ? undefined : eq(automations.isActive, filter.active);
    const [rows, [total]] = await this.db.batch([
      this.db.select().from(automations).where(where).orderBy(desc(automations.createdAt)).limit(page.size).offset(pageOffset(page)),
      this.db.select({ n: count() }).from(automations).where(where),
    ]);
    return { rows, total: total?.n ?? 0 };
  }

  async get(id: string): Promise<AutomationRow> {
    const row = await this.db.query.automations.findFirst({ where: eq(automations.id, id) });
    if (!row) throw new DomainError("not_found", `No automation ${id}`);
    return row;
  }

  /** Checks the schedule, the query's references and the actions; throws one 422 naming every field. */
  private async prepare(input: AutomationInput, keep: readonly StoredAction[]): Promise<{ actions: StoredAction[]; schedule: Schedule }> {
    const errors: FieldErrors = {};
    const schedule: Schedule = { type: input.type, frequency: input.frequency ?? null, slot: input.slot ?? null, cron: input.cron ?? null, date: input.date ?? null };
    for (const [k, v] of Object.entries(scheduleErrors(schedule, this.timezone))) errors[k] = v;
    for (const [i, c] of input.query.entries()) {
      if (c.type === "tier_is" && !(await this.triggers.resolveDefinition("tier", c.tier))) errors[`query.${i}.tier`] = [`No live tier definition with handle or id "${c.tier}"`];
      if (c.type === "spend_last_12_months_between" && c.max !== undefined && c.max < c.min) errors[`query.${i}.max`] = ["max must be at least min"];
    }
    const actions = await this.triggers.normalizeActions(input.actions ?? [], "actions", errors, keep);
    for (const [i, a] of actions.entries()) {
      if (a.type !== "filter" && a.type !== "target.send" && !a.arguments.some((x) => x.name === "profile_id")) (errors[`actions.${i}.arguments`] ??= []).push("profile_id is required");
    }
    if (Object.keys(errors).length) throw new DomainError("validation_failed", `Invalid automation: ${Object.keys(errors).join(", ")}`, { errors });
    return { actions, schedule };
  }

  async create(input: AutomationInput, actor: Actor, template: string | null = null): Promise<AutomationRow> {
    const { actions, schedule } = await this.prepare(input, []);
    const now = this.clock.now();
    const row: AutomationRow = {
      id: newId(),
      name: input.name,
      type: input.type,
      frequency: schedule.frequency,
      slot: schedule.slot,
      cron: schedule.cron,
      date: schedule.date,
      query: input.query,
      actions,
      description: input.description ?? null,
      notes: input.notes ?? null,
      template,
      isActive: input.is_active ?? false,
      runAt: nextRunAt(schedule, now, this.timezone),
      lastRunAt: null,
      createdAt: now,
      updatedAt: now,
    };
    await this.db.batch([this.db.insert(automations).values(row), this.audit.entry(actor, { action: "automation.created", entityType: "automation", entityId: row.id, newValues: serializeAutomation(row) })]);
    return row;
  }

  async update(id: string, input: AutomationUpdateInput, actor: Actor): Promise<AutomationRow> {
    const current = await this.get(id);
    const merged: AutomationInput = {
      name: input.name ?? current.name,
      type: input.type ?? current.type,
      frequency: input.frequency !== undefined ? input.frequency : current.frequency,
      slot: input.slot !== undefined ? input.slot : current.slot,
      cron: input.cron !== undefined ? input.cron : current.cron,
      date: input.date !== undefined ? input.date : current.date,
      query: (input.query ?? current.query) as QueryCondition[],
      actions: input.actions,
    };
    const { actions, schedule } = await this.prepare(merged, current.actions);
    const now = this.clock.now();
    const next: AutomationRow = {
      ...current,
      name: merged.name,
      type: merged.type,
      frequency: schedule.frequency,
      slot: schedule.slot,
      cron: schedule.cron,
      date: schedule.date,
      query: merged.query,
      actions: input.actions !== undefined ? actions : current.actions,
      description: input.description !== undefined ? input.description : current.description,
      notes: input.notes !== undefined ? input.notes : current.notes,
      isActive: input.is_active ?? current.isActive,
      runAt: nextRunAt(schedule, now, this.timezone, current.lastRunAt),
      updatedAt: now,
    };
    await this.db.batch([
      this.db.update(automations).set(next).where(eq(automations.id, id)),
      this.audit.entry(actor, { action: "automation.updated", entityType: "automation", entityId: id, oldValues: serializeAutomation(current), newValues: serializeAutomation(next) }),
    ]);
    return next;
  }

  async remove(id: string, actor: Actor): Promise<void> {
    const current = await this.get(id);
    await this.db.batch([this.db.delete(automations).where(eq(automations.id, id)), this.audit.entry(actor, { action: "automation.deleted", entityType: "automation", entityId: id, oldValues: serializeAutomation(current) })]);
  }

  /** A template switched on, naming the brand's definitions and target by handle. */
  async fromTemplate(template: AutomationTemplate, handles: { reward?: string; points?: string; target?: string }, actor: Actor, opts: { is_active?: boolean } = {}): Promise<AutomationRow> {
    const t = AUTOMATION_TEMPLATES[template];
    const input = {
      name: t.name,
      description: t.description,
      type: t.type,
      frequency: t.frequency,
      slot: t.slot,
      query: t.query as unknown as QueryCondition[],
      actions: t.actions(handles).map((a) => ({ ...a, arguments: a.arguments.map((x) => ({ ...x, is_dynamic: x.is_dynamic ?? false })) })),
      is_active: opts.is_active ?? true,
    } as AutomationInput;
    return this.create(input, actor, template);
  }

  // ── the query ────────────────────────────────────────────────────────────────────────────────

  /** The WHERE of a query at a moment, read in the brand's time zone. Live profiles only. */
  async where(query: readonly QueryCondition[], now: Date): Promise<SQL> {
    const tz = this.timezone;
    const today = zonedParts(now, tz);
    const conds: SQL[] = [ne(profiles.type, "deleted"), isNull(profiles.deletedAt)];
    for (const c of query) {
      switch (c.type) {
        case "birthday_today":
          conds.push(and(eq(profiles.birthDay, today.day), eq(profiles.birthMonth, today.month))!);
          break;
        case "joined_days_ago": {
          const day = addDaysToDate({ year: today.year, month: today.month, day: today.day }, -c.days);
          const start = startOfLocalDay(day, tz);
          const end = startOfLocalDay(addDaysToDate(day, 1), tz);
          conds.push(sql`${profiles.joinedAt} >= ${start.getTime()} and ${profiles.joinedAt} < ${end.getTime()}`);
          break;
        }
        case "no_purchase_in_days": {
          // bought before, and not since the cutoff day
          const cutoff = localDate(new Date(now.getTime() - c.days * 86_400_000), tz);
          conds.push(sql`exists (select 1 from ${profileAggregations} a where a.profile_id = ${profiles.id} and a.latest_shop_date is not null and a.latest_shop_date <= ${cutoff})`);
          break;
        }
        case "tier_is": {
          const tierId = (await this.triggers.resolveDefinition("tier", c.tier)) ?? c.tier;
          conds.push(sql`exists (select 1 from ${profileIncentiveState} s, json_each(s.tiers) j where s.profile_id = ${profiles.id} and j.value = ${tierId})`);
          break;
        }
        case "has_tag":
          conds.push(sql`exists (select 1 from json_each(${profiles.tags}) j where j.value = ${c.tag})`);
          break;
        case "spend_last_12_months_between": {
          const min = Math.round(c.min * 100);
          const max = c.max === undefined ? null : Math.round(c.max * 100);
          conds.push(sql`exists (select 1 from ${profileAggregations} a where a.profile_id = ${profiles.id} and a.spend_12m >= ${min}${max === null ? sql`` : sql` and a.spend_12m <= ${max}`})`);
          break;
        }
        case "reward_expiring_within_days": {
          const until = now.getTime() + c.days * 86_400_000;
          conds.push(
            sql`exists (select 1 from ${incentiveInstances} i where i.profile_id = ${profiles.id} and i.kind = 'reward' and i.status = 'active' and i.expires_at > ${now.getTime()} and i.expires_at <= ${until})`,
          );
          break;
        }
        case "points_expiring_within_days": {
          // the earliest expiry of points still held, projected by the profile's ledger DO (lots live only there)
          const until = now.getTime() + c.days * 86_400_000;
          conds.push(
            sql`exists (select 1 from ${profileIncentiveState} s where s.profile_id = ${profiles.id} and s.next_points_expiry_at > ${now.getTime()} and s.next_points_expiry_at <= ${until})`,
          );
          break;
        }
        case "attribute_equals":
          conds.push(
            sql`exists (select 1 from json_each(${profiles.customAttributes}) j where json_extract(j.value, '$.handle') = ${c.handle} and json_extract(j.value, '$.value') = ${typeof c.value === "boolean" ? (c.value ? 1 : 0) : c.value})`,
          );
          break;
      }
    }
    return and(...conds)!;
  }

  /** Matching profile ids after `after`, by id: one page. */
  async matchPage(query: readonly QueryCondition[], now: Date, after: string | null, limit = AUTOMATION_PAGE): Promise<string[]> {
    const where = await this.where(query, now);
    const rows = await this.db
      .select({ id: profiles.id })
      .from(profiles)
      .where(after ? and(where, gt(profiles.id, after)) : where)
      .orderBy(asc(profiles.id))
      .limit(limit);
    return rows.map((r) => r.id);
  }

  /** POST /automations/queries/samples: the first matching profiles and how many match. */
  async samples(query: readonly QueryCondition[], limit = 10) {
    const now = this.clock.now();
    const where = await this.where(query, now);
    const [rows, [total]] = await this.db.batch([
      this.db.select({ id: profiles.id, first_name: profiles.firstName, last_name: profiles.lastName, email: profiles.email }).from(profiles).where(where).orderBy(asc(profiles.id)).limit(limit),
      this.db.select({ n: count() }).from(profiles).where(where),
    ]);
    return { count: total?.n ?? 0, profiles: rows };
  }

  // ── runs ─────────────────────────────────────────────────────────────────────────────────────

  /** The cron: every active automation that is due starts its run (once per scheduled time). */
  async startDue(limit = 20): Promise<number> {
    const now = this.clock.now();
    const due = await this.db
      .select()
      .from(automations)
      .where(and(eq(automations.isActive, true), lte(automations.runAt, now)))
      .limit(limit);
    let started = 0;
    for (const a of due) if ((await this.start(a, a.runAt!)).created) started++;
    return started;
  }

  /**
   * Starts the run of an automation for `scheduledFor`. A run for that time that exists already is
   * returned as it is (the cron fired twice, or "run now" was pressed twice): nothing runs again.
   */
  async start(a: AutomationRow, scheduledFor: Date, opts: { enqueue?: boolean } = {}): Promise<{ run: AutomationRunRow; created: boolean }> {
    const now = this.clock.now();
    const run: AutomationRunRow = {
      id: automationRunId(a.id, scheduledFor),
      automationId: a.id,
      scheduledFor,
      status: "running",
      matched: 0,
      succeeded: 0,
      failed: 0,
      startedAt: now,
      finishedAt: null,
      durationMs: null,
    };
    const inserted = await this.db.insert(automationRuns).values(run).onConflictDoNothing().returning({ id: automationRuns.id });
    // the schedule moves past this time either way, so a due automation is not picked up again
    const schedule: Schedule = { type: a.type, frequency: a.frequency, slot: a.slot, cron: a.cron, date: a.date };
    const next = nextRunAt(schedule, new Date(Math.max(now.getTime(), scheduledFor.getTime())), this.timezone, scheduledFor);
    await this.db.update(automations).set({ lastRunAt: scheduledFor, runAt: next }).where(eq(automations.id, a.id));
    if (!inserted.length) return { run: (await this.runRow(run.id))!, created: false };
    if (opts.enqueue !== false) await this.s.env.EVENTS.send({ kind: AUTOMATION_PAGE_MESSAGE, run_id: run.id, after: null } satisfies AutomationPageMessage, { contentType: "json" });
    return { run, created: true };
  }

  private async runRow(id: string) {
    return this.db.query.automationRuns.findFirst({ where: eq(automationRuns.id, id) });
  }

  /**
   * One page of a run: each matching profile's receipt is claimed, then its actions run. Returns the
   * next page's message, or null when the run is complete (and sends it unless `enqueue` is false).
   */
  async processPage(msg: AutomationPageMessage, opts: { enqueue?: boolean } = {}): Promise<AutomationPageMessage | null> {
    const run = await this.runRow(msg.run_id);
    if (!run) return null;
    const automation = await this.db.query.automations.findFirst({ where: eq(automations.id, run.automationId) });
    if (!automation) return null;
    // the query is read at the scheduled time, so every page (and every redelivery) sees the same set
    const ids = await this.matchPage(automation.query as QueryCondition[], run.scheduledFor, msg.after);
    let matched = 0;
    let succeeded = 0;
    let failed = 0;
    for (const profileId of ids) {
      const claimed = await this.db
        .insert(automationRunProfiles)
        .values({ runId: run.id, profileId, status: "running", at: this.clock.now() })
        .onConflictDoNothing()
        .returning({ profileId: automationRunProfiles.profileId });
      if (!claimed.length) {
        // claimed before: only a run interrupted mid-profile ("running") is resumed; its keys make that safe
        const prior = await this.db.query.automationRunProfiles.findFirst({ where: and(eq(automationRunProfiles.runId, run.id), eq(automationRunProfiles.profileId, profileId)) });
        if (!prior || prior.status !== "running") continue;
      } else matched++;
      const error = await this.runFor(automation, run, profileId);
      await this.db
        .update(automationRunProfiles)
        .set({ status: error ? "failed" : "succeeded", error, at: this.clock.now() })
        .where(and(eq(automationRunProfiles.runId, run.id), eq(automationRunProfiles.profileId, profileId)));
      if (error) failed++;
      else succeeded++;
    }
    const done = ids.length < AUTOMATION_PAGE;
    const finished = this.clock.now();
    await this.db
      .update(automationRuns)
      .set({
        matched: sql`${automationRuns.matched} + ${matched}`,
        succeeded: sql`${automationRuns.succeeded} + ${succeeded}`,
        failed: sql`${automationRuns.failed} + ${failed}`,
        ...(done ? { status: "completed" as const, finishedAt: finished, durationMs: finished.getTime() - run.startedAt.getTime() } : {}),
      })
      .where(eq(automationRuns.id, run.id));
    if (done) return null;
    const next: AutomationPageMessage = { kind: AUTOMATION_PAGE_MESSAGE, run_id: run.id, after: ids.at(-1)! };
    if (opts.enqueue !== false) await this.s.env.EVENTS.send(next, { contentType: "json" });
    return next;
  }

  /** Runs every page of a run here and now (tests, and "run now" on a small brand without a queue). */
  async drain(runId: string): Promise<AutomationRunRow> {
    let msg: AutomationPageMessage | null = { kind: AUTOMATION_PAGE_MESSAGE, run_id: runId, after: null };
    while (msg) msg = await this.processPage(msg, { enqueue: false });
    return (await this.runRow(runId))!;
  }

  /** An automation's actions for one profile; the error message if one failed (filters may stop it). */
  private async runFor(a: AutomationRow, run: AutomationRunRow, profileId: string): Promise<string | null> {
    const event: DomainEvent = { id: run.id, type: "automation.run", occurred_at: run.scheduledFor.toISOString(), profile_id: profileId, data: { automation_id: a.id, automation: a.name }, causation: null };
    const actor = reactionActor(a.id, a.name, { eventId: run.id, depth: 1 });
    try {
      const context = await this.buildContext(this.s, event);
      for (const action of a.actions) {
        if (action.type === "filter") {
          if (!filterPasses(action, context)) return null;
          continue;
        }
        const r = await this.performer.perform(action, evaluateArguments(action, context), actor, `${run.id}:${profileId}:${action.id}`, context);
        if (r.status === "failed" || r.status === "unavailable") return r.error ?? `${action.type} failed`;
      }
      return null;
    } catch (err) {
      if (!isDomainError(err)) console.error("automations: action failed", a.id, profileId, err);
      return isDomainError(err) ? err.message : "An internal error (logged)";
    }
  }

  async runs(automationId: string, page: PageRequest) {
    const where = eq(automationRuns.automationId, automationId);
    const [rows, [total]] = await this.db.batch([
      this.db.select().from(automationRuns).where(where).orderBy(desc(automationRuns.startedAt)).limit(page.size).offset(pageOffset(page)),
      this.db.select({ n: count() }).from(automationRuns).where(where),
    ]);
    return { rows, total: total?.n ?? 0 };
  }

  /** POST /automations/{id}/trigger: runs it for `now` (default: this minute); inactive or undue needs force. */
  async trigger(id: string, input: { force?: boolean; now?: string }, actor: Actor): Promise<{ run: AutomationRunRow; created: boolean }> {
    const a = await this.get(id);
    if (!a.isActive && !input.force) throw new DomainError("conflict", "This automation is not active; send force: true to run it anyway");
    const at = input.now ? new Date(input.now) : new Date(Math.floor(this.clock.now().getTime() / 60_000) * 60_000);
    const result = await this.start(a, at);
    if (result.created) await this.audit.record(actor, { action: "automation.triggered", entityType: "automation", entityId: id, newValues: { run_id: result.run.id, scheduled_for: at.toISOString(), force: !!input.force } });
    return result;
  }
}
