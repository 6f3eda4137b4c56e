// The pure rules of reactions: the action catalogue (which arguments each action takes), Omneo's event
// aliases, argument evaluation (a dynamic argument is JSON Logic over the event context), the run id
// that makes a trigger act once per event, and the causation-depth stop. No I/O here.
import jsonLogic from "json-logic-js";
import { canonicalEventType as canonicalType } from "../events/catalogue";
import { conditionErrors, conditionHolds } from "../incentives/rules/conditions";

/** Event chains triggered by events (reactions) stop at this depth, so loops cannot run forever. */
export const MAX_CAUSATION_DEPTH = 5;

/** Definition kinds an argument may name by handle or id. */
export type DefinitionRefKind = "reward" | "point" | "benefit" | "tier" | "achievement";

export interface ArgumentSpec {
  name: string;
  required: boolean;
  /** what a static value must be */
  kind: "profile" | "definition" | "condition" | "number" | "money" | "datetime" | "text" | "boolean" | "target" | "id";
  /** for kind definition: which kind of definition */
  definition?: DefinitionRefKind;
  description: string;
}

const profileArg: ArgumentSpec = { name: "profile_id", required: true, kind: "profile", description: 'The profile to act on; usually dynamic: {"var": "profile_id"}' };
const reasonArg: ArgumentSpec = { name: "reason", required: false, kind: "text", description: "Why, as the ledger records it (default: the trigger's name)" };

/** Every action a trigger or automation may run, with its arguments. */
export const ACTION_CATALOGUE = {
  filter: {
    description: "Stops the chain unless its condition holds; several filters AND",
    arguments: [{ name: "condition", required: true, kind: "condition", description: "JSON Logic over the event context" }],
  },
  "reward.create": {
    description: "Issues a reward of a definition",
    arguments: [
      profileArg,
      { name: "definition", required: true, kind: "definition", definition: "reward", description: "The reward definition's handle or id" },
      { name: "value", required: false, kind: "money", description: "Overrides the definition's value (dollars)" },
      { name: "expires_at", required: false, kind: "datetime", description: "Overrides the definition's expiry (ISO date-time)" },
      reasonArg,
    ],
  },
  "points.award": {
    description: "Awards points of a definition: a number of points, or what an amount of spend earns through the earn rates",
    arguments: [
      profileArg,
      { name: "definition", required: true, kind: "definition", definition: "point", description: "The points definition's handle or id" },
      { name: "points", required: false, kind: "number", description: "How many points (a whole number); give this or spend" },
      { name: "spend", required: false, kind: "money", description: "Dollars of spend: the points are what the definition's live earn rates give it for this profile now (tier and profile conditions apply); give this or points" },
      { name: "location_id", required: false, kind: "text", description: "With spend: the location (id or external id) the rates are matched at" },
      reasonArg,
    ],
  },
  "benefit.create": {
    description: "Issues a benefit of a definition",
    arguments: [profileArg, { name: "definition", required: true, kind: "definition", definition: "benefit", description: "The benefit definition's handle or id" }, reasonArg],
  },
  "benefit.redeem": {
    description: "Redeems one use of a benefit",
    arguments: [profileArg, { name: "benefit_id", required: true, kind: "id", description: 'The benefit instance; usually dynamic: {"var": "benefit.benefit_id"}' }],
  },
  "tier.assign": {
    description: "Assigns a tier by hand",
    arguments: [profileArg, { name: "tier", required: true, kind: "definition", definition: "tier", description: "The tier definition's handle or id" }, reasonArg],
  },
  "achievement.progress": {
    description: "Counts toward an achievement",
    arguments: [
      profileArg,
      { name: "definition", required: true, kind: "definition", definition: "achievement", description: "The achievement definition's handle or id" },
      { name: "count", required: false, kind: "number", description: "How much to count (default 1)" },
      reasonArg,
    ],
  },
  "profile.tag": {
    description: "Adds a tag to the profile (or removes it)",
    arguments: [profileArg, { name: "tag", required: true, kind: "text", description: "The tag" }, { name: "remove", required: false, kind: "boolean", description: "true removes the tag instead" }],
  },
  "target.send": {
    description: "Sends the event context through a target",
    arguments: [{ name: "target", required: true, kind: "target", description: "The target's handle" }, { ...profileArg, required: false }],
  },
} as const satisfies Record<string, { description: string; arguments: readonly ArgumentSpec[] }>;

