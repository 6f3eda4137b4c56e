// Triggers: an event type and the chain of actions it runs. Everything is validated before a save
// (event type, action names, JSON Logic, required arguments, definition handles), and a refused save
// writes nothing. Every change is audited.
import { and, count, desc, eq, like, or, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client";
import { achievementDefinitions, benefitDefinitions, pointDefinitions, rewardDefinitions, tierDefinitions, triggers, type StoredAction } from "../../db/schema";
import type { Actor } from "../access/actor";
import type { AuditService } from "../access/audit";
import type { Clock } from "../platform/clock";
import { newId } from "../platform/crypto";
import { DomainError, type FieldErrors } from "../platform/errors";
import { pageOffset, type PageRequest } from "../platform/pagination";
import { unknownEventTypeMessage } from "../events/catalogue";
import { EVENT_TYPES } from "./context";
import { ACTION_CATALOGUE, actionErrors, canonicalEventType, isActionType, type ArgumentSpec, type DefinitionRefKind } from "./rules";
import type { ActionInput, TriggerInput, TriggerUpdateInput } from "./schema";
import { serializeTrigger, type TriggerRow } from "./views";

const DEFINITION_TABLES = {
  reward: rewardDefinitions,
  point: pointDefinitions,
  benefit: benefitDefinitions,
  tier: tierDefinitions,
  achievement: achievementDefinitions,
} as const;

/** Event types a trigger may listen to: the catalogue, and Omneo's aliases of its names. */
export type EventTypeList = () => readonly string[];

/** Whether a target handle exists (delivery's TargetsService, adapted by the composition root). */
export type TargetExists = (handle: string) => Promise<boolean>;

export class TriggersService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly targetExists: TargetExists,
    private readonly eventTypes: EventTypeList = () => EVENT_TYPES,
  ) {}

  /** A live definition's id from its handle or id, or null. */
  async resolveDefinition(kind: DefinitionRefKind, ref: string): Promise<string | null> {
    const t = DEFINITION_TABLES[kind];
    const [row] = await this.db
      .select({ id: t.id, archivedAt: t.archivedAt })
      .from(t)
      .where(or(eq(t.id, ref), eq(t.handle, ref)))
      .limit(1);
    return row && !row.archivedAt ? row.id : null;
  }

  /** The event type to store for what a client sent, or a field error. */
  eventTypeError(type: string): string | null {
    const canonical = canonicalEventType(type);
    return this.eventTypes().includes(canonical) ? null : unknownEventTypeMessage(type);
  }

  /**
   * Actions as stored, validated: structure (rules.actionErrors) and, for static definition
   * arguments, that the definition exists and is live. Errors are keyed by `${prefix}.${i}.<path>`.
   */
  async normalizeActions(inputs: readonly ActionInput[], prefix: string, errors: FieldErrors, keep: readonly StoredAction[] = []): Promise<StoredAction[]> {
    const out: StoredAction[] = [];
    for (const [i, a] of inputs.entries()) {
      const type = (a.uuid ?? a.type ?? "").trim();
      const args = a.arguments.map((x) => ({ name: x.name, value: x.value, is_dynamic: x.is_dynamic }));
      const errs = actionErrors({ type, arguments: args });
      for (const [path, msgs] of Object.entries(errs)) (errors[`${prefix}.${i}.${path}`] ??= []).push(...msgs);
      if (isActionType(type) && !Object.keys(errs).length) {
        const specs = ACTION_CATALOGUE[type].arguments as readonly ArgumentSpec[];
        for (const [j, arg] of args.entries()) {
          const s = specs.find((x) => x.name === arg.name);
          if (s?.kind === "target" && !arg.is_dynamic && !(await this.targetExists(String(arg.value)))) {
            (errors[`${prefix}.${i}.arguments.${j}.value`] ??= []).push(`No target with handle "${String(arg.value)}"`);
          }
          if (!s || s.kind !== "definition" || arg.is_dynamic || !s.definition) continue;
          if (!(await this.resolveDefinition(s.definition, String(arg.value)))) {
            (errors[`${prefix}.${i}.arguments.${j}.value`] ??= []).push(`No live ${s.definition} definition with handle or id "${String(arg.value)}"`);
          }
        }
      }
      // an action keeps its id when re-sent with it, so its idempotency keys stay the same across edits
      const keptId = a.id !== undefined ? keep.find((k) => k.id === String(a.id))?.id : undefined;
      out.push({
        id: keptId ?? newId(),
        type,
        name: a.name?.trim() || type,
        sort_order: a.sort_order ?? i,
        description: a.description ?? null,
        notes: a.notes ?? null,
        arguments: args,
      });
    }
    return out.sort((x, y) => x.sort_order - y.sort_order);
  }

  async list(filter: { search?: string; name?: string; trigger?: string; active?: boolean }, page: PageRequest): Promise<{ rows: TriggerRow[]; total: number }> {
    const conds: SQL[] = [];
    if (filter.search) conds.push(like(triggers.name, `%${filter.search.slice(0, 40).replace(/[%_]/g, "")}%`));
    if (filter.name !== undefined) conds.push(eq(triggers.name, filter.name));
    if (filter.trigger) conds.push(eq(triggers.eventType, canonicalEventType(filter.trigger)));
    if (filter.active !== undefined) conds.push(eq(triggers.isActive, filter.active));
    const where = conds.length ? and(...conds) : undefined;
    const [rows, [total]] = await this.db.batch([
      this.db.select().from(triggers).where(where).orderBy(desc(triggers.createdAt)).limit(page.size).offset(pageOffset(page)),
      this.db.select({ n: count() }).from(triggers).where(where),
    ]);
    return { rows, total: total?.n ?? 0 };
  }

  async get(id: string): Promise<TriggerRow> {
    const row = await this.db.query.triggers.findFirst({ where: eq(triggers.id, id) });
    if (!row) throw new DomainError("not_found", `No trigger ${id}`);
    return row;
  }

  /** The active triggers of an event type (the runner's one query per event). */
  async activeFor(eventType: string): Promise<TriggerRow[]> {
    return this.db.select().from(triggers).where(and(eq(triggers.eventType, eventType), eq(triggers.isActive, true)));
  }

  /** Validates a trigger body without saving it (create, update and the unsaved dry run share it). */
  async prepare(input: TriggerInput, keep: readonly StoredAction[] = []): Promise<{ eventType: string; actions: StoredAction[] }> {
    const errors: FieldErrors = {};
    const typeError = this.eventTypeError(input.trigger);
    if (typeError) errors.trigger = [typeError];
    const actions = await this.normalizeActions(input.actions ?? [], "actions", errors, keep);
    if (Object.keys(errors).length) throw new DomainError("validation_failed", `Invalid trigger: ${Object.keys(errors).join(", ")}`, { errors });
    return { eventType: canonicalEventType(input.trigger), actions };
  }

  async create(input: TriggerInput, actor: Actor): Promise<TriggerRow> {
    const { eventType, actions } = await this.prepare(input);
    const now = this.clock.now();
    const row: TriggerRow = {
      id: newId(),
      name: input.name,
      eventType,
      description: input.description ?? null,
      notes: input.notes ?? null,
      isActive: input.is_active ?? false,
      actions,
      createdAt: now,
      updatedAt: now,
    };
    await this.db.batch([this.db.insert(triggers).values(row), this.audit.entry(actor, { action: "trigger.created", entityType: "trigger", entityId: row.id, newValues: serializeTrigger(row) })]);
    return row;
  }

  async update(id: string, input: TriggerUpdateInput, actor: Actor): Promise<TriggerRow> {
    const current = await this.get(id);
    const { eventType, actions } = await this.prepare(
      { name: input.name ?? current.name, trigger: input.trigger ?? current.eventType, actions: input.actions ?? [] },
      current.actions,
    );
    const next: TriggerRow = {
      ...current,
      name: input.name ?? current.name,
      eventType,
      description: input.description !== undefined ? input.description : current.description,
      notes: input.notes !== undefined ? input.notes : current.notes,
      isActive: input.is_active ?? current.isActive,
      actions: input.actions !== undefined ? actions : current.actions,
      updatedAt: this.clock.now(),
    };
    await this.db.batch([
      this.db.update(triggers).set(next).where(eq(triggers.id, id)),
      this.audit.entry(actor, { action: "trigger.updated", entityType: "trigger", entityId: id, oldValues: serializeTrigger(current), newValues: serializeTrigger(next) }),
    ]);
    return next;
  }

  async remove(id: string, actor: Actor): Promise<void> {
    const current = await this.get(id);
    await this.db.batch([this.db.delete(triggers).where(eq(triggers.id, id)), this.audit.entry(actor, { action: "trigger.deleted", entityType: "trigger", entityId: id, oldValues: serializeTrigger(current) })]);
  }

  async addAction(id: string, input: ActionInput, actor: Actor): Promise<{ trigger: TriggerRow; action: StoredAction }> {
    const current = await this.get(id);
    const errors: FieldErrors = {};
    const [action] = await this.normalizeActions([{ ...input, sort_order: input.sort_order ?? current.actions.length }], "actions", errors);
    if (Object.keys(errors).length) {
      // one action: its errors name its own fields, not a position in a list
      const own = Object.fromEntries(Object.entries(errors).map(([k, v]) => [k.replace(/^actions\.0\./, ""), v]));
      throw new DomainError("validation_failed", `Invalid action: ${Object.keys(own).join(", ")}`, { errors: own });
    }
    const next: TriggerRow = { ...current, actions: [...current.actions, action!].sort((x, y) => x.sort_order - y.sort_order), updatedAt: this.clock.now() };
    await this.db.batch([
      this.db.update(triggers).set({ actions: next.actions, updatedAt: next.updatedAt }).where(eq(triggers.id, id)),
      this.audit.entry(actor, { action: "trigger.action_added", entityType: "trigger", entityId: id, newValues: { action: action! } as unknown as Record<string, unknown> }),
    ]);
    return { trigger: next, action: action! };
  }
}
