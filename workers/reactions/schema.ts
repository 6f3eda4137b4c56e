// The contracts of reactions (triggers, actions, action history, dry runs, automations) in Omneo's
// v3 shape: one zod schema per input, shared by the API, the console and the OpenAPI document.
import { z } from "@hono/zod-openapi";
import { ACTION_TYPES } from "./rules";

// db/schema/reactions takes its column enums from here
export const REACTION_RUN_STATUSES = ["running", "succeeded", "failed", "filtered", "stopped"] as const;
export type ReactionRunStatus = (typeof REACTION_RUN_STATUSES)[number];
export const AUTOMATION_TYPES = ["date", "scheduled"] as const;
export const AUTOMATION_FREQUENCIES = ["daily", "weekly", "fortnightly", "monthly"] as const;

const text = (field: string, max: number) => z.string({ error: `${field} must be a string` }).trim().max(max, `${field} must be at most ${max} characters`);

export const ArgumentInput = z
  .strictObject({
    name: text("name", 64).min(1, "name is required"),
    value: z.unknown().openapi({ description: 'A literal, or JSON Logic over the event context when is_dynamic (e.g. {"var": "profile_id"})' }),
    is_dynamic: z.boolean().nullish().transform((v) => v ?? false),
  })
  .openapi("TriggerActionArgument");

export const ActionInput = z
  .strictObject({
    uuid: text("uuid", 64).optional().openapi({ description: `The action type: ${ACTION_TYPES.join(", ")}` }),
    type: text("type", 64).optional().openapi({ description: "Alias of uuid" }),
    name: text("name", 191).optional(),
    sort_order: z.number().int().min(0).max(10_000).nullish(),
    description: text("description", 2000).nullish(),
    notes: text("notes", 2000).nullish(),
    arguments: z.array(ArgumentInput).max(20, "at most 20 arguments").default([]),
    // read-only fields of an exported Omneo action, accepted and ignored so an export re-imports as it is
    id: z.union([z.string(), z.number()]).optional(),
    references_id: z.union([z.string(), z.number()]).nullish(),
    created_at: z.string().optional(),
    updated_at: z.string().optional(),
  })
  .superRefine((v, ctx) => {
    if (!v.uuid && !v.type) ctx.addIssue({ code: "custom", path: ["uuid"], message: `uuid (the action type) is required: one of ${ACTION_TYPES.join(", ")}` });
    if (v.uuid && v.type && v.uuid !== v.type) ctx.addIssue({ code: "custom", path: ["type"], message: "type is an alias of uuid; send one, or the same value" });
  })
  .openapi("TriggerActionInput");
export type ActionInput = z.output<typeof ActionInput>;

const triggerFields = {
  name: text("name", 191).min(1, "name is required"),
  trigger: text("trigger", 64).min(1, "trigger (the event type) is required").openapi({ description: "The event type, e.g. transaction.created (Omneo's reward.created and benefit.created are accepted)" }),
  description: text("description", 2000).nullish(),
  notes: text("notes", 2000).nullish(),
  is_active: z.boolean().optional(),
  actions: z.array(ActionInput).max(25, "at most 25 actions").optional(),
};

export const TriggerInput = z.strictObject(triggerFields).openapi("TriggerInput");
export type TriggerInput = z.output<typeof TriggerInput>;
export const TriggerUpdateInput = z
  .strictObject({ ...triggerFields, name: triggerFields.name.optional(), trigger: triggerFields.trigger.optional() })
  .openapi("TriggerUpdateInput");
export type TriggerUpdateInput = z.output<typeof TriggerUpdateInput>;

export const ActionSchema = z
  .object({
    id: z.string(),
    uuid: z.string(),
    type: z.string(),
    references_id: z.null(),
    name: z.string(),
    sort_order: z.number().int(),
    description: z.string().nullable(),
    notes: z.string().nullable(),
    arguments: z.array(z.object({ name: z.string(), value: z.unknown(), is_dynamic: z.boolean() })),
  })
  .openapi("TriggerAction");

export const TriggerSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    trigger: z.string(),
    description: z.string().nullable(),
    notes: z.string().nullable(),
    is_active: z.boolean(),
    actions: z.array(ActionSchema),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Trigger");

export const ActionOutcomeSchema = z.object({
  action_id: z.string(),
  type: z.string(),
  name: z.string(),
  status: z.enum(["succeeded", "failed", "skipped", "passed", "stopped", "unavailable"]),
  result: z.unknown().optional(),
  error: z.string().nullable().optional(),
});

export const ActionHistorySchema = z
  .object({
    id: z.string(),
    trigger_id: z.string(),
    trigger_name: z.string(),
    event: z.object({ id: z.string(), type: z.string(), profile_id: z.string().nullable(), occurred_at: z.string().nullable(), data: z.unknown() }),
    depth: z.number().int(),
    status: z.enum(REACTION_RUN_STATUSES),
    actions: z.array(ActionOutcomeSchema),
    error: z.string().nullable(),
    attempts: z.number().int(),
    started_at: z.string(),
    finished_at: z.string().nullable(),
  })
  .openapi("ActionHistory");

export const PastedEvent = z.strictObject({
  type: text("type", 64).min(1, "type is required"),
  profile_id: z.string().max(191).nullish(),
  data: z.record(z.string(), z.unknown()).default({}),
  id: z.string().max(191).optional(),
  occurred_at: z.string().optional(),
});

