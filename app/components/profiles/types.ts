// The shapes the profile pages pass from their loaders to these components: the API's own serialised
// forms (workers/profiles/views.ts), so the console and the API show the same record.
import type { serializeAggregations, serializeIdentity, serializeProfile } from "../../../workers/profiles/views";

export type ProfileJson = ReturnType<typeof serializeProfile>;
export type IdentityJson = ReturnType<typeof serializeIdentity>;
export type AggregationsJson = ReturnType<typeof serializeAggregations>;

/** One entry of the "New members" feed: what the LiveFeed Durable Object keeps per sign-up. */
export interface SignupItem {
  profile_id: string;
  full_name: string;
  email: string;
  joined_at: string;
}

/** What a profile's Transactions tab lists (normalised from whatever the transactions service returns). */
export interface TransactionRow {
  id: string;
  external_id: string | null;
  transacted_at: string;
  location: string | null;
  currency: string;
  /** decimal amount, negative for a return */
  total: number;
  items: number | null;
  is_void: boolean;
}

/** One line of the Activity tab: an interaction the member had, or a change recorded in the audit log. */
export interface ActivityEntry {
  id: string;
  kind: "interaction" | "audit";
  at: string;
  title: string;
  detail: string | null;
  by: string | null;
  signal: number | null;
}

export interface ProfilePermissions {
  /** profiles:edit (Admin, Manager) and the profile is not deleted */
  edit: boolean;
  /** users:manage (Admin): merge, delete, restore, purge */
  admin: boolean;
}

/** The other profile of a merge, as the confirm step shows it. */
export interface MergeCandidate {
  id: string;
  full_name: string;
  email: string;
  mobile_phone: string | null;
  type: string;
  joined_at: string;
  identities: number;
}

/** What the profile page's action answers: a success with a message, or field errors to show inline. */
export type ProfileActionResult =
  | { ok: true; intent: string; message?: string; candidate?: MergeCandidate }
  | { ok: false; intent?: string; errors: Record<string, string[]>; formError?: string; values?: Record<string, unknown> };
