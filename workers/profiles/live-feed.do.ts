// LiveFeed: a partyserver Durable Object (one instance, "signups") that keeps the most recent sign-ups
// and broadcasts each new one to the consoles connected over /parties/live-feed/signups. It also relays
// import jobs' progress (counts only, nothing kept) to the Settings → Imports page on the same channel.
import { Server, type Connection, type ConnectionContext } from "partyserver";

export const LIVE_FEED_SIZE = 50;

/**
 * Who opened a socket: the worker's /parties route sets these on the request it forwards (replacing
 * anything the client sent), so the feed can close a session's or a user's sockets when they end.
 */
export const LIVE_FEED_SESSION_HEADER = "X-Live-Feed-Session";
export const LIVE_FEED_USER_HEADER = "X-Live-Feed-User";
/** The close code a socket gets when its session ends (sign-out, role change, deactivation). */
export const SESSION_ENDED_CLOSE = 4001;

export interface SignupItem {
  profile_id: string;
  full_name: string;
  email: string;
  joined_at: string;
}

/** An import job's progress as the live channel carries it: `{type: "job", item}`. */
export interface JobProgressItem {
  id: string;
  type: string;
  status: string;
  total: number;
  done: number;
  failed: number;
}

export class LiveFeed extends Server<Env> {
  static options = { hibernate: true };

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // here rather than in onStart: RPC calls (addSignup from the events consumer) don't run onStart
    ctx.storage.sql.exec(
      `CREATE TABLE IF NOT EXISTS signups (seq INTEGER PRIMARY KEY AUTOINCREMENT, profile_id TEXT NOT NULL UNIQUE, item TEXT NOT NULL)`,
    );
  }

  recent(): SignupItem[] {
    return this.ctx.storage.sql
      .exec<{ item: string }>(`SELECT item FROM signups ORDER BY seq DESC LIMIT ?`, LIVE_FEED_SIZE)
      .toArray()
      .map((r) => JSON.parse(r.item) as SignupItem);
  }

  /** Record a sign-up and broadcast it; idempotent per profile. Returns false when it was already known. */
  addSignup(item: SignupItem): boolean {
    const existing = this.ctx.storage.sql.exec(`SELECT 1 FROM signups WHERE profile_id = ?`, item.profile_id).toArray();
    if (existing.length) return false;
    this.ctx.storage.sql.exec(`INSERT INTO signups (profile_id, item) VALUES (?, ?)`, item.profile_id, JSON.stringify(item));
    this.ctx.storage.sql.exec(
      `DELETE FROM signups WHERE seq NOT IN (SELECT seq FROM signups ORDER BY seq DESC LIMIT ?)`,
      LIVE_FEED_SIZE,
    );
    this.broadcast(JSON.stringify({ type: "signup", item }));
    return true;
  }

  /** Relay an import job's progress to every open console (counts only; nothing is stored). */
  jobProgress(item: JobProgressItem): void {
    this.broadcast(JSON.stringify({ type: "job", item }));
  }

  getConnectionTags(_connection: Connection, ctx: ConnectionContext): string[] {
    const session = ctx.request.headers.get(LIVE_FEED_SESSION_HEADER);
    const user = ctx.request.headers.get(LIVE_FEED_USER_HEADER);
    return [session ? `session:${session}` : null, user ? `user:${user}` : null].filter((t): t is string => t !== null);
  }

  /** Close the sockets of an ended session, or of every session of a user; returns how many. */
  closeFor(who: { sessionHash?: string; userId?: string }): number {
    const tag = who.sessionHash ? `session:${who.sessionHash}` : who.userId ? `user:${who.userId}` : null;
    if (!tag) return 0;
    let closed = 0;
    for (const connection of this.getConnections(tag)) {
      connection.close(SESSION_ENDED_CLOSE, "Session ended");
      closed += 1;
    }
    return closed;
  }

  onConnect(connection: Connection) {
    connection.send(JSON.stringify({ type: "snapshot", items: this.recent() }));
  }
}
