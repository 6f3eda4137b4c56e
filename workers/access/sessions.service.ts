// Console sign-in: password check with throttling, server-side sessions in D1, sliding expiry.
import { and, count, eq, gte, min } from "drizzle-orm";
import type { Db } from "../../db/client";
import { loginAttempts, sessions, users } from "../../db/schema";
import type { Clock } from "../platform/clock";
import { randomToken, sha256Hex } from "../platform/crypto";
import { DomainError } from "../platform/errors";
import type { Actor } from "./actor";
import type { AuditService } from "./audit";
import { burnPasswordCheck, hashPassword, needsRehash, verifyPassword } from "./password";
import { canLogIn, LOGIN_WINDOW_MS, loginLockout, SESSION_IDLE_MS, slideSessionExpiry } from "./rules";
import type { LoginInput } from "./schema";
import { publicUser, type PublicUser } from "./users.service";

export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
  requestId?: string | null;
}

export interface SignedIn {
  token: string;
  expiresAt: Date;
  user: PublicUser;
}

export function userActor(user: PublicUser, meta: Partial<RequestMeta> = {}): Actor {
  return {
    type: "user",
    id: user.id,
    label: user.email,
    userId: user.id,
    role: user.role,
    ip: meta.ip ?? null,
    userAgent: meta.userAgent ?? null,
    requestId: meta.requestId ?? null,
  };
}

const INVALID = "Email or password is incorrect";

/** Closes what ended sessions hold open: one session by its id hash, or every session of a user. Never throws. */
export type SessionsEnded = (who: { sessionHash?: string; userId?: string }) => Promise<void>;

export class SessionsService {
  /** A session this request slid forward (services are built per request): its cookie needs the new Expires. */
  renewed: { token: string; expiresAt: Date } | null = null;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    /** told when sessions end, to close what they hold open (the live feed's sockets) */
    private readonly onSessionsEnded?: SessionsEnded,
  ) {}

  async login(input: LoginInput, meta: RequestMeta): Promise<SignedIn> {
    const now = this.clock.now();
    const email = input.email.toLowerCase();
    const ip = meta.ip ?? "unknown";
    const since = new Date(now.getTime() - LOGIN_WINDOW_MS);
    const failed = and(eq(loginAttempts.succeeded, false), gte(loginAttempts.at, since));
    // The attempt is recorded before the password is checked, and counted in the same batch, so
    // parallel attempts each see the others: no more than the limit get through. The lock is per
    // (email, IP) and per IP, so nobody can lock a staff account for everyone by failing on purpose.
    const [inserted, [byPair], [byIp]] = await this.db.batch([
      this.db.insert(loginAttempts).values({ email, ip, succeeded: false, at: now }).returning({ id: loginAttempts.id }),
      this.db.select({ n: count(), oldest: min(loginAttempts.at) }).from(loginAttempts).where(and(failed, eq(loginAttempts.email, email), eq(loginAttempts.ip, ip))),
      this.db.select({ n: count() }).from(loginAttempts).where(and(failed, eq(loginAttempts.ip, ip))),
    ]);
    const attemptId = inserted[0]!.id;
    // the counts include this attempt: the lock looks at the failures before it
    const lock = loginLockout({ email: (byPair?.n ?? 1) - 1, ip: (byIp?.n ?? 1) - 1, oldestRelevantAt: byPair?.oldest ?? undefined }, now);
    if (lock.locked) {
      // a refused attempt is not a failure: it must not push the lock further out
      await this.db.delete(loginAttempts).where(eq(loginAttempts.id, attemptId));
      const minutes = Math.ceil(lock.retryAfterSeconds / 60);
      throw new DomainError("rate_limited", `Too many failed sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`, {
        headers: { "Retry-After": String(lock.retryAfterSeconds) },
      });
    }

    const user = await this.db.query.users.findFirst({ where: eq(users.email, email) });
    const ok = user?.passwordHash ? await verifyPassword(input.password, user.passwordHash) : (await burnPasswordCheck(input.password), false);
    if (!user || !ok || !user.isActive || !canLogIn(user.role)) {
      // the failure was recorded above
      throw new DomainError("invalid_credentials", INVALID, { errors: { password: [INVALID] } });
    }

    const token = randomToken(32);
    const expiresAt = new Date(now.getTime() + SESSION_IDLE_MS);
    const actor = userActor(publicUser(user), meta);
    await this.db.batch([
      this.db.insert(sessions).values({
        idHash: await sha256Hex(token),
        userId: user.id,
        createdAt: now,
        expiresAt,
        lastSeenAt: now,
        ip: meta.ip,
        userAgent: meta.userAgent?.slice(0, 300) ?? null,
      }),
      this.db.update(users).set({ lastLoginAt: now }).where(eq(users.id, user.id)),
      // a success clears the email's failures, so a typo-prone user is not locked out later
      this.db.delete(loginAttempts).where(eq(loginAttempts.email, email)),
      this.audit.entry(actor, { action: "session.created", entityType: "user", entityId: user.id }),
    ]);
    if (needsRehash(user.passwordHash!)) {
      await this.db.update(users).set({ passwordHash: await hashPassword(input.password) }).where(eq(users.id, user.id));
    }
    return { token, expiresAt, user: publicUser({ ...user, lastLoginAt: now }) };
  }

  /** The signed-in user for a session cookie value, or null when absent, expired or deactivated. */
  /** The session's user (and, for the console's writes, the actor they act as from `meta`'s address), or null. */
  async authenticate(token: string | null | undefined, meta: Partial<RequestMeta> = {}): Promise<{ user: PublicUser; expiresAt: Date; actor: Actor } | null> {
    if (!token || token.length > 100) return null;
    const idHash = await sha256Hex(token);
    const rows = await this.db
      .select({ session: sessions, user: users })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(eq(sessions.idHash, idHash))
      .limit(1);
    const row = rows[0];
    if (!row) return null;
    const now = this.clock.now();
    if (row.session.expiresAt.getTime() <= now.getTime() || !row.user.isActive || !canLogIn(row.user.role)) {
      await this.db.delete(sessions).where(eq(sessions.idHash, idHash));
      return null;
    }
    let expiresAt = row.session.expiresAt;
    const next = slideSessionExpiry(row.session, now);
    if (next) {
      expiresAt = next;
      await this.db.update(sessions).set({ expiresAt: next, lastSeenAt: now }).where(eq(sessions.idHash, idHash));
      // the worker re-sends the cookie with this expiry, so the browser keeps it as long as the server does
      this.renewed = { token, expiresAt: next };
    }
    const user = publicUser(row.user);
    return { user, expiresAt, actor: userActor(user, meta) };
  }

  async logout(token: string | null | undefined, actor?: Actor): Promise<void> {
    if (!token) return;
    const idHash = await sha256Hex(token);
    const deleted = await this.db.delete(sessions).where(eq(sessions.idHash, idHash)).returning({ userId: sessions.userId });
    // the session's open live-feed sockets end with it
    await this.onSessionsEnded?.({ sessionHash: idHash });
    if (deleted[0] && actor) {
      await this.audit.record(actor, { action: "session.ended", entityType: "user", entityId: deleted[0].userId });
    }
  }
}
