// Idempotency-Key support for API writes: the first response under a key is stored for 24 hours and
// replayed for a retry with the same body; the same key with a different body is a 422, and a retry
// while the first is still running is a 409 (for at most a minute: a crashed request's key is then taken over).
import { and, eq, isNull, lt } from "drizzle-orm";
import type { Db } from "../../db/client";
import { idempotencyKeys } from "../../db/schema";
import type { Clock } from "./clock";
import { DomainError } from "./errors";

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** A key stays "in flight" this long at most: longer than any request runs, short enough for a retry. */
export const IDEMPOTENCY_LEASE_MS = 60 * 1000;
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

export interface StoredResponse {
  status: number;
  body: string;
  contentType: string | null;
}

export function validateIdempotencyKey(key: string): void {
  if (!KEY_PATTERN.test(key)) {
    throw DomainError.field("Idempotency-Key", "Idempotency-Key must be 1 to 255 visible ASCII characters");
  }
}

export class IdempotencyStore {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /**
   * Claim a key for a request. Returns the stored response to replay, or null when the caller should
   * run the request and then call complete() (or release() on a server error).
   */
  async begin(actor: string, key: string, method: string, path: string, requestHash: string): Promise<StoredResponse | null> {
    validateIdempotencyKey(key);
    const now = this.clock.now();
    const where = and(eq(idempotencyKeys.actor, actor), eq(idempotencyKeys.key, key));
    const existing = await this.db.query.idempotencyKeys.findFirst({ where });
    if (existing && now.getTime() - existing.createdAt.getTime() >= IDEMPOTENCY_TTL_MS) {
      await this.db.delete(idempotencyKeys).where(where);
    } else if (existing) {
      if (existing.method !== method || existing.path !== path || existing.requestHash !== requestHash) {
        throw new DomainError(
          "idempotency_key_reused",
          `Idempotency-Key "${key}" was first used for a different request (${existing.method} ${existing.path}); use a new key for a new request`,
        );
      }
      if (existing.statusCode === null) {
        // a request that crashed never completes or releases its key: after a short lease the retry takes it over
        if (now.getTime() - existing.createdAt.getTime() >= IDEMPOTENCY_LEASE_MS) {
          const taken = await this.db
            .update(idempotencyKeys)
            .set({ createdAt: now })
            .where(and(where, isNull(idempotencyKeys.statusCode), eq(idempotencyKeys.createdAt, existing.createdAt)))
            .returning({ key: idempotencyKeys.key });
          if (taken.length) return null;
        }
        throw new DomainError("idempotency_in_flight", `A request with Idempotency-Key "${key}" is still being processed; retry shortly`, {
          headers: { "Retry-After": "1" },
        });
      }
      return { status: existing.statusCode, body: existing.responseBody ?? "", contentType: existing.contentType };
    }
    const claimed = await this.db
      .insert(idempotencyKeys)
      .values({ actor, key, method, path, requestHash, createdAt: now, statusCode: null, responseBody: null, contentType: null })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });
    if (claimed.length === 0) {
      throw new DomainError("idempotency_in_flight", `A request with Idempotency-Key "${key}" is still being processed; retry shortly`, {
        headers: { "Retry-After": "1" },
      });
    }
    return null;
  }

  async complete(actor: string, key: string, response: StoredResponse): Promise<void> {
    await this.db
      .update(idempotencyKeys)
      .set({ statusCode: response.status, responseBody: response.body, contentType: response.contentType })
      .where(and(eq(idempotencyKeys.actor, actor), eq(idempotencyKeys.key, key)));
  }

  /** Forget a key whose request failed on our side, so the client's retry runs it again. */
  async release(actor: string, key: string): Promise<void> {
    await this.db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.actor, actor), eq(idempotencyKeys.key, key)));
  }

  async purgeExpired(): Promise<void> {
    await this.db.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, new Date(this.clock.now().getTime() - IDEMPOTENCY_TTL_MS)));
  }
}