export const DryRunInput = z
  .strictObject({
    event_id: z.string().trim().min(1).max(191).optional().openapi({ description: "A recent event to replay (nothing is written)" }),
    event: PastedEvent.optional().openapi({ description: "Or an event pasted as {type, profile_id, data}" }),
    trigger: TriggerInput.optional().openapi({ description: "POST /triggers/dry-run only: the unsaved trigger" }),
  })
  .superRefine((v, ctx) => {
    if (!v.event_id && !v.event) ctx.addIssue({ code: "custom", path: ["event_id"], message: "Send event_id, or a pasted event" });
  })
  .openapi("DryRunInput");
export type DryRunInput = z.output<typeof DryRunInput>;

export const DryRunSchema = z
  .object({
    event: z.object({ id: z.string(), type: z.string(), profile_id: z.string().nullable() }),
    context: z.record(z.string(), z.unknown()),
    would_run: z.boolean(),
    stopped_by: z.string().nullable(),
    actions: z.array(z.object({ action_id: z.string(), type: z.string(), name: z.string(), outcome: z.string(), arguments: z.record(z.string(), z.unknown()), passes: z.boolean().optional(), error: z.string().optional() })),
  })
  .openapi("DryRun");

// ── automations ─────────────────────────────────────────────────────────────────────────────────

const days = (field: string, max = 3650) => z.number({ error: `${field} must be a whole number of days` }).int(`${field} must be a whole number of days`).min(0).max(max);
const money = (field: string) => z.number({ error: `${field} must be dollars` }).min(0, `${field} must be 0 or more`).max(100_000_000);

/** The query a marketer builds: a list of conditions that all hold (stored as data, never SQL). */
export const QueryCondition = z.discriminatedUnion(
  "type",
  [
    z.strictObject({ type: z.literal("birthday_today") }),
    z.strictObject({ type: z.literal("joined_days_ago"), days: days("days") }),
    z.strictObject({ type: z.literal("no_purchase_in_days"), days: days("days").min(1) }),
    z.strictObject({ type: z.literal("tier_is"), tier: text("tier", 100).min(1, "tier is required") }),
    z.strictObject({ type: z.literal("has_tag"), tag: text("tag", 64).min(1, "tag is required") }),
    z.strictObject({ type: z.literal("spend_last_12_months_between"), min: money("min"), max: money("max").optional() }),
    z.strictObject({ type: z.literal("reward_expiring_within_days"), days: days("days", 365).min(1) }),
    z.strictObject({ type: z.literal("points_expiring_within_days"), days: days("days", 365).min(1) }),
    z.strictObject({ type: z.literal("attribute_equals"), handle: text("handle", 64).min(1), value: z.union([z.string().max(191), z.number(), z.boolean()]) }),
  ],
  { error: "type must be one of birthday_today, joined_days_ago, no_purchase_in_days, tier_is, has_tag, spend_last_12_months_between, reward_expiring_within_days, points_expiring_within_days, attribute_equals" },
);
export type QueryCondition = z.output<typeof QueryCondition>;
export const AutomationQuery = z.array(QueryCondition).max(10, "at most 10 conditions");

const automationFields = {
  name: text("name", 191).min(1, "name is required"),
  type: z.enum(AUTOMATION_TYPES, { error: "type must be date or scheduled" }),
  frequency: z.enum(AUTOMATION_FREQUENCIES, { error: `frequency must be one of ${AUTOMATION_FREQUENCIES.join(", ")}` }).nullish(),
  slot: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "slot must be HH:MM (24-hour, in the brand's time zone)").nullish(),
  cron: text("cron", 100).nullish().openapi({ description: "A cron expression in the brand's time zone (instead of frequency and slot)" }),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "date must be YYYY-MM-DD").nullish(),
  query: AutomationQuery.default([]),
  actions: z.array(ActionInput).max(25).optional(),
  description: text("description", 2000).nullish(),
  notes: text("notes", 2000).nullish(),
  is_active: z.boolean().optional(),
};
export const AutomationInput = z.strictObject(automationFields).openapi("AutomationInput");
export type AutomationInput = z.output<typeof AutomationInput>;
export const AutomationUpdateInput = z
  .strictObject({ ...automationFields, name: automationFields.name.optional(), type: automationFields.type.optional(), query: AutomationQuery.optional() })
  .openapi("AutomationUpdateInput");
export type AutomationUpdateInput = z.output<typeof AutomationUpdateInput>;

export const AutomationSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    type: z.enum(AUTOMATION_TYPES),
    frequency: z.string().nullable(),
    slot: z.string().nullable(),
    cron: z.string().nullable(),
    date: z.string().nullable(),
    query: z.array(z.unknown()),
    actions: z.array(ActionSchema),
    description: z.string().nullable(),
    notes: z.string().nullable(),
    template: z.string().nullable(),
    is_active: z.boolean(),
    run_at: z.string().nullable(),
    last_run_at: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Automation");

export const AutomationRunSchema = z
  .object({
    id: z.string(),
    automation_id: z.string(),
    scheduled_for: z.string(),
    status: z.string(),
    matched: z.number().int(),
    succeeded: z.number().int(),
    failed: z.number().int(),
    started_at: z.string(),
    finished_at: z.string().nullable(),
    duration_ms: z.number().int().nullable(),
  })
  .openapi("AutomationRun");

export const TriggerAutomationInput = z
  .strictObject({
    force: z.boolean().optional().openapi({ description: "Run even if inactive or not due" }),
    now: z.iso.datetime({ offset: true, error: "now must be an ISO date-time" }).optional().openapi({ description: "The scheduled time of this run (default: now); the same value runs once" }),
  })
  .openapi("TriggerAutomationInput");

export const QuerySamplesInput = z.strictObject({ query: AutomationQuery, limit: z.number().int().min(1).max(100).optional() }).openapi("AutomationQuerySamplesInput");
