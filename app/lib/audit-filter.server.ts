// The audit log's filters as the page and its CSV export read them from the query string.
import type { AuditFilter } from "../../workers/access/audit";

function parseDay(raw: string | null, endOfDay: boolean): Date | undefined {
  if (!raw || !/^\d{4}-\d{2}-\d{2}$/.test(raw)) return undefined;
  const d = new Date(`${raw}T${endOfDay ? "23:59:59.999" : "00:00:00.000"}Z`);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

export function auditFilterFrom(q: URLSearchParams): AuditFilter {
  return {
    actor: q.get("actor")?.trim().slice(0, 100) || undefined,
    action: q.get("action")?.slice(0, 100) || undefined,
    entityType: q.get("entity")?.slice(0, 100) || undefined,
    from: parseDay(q.get("from"), false),
    to: parseDay(q.get("to"), true),
  };
}
