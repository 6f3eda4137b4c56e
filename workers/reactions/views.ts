// Pure serializers from reaction rows to the API's (Omneo-shaped) and the console's objects.
import type { automationRuns, automations, reactionRuns, StoredAction, triggers } from "../../db/schema/reactions";

export type TriggerRow = typeof triggers.$inferSelect;
export type ReactionRunRow = typeof reactionRuns.$inferSelect;
export type AutomationRow = typeof automations.$inferSelect;
export type AutomationRunRow = typeof automationRuns.$inferSelect;

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export function serializeAction(a: StoredAction) {
  return {
    id: a.id,
    uuid: a.type,
    type: a.type,
    references_id: null,
    name: a.name,
    sort_order: a.sort_order,
    description: a.description,
    notes: a.notes,
    arguments: a.arguments.map((x) => ({ name: x.name, value: x.value, is_dynamic: x.is_dynamic })),
  };
}

export function serializeTrigger(t: TriggerRow) {
  return {
    id: t.id,
    name: t.name,
    trigger: t.eventType,
    description: t.description,
    notes: t.notes,
    is_active: t.isActive,
    actions: t.actions.map(serializeAction),
    created_at: t.createdAt.toISOString(),
    updated_at: t.updatedAt.toISOString(),
  };
}

export function serializeRun(r: ReactionRunRow, event?: { occurredAt: Date; data: Record<string, unknown> } | null) {
  return {
    id: r.id,
    trigger_id: r.triggerId,
    trigger_name: r.triggerName,
    event: { id: r.eventId, type: r.eventType, profile_id: r.profileId, occurred_at: iso(event?.occurredAt), data: event?.data ?? null },
    depth: r.depth,
    status: r.status,
    actions: r.outcomes,
    error: r.error,
    attempts: r.attempts,
    started_at: r.startedAt.toISOString(),
    finished_at: iso(r.finishedAt),
  };
}

export function serializeAutomation(a: AutomationRow) {
  return {
    id: a.id,
    name: a.name,
    type: a.type,
    frequency: a.frequency,
    slot: a.slot,
    cron: a.cron,
    date: a.date,
    query: a.query,
    actions: a.actions.map(serializeAction),
    description: a.description,
    notes: a.notes,
    template: a.template,
    is_active: a.isActive,
    run_at: iso(a.runAt),
    last_run_at: iso(a.lastRunAt),
    created_at: a.createdAt.toISOString(),
    updated_at: a.updatedAt.toISOString(),
  };
}

export function serializeAutomationRun(r: AutomationRunRow) {
  return {
    id: r.id,
    automation_id: r.automationId,
    scheduled_for: r.scheduledFor.toISOString(),
    status: r.status,
    matched: r.matched,
    succeeded: r.succeeded,
    failed: r.failed,
    started_at: r.startedAt.toISOString(),
    finished_at: iso(r.finishedAt),
    duration_ms: r.durationMs,
  };
}
