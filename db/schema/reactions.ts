// Reactions: triggers (an event type and the actions it runs), their runs (one per event and trigger,
// with each action's outcome), and scheduled automations with their runs and per-profile receipts.
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
// the enums are the reactions area's vocabulary (its public face), so the console gets them without Drizzle
import { AUTOMATION_FREQUENCIES, AUTOMATION_TYPES, REACTION_RUN_STATUSES } from "../../workers/reactions/schema";

export { AUTOMATION_FREQUENCIES, AUTOMATION_TYPES, REACTION_RUN_STATUSES, type ReactionRunStatus } from "../../workers/reactions/schema";

/** One action of a trigger or automation, as stored (the API's shape with a stable id). */
export interface StoredAction {
  id: string;
  type: string;
  name: string;
  sort_order: number;
  description: string | null;
  notes: string | null;
  arguments: Array<{ name: string; value: unknown; is_dynamic: boolean }>;
}

/** What one action of a run did. */
export interface ActionOutcome {
  action_id: string;
  type: string;
  name: string;
  status: "succeeded" | "failed" | "skipped" | "passed" | "stopped" | "unavailable";
  result?: unknown;
  error?: string | null;
}

export const triggers = sqliteTable(
  "triggers",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    eventType: text("event_type").notNull(),
    description: text("description"),
    notes: text("notes"),
    isActive: integer("is_active", { mode: "boolean" }).notNull().default(false),
    actions: text("actions", { mode: "json" }).$type<StoredAction[]>().notNull().default([]),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("triggers_event_idx").on(t.eventType, t.isActive)],
);


/** One run of a trigger for one event (id derived from both, so a redelivery finds the same run). */
export const reactionRuns = sqliteTable(
  "reaction_runs",
  {
    id: text("id").primaryKey(),
    triggerId: text("trigger_id").notNull(),
    triggerName: text("trigger_name").notNull(),
    eventId: text("event_id").notNull(),
    eventType: text("event_type").notNull(),
    profileId: text("profile_id"),
    depth: integer("depth").notNull().default(0),
    status: text("status", { enum: REACTION_RUN_STATUSES }).notNull(),
    outcomes: text("outcomes", { mode: "json" }).$type<ActionOutcome[]>().notNull().default([]),
    error: text("error"),
    attempts: integer("attempts").notNull().default(1),
    startedAt: integer("started_at", { mode: "timestamp_ms" }).notNull(),
    finishedAt: integer("finished_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("reaction_runs_started_idx").on(t.startedAt), index("reaction_runs_trigger_idx").on(t.triggerId, t.startedAt), index("reaction_runs_event_idx").on(t.eventId)],
);


export const automations = sqliteTable(
  "automations",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    type: text("type", { enum: AUTOMATION_TYPES }).notNull(),
    frequency: text("frequency", { enum: AUTOMATION_FREQUENCIES }),
    /** "HH:MM" in the brand's time zone */
    slot: text("slot"),
    cron: text("cron"),
    /** type date: the local day ("YYYY-MM-DD") it runs once */
    date: text("date"),
    query: text("query", { mode: "json" }).$type<unknown[]>().notNull().default([]),
    actions: text("actions", { mode: "json" }).$type<StoredAction[]>().notNull().default([]),
    description: text("description"),
    notes: text("notes"),
    template: text("template"),
    isActive: integer("is_active", { mode: "boolean" }).notNull().default(false),
    /** the next time it is due */
    runAt: integer("run_at", { mode: "timestamp_ms" }),
    lastRunAt: integer("last_run_at", { mode: "timestamp_ms" }),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("automations_due_idx").on(t.isActive, t.runAt)],
);

/** One scheduled run: its id is derived from (automation, scheduled_for), so a second cron finds it. */
export const automationRuns = sqliteTable(
  "automation_runs",
  {
    id: text("id").primaryKey(),
    automationId: text("automation_id").notNull(),
    scheduledFor: integer("scheduled_for", { mode: "timestamp_ms" }).notNull(),
    status: text("status", { enum: ["running", "completed"] }).notNull(),
    matched: integer("matched").notNull().default(0),
    succeeded: integer("succeeded").notNull().default(0),
    failed: integer("failed").notNull().default(0),
    startedAt: integer("started_at", { mode: "timestamp_ms" }).notNull(),
    finishedAt: integer("finished_at", { mode: "timestamp_ms" }),
    durationMs: integer("duration_ms"),
  },
  (t) => [index("automation_runs_automation_idx").on(t.automationId, t.startedAt)],
);

/** A profile's receipt in a run: claimed before its actions run, so nothing runs twice for it. */
export const automationRunProfiles = sqliteTable(
  "automation_run_profiles",
  {
    runId: text("run_id").notNull(),
    profileId: text("profile_id").notNull(),
    status: text("status", { enum: ["running", "succeeded", "failed"] }).notNull(),
    error: text("error"),
    at: integer("at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.profileId] })],
);
