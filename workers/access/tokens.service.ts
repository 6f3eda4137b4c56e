// API tokens: shown once, stored as a SHA-256 hash with a visible prefix, scoped, expiring, revocable.
import { and, count, desc, eq, gt, isNotNull, isNull, lte, or, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client";
import { apiTokens, users } from "../../db/schema";
import type { Clock } from "../platform/clock";
import { newId, randomToken, sha256Hex } from "../platform/crypto";
import { DomainError } from "../platform/errors";
import { pageOffset, type PageRequest } from "../platform/pagination";
import type { Actor } from "./actor";
import type { AuditService } from "./audit";
import { API_SCOPES, effectiveScopes, hasScope, scopesAllowedForRole, tokenStatus, type ApiScope } from "./rules";
import type { CreateApiTokenInput } from "./schema";
import { publicUser, type PublicUser } from "./users.service";

export type ApiToken = typeof apiTokens.$inferSelect;
export const TOKEN_PREFIX = "le_";
/** Don't write last_used_at more often than this per token: a hot token must not cost a write per request. */
export const LAST_USED_RESOLUTION_MS = 60_000;

export function serializeToken(t: ApiToken, now: Date) {
  return {
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    scopes: t.scopes,
    user_id: t.userId,
    status: tokenStatus(t, now),
    created_at: t.createdAt.toISOString(),
    expires_at: t.expiresAt?.toISOString() ?? null,
    last_used_at: t.lastUsedAt?.toISOString() ?? null,
    revoked_at: t.revokedAt?.toISOString() ?? null,
    namespace: t.namespace ?? null,
  };
}

/** Omneo's API tokens (Passport's personal access tokens) last a year; a token asked for in Omneo's scope names does too. */
export const OMNEO_TOKEN_LIFETIME_MS = 365 * 24 * 3600_000;

/** True when a body's scopes are named Omneo's way (read-profiles, …) rather than ours (profiles:read). */
export function usesOmneoScopeNames(scopes: readonly unknown[]): boolean {
  return scopes.some((s) => typeof s === "string" && !(API_SCOPES as readonly string[]).includes(s));
}

/** Omneo's APIToken always has an expiry: a token of ours that never expires shows this one. */
export const OMNEO_NEVER_EXPIRES = "9999-12-31T23:59:59.000Z";

/** A token in Omneo's APIToken shape; `scopes` overrides the stored ones (a create echoes the names asked for). */
export function serializeOmneoToken(t: ApiToken, now: Date, scopes?: readonly string[]) {
  return {
    id: t.id,
    user_id: t.userId,
    client_id: null,
    name: t.name,
    scopes: [...(scopes ?? t.scopes)],
    revoked: tokenStatus(t, now) === "revoked",
    created_at: t.createdAt.toISOString(),
    updated_at: (t.revokedAt ?? t.createdAt).toISOString(),
    expires_at: t.expiresAt?.toISOString() ?? OMNEO_NEVER_EXPIRES,
  };
}

export function tokenActor(token: ApiToken, owner: PublicUser, meta: { ip?: string | null; userAgent?: string | null; requestId?: string | null } = {}): Actor {
  return {
    type: "token",
    id: token.id,
    label: `token ${token.name} (${token.prefix}…) of ${owner.email}`,
    userId: owner.id,
    role: owner.role,
    scopes: token.scopes,
    namespace: token.namespace ?? null,
    ip: meta.ip ?? null,
    userAgent: meta.userAgent ?? null,
    requestId: meta.requestId ?? null,
  };
}

export interface AuthenticatedToken {
  token: ApiToken;
  owner: PublicUser;
  /** a pending last_used_at write, for ctx.waitUntil */
  touch: Promise<unknown> | null;
}

export class TokensService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  async create(input: CreateApiTokenInput, actor: Actor): Promise<{ token: string; record: ApiToken }> {
    const now = this.clock.now();
    const ownerId = input.user_id ?? actor.userId;
    if (!ownerId) throw DomainError.field("user_id", "user_id is required when the system creates a token");
    const owner = await this.db.query.users.findFirst({ where: eq(users.id, ownerId) });
    if (!owner) throw DomainError.field("user_id", `No user with id ${ownerId}`);
    if (!owner.isActive) throw DomainError.field("user_id", "That user is deactivated");
    if (ownerId !== actor.userId && actor.type !== "system" && actor.role !== "admin") {
      throw new DomainError("forbidden", "Only an Admin can create tokens for another user");
    }

    const allowed = scopesAllowedForRole(owner.role);
    const notAllowed = input.scopes.filter((s) => !allowed.includes(s));
    if (notAllowed.length) {
      throw DomainError.field("scopes", `A ${owner.role} user's token cannot have: ${notAllowed.join(", ")}`);
    }
    // A token can only hand out what it holds itself.
    if (actor.type === "token") {
      const beyond = input.scopes.filter((s) => !hasScope(actor.scopes ?? [], s as ApiScope));
      if (beyond.length) throw DomainError.field("scopes", `This token cannot grant scopes it lacks: ${beyond.join(", ")}`);
    }
    const expiresAt = input.expires_at ? new Date(input.expires_at) : null;
    if (expiresAt && expiresAt.getTime() <= now.getTime()) {
      throw DomainError.field("expires_at", "expires_at must be in the future");
    }

    const secret = TOKEN_PREFIX + randomToken(30);
    const record: ApiToken = {
      id: newId(),
      name: input.name,
      prefix: secret.slice(0, TOKEN_PREFIX.length + 6),
      tokenHash: await sha256Hex(secret),
      scopes: input.scopes,
      userId: owner.id,
      createdBy: actor.userId,
      createdAt: now,
      expiresAt,
      lastUsedAt: null,
      revokedAt: null,
      namespace: input.namespace ?? null,
    };
    await this.db.batch([
      this.db.insert(apiTokens).values(record),
      this.audit.entry(actor, {
        action: "api_token.created",
        entityType: "api_token",
        entityId: record.id,
        newValues: { name: record.name, prefix: record.prefix, scopes: record.scopes, user_id: owner.id, expires_at: expiresAt?.toISOString() ?? null },
      }),
    ]);
    return { token: secret, record };
  }

  async list(filter: { userId?: string }, page: PageRequest): Promise<{ rows: ApiToken[]; total: number }> {
    const where = filter.userId ? eq(apiTokens.userId, filter.userId) : undefined;
    const [rows, [total]] = await this.db.batch([
      this.db.select().from(apiTokens).where(where).orderBy(desc(apiTokens.createdAt)).limit(page.size).offset(pageOffset(page)),
      this.db.select({ n: count() }).from(apiTokens).where(where),
    ]);
    return { rows, total: total?.n ?? 0 };
  }

  /** Omneo's token lists: a user's active tokens (not revoked, not expired) or expired ones (not revoked), newest first. */
  async listByStatus(userId: string, status: "active" | "expired", now: Date, limit = 500): Promise<ApiToken[]> {
    const where =
      status === "active"
        ? and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt), or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, now)))
        : and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt), isNotNull(apiTokens.expiresAt), lte(apiTokens.expiresAt, now));
    return this.db.select().from(apiTokens).where(where).orderBy(desc(apiTokens.createdAt)).limit(limit);
  }

  async listWithOwners(): Promise<Array<ApiToken & { ownerEmail: string }>> {
    const rows = await this.db
      .select({ token: apiTokens, ownerEmail: users.email })
      .from(apiTokens)
      .innerJoin(users, eq(users.id, apiTokens.userId))
      .orderBy(desc(apiTokens.createdAt))
      .limit(500);
    return rows.map((r) => ({ ...r.token, ownerEmail: r.ownerEmail }));
  }

  async get(id: string): Promise<ApiToken> {
    const row = await this.db.query.apiTokens.findFirst({ where: eq(apiTokens.id, id) });
    if (!row) throw new DomainError("not_found", `No API token with id ${id}`);
    return row;
  }

  /** Revoke a token. Idempotent: revoking a revoked token changes nothing and says so in the result. */
  async revoke(id: string, actor: Actor): Promise<ApiToken> {
    const row = await this.get(id);
    if (actor.type !== "system" && actor.role !== "admin" && row.userId !== actor.userId) {
      throw new DomainError("forbidden", "Only an Admin can revoke another user's token");
    }
    if (row.revokedAt) return row;
    const now = this.clock.now();
    await this.db.batch([
      this.db.update(apiTokens).set({ revokedAt: now }).where(and(eq(apiTokens.id, id))),
      this.audit.entry(actor, {
        action: "api_token.revoked",
        entityType: "api_token",
        entityId: id,
        oldValues: { revoked_at: null },
        newValues: { revoked_at: now.toISOString() },
      }),
    ]);
    return { ...row, revokedAt: now };
  }

  /** Resolve a bearer secret in one indexed query; null when unknown, revoked, expired or its owner is inactive. */
  async authenticate(secret: string): Promise<AuthenticatedToken | null> {
    if (!secret.startsWith(TOKEN_PREFIX) || secret.length > 200) return null;
    return this.resolveActive(eq(apiTokens.tokenHash, await sha256Hex(secret)));
  }

  /**
   * The token behind a delegated credential (an ID token names the API token that minted it): the same
   * checks as authenticate, so revoking the API token or deactivating or demoting its owner reaches every
   * ID token it minted on the next request.
   */
  async authenticateById(id: string): Promise<AuthenticatedToken | null> {
    return this.resolveActive(eq(apiTokens.id, id));
  }

  private async resolveActive(where: SQL): Promise<AuthenticatedToken | null> {
    const rows = await this.db.select({ token: apiTokens, owner: users }).from(apiTokens).innerJoin(users, eq(users.id, apiTokens.userId)).where(where).limit(1);
    const row = rows[0];
    if (!row) return null;
    const now = this.clock.now();
    if (tokenStatus(row.token, now) !== "active" || !row.owner.isActive) return null;
    const stale = !row.token.lastUsedAt || now.getTime() - row.token.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS;
    const touch = stale ? this.db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.token.id)).run() : null;
    // the owner's current role bounds the token on every request (a demoted owner's token is demoted too)
    return { token: { ...row.token, scopes: effectiveScopes(row.token.scopes, row.owner.role) }, owner: publicUser(row.owner), touch };
  }
}