export type ActionType = keyof typeof ACTION_CATALOGUE;
export const ACTION_TYPES = Object.keys(ACTION_CATALOGUE) as ActionType[];

export function isActionType(s: string): s is ActionType {
  return Object.hasOwn(ACTION_CATALOGUE, s);
}

/** Our name for an event type (Omneo's aliases resolved); an unknown one is returned as given. */
export function canonicalEventType(t: string): string {
  return canonicalType(t) ?? t;
}

export interface ActionArgument {
  name: string;
  value: unknown;
  is_dynamic: boolean;
}

export interface ActionLike {
  type: string;
  arguments: ActionArgument[];
}

/**
 * Everything structurally wrong with one action (no I/O: definition handles are checked by the service),
 * keyed by field path relative to the action ("uuid", "arguments.1.value", "arguments").
 */
export function actionErrors(action: ActionLike): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const add = (path: string, msg: string) => (out[path] ??= []).push(msg);
  if (!isActionType(action.type)) {
    add("uuid", `Unknown action "${action.type}"; one of ${ACTION_TYPES.join(", ")}`);
    return out;
  }
  const spec = ACTION_CATALOGUE[action.type];
  const specs = spec.arguments as readonly ArgumentSpec[];
  const seen = new Set<string>();
  action.arguments.forEach((arg, i) => {
    const s = specs.find((x) => x.name === arg.name);
    if (!s) {
      add(`arguments.${i}.name`, `"${action.type}" takes no argument "${arg.name}"; it takes ${specs.map((x) => x.name).join(", ")}`);
      return;
    }
    if (seen.has(arg.name) && action.type !== "filter") add(`arguments.${i}.name`, `"${arg.name}" is given twice`);
    seen.add(arg.name);
    if (s.kind === "condition" || arg.is_dynamic) {
      const errs = conditionErrors(arg.value);
      for (const e of errs) add(`arguments.${i}.value`, s.kind === "condition" ? `invalid JSON Logic: ${e}` : `invalid JSON Logic in a dynamic argument: ${e}`);
      return;
    }
    const msg = staticValueError(s, arg.value);
    if (msg) add(`arguments.${i}.value`, msg);
  });
  for (const s of specs) {
    if (s.required && !seen.has(s.name)) add("arguments", `"${action.type}" needs the argument "${s.name}" (${s.description})`);
  }
  // points.award: a number of points, or spend through the earn rates — exactly one
  if (action.type === "points.award" && seen.has("points") === seen.has("spend")) add("arguments", `"points.award" needs either "points" or "spend" (through the earn rates), not ${seen.has("points") ? "both" : "neither"}`);
  return out;
}

/** Why a literal does not fit an argument, or null. */
export function staticValueError(s: ArgumentSpec, v: unknown): string | null {
  switch (s.kind) {
    case "number":
      return typeof v === "number" && Number.isInteger(v) && v > 0 && v <= 100_000_000 ? null : `${s.name} must be a whole number greater than 0`;
    case "money":
      return (typeof v === "number" && v > 0 && v <= 1_000_000) || (typeof v === "string" && /^\d{1,7}(\.\d{1,2})?$/.test(v) && Number(v) > 0) ? null : `${s.name} must be an amount in dollars greater than 0`;
    case "datetime":
      return typeof v === "string" && !Number.isNaN(Date.parse(v)) ? null : `${s.name} must be an ISO date-time`;
    case "boolean":
      return typeof v === "boolean" ? null : `${s.name} must be true or false`;
    case "condition":
      return null;
    default:
      return typeof v === "string" && v.trim().length > 0 && v.length <= 191 ? null : `${s.name} must be a non-empty string of at most 191 characters`;
  }
}

/** An argument's value for one context: dynamic ones are JSON Logic applied to it. */
export function evaluateArgument(arg: ActionArgument, context: Record<string, unknown>): unknown {
  if (!arg.is_dynamic) return arg.value;
  return jsonLogic.apply(arg.value as Parameters<typeof jsonLogic.apply>[0], context);
}

