// Who is making a change, and from where: attached to every service call that writes, and to the audit log.
import type { Role } from "./rules";

export interface Actor {
  type: "user" | "token" | "system";
  /** user id, token id, or null for the system */
  id: string | null;
  /** what a person reads in the audit log: an email, "token dev (le_ab12…)", "system: cron" */
  label: string;
  /** the user the actor acts for (a token's owner) */
  userId: string | null;
  role: Role | null;
  /** API scopes for token actors; undefined for console users */
  scopes?: readonly string[];
  ip?: string | null;
  userAgent?: string | null;
  requestId?: string | null;
  /** an API token's namespace: what it causes is not sent back to webhooks of that namespace (travels with queued work) */
  namespace?: string | null;
  /** a reaction's triggering event (system actors of workers/reactions): what it causes continues that chain */
  causedBy?: { eventId: string; depth: number; namespace?: string } | null;
}

export function systemActor(label: string): Actor {
  return { type: "system", id: null, label: `system: ${label}`, userId: null, role: null };
}

/** The actor of a reaction: audited as "system: reaction <name>", its ledger writes sourced "reaction". */
export function reactionActor(id: string, name: string, causedBy: { eventId: string; depth: number; namespace?: string } | null): Actor {
  return { type: "system", id, label: `system: reaction ${name}`, userId: null, role: null, causedBy };
}
