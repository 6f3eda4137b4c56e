// The audit log: every change by a user, token or the system, with old and new values.
import { and, count, desc, eq, gte, lte, or, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client";
import { auditLog } from "../../db/schema";
import type { Clock } from "../platform/clock";
import { newId } from "../platform/crypto";
import { textMatch } from "../platform/sql";
import { pageOffset, type PageRequest } from "../platform/pagination";
import type { Actor } from "./actor";

export interface AuditChange {
  action: string;
  entityType: string;
  entityId?: string | null;
  oldValues?: Record<string, unknown> | null;
  newValues?: Record<string, unknown> | null;
}

export interface AuditFilter {
  actor?: string;
  action?: string;
  entityType?: string;
  entityId?: string;
  from?: Date;
  to?: Date;
}

export type AuditEntry = typeof auditLog.$inferSelect;

/** Keys whose values never reach the audit log. */
const SECRET_KEYS = new Set(["password", "passwordHash", "password_hash", "token", "tokenHash", "token_hash", "secret"]);

export function redactSecrets(values: Record<string, unknown> | null | undefined): Record<string, unknown> | null {
  if (!values) return null;
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, SECRET_KEYS.has(k) ? "[redacted]" : v]));
}

export class AuditService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** The insert for one change; callers put it in the same db.batch() as the change itself. */
  entry(actor: Actor, change: AuditChange) {
    return this.db.insert(auditLog).values({
      id: newId(),
      at: this.clock.now(),
      actorType: actor.type,
      actorId: actor.id,
      actorLabel: actor.label,
      action: change.action,
      entityType: change.entityType,
      entityId: change.entityId ?? null,
      oldValues: redactSecrets(change.oldValues),
      newValues: redactSecrets(change.newValues),
      ip: actor.ip ?? null,
      userAgent: actor.userAgent ?? null,
      requestId: actor.requestId ?? null,
    });
  }

  async record(actor: Actor, change: AuditChange): Promise<void> {
    await this.entry(actor, change);
  }

  async list(filter: AuditFilter, page: PageRequest): Promise<{ rows: AuditEntry[]; total: number }> {
    const conditions: SQL[] = [];
    if (filter.actor) {
      const cond = or(textMatch(auditLog.actorLabel, filter.actor, "contains"), eq(auditLog.actorId, filter.actor));
      if (cond) conditions.push(cond);
    }
    if (filter.action) conditions.push(textMatch(auditLog.action, filter.action, "prefix"));
    if (filter.entityType) conditions.push(eq(auditLog.entityType, filter.entityType));
    if (filter.entityId) conditions.push(eq(auditLog.entityId, filter.entityId));
    if (filter.from) conditions.push(gte(auditLog.at, filter.from));
    if (filter.to) conditions.push(lte(auditLog.at, filter.to));
    const where = conditions.length ? and(...conditions) : undefined;
    const [rows, [totalRow]] = await this.db.batch([
      this.db.select().from(auditLog).where(where).orderBy(desc(auditLog.at)).limit(page.size).offset(pageOffset(page)),
      this.db.select({ n: count() }).from(auditLog).where(where),
    ]);
    return { rows, total: totalRow?.n ?? 0 };
  }

  async distinctActions(): Promise<string[]> {
    const rows = await this.db.selectDistinct({ action: auditLog.action }).from(auditLog).orderBy(auditLog.action).limit(200);
    return rows.map((r) => r.action);
  }
}
