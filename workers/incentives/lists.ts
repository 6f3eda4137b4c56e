// Omneo's global lists of issued incentives (GET /rewards, /benefits, /points): reads of the D1 projection
// the ledger DOs flush, across profiles. They lag a ledger by its flush; a profile's own lists ask its DO.
import { and, asc, count, desc, eq, gt, inArray, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client";
import { incentiveInstances, incentiveLedger } from "../../db/schema";
import { pageOffset, type PageRequest } from "../platform/pagination";

export type InstanceRow = typeof incentiveInstances.$inferSelect;
export type LedgerRow = typeof incentiveLedger.$inferSelect;
export interface InstanceListFilter {
  profileIds?: string[];
  definitionIds?: string[];
  statuses?: string[];
  sort?: Array<{ field: "issued_at" | "expires_at" | "updated_at"; desc: boolean }>;
}

export class IncentiveLists {
  constructor(private readonly db: Db) {}

  /** Reward or benefit instances across profiles, newest first unless sorted; filters are exact. */
  async listInstances(kind: "reward" | "benefit", filter: InstanceListFilter, page: PageRequest): Promise<{ rows: InstanceRow[]; total: number }> {
    const t = incentiveInstances;
    const conds: SQL[] = [eq(t.kind, kind)];
    if (filter.profileIds?.length) conds.push(inArray(t.profileId, filter.profileIds));
    if (filter.definitionIds?.length) conds.push(inArray(t.definitionId, filter.definitionIds));
    if (filter.statuses?.length) conds.push(inArray(t.status, filter.statuses));
    const where = and(...conds);
    const cols = { issued_at: t.issuedAt, expires_at: t.expiresAt, updated_at: t.updatedAt } as const;
    const order = filter.sort?.length ? filter.sort.map((s) => (s.desc ? desc(cols[s.field]) : asc(cols[s.field]))) : [desc(t.issuedAt)];
    const [rows, [total]] = await this.db.batch([
      this.db.select().from(t).where(where).orderBy(...order, asc(t.id)).limit(page.size).offset(pageOffset(page)),
      this.db.select({ n: count() }).from(t).where(where),
    ]);
    return { rows, total: total?.n ?? 0 };
  }

  /** Points awards (earned or issued) across profiles, newest first: the ledger's positive points entries. */
  async listPointAwards(filter: { profileIds?: string[]; definitionIds?: string[]; sort?: Array<{ field: "created_at"; desc: boolean }> }, page: PageRequest): Promise<{ rows: LedgerRow[]; total: number }> {
    const t = incentiveLedger;
    const conds: SQL[] = [eq(t.kind, "points"), inArray(t.action, ["earn", "issue"]), gt(t.delta, 0)];
    if (filter.profileIds?.length) conds.push(inArray(t.profileId, filter.profileIds));
    if (filter.definitionIds?.length) conds.push(inArray(t.definitionId, filter.definitionIds));
    const where = and(...conds);
    const order = filter.sort?.length ? filter.sort.map((s) => (s.desc ? desc(t.createdAt) : asc(t.createdAt))) : [desc(t.createdAt)];
    const [rows, [total]] = await this.db.batch([
      this.db.select().from(t).where(where).orderBy(...order, asc(t.id)).limit(page.size).offset(pageOffset(page)),
      this.db.select({ n: count() }).from(t).where(where),
    ]);
    return { rows, total: total?.n ?? 0 };
  }
}
