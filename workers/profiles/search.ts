// Finding profiles: the filtered, sorted list (API and console) and the one search box for name,
// email, mobile or any identity value, with the batched reads that load what they found.
import { and, asc, count, desc, eq, gte, inArray, lt, ne, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client";
import { addresses, identities, profileAggregations, profiles, type ProfileType } from "../../db/schema";
import { pageOffset, type PageRequest } from "../platform/pagination";
import { classifySearch, ftsQuery, normalizeMobile } from "./rules";
import type { Profile, ProfileView } from "./views";

export const PROFILE_SORTS = ["created_at", "updated_at", "first_name", "last_name", "email"] as const;
export interface ProfileSort {
  field: (typeof PROFILE_SORTS)[number];
  desc: boolean;
}
export interface ProfileListFilter {
  search?: string;
  type?: ProfileType | "all";
  email?: string;
  firstName?: string;
  lastName?: string;
  mobilePhone?: string;
  /** the dashboard's at-risk segment */
  atRisk?: { atRiskBefore: string; shoppedSince: string };
}

export class ProfileSearch {
  constructor(
    private readonly db: Db,
    private readonly defaultCountry: string,
  ) {}

  async list(filter: ProfileListFilter, page: PageRequest, sort: ProfileSort = { field: "created_at", desc: true }): Promise<{ rows: ProfileView[]; total: number }> {
    const exact = (p: { email: string; firstName: string | null; lastName: string | null; mobilePhone: string | null }) =>
      (filter.email === undefined || p.email.toLowerCase() === filter.email.toLowerCase()) &&
      (filter.firstName === undefined || p.firstName?.toLowerCase() === filter.firstName.toLowerCase()) &&
      (filter.lastName === undefined || p.lastName?.toLowerCase() === filter.lastName.toLowerCase()) &&
      (filter.mobilePhone === undefined || p.mobilePhone === filter.mobilePhone);
    if (filter.search?.trim()) {
      // search ranks up to 100 matches; the type filter and the page apply to those: two round trips
      const ids = await this.searchIds(filter.search, 100);
      const all = await this.viewsByIds(ids, { includeDeleted: filter.type === "deleted" || filter.type === "all" });
      const found = all.filter((p) => (!filter.type || filter.type === "all" || p.type === filter.type) && exact(p));
      return { rows: found.slice(pageOffset(page), pageOffset(page) + page.size), total: found.length };
    }
    // every filter the API accepts is applied here: an ignored one would answer with the wrong members
    const byType: SQL | undefined = filter.type === "all" ? undefined : filter.type ? eq(profiles.type, filter.type) : ne(profiles.type, "deleted");
    const where = and(
      byType,
      filter.email !== undefined ? sql`lower(${profiles.email}) = ${filter.email.toLowerCase()}` : undefined,
      filter.firstName !== undefined ? sql`lower(${profiles.firstName}) = ${filter.firstName.toLowerCase()}` : undefined,
      filter.lastName !== undefined ? sql`lower(${profiles.lastName}) = ${filter.lastName.toLowerCase()}` : undefined,
      filter.mobilePhone !== undefined ? eq(profiles.mobilePhone, filter.mobilePhone) : undefined,
      // the dashboard's at-risk segment (reporting's atRiskBounds): past their at-risk date, shopped within the year
      filter.atRisk
        ? inArray(
            profiles.id,
            this.db
              .select({ id: profileAggregations.profileId })
              .from(profileAggregations)
              .where(and(lt(profileAggregations.atRiskDate, filter.atRisk.atRiskBefore), gte(profileAggregations.latestShopDate, filter.atRisk.shoppedSince))),
          )
        : undefined,
    );
    const column = { created_at: profiles.createdAt, updated_at: profiles.updatedAt, first_name: profiles.firstName, last_name: profiles.lastName, email: profiles.email }[sort.field];
    const [rows, [total]] = await this.db.batch([
      this.db.select().from(profiles).where(where).orderBy(sort.desc ? desc(column) : asc(column), desc(profiles.id)).limit(page.size).offset(pageOffset(page)),
      this.db.select({ n: count() }).from(profiles).where(where),
    ]);
    return { rows: await this.attachAll(rows), total: total?.n ?? 0 };
  }

  private async attachAll(rows: Profile[]): Promise<ProfileView[]> {
    if (!rows.length) return [];
    const ids = rows.map((r) => r.id);
    const [idRows, addrRows] = await this.db.batch([
      this.db.select().from(identities).where(inArray(identities.profileId, ids)),
      this.db.select().from(addresses).where(inArray(addresses.profileId, ids)),
    ]);
    return rows.map((r) => ({ ...r, identities: idRows.filter((i) => i.profileId === r.id), addresses: addrRows.filter((a) => a.profileId === r.id) }));
  }

  /**
   * One search box for name, email, mobile or any identity value. Exact matches (E.164 mobile, identity
   * identifier, email) come first, through their indexes; an email is also matched as a prefix on the
   * lower(email) index; names and fragments go through FTS5. All of it is one D1 round trip.
   */
  async searchIds(q: string, limit = 20): Promise<string[]> {
    const query = q.trim().slice(0, 200);
    if (!query) return [];
    limit = Math.min(limit, 100);
    const kind = classifySearch(query);
    const statements = [];
    if (kind === "email") {
      const lower = query.toLowerCase();
      // exact first, then the prefix range on the same index (no FTS: ".com" would match everyone)
      statements.push(this.db.select({ id: profiles.id }).from(profiles).where(eq(sql`lower(${profiles.email})`, lower)).limit(1));
      statements.push(
        this.db
          .select({ id: profiles.id })
          .from(profiles)
          .where(and(sql`lower(${profiles.email}) > ${lower}`, sql`lower(${profiles.email}) < ${lower + "\uffff"}`))
          .orderBy(sql`lower(${profiles.email})`)
          .limit(limit),
      );
    }
    if (kind === "mobile") {
      const e164 = normalizeMobile(query, this.defaultCountry);
      if (e164) statements.push(this.db.select({ id: profiles.id }).from(profiles).where(eq(profiles.mobilePhone, e164)).limit(1));
    }
    statements.push(this.db.select({ id: identities.profileId }).from(identities).where(eq(identities.identifier, query)).limit(limit));
    const fts = kind === "name" ? ftsQuery(query) : null;
    if (fts) {
      statements.push(
        this.db
          .select({ id: profiles.id })
          .from(sql`profiles_fts`)
          .innerJoin(profiles, sql`${profiles}.rowid = profiles_fts.rowid`)
          .where(sql`profiles_fts MATCH ${fts}`)
          .orderBy(sql`rank`)
          .limit(limit),
      );
    }
    const results = await this.db.batch(statements as unknown as [typeof statements[number]]);
    return [...new Set((results as Array<Array<{ id: string }>>).flat().map((r) => r.id))].slice(0, limit);
  }

  async search(q: string, opts: { limit?: number; includeDeleted?: boolean } = {}): Promise<Profile[]> {
    const views = await this.viewsByIds(await this.searchIds(q, opts.limit), { includeDeleted: opts.includeDeleted, relations: false });
    return views;
  }

  /**
   * Profiles (and, with relations, their identities and addresses) for ids, in the ids' order, in one
   * D1 batch. The ids travel as one JSON parameter, since D1 allows 100 bound parameters per statement.
   */
  async viewsByIds(ids: string[], opts: { includeDeleted?: boolean; relations?: boolean } = {}): Promise<ProfileView[]> {
    if (!ids.length) return [];
    const idSet = sql`(SELECT value FROM json_each(${JSON.stringify(ids)}))`;
    const where = opts.includeDeleted ? sql`${profiles.id} IN ${idSet}` : and(sql`${profiles.id} IN ${idSet}`, ne(profiles.type, "deleted"));
    const [rows, idRows, addrRows] = await this.db.batch([
      this.db.select().from(profiles).where(where),
      this.db.select().from(identities).where(opts.relations === false ? sql`0` : sql`${identities.profileId} IN ${idSet}`),
      this.db.select().from(addresses).where(opts.relations === false ? sql`0` : sql`${addresses.profileId} IN ${idSet}`),
    ]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids
      .map((id) => byId.get(id))
      .filter((p): p is Profile => Boolean(p))
      .map((p) => ({ ...p, identities: idRows.filter((i) => i.profileId === p.id), addresses: addrRows.filter((a) => a.profileId === p.id) }));
  }
}
