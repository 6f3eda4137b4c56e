// Omneo's audits (GET /audits, /audits/{id}) over our audit log: the log's own filters and page, plus who
// acted in Omneo's terms (the acting user's numeric id, the token's name), looked up for a page at once.
import { eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/client";
import { apiTokens, auditLog, users } from "../../db/schema";
import { DomainError } from "../platform/errors";
import type { PageRequest } from "../platform/pagination";
import type { AuditEntry, AuditFilter, AuditService } from "./audit";
import { omneoAudit, type AuditActors } from "./audits.views";

export class AuditRecords {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
  ) {}

  async list(filter: AuditFilter, page: PageRequest) {
    const { rows, total } = await this.audit.list(filter, page);
    const actors = await this.actors(rows);
    return { rows: rows.map((r) => omneoAudit(r, actors)), total };
  }

  async get(id: string) {
    const row = await this.db.query.auditLog.findFirst({ where: eq(auditLog.id, id) });
    if (!row) throw new DomainError("not_found", `No audit with id ${id}`);
    return omneoAudit(row, await this.actors([row]));
  }

  /** The tokens and users behind a page's entries, in two indexed queries (a page is at most 100 rows). */
  private async actors(rows: AuditEntry[]): Promise<AuditActors> {
    const tokenIds = [...new Set(rows.filter((r) => r.actorType === "token" && r.actorId).map((r) => r.actorId!))];
    const tokens = tokenIds.length ? await this.db.select({ id: apiTokens.id, name: apiTokens.name, userId: apiTokens.userId }).from(apiTokens).where(inArray(apiTokens.id, tokenIds)) : [];
    const userIds = [...new Set([...rows.filter((r) => r.actorType === "user" && r.actorId).map((r) => r.actorId!), ...tokens.map((t) => t.userId)])];
    const people = userIds.length ? await this.db.select({ id: users.id, number: users.number }).from(users).where(inArray(users.id, userIds)) : [];
    return {
      tokens: new Map(tokens.map((t) => [t.id, { name: t.name, userId: t.userId }])),
      userNumbers: new Map(people.map((u) => [u.id, u.number])),
    };
  }
}
