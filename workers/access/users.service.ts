// Staff users: list, create, change role, deactivate, set password, delete (soft: the audit log keeps
// naming who did what). Omneo's /users routes (users.api.ts) call the same methods.
import { and, asc, count, desc, eq, isNull, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client";
import { apiTokens, sessions, users } from "../../db/schema";
import type { Clock } from "../platform/clock";
import { newId } from "../platform/crypto";
import { DomainError } from "../platform/errors";
import { pageOffset, type PageRequest } from "../platform/pagination";
import type { Actor } from "./actor";
import type { AuditService } from "./audit";
import { hashPassword } from "./password";
import type { SessionsEnded } from "./sessions.service";
import { wouldRemoveLastAdmin, type Role } from "./rules";
import type { CreateUserInput, UpdateUserInput } from "./schema";

export type User = typeof users.$inferSelect;
export type PublicUser = Omit<User, "passwordHash">;

export function publicUser(u: User): PublicUser {
  const { passwordHash: _omit, ...rest } = u;
  return rest;
}

export function serializeUser(u: PublicUser) {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    is_active: u.isActive,
    created_at: u.createdAt.toISOString(),
    last_login_at: u.lastLoginAt?.toISOString() ?? null,
  };
}

export interface UserListFilter {
  name?: string;
  email?: string;
  role?: Role;
}
export const USER_SORTS = ["id", "name", "email", "created_at"] as const;
export type UserSort = { field: (typeof USER_SORTS)[number]; desc: boolean };

const live = isNull(users.deletedAt);

