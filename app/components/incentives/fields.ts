// The console's definition forms, described once per section: which controls, in what order, and how
// a posted form becomes the API's input (the same zod schema then validates it). Shared by the pages
// (to render) and definitions.server.ts (to read a post).
import { ACHIEVEMENT_TRIGGERS, ACHIEVEMENT_VISIBILITY, POINT_KINDS, REWARD_TYPES } from "../../../workers/incentives/definitions.schema";

export type FieldKind =
  | "text"
  | "textarea"
  | "number"
  | "money"
  | "select"
  | "switch"
  | "json"
  | "numlist"
  | "strlist"
  | "days"
  | "hours"
  | "levels"
  | "unlocks";

export interface FieldSpec {
  /** the API field (errors come back under it) */
  name: string;
  label: string;
  kind: FieldKind;
  hint?: string;
  placeholder?: string;
  /** static options of a select; `optionsFrom` names options the loader supplies */
  options?: ReadonlyArray<{ value: string; label: string }>;
  optionsFrom?: "pointDefinitions" | "tierPointDefinitions" | "benefits";
  /** an empty control: null (clears the field, the default) or left out (keeps it / takes the default) */
  empty?: "null" | "omit";
  /** fixed once created (shown disabled on the edit page) */
  createOnly?: boolean;
  /** numbers with decimals (multiplier) */
  step?: string;
  wide?: boolean;
}

export type SectionKey = "rewards" | "points" | "rates" | "benefits" | "tiers" | "achievements";

const opts = (values: readonly string[]) => values.map((v) => ({ value: v, label: v.replaceAll("_", " ").replace(/^./, (c) => c.toUpperCase()) }));

const NAME: FieldSpec = { name: "name", label: "Name", kind: "text" };
const HANDLE: FieldSpec = { name: "handle", label: "Handle", kind: "text", hint: "Unique; derived from the name when left empty", empty: "omit" };
const DESCRIPTION: FieldSpec = { name: "description", label: "Description", kind: "textarea", wide: true };
const PUBLISHED: FieldSpec = { name: "is_published", label: "Published", kind: "switch" };
const EXTENDABLE: FieldSpec = { name: "is_extendable", label: "Extendable (once)", kind: "switch" };
const PERIOD: FieldSpec = { name: "period", label: "Expires after (days)", kind: "number", hint: "At the end of that local day; empty: no period" };
const ABSOLUTE: FieldSpec = { name: "absolute_expiry", label: "Expires on", kind: "text", placeholder: "YYYY-MM-DD", hint: "A fixed date (or ISO date-time); the earlier of the two wins" };

