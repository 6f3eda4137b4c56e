// Finding profiles: the filtered, sorted list (API and console) and the one search box for name,
// email, mobile or any identity value, with the batched reads that load what they found.
import { and, asc, count, desc, eq, gt, gte, inArray, lt, lte, ne, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client";
import { addresses, identities, profileAggregations, profileCounts, profiles, type ProfileType } from "../../db/schema";
import { pageOffset, type KeysetCursor, type PageRequest } from "../platform/pagination";
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

/** A search counts (and pages through) at most this many ranked matches; past it the total is a lower bound. */
export const SEARCH_MATCH_CAP = 1000;

/** A filtered list counts at most this many matches; past it the total is a lower bound (`totalIsLowerBound`). */
export const LIST_COUNT_CAP = 10_000;

export interface ProfileList {
  rows: ProfileView[];
  total: number;
  /** true when a search matched more than SEARCH_MATCH_CAP members, or a filtered list more than LIST_COUNT_CAP: `total` counts only the first ones */
  totalIsLowerBound: boolean;
}

export class ProfileSearch {
  constructor(
    private readonly db: Db,
    private readonly defaultCountry: string,
  ) {}

  async list(filter: ProfileListFilter, page: PageRequest, sort: ProfileSort = { field: "created_at", desc: true }): Promise<ProfileList> {
    const where = this.conditions(filter);
    if (filter.search?.trim()) return this.listMatches(filter.search, where, page);
    const column = { created_at: profiles.createdAt, updated_at: profiles.updatedAt, first_name: profiles.firstName, last_name: profiles.lastName, email: profiles.email }[sort.field];
    const [rows, [total]] = await this.db.batch([
      this.db.select().from(profiles).where(where).orderBy(sort.desc ? desc(column) : asc(column), desc(profiles.id)).limit(page.size).offset(pageOffset(page)),
      this.total(filter, where),
    ]);
    const n = total?.n ?? 0;
    const totalIsLowerBound = !this.byTypeOnly(filter) && n > LIST_COUNT_CAP;
    return { rows: await this.attachAll(rows), total: totalIsLowerBound ? LIST_COUNT_CAP : n, totalIsLowerBound };
  }

  /**
   * The list newest (or oldest) first by created_at, then id, after a cursor: read along the created_at index
   * from the cursor, so a page costs the same however deep it is (an offset page at 500k read 10 s at 1M).
   * The `created_at <=`/`>=` bound is implied by the OR but stated, as SQLite cannot see it through bound
   * parameters (workers/commerce/transactions.service.ts afterCursor).
   */
  async listByCursor(filter: ProfileListFilter, page: { after: KeysetCursor | null; size: number }, newestFirst = true): Promise<{ rows: ProfileView[]; next: KeysetCursor | null }> {
    const rows = await this.cursorPageQuery(filter, page, newestFirst);
    const pageRows = rows.slice(0, page.size);
    const last = pageRows.at(-1);
    return { rows: await this.attachAll(pageRows), next: rows.length > page.size && last ? { at: last.createdAt.getTime(), id: last.id } : null };
  }

  /** The statement of a cursor page: page size + 1 rows after the cursor (exported for its query-plan test). */
  cursorPageQuery(filter: ProfileListFilter, page: { after: KeysetCursor | null; size: number }, newestFirst = true) {
    const after = page.after;
    const at = after ? new Date(after.at) : null;
    const position =
      after && at
        ? newestFirst
          ? and(lte(profiles.createdAt, at), or(lt(profiles.createdAt, at), and(eq(profiles.createdAt, at), lt(profiles.id, after.id))))
          : and(gte(profiles.createdAt, at), or(gt(profiles.createdAt, at), and(eq(profiles.createdAt, at), lt(profiles.id, after.id))))
        : undefined;
    return this.db
      .select()
      .from(profiles)
      .where(and(this.conditions(filter), position))
      .orderBy(newestFirst ? desc(profiles.createdAt) : asc(profiles.createdAt), desc(profiles.id))
      .limit(page.size + 1);
  }

  /** No filter but the type: the total is read from profile_counts (kept by triggers), not counted. */
  private byTypeOnly(filter: ProfileListFilter): boolean {
    return filter.email === undefined && filter.firstName === undefined && filter.lastName === undefined && filter.mobilePhone === undefined && !filter.atRisk;
  }

  /**
   * The list's total: exact from profile_counts when only the type filters (the console's list and a plain
   * `GET /profiles`); otherwise the matches counted up to LIST_COUNT_CAP + 1 (then a lower bound).
   */
  private total(filter: ProfileListFilter, where: SQL | undefined) {
    if (this.byTypeOnly(filter)) {
      const byType = filter.type === "all" ? undefined : filter.type ? eq(profileCounts.type, filter.type) : ne(profileCounts.type, "deleted");
      return this.db.select({ n: sql<number>`coalesce(sum(${profileCounts.n}), 0)`.mapWith(Number) }).from(profileCounts).where(byType);
    }
    const capped = this.db.select({ one: sql`1` }).from(profiles).where(where).limit(LIST_COUNT_CAP + 1).as("capped");
    return this.db.select({ n: count() }).from(capped);
  }

  /** Every filter the list accepts, as one condition: an ignored one would answer with the wrong members. */
  private conditions(filter: ProfileListFilter): SQL | undefined {
    const byType: SQL | undefined = filter.type === "all" ? undefined : filter.type ? eq(profiles.type, filter.type) : ne(profiles.type, "deleted");
    return and(
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
  }

  /**
   * A search, paged: up to SEARCH_MATCH_CAP ranked matches are counted exactly after the filters, and
   * any page of them can be read; past the cap the total says so (`totalIsLowerBound`). Two round trips:
   * the ranked ids, then one batch that counts the filtered matches and loads only the page's members
   * (the ids travel as one JSON parameter; their JSON position keeps the rank).
   */
  private async listMatches(q: string, where: SQL | undefined, page: PageRequest): Promise<ProfileList> {
    const ids = await this.matchIds(q, SEARCH_MATCH_CAP + 1);
    const totalIsLowerBound = ids.length > SEARCH_MATCH_CAP;
    const ranked = JSON.stringify(ids.slice(0, SEARCH_MATCH_CAP));
    const kept = and(sql`${profiles.id} IN (SELECT value FROM json_each(${ranked}))`, where);
    const pageIds = sql`(SELECT m.value FROM json_each(${ranked}) m JOIN ${profiles} ON ${profiles.id} = m.value WHERE ${kept ?? sql`1`} ORDER BY m.key LIMIT ${page.size} OFFSET ${pageOffset(page)})`;
    const [[total], rows, idRows, addrRows] = await this.db.batch([
      this.db.select({ n: count() }).from(profiles).where(kept),
      this.db.select().from(profiles).where(sql`${profiles.id} IN ${pageIds}`),
      this.db.select().from(identities).where(sql`${identities.profileId} IN ${pageIds}`),
      this.db.select().from(addresses).where(sql`${addresses.profileId} IN ${pageIds}`),
    ]);
    const rank = new Map(ids.map((id, i) => [id, i]));
    const views = rows
      .sort((a, b) => rank.get(a.id)! - rank.get(b.id)!)
      .map((r) => ({ ...r, identities: idRows.filter((i) => i.profileId === r.id), addresses: addrRows.filter((a) => a.profileId === r.id) }));
    return { rows: views, total: total?.n ?? 0, totalIsLowerBound };
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
    return this.matchIds(q, Math.min(limit, 100));
  }

  private async matchIds(q: string, limit: number): Promise<string[]> {
    const query = q.trim().slice(0, 200);
    if (!query) return [];
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
