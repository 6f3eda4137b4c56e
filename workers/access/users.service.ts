// Staff users: list, create, change role, deactivate, set password.
import { and, asc, count, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { sessions, users } from "../../db/schema";
import type { Clock } from "../platform/clock";
import { newId } from "../platform/crypto";
import { DomainError } from "../platform/errors";
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

export class UsersService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly onSessionsEnded?: SessionsEnded,
  ) {}

  async list(): Promise<PublicUser[]> {
    const rows = await this.db.select().from(users).orderBy(asc(users.createdAt), asc(users.email));
    return rows.map(publicUser);
  }

  async get(id: string): Promise<PublicUser> {
    const row = await this.db.query.users.findFirst({ where: eq(users.id, id) });
    if (!row) throw new DomainError("not_found", `No user with id ${id}`);
    return publicUser(row);
  }

  async findByEmail(email: string): Promise<User | undefined> {
    return this.db.query.users.findFirst({ where: eq(sql`lower(${users.email})`, email.toLowerCase()) });
  }

  async count(): Promise<number> {
    const [row] = await this.db.select({ n: count() }).from(users);
    return row?.n ?? 0;
  }

  async create(input: CreateUserInput, actor: Actor): Promise<PublicUser> {
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
    };
    await this.db.batch([
      this.db.insert(users).values(row),
      this.audit.entry(actor, {
        action: "user.created",
        entityType: "user",
        entityId: row.id,
        newValues: { email: row.email, name: row.name, role: row.role },
      }),
    ]);
    return publicUser(row);
  }

  async update(id: string, input: UpdateUserInput, actor: Actor): Promise<PublicUser> {
    const target = await this.db.query.users.findFirst({ where: eq(users.id, id) });
    if (!target) throw new DomainError("not_found", `No user with id ${id}`);
    const change: { name?: string; role?: Role; isActive?: boolean } = {};
    if (input.name !== undefined && input.name !== target.name) change.name = input.name;
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
    const target = await this.db.query.users.findFirst({ where: eq(users.id, id) });
    if (!target) throw new DomainError("not_found", `No user with id ${id}`);
    if (target.role === "machine") throw DomainError.field("password", "Machine users never sign in, so they have no password");
    const hash = await hashPassword(password);
    await this.db.batch([
      this.db.update(users).set({ passwordHash: hash, updatedAt: this.clock.now() }).where(eq(users.id, id)),
      this.db.delete(sessions).where(eq(sessions.userId, id)),
      this.audit.entry(actor, { action: "user.password_set", entityType: "user", entityId: id }),
    ]);
    await this.onSessionsEnded?.({ userId: id });
  }

  async countActiveAdmins(): Promise<number> {
    const [row] = await this.db
      .select({ n: count() })
      .from(users)
      .where(and(eq(users.role, "admin"), eq(users.isActive, true)));
    return row?.n ?? 0;
  }
}