export const SECTION_FIELDS: Record<SectionKey, FieldSpec[]> = {
  rewards: [
    NAME,
    HANDLE,
    { name: "type", label: "Type", kind: "select", options: opts(REWARD_TYPES), empty: "omit", hint: "For reporting only" },
    { name: "value", label: "Value ($)", kind: "money", placeholder: "10.00" },
    PERIOD,
    ABSOLUTE,
    { name: "notification_offsets", label: "Reminders (days before expiry)", kind: "numlist", placeholder: "7, 1", hint: "Up to 10, comma separated", empty: "omit" },
    DESCRIPTION,
    EXTENDABLE,
    PUBLISHED,
  ],
  points: [
    NAME,
    HANDLE,
    { name: "kind", label: "Kind", kind: "select", options: opts(POINT_KINDS), createOnly: true, hint: "Reward points are redeemable; tier points feed tiers; action points count actions. Fixed once created." },
    { name: "points_per_dollar", label: "Points per $1", kind: "number", hint: "Reward points only, e.g. 100" },
    { name: "expiry_days", label: "Expire after (days)", kind: "number", hint: "Empty: points never expire" },
    { name: "pending_days", label: "Pending (days)", kind: "number", empty: "omit", hint: "Spendable this many days after they are earned" },
    DESCRIPTION,
    PUBLISHED,
  ],
  rates: [
    { name: "point_definition_id", label: "Points definition", kind: "select", optionsFrom: "pointDefinitions" },
    NAME,
    { name: "multiplier", label: "Multiplier", kind: "number", step: "0.001", hint: "Points per dollar: 1 = one point per $1, at most three decimals" },
    { name: "priority", label: "Priority", kind: "number", empty: "omit", hint: "Breaks ties between equally specific rates; higher wins" },
    { name: "location_ids", label: "Locations", kind: "strlist", placeholder: "STORE-001, STORE-002", hint: "Location ids or external ids; empty: everywhere", wide: true },
    { name: "starts_at", label: "Starts at", kind: "text", placeholder: "2025-01-01T00:00:00+11:00", hint: "ISO date-time; empty: always" },
    { name: "ends_at", label: "Ends at", kind: "text", placeholder: "2025-02-01T00:00:00+11:00", hint: "Exclusive" },
    { name: "days_of_week", label: "Days", kind: "days", hint: "None ticked: every day", wide: true },
    { name: "hours", label: "Hours", kind: "hours", hint: "Local time; empty: all day" },
    { name: "timezone", label: "Time zone", kind: "text", placeholder: "Australia/Sydney", hint: "Empty: each store's own" },
    { name: "profile_condition", label: "Profile condition (JSON Logic)", kind: "json", placeholder: '{"in": ["vip", {"var": "tags"}]}', wide: true },
    { name: "product_condition", label: "Product condition (JSON Logic)", kind: "json", placeholder: '{"==": [{"var": "category"}, "shoes"]}', wide: true },
    { name: "is_active", label: "Active", kind: "switch" },
  ],
  benefits: [
    NAME,
    HANDLE,
    { name: "max_redemptions", label: "Redemptions per benefit", kind: "number", empty: "omit" },
    PERIOD,
    ABSOLUTE,
    { name: "eligibility", label: "Who may claim it (JSON Logic over the profile)", kind: "json", placeholder: '{"==": [{"var": "type"}, "active"]}', wide: true },
    DESCRIPTION,
    { name: "is_claimable", label: "Customers may claim it", kind: "switch" },
    EXTENDABLE,
    PUBLISHED,
  ],
  tiers: [
    { name: "point_definition_id", label: "Tier points (the ladder)", kind: "select", optionsFrom: "tierPointDefinitions" },
    NAME,
    HANDLE,
    { name: "value_min", label: "Attain at (points in 12 months)", kind: "number" },
    { name: "value_maintain", label: "Keep at (points in 12 months)", kind: "number", hint: "At most the attain value" },
    DESCRIPTION,
    { name: "is_floor", label: "Floor (never drop below)", kind: "switch" },
    { name: "credit_enabled", label: "Carry overshoot as credit", kind: "switch" },
  ],
  achievements: [
    NAME,
    HANDLE,
    { name: "levels", label: "Levels", kind: "levels", wide: true },
    { name: "visibility", label: "Visibility", kind: "select", options: opts(ACHIEVEMENT_VISIBILITY), empty: "omit" },
    { name: "trigger", label: "Counts", kind: "select", options: [{ value: "transaction", label: "Each qualifying purchase" }, { value: "manual", label: "By hand or a reaction" }], empty: "omit" },
    { name: "condition", label: "Qualifying purchase (JSON Logic over the transaction)", kind: "json", placeholder: '{">=": [{"var": "total"}, 50]}', wide: true },
    { name: "unlocks", label: "Unlocks", kind: "unlocks", wide: true },
    DESCRIPTION,
    PUBLISHED,
  ],
};

export { ACHIEVEMENT_TRIGGERS };

export const DAYS = [
  { value: "mon", label: "Mon" },
  { value: "tue", label: "Tue" },
  { value: "wed", label: "Wed" },
  { value: "thu", label: "Thu" },
  { value: "fri", label: "Fri" },
  { value: "sat", label: "Sat" },
  { value: "sun", label: "Sun" },
] as const;

export const MAX_UNLOCK_ROWS = 5;

/** Field errors a form shows next to a control; anything else goes to the banner. */
export function isFormField(section: SectionKey, key: string): boolean {
  return SECTION_FIELDS[section].some((f) => key === f.name || key.startsWith(`${f.name}.`));
}

/** A serialized definition as the form's initial control values (strings, booleans, lists). */
export type FormDefaults = Record<string, unknown>;

export function formDefaults(section: SectionKey, def: Record<string, unknown> | null): FormDefaults {
  const out: FormDefaults = {};
  for (const f of SECTION_FIELDS[section]) {
    const v = def?.[f.name];
    switch (f.kind) {
      case "switch":
        out[f.name] = def ? Boolean(v) : f.name !== "is_extendable" && f.name !== "is_claimable" && f.name !== "is_floor" && f.name !== "credit_enabled";
        break;
      case "json":
        out[f.name] = v === null || v === undefined ? "" : JSON.stringify(v);
        break;
      case "numlist":
      case "strlist":
        out[f.name] = Array.isArray(v) ? v.join(", ") : "";
        break;
      case "days":
      case "unlocks":
        out[f.name] = Array.isArray(v) ? v : [];
        break;
      case "hours":
      case "levels":
        out[f.name] = v ?? null;
        break;
      default:
        out[f.name] = v === null || v === undefined ? "" : String(v);
    }
  }
  return out;
}