export class UsersService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly onSessionsEnded?: SessionsEnded,
  ) {}

  async list(): Promise<PublicUser[]> {
    const rows = await this.db.select().from(users).where(live).orderBy(asc(users.createdAt), asc(users.email));
    return rows.map(publicUser);
  }

  /** A page of live users, for the API's list (filters exact on role, case-insensitive on name and email). */
  async page(filter: UserListFilter, sort: UserSort[], page: PageRequest): Promise<{ rows: PublicUser[]; total: number }> {
    const conditions: SQL[] = [live];
    if (filter.name !== undefined) conditions.push(sql`lower(${users.name}) = ${filter.name.toLowerCase()}`);
    if (filter.email !== undefined) conditions.push(sql`lower(${users.email}) = ${filter.email.toLowerCase()}`);
    if (filter.role !== undefined) conditions.push(eq(users.role, filter.role));
    const where = and(...conditions);
    const column = { id: users.number, name: users.name, email: users.email, created_at: users.createdAt } as const;
    const order = [...sort.map((s) => (s.desc ? desc(column[s.field]) : asc(column[s.field]))), asc(users.number), asc(users.id)];
    const [rows, [total]] = await this.db.batch([
      this.db.select().from(users).where(where).orderBy(...order).limit(page.size).offset(pageOffset(page)),
      this.db.select({ n: count() }).from(users).where(where),
    ]);
    return { rows: rows.map(publicUser), total: total?.n ?? 0 };
  }

  async get(id: string): Promise<PublicUser> {
    const row = await this.findLive(id);
    if (!row) throw new DomainError("not_found", `No user with id ${id}`);
    return publicUser(row);
  }

  /** A live user by our id (UUID) or Omneo's numeric id. */
  private async findLive(ref: string): Promise<User | undefined> {
    const where = /^\d{1,15}$/.test(ref) ? eq(users.number, Number(ref)) : eq(users.id, ref);
    return this.db.query.users.findFirst({ where: and(where, live) });
  }

  async findByEmail(email: string): Promise<User | undefined> {
    return this.db.query.users.findFirst({ where: eq(sql`lower(${users.email})`, email.toLowerCase()) });
  }

  async count(): Promise<number> {
    const [row] = await this.db.select({ n: count() }).from(users);
    return row?.n ?? 0;
  }

  async create(input: CreateUserInput & { throttle?: number | null }, actor: Actor): Promise<PublicUser> {
    if (await this.findByEmail(input.email)) {
      throw DomainError.field("email", "A user with this email already exists");
    }
    const now = this.clock.now();
    const row: User = {
      id: newId(),
      email: input.email,
      name: input.name,
      role: input.role,
      passwordHash: input.password ? await hashPassword(input.password) : null,
      isActive: true,
      lastLoginAt: null,
      createdAt: now,
      updatedAt: now,
      number: null,
      throttle: input.throttle ?? null,
      deletedAt: null,
    };
    // the next number in the insert itself: D1 runs one statement at a time, so two creates never share one
    const [, , [numbered]] = await this.db.batch([
      this.db.insert(users).values({ ...row, number: sql`(SELECT coalesce(max(${users.number}), 0) + 1 FROM ${users})` }),
      this.audit.entry(actor, {
        action: "user.created",
        entityType: "user",
        entityId: row.id,
        newValues: { email: row.email, name: row.name, role: row.role },
      }),
      this.db.select({ number: users.number }).from(users).where(eq(users.id, row.id)),
    ]);
    return publicUser({ ...row, number: numbered?.number ?? null });
  }

  async update(id: string, input: UpdateUserInput & { email?: string; throttle?: number | null }, actor: Actor): Promise<PublicUser> {
    const target = await this.findLive(id);
    if (!target) throw new DomainError("not_found", `No user with id ${id}`);
    id = target.id;
    const change: { name?: string; email?: string; role?: Role; isActive?: boolean; throttle?: number | null } = {};
    if (input.name !== undefined && input.name !== target.name) change.name = input.name;
    if (input.email !== undefined && input.email !== target.email) {
      const taken = await this.findByEmail(input.email);
      if (taken && taken.id !== id) throw DomainError.field("email", "A user with this email already exists");
      change.email = input.email;
    }
    if (input.throttle !== undefined && input.throttle !== target.throttle) change.throttle = input.throttle;
    if (input.role !== undefined && input.role !== target.role) change.role = input.role;
    if (input.is_active !== undefined && input.is_active !== target.isActive) change.isActive = input.is_active;
    if (Object.keys(change).length === 0) return publicUser(target);

    if (wouldRemoveLastAdmin(target, change, await this.countActiveAdmins())) {
      const field = change.role !== undefined ? "role" : "is_active";
      throw DomainError.field(field, "This is the last active Admin: make another user Admin first");
    }
    if (change.role === "machine" || (change.role && target.role === "machine")) {
      if (change.role === "machine" && target.passwordHash) {
        throw DomainError.field("role", "A user who signs in cannot become a Machine user; create a Machine user instead");
      }
      if (target.role === "machine") {
        throw DomainError.field("role", "A Machine user cannot become a console user; create a new user instead");
      }
    }
    const now = this.clock.now();
    const old = Object.fromEntries(Object.keys(change).map((k) => [k, target[k as keyof typeof change]]));
    const writes = [
      this.db.update(users).set({ ...change, updatedAt: now }).where(eq(users.id, id)),
      this.audit.entry(actor, { action: "user.updated", entityType: "user", entityId: id, oldValues: old, newValues: change }),
    ] as const;
    // Deactivation or a role change ends the user's console sessions: permissions are re-read at next sign-in.
    if (change.isActive === false || change.role !== undefined) {
      await this.db.batch([...writes, this.db.delete(sessions).where(eq(sessions.userId, id))]);
      await this.onSessionsEnded?.({ userId: id });
    } else {
      await this.db.batch(writes);
    }
    return publicUser({ ...target, ...change, updatedAt: now });
  }

  async setPassword(id: string, password: string, actor: Actor): Promise<void> {
    const target = await this.findLive(id);
    if (!target) throw new DomainError("not_found", `No user with id ${id}`);
    id = target.id;
    if (target.role === "machine") throw DomainError.field("password", "Machine users never sign in, so they have no password");
    const hash = await hashPassword(password);
    await this.db.batch([
      this.db.update(users).set({ passwordHash: hash, updatedAt: this.clock.now() }).where(eq(users.id, id)),
      this.db.delete(sessions).where(eq(sessions.userId, id)),
      this.audit.entry(actor, { action: "user.password_set", entityType: "user", entityId: id }),
    ]);
    await this.onSessionsEnded?.({ userId: id });
  }

  /**
   * Delete a user (Omneo's DELETE /users/{id}): deactivated and hidden from every read, its sessions ended and
   * its API tokens revoked; the row stays so the audit log still names who did what. Never the last Admin.
   */
  async remove(id: string, actor: Actor): Promise<void> {
    const target = await this.findLive(id);
    if (!target) throw new DomainError("not_found", `No user with id ${id}`);
    if (wouldRemoveLastAdmin(target, { isActive: false }, await this.countActiveAdmins())) {
      throw new DomainError("conflict", "This is the last active Admin: make another user Admin first");
    }
    const now = this.clock.now();
    await this.db.batch([
      this.db.update(users).set({ isActive: false, deletedAt: now, updatedAt: now }).where(eq(users.id, target.id)),
      this.db.delete(sessions).where(eq(sessions.userId, target.id)),
      this.db.update(apiTokens).set({ revokedAt: now }).where(and(eq(apiTokens.userId, target.id), isNull(apiTokens.revokedAt))),
      this.audit.entry(actor, { action: "user.deleted", entityType: "user", entityId: target.id, oldValues: { email: target.email, name: target.name, role: target.role } }),
    ]);
  }

  async countActiveAdmins(): Promise<number> {
    const [row] = await this.db
      .select({ n: count() })
      .from(users)
      .where(and(eq(users.role, "admin"), eq(users.isActive, true), live));
    return row?.n ?? 0;
  }
}
