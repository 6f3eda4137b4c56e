// Omneo's Audit shape for an entry of our audit log. Pure. Omneo's `event` is the verb (`created`,
// `updated`, …: the last part of our `action`), `auditable_type` our entity type, old/new values as
// JSON strings; `auditable_id` is a number only when the entity's id is one (tags), else null, and
// `auditable_key` always carries the id as we store it.
import type { AuditEntry } from "./audit";

export interface AuditActors {
  tokens: Map<string, { name: string; userId: string }>;
  userNumbers: Map<string, number | null>;
}

export function omneoAudit(r: AuditEntry, actors: AuditActors) {
  const token = r.actorType === "token" && r.actorId ? actors.tokens.get(r.actorId) : undefined;
  const userId = token?.userId ?? (r.actorType === "user" ? r.actorId : null);
  const values = { ...(r.oldValues ?? {}), ...(r.newValues ?? {}) } as Record<string, unknown>;
  const profileId = r.entityType === "profile" ? r.entityId : typeof values.profile_id === "string" ? values.profile_id : null;
  const at = r.at.toISOString();
  return {
    id: r.id,
    user_id: userId ? (actors.userNumbers.get(userId) ?? null) : null,
    event: r.action.split(".").at(-1) ?? r.action,
    action: r.action,
    auditable_type: r.entityType,
    auditable_id: r.entityId && /^\d{1,15}$/.test(r.entityId) ? Number(r.entityId) : null,
    auditable_key: r.entityId,
    old_values: JSON.stringify(r.oldValues ?? {}),
    new_values: JSON.stringify(r.newValues ?? {}),
    url: null,
    ip_address: r.ip,
    profile_id: profileId,
    token_name: token?.name ?? null,
    user_agent: r.userAgent,
    actor_type: r.actorType,
    actor: r.actorLabel,
    request_id: r.requestId,
    created_at: at,
    updated_at: at,
  };
}
