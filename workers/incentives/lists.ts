// Omneo's global lists of issued incentives (GET /rewards, /benefits, /points): reads of the D1 projection
// the ledger DOs flush, across profiles. They lag a ledger by its flush; a profile's own lists ask its DO.
import { and, asc, count, desc, eq, gt, inArray, ne, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client";
import { incentiveInstances, incentiveLedger, omneoInstanceFields } from "../../db/schema";
import { pageOffset, type PageRequest } from "../platform/pagination";

export type InstanceRow = typeof incentiveInstances.$inferSelect;
export type LedgerRow = typeof incentiveLedger.$inferSelect;
/** Omneo's fields of an instance the ledger does not hold. */
export interface OmneoFields {
  externalId: string | null;
  timezone: string | null;
}
export interface InstanceListFilter {
  profileIds?: string[];
  definitionIds?: string[];
  statuses?: string[];
  /** Omneo's external_id (kept beside the ledger by the Omneo routes) */
  externalIds?: string[];
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
    if (filter.externalIds?.length) {
      const f = omneoInstanceFields;
      conds.push(inArray(t.id, this.db.select({ id: f.instanceId }).from(f).where(and(eq(f.kind, kind), inArray(f.externalId, filter.externalIds)))));
    }
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

  /** Whose instance this is (the projection knows every flushed instance), or null. */
  async ownerOf(kind: "reward" | "benefit", id: string): Promise<string | null> {
    const [row] = await this.db
      .select({ profileId: incentiveInstances.profileId })
      .from(incentiveInstances)
      .where(and(eq(incentiveInstances.id, id), eq(incentiveInstances.kind, kind)))
      .limit(1);
    return row?.profileId ?? null;
  }

  /** One points award by its lot id, as listPointAwards lists it; null when there is none. */
  async pointAward(lotId: string): Promise<LedgerRow | null> {
    const t = incentiveLedger;
    const [row] = await this.db
      .select()
      .from(t)
      .where(and(eq(t.instanceId, lotId), eq(t.kind, "points"), inArray(t.action, ["earn", "issue"]), gt(t.delta, 0)))
      .orderBy(asc(t.seq))
      .limit(1);
    return row ?? null;
  }

  /** Omneo's /benefits.count: benefits issued (void ones are deleted ones, not counted) and those redeemed at least once. */
  async benefitCounts(): Promise<{ all: number; redeemed: number }> {
    const t = incentiveInstances;
    const [row] = await this.db
      .select({ all: count(), redeemed: sql<number>`coalesce(sum(case when ${t.valueRemaining} < ${t.valueInitial} then 1 else 0 end), 0)` })
      .from(t)
      .where(and(eq(t.kind, "benefit"), ne(t.status, "void")));
    return { all: row?.all ?? 0, redeemed: Number(row?.redeemed ?? 0) };
  }

  /** Keeps Omneo's external_id and timezone of an instance (a field left undefined keeps its value). */
  async saveOmneoFields(kind: "reward" | "benefit", instanceId: string, profileId: string, fields: Partial<OmneoFields>, now: Date): Promise<void> {
    const f = omneoInstanceFields;
    const set = { ...(fields.externalId !== undefined ? { externalId: fields.externalId } : {}), ...(fields.timezone !== undefined ? { timezone: fields.timezone } : {}), updatedAt: now };
    await this.db
      .insert(f)
      .values({ instanceId, kind, profileId, externalId: fields.externalId ?? null, timezone: fields.timezone ?? null, updatedAt: now })
      .onConflictDoUpdate({ target: f.instanceId, set });
  }

  /** Omneo's fields of these instances, by id (ids with none are absent). */
  async omneoFields(ids: string[]): Promise<Map<string, OmneoFields>> {
    if (!ids.length) return new Map();
    const f = omneoInstanceFields;
    const rows = await this.db.select({ id: f.instanceId, externalId: f.externalId, timezone: f.timezone }).from(f).where(inArray(f.instanceId, ids));
    return new Map(rows.map((r) => [r.id, { externalId: r.externalId, timezone: r.timezone }]));
  }
}