/** All of an action's arguments by name, evaluated; a filter's condition is kept as JSON Logic. */
export function evaluateArguments(action: ActionLike, context: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const arg of action.arguments) {
    if (action.type === "filter" && arg.name === "condition") continue;
    out[arg.name] = evaluateArgument(arg, context);
  }
  return out;
}

/** Whether every filter of a chain's `condition` holds (several filters, or several conditions, AND). */
export function filterPasses(action: ActionLike, context: Record<string, unknown>): boolean {
  return action.arguments.filter((a) => a.name === "condition").every((a) => conditionHolds(a.value, context));
}

/** The depth of the runs an event would start, and whether they may run at all. */
export function reactionDepth(causation: { depth: number } | null | undefined): { depth: number; allowed: boolean } {
  const depth = (causation?.depth ?? 0) + 1;
  return { depth, allowed: depth <= MAX_CAUSATION_DEPTH };
}

/** The id of a trigger's run for an event: the same (event, trigger) always finds the same run. */
export function reactionRunId(eventId: string, triggerId: string): string {
  return `${eventId}:${triggerId}`;
}

/** The ledger's idempotency key of one action of a run: a repeat of the run issues nothing twice. */
export function actionKey(runId: string, actionId: string): string {
  return `${runId}:${actionId}`;
}

/** Dollars as given (number or "12.50") in integer cents. */
export function toCents(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  const n = typeof v === "number" ? v : Number(v);
  if (!Number.isFinite(n) || n <= 0) return null;
  return Math.round(n * 100);
}

// ── automation templates ─────────────────────────────────────────────────────────────────────

const templateProfileArg = { name: "profile_id", value: { var: "profile_id" }, is_dynamic: true };

/** Ready-made automations a brand switches on (their definitions are named by handle when created). */
export const AUTOMATION_TEMPLATES = {
  "birthday-reward": {
    name: "Birthday reward",
    description: "Every morning, a reward for members whose birthday is today",
    type: "scheduled",
    frequency: "daily",
    slot: "08:00",
    query: [{ type: "birthday_today" }],
    actions: (handles: { reward?: string; points?: string; target?: string }) => [
      { uuid: "reward.create", name: "Birthday reward", arguments: [templateProfileArg, { name: "definition", value: handles.reward ?? "birthday", is_dynamic: false }] },
    ],
  },
  "welcome-points": {
    name: "Welcome points",
    description: "Points for members who joined yesterday",
    type: "scheduled",
    frequency: "daily",
    slot: "09:00",
    query: [{ type: "joined_days_ago", days: 1 }],
    actions: (handles: { reward?: string; points?: string; target?: string }) => [
      { uuid: "points.award", name: "Welcome points", arguments: [templateProfileArg, { name: "definition", value: handles.points ?? "points", is_dynamic: false }, { name: "points", value: 100, is_dynamic: false }] },
    ],
  },
  "win-back": {
    name: "Win-back after 90 days",
    description: "A reward, once, for members who have not bought for 90 days (tagged win-back; remove the tag when they return)",
    type: "scheduled",
    frequency: "daily",
    slot: "10:00",
    query: [{ type: "no_purchase_in_days", days: 90 }],
    actions: (handles: { reward?: string; points?: string; target?: string }) => [
      { uuid: "filter", name: "Not won back already", arguments: [{ name: "condition", value: { "!": { in: ["win-back", { var: "tags" }] } }, is_dynamic: false }] },
      { uuid: "profile.tag", name: "Tag as lapsed", arguments: [templateProfileArg, { name: "tag", value: "win-back", is_dynamic: false }] },
      { uuid: "reward.create", name: "Come-back reward", arguments: [templateProfileArg, { name: "definition", value: handles.reward ?? "win-back", is_dynamic: false }] },
    ],
  },
  "reward-expiring": {
    name: "Reward-expiring reminder",
    description: "Members with a reward expiring within 7 days hear about it through a target",
    type: "scheduled",
    frequency: "daily",
    slot: "11:00",
    query: [{ type: "reward_expiring_within_days", days: 7 }],
    actions: (handles: { reward?: string; points?: string; target?: string }) => [
      { uuid: "target.send", name: "Remind", arguments: [{ name: "target", value: handles.target ?? "reward-expiring-email", is_dynamic: false }, templateProfileArg] },
    ],
  },
} as const;
export type AutomationTemplate = keyof typeof AUTOMATION_TEMPLATES;
