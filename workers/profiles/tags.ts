// The tag catalogue behind Omneo's /tags: numeric ids, a unique handle (any case), an optional name.
// Profiles carry their tags by handle (profiles.tags), so a tag's handle never changes once made and
// deleting a tag from the catalogue leaves the profiles that carry its handle as they are.
import { and, asc, count, desc, eq, sql, type SQL } from "drizzle-orm";
import { tags } from "../../db/schema";
import type { Actor } from "../access/actor";
import { DomainError } from "../platform/errors";
import { pageOffset, type PageRequest } from "../platform/pagination";
import { isUniqueViolation } from "../platform/sql";
import type { ProfileDeps } from "./context";
import type { TagInput, UpdateTagInput } from "./schema";

export type Tag = typeof tags.$inferSelect;
export const TAG_SORTS = ["id", "handle", "name", "created_at"] as const;
export type TagSort = { field: (typeof TAG_SORTS)[number]; desc: boolean };

const taken = (handle: string) => DomainError.field("handle", `A tag with handle "${handle}" already exists`);

export class ProfileTags {
  constructor(private readonly deps: Pick<ProfileDeps, "db" | "clock" | "audit">) {}

  async list(filter: { handle?: string; name?: string }, sort: TagSort[], page: PageRequest): Promise<{ rows: Tag[]; total: number }> {
    const { db } = this.deps;
    const conditions: SQL[] = [];
    if (filter.handle !== undefined) conditions.push(sql`lower(${tags.handle}) = ${filter.handle.toLowerCase()}`);
    if (filter.name !== undefined) conditions.push(sql`lower(${tags.name}) = ${filter.name.toLowerCase()}`);
    const where = conditions.length ? and(...conditions) : undefined;
    const column = { id: tags.id, handle: tags.handle, name: tags.name, created_at: tags.createdAt } as const;
    const order = [...sort.map((s) => (s.desc ? desc(column[s.field]) : asc(column[s.field]))), asc(tags.id)];
    const [rows, [total]] = await db.batch([
      db.select().from(tags).where(where).orderBy(...order).limit(page.size).offset(pageOffset(page)),
      db.select({ n: count() }).from(tags).where(where),
    ]);
    return { rows, total: total?.n ?? 0 };
  }

  async get(id: string): Promise<Tag> {
    const row = /^\d{1,15}$/.test(id) ? await this.deps.db.query.tags.findFirst({ where: eq(tags.id, Number(id)) }) : undefined;
    if (!row) throw new DomainError("not_found", `No tag with id ${id}`);
    return row;
  }

  async create(input: TagInput, actor: Actor): Promise<Tag> {
    const { db, clock, audit } = this.deps;
    const existing = await db.query.tags.findFirst({ where: sql`lower(${tags.handle}) = ${input.handle.toLowerCase()}` });
    if (existing) throw taken(input.handle);
    const now = clock.now();
    try {
      const [[row]] = await db.batch([
        db.insert(tags).values({ handle: input.handle, name: input.name ?? null, createdAt: now, updatedAt: now }).returning(),
        // the new id, read inside the same transaction: the audit entry names the tag it created
        audit.entry(actor, {
          action: "tag.created",
          entityType: "tag",
          entityId: sql`(SELECT CAST(${tags.id} AS TEXT) FROM ${tags} WHERE lower(${tags.handle}) = ${input.handle.toLowerCase()})` as unknown as string,
          newValues: { handle: input.handle, name: input.name ?? null },
        }),
      ]);
      return row!;
    } catch (err) {
      if (isUniqueViolation(err)) throw taken(input.handle);
      throw err;
    }
  }

  async update(id: string, input: UpdateTagInput, actor: Actor): Promise<Tag> {
    const { db, clock, audit } = this.deps;
    const tag = await this.get(id);
    if (input.handle !== undefined && input.handle.toLowerCase() !== tag.handle.toLowerCase()) {
      throw DomainError.field("handle", "A tag's handle cannot change: profiles carry it. Create a new tag instead");
    }
    if (input.name === undefined || input.name === tag.name) return tag;
    const now = clock.now();
    await db.batch([
      db.update(tags).set({ name: input.name, updatedAt: now }).where(eq(tags.id, tag.id)),
      audit.entry(actor, { action: "tag.updated", entityType: "tag", entityId: String(tag.id), oldValues: { name: tag.name }, newValues: { name: input.name } }),
    ]);
    return { ...tag, name: input.name, updatedAt: now };
  }

  async remove(id: string, actor: Actor): Promise<void> {
    const { db, audit } = this.deps;
    const tag = await this.get(id);
    await db.batch([
      db.delete(tags).where(eq(tags.id, tag.id)),
      audit.entry(actor, { action: "tag.deleted", entityType: "tag", entityId: String(tag.id), oldValues: { handle: tag.handle, name: tag.name } }),
    ]);
  }
}
