// Outbound delivery: the fan-out of an event to the webhooks that want it, and the `deliveries` queue's
// work of sending one message, logging the attempt and deciding what comes next. A delivery row is
// written before its queue message, and the message carries only its id and attempt number, so a
// body of any size stays far under the 128 KB message limit and a redelivered message sends nothing
// twice (the attempt is claimed with a conditional update first).
import { and, asc, count, desc, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client";
import { deliveries, deliveryAttempts, targets, webhooks } from "../../db/schema/delivery";
import type { DeliveryKind, DeliveryStatus, WebhookQueue } from "./schema";
import type { EventContext } from "../events/context";
import { conditionHolds } from "../incentives/rules/conditions";
import type { Clock } from "../platform/clock";
import { newId, sha256Hex } from "../platform/crypto";
import { decryptSecret, encryptionSecret } from "../platform/encryption";
import { DomainError } from "../platform/errors";
import type { DomainEvent } from "../platform/outbox";
import { pageOffset, type PageRequest } from "../platform/pagination";
import { checkOutboundUrl, classifyOutcome, DISABLE_AFTER_MS, excerpt, nextRetryDelay, queueDelay, type UrlPolicy } from "./rules";
import { webhookBody, webhookHeaders } from "./signing";
import type { AttemptRow, DeliveryRow, WebhookRow } from "./views";

export const DELIVERY_TIMEOUT_MS = 15_000;
const USER_AGENT = "LoyaltyEdge-Webhooks/1.0";

export interface DeliveryMessage {
  kind: "delivery";
  delivery_id: string;
  /** attempts already made when this message was sent: the consumer claims attempt n+1 */
  attempt: number;
}

export function isDeliveryMessage(body: unknown): body is DeliveryMessage {
  const b = body as Partial<DeliveryMessage> | null;
  return !!b && b.kind === "delivery" && typeof b.delivery_id === "string" && typeof b.attempt === "number";
}

export interface DeliveryQueue {
  sendBatch(messages: Iterable<MessageSendRequest<DeliveryMessage>>): Promise<unknown>;
  send(message: DeliveryMessage, options?: QueueSendOptions): Promise<unknown>;
}

/** The stable webhook-id of one (endpoint, event): a redelivered event makes the same delivery. */
export async function deliveryIdFor(endpointId: string, key: string): Promise<string> {
  return `msg_${(await sha256Hex(`${endpointId}:${key}`)).slice(0, 32)}`;
}

export type AttemptResult = "delivered" | "retrying" | "dead" | "gone" | "skipped";

/** One queued attempt: which delivery, how many attempts it has had, an optional delay and its priority queue. */
export interface EnqueueItem {
  delivery_id: string;
  attempt: number;
  delaySeconds?: number;
  /** the webhook's `queue`; targets and replays without a webhook go to default, test sends to high */
  queue?: WebhookQueue;
}

export class DeliveriesService {
  private readonly queues: Record<WebhookQueue, DeliveryQueue>;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly env: Env,
    queue: DeliveryQueue | Record<WebhookQueue, DeliveryQueue>,
  ) {
    // one queue for every priority (tests), or one per priority: a webhook's `queue` picks its delivery queue
    this.queues = "sendBatch" in queue ? { high: queue, default: queue, low: queue } : queue;
  }

  /** Where we may send: https to public hosts; http to localhost too when the dev flag is on. */
  get urlPolicy(): UrlPolicy {
    return { allowInsecureLocal: this.env.ALLOW_INSECURE_WEBHOOK_URLS === "true" };
  }

  private get key(): string {
    return encryptionSecret(this.env);
  }

  // ── fan-out ─────────────────────────────────────────────────────────────────────────────────

  /** The active webhooks an event goes to: its trigger, their condition, and no echo to the namespace that caused it. */
  matchWebhooks(candidates: WebhookRow[], event: DomainEvent, context: EventContext): WebhookRow[] {
    const origin = event.causation?.namespace;
    return candidates.filter((w) => w.isActive && !(w.namespace && origin && w.namespace === origin) && (w.condition === null || w.condition === undefined || conditionHolds(w.condition, context)));
  }

  /** Turn an event into one delivery per matching webhook; returns the deliveries enqueued. */
  async fanOut(event: DomainEvent, trigger: string, buildContext: () => Promise<EventContext>): Promise<number> {
    const candidates = await this.db
      .select()
      .from(webhooks)
      .where(and(eq(webhooks.eventType, trigger), eq(webhooks.isActive, true)));
    if (candidates.length === 0) return 0;
    const context = await buildContext();
    const matched = this.matchWebhooks(candidates, event, context);
    if (matched.length === 0) return 0;
    const body = webhookBody(trigger, event.occurred_at, context);
    const now = this.clock.now();
    const rows: DeliveryRow[] = [];
    const priority = new Map<string, WebhookQueue>();
    for (const w of matched) {
      priority.set(w.id, w.queue);
      rows.push(this.newRow({ id: await deliveryIdFor(w.id, event.id), kind: "webhook", webhookId: w.id, eventId: event.id, eventType: trigger, url: w.url, body }, now));
    }
    // a repeat of this event finds its rows and re-sends their first message; the consumer's claim makes that harmless
    // 18 columns a row: 5 rows a statement stay under D1's 100 bound parameters
    for (let i = 0; i < rows.length; i += 5) await this.db.insert(deliveries).values(rows.slice(i, i + 5)).onConflictDoNothing();
    const existing = await this.db
      .select({ id: deliveries.id, attempts: deliveries.attempts, status: deliveries.status, webhookId: deliveries.webhookId })
      .from(deliveries)
      .where(inArray(deliveries.id, rows.map((r) => r.id)));
    const fresh = existing.filter((r) => r.status === "pending" && r.attempts === 0);
    await this.enqueue(fresh.map((r) => ({ delivery_id: r.id, attempt: 0, queue: priority.get(r.webhookId ?? "") ?? "default" })));
    return fresh.length;
  }

  newRow(r: { id: string; kind: DeliveryKind; webhookId?: string | null; targetId?: string | null; eventId?: string | null; eventType: string; url: string; method?: string; body: string; contentType?: string }, now: Date): DeliveryRow {
    return {
      id: r.id,
      kind: r.kind,
      webhookId: r.webhookId ?? null,
      targetId: r.targetId ?? null,
      eventId: r.eventId ?? null,
      eventType: r.eventType,
      url: r.url,
      method: r.method ?? "POST",
      body: r.body,
      contentType: r.contentType ?? "application/json",
      status: "pending",
      attempts: 0,
      nextAttemptAt: now,
      lastStatusCode: null,
      lastError: null,
      createdAt: now,
      updatedAt: now,
      deliveredAt: null,
    };
  }

  /** Write one delivery and queue its first attempt (tests, targets, replays of a sample). */
  async create(row: DeliveryRow, delaySeconds?: number): Promise<DeliveryRow> {
    const [inserted] = await this.db.insert(deliveries).values(row).onConflictDoNothing().returning();
    // a test send has someone waiting at the console: high; a target's notice: default
    if (inserted) await this.enqueue([{ delivery_id: inserted.id, attempt: 0, queue: row.kind === "test" ? "high" : "default", ...(delaySeconds && delaySeconds > 0 ? { delaySeconds } : {}) }]);
    return inserted ?? (await this.require(row.id));
  }

  async enqueue(items: EnqueueItem[]): Promise<void> {
    for (const q of ["high", "default", "low"] as const) {
      const mine = items.filter((m) => (m.queue ?? "default") === q);
      for (let i = 0; i < mine.length; i += 100) {
        await this.queues[q].sendBatch(
          mine.slice(i, i + 100).map((m) => ({ body: { kind: "delivery" as const, delivery_id: m.delivery_id, attempt: m.attempt }, contentType: "json" as const, ...(m.delaySeconds ? { delaySeconds: queueDelay(m.delaySeconds) } : {}) })),
        );
      }
    }
  }

  /** The priority queue of a delivery: its webhook's `queue`; default without one, high for a test send. */
  private async queueOf(row: Pick<DeliveryRow, "webhookId" | "kind">, webhook?: Pick<WebhookRow, "queue"> | null): Promise<WebhookQueue> {
    if (row.kind === "test") return "high";
    if (!row.webhookId) return "default";
    const w = webhook ?? (await this.db.query.webhooks.findFirst({ columns: { queue: true }, where: eq(webhooks.id, row.webhookId) }));
    return w?.queue ?? "default";
  }

  // ── one attempt ─────────────────────────────────────────────────────────────────────────────

  /** Handle one queue message: send the delivery's next attempt if it is still due and still ours. */
  async attempt(msg: DeliveryMessage, fetcher: typeof fetch = fetch): Promise<AttemptResult> {
    const row = await this.db.query.deliveries.findFirst({ where: eq(deliveries.id, msg.delivery_id) });
    if (!row || row.status !== "pending" || row.attempts !== msg.attempt) return "skipped";
    const now = this.clock.now();
    // queue delays stop at 12 h: a message that arrives before its time goes back to wait the rest
    if (row.nextAttemptAt && row.nextAttemptAt.getTime() - now.getTime() > 1000) {
      await this.enqueue([{ delivery_id: row.id, attempt: row.attempts, delaySeconds: (row.nextAttemptAt.getTime() - now.getTime()) / 1000, queue: await this.queueOf(row) }]);
      return "skipped";
    }
    const webhook = row.webhookId ? await this.db.query.webhooks.findFirst({ where: eq(webhooks.id, row.webhookId) }) : undefined;
    const target = row.targetId ? await this.db.query.targets.findFirst({ where: eq(targets.id, row.targetId) }) : undefined;
    if ((row.webhookId && (!webhook || (!webhook.isActive && row.kind === "webhook"))) || (row.targetId && !target)) {
      await this.finish(row, "failed", { error: row.webhookId && webhook ? "The webhook is inactive" : "The endpoint was deleted" });
      return "skipped";
    }

    // claim attempt n+1: a second copy of this message (or a racing consumer) finds nothing to do
    const claimed = await this.db
      .update(deliveries)
      .set({ attempts: row.attempts + 1, updatedAt: now })
      .where(and(eq(deliveries.id, row.id), eq(deliveries.attempts, row.attempts), eq(deliveries.status, "pending")))
      .returning({ id: deliveries.id });
    if (claimed.length === 0) return "skipped";
    const attemptNo = row.attempts + 1;

    const verdict = checkOutboundUrl(row.url, this.urlPolicy);
    if (!verdict.ok) {
      await this.record(row, attemptNo, { statusCode: null, latencyMs: 0, error: `Refused: the URL ${verdict.reason}`, excerpt: null });
      await this.finish(row, "dead", { error: `Refused: the URL ${verdict.reason}`, attempts: attemptNo });
      return "dead";
    }

    const headers = new Headers({ "content-type": row.contentType, "user-agent": USER_AGENT });
    if (webhook) {
      const secrets = [await decryptSecret(this.key, webhook.secretEnc)];
      if (webhook.previousSecretEnc && webhook.previousSecretExpiresAt && webhook.previousSecretExpiresAt.getTime() > now.getTime()) {
        secrets.push(await decryptSecret(this.key, webhook.previousSecretEnc));
      }
      for (const [k, v] of Object.entries(await webhookHeaders(secrets, row.id, Math.floor(now.getTime() / 1000), row.body))) headers.set(k, v);
    }
    if (target) {
      for (const h of target.headers) headers.set(h.name, h.is_secret ? await decryptSecret(this.key, h.value) : h.value);
      headers.set("idempotency-key", row.id);
    }

    const started = Date.now();
    let status: number | null = null;
    let error: string | null = null;
    let responseText: string | null = null;
    try {
      const res = await fetcher(row.url, {
        method: row.method,
        headers,
        body: row.method === "GET" || row.method === "HEAD" ? undefined : row.body,
        redirect: "manual",
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      });
      status = res.status;
      responseText = await readExcerpt(res);
      if (status >= 300 && status < 400) error = `Redirect to ${res.headers.get("location") ?? "?"} not followed`;
      else if (status >= 400) error = `HTTP ${status}`;
    } catch (err) {
      error = (err as Error)?.name === "TimeoutError" ? `Timed out after ${DELIVERY_TIMEOUT_MS / 1000} s` : `Network error: ${(err as Error)?.message ?? String(err)}`;
    }
    const latencyMs = Date.now() - started;
    await this.record(row, attemptNo, { statusCode: status, latencyMs, error, excerpt: responseText });

    const outcome = classifyOutcome(status);
    if (outcome === "delivered") {
      await this.db.batch([
        this.db.update(deliveries).set({ status: "delivered", deliveredAt: this.clock.now(), lastStatusCode: status, lastError: null, updatedAt: this.clock.now(), nextAttemptAt: null }).where(eq(deliveries.id, row.id)),
        ...(webhook?.failingSince ? [this.db.update(webhooks).set({ failingSince: null }).where(eq(webhooks.id, webhook.id))] : []),
      ]);
      return "delivered";
    }
    if (outcome === "gone") {
      await this.finish(row, "failed", { error: "410 Gone: the endpoint was disabled", statusCode: status, attempts: attemptNo });
      if (webhook) await this.db.update(webhooks).set({ isActive: false, disabledReason: "The receiver answered 410 Gone", disabledAt: now, updatedAt: now }).where(eq(webhooks.id, webhook.id));
      return "gone";
    }
    // failing streak: an endpoint that has not succeeded for 3 days is switched off
    if (webhook) {
      const since = webhook.failingSince ?? now;
      if (now.getTime() - since.getTime() >= DISABLE_AFTER_MS) {
        await this.db.update(webhooks).set({ isActive: false, disabledReason: "Failing for 3 days without a successful delivery", disabledAt: now, updatedAt: now }).where(eq(webhooks.id, webhook.id));
      } else if (!webhook.failingSince) {
        await this.db.update(webhooks).set({ failingSince: now }).where(eq(webhooks.id, webhook.id));
      }
    }
    const policy = webhook ? { retryHourly: webhook.retryHourly, retryDaily: webhook.retryDaily } : { retryHourly: true, retryDaily: false };
    const wait = row.kind === "test" ? null : nextRetryDelay(attemptNo, policy, now.getTime() - row.createdAt.getTime());
    if (wait === null) {
      await this.finish(row, "dead", { error, statusCode: status, attempts: attemptNo });
      return "dead";
    }
    const next = new Date(now.getTime() + wait * 1000);
    await this.db.update(deliveries).set({ nextAttemptAt: next, lastStatusCode: status, lastError: error, updatedAt: now }).where(eq(deliveries.id, row.id));
    await this.enqueue([{ delivery_id: row.id, attempt: attemptNo, delaySeconds: wait, queue: await this.queueOf(row, webhook) }]);
    return "retrying";
  }

  private async record(row: DeliveryRow, attempt: number, a: { statusCode: number | null; latencyMs: number; error: string | null; excerpt: string | null }) {
    await this.db.insert(deliveryAttempts).values({ id: newId(), deliveryId: row.id, attempt, at: this.clock.now(), statusCode: a.statusCode, latencyMs: a.latencyMs, error: a.error, responseExcerpt: a.excerpt });
  }

  private async finish(row: DeliveryRow, status: DeliveryStatus, o: { error?: string | null; statusCode?: number | null; attempts?: number }) {
    await this.db
      .update(deliveries)
      .set({ status, lastError: o.error ?? null, ...(o.statusCode !== undefined ? { lastStatusCode: o.statusCode } : {}), nextAttemptAt: null, updatedAt: this.clock.now() })
      .where(eq(deliveries.id, row.id));
  }

  // ── the log and replay ──────────────────────────────────────────────────────────────────────

  async require(id: string): Promise<DeliveryRow> {
    const row = await this.db.query.deliveries.findFirst({ where: eq(deliveries.id, id) });
    if (!row) throw new DomainError("not_found", `No delivery with id ${id}`);
    return row;
  }

  async get(id: string): Promise<{ delivery: DeliveryRow; attempts: AttemptRow[] }> {
    const delivery = await this.require(id);
    const attempts = await this.db.select().from(deliveryAttempts).where(eq(deliveryAttempts.deliveryId, id)).orderBy(asc(deliveryAttempts.attempt)).limit(100);
    return { delivery, attempts };
  }

  async list(filter: { webhookId?: string; targetId?: string; status?: DeliveryStatus }, page: PageRequest): Promise<{ rows: DeliveryRow[]; total: number }> {
    const conds: SQL[] = [];
    if (filter.webhookId) conds.push(eq(deliveries.webhookId, filter.webhookId));
    if (filter.targetId) conds.push(eq(deliveries.targetId, filter.targetId));
    if (filter.status) conds.push(eq(deliveries.status, filter.status));
    const where = conds.length ? and(...conds) : undefined;
    const [rows, [total]] = await this.db.batch([
      this.db.select().from(deliveries).where(where).orderBy(desc(deliveries.createdAt), desc(deliveries.id)).limit(page.size).offset(pageOffset(page)),
      this.db.select({ n: count() }).from(deliveries).where(where),
    ]);
    return { rows, total: total?.n ?? 0 };
  }

  /** Send a failed or dead delivery again, under the same webhook-id. */
  async replay(id: string): Promise<DeliveryRow> {
    const row = await this.require(id);
    if (row.status === "pending") throw new DomainError("conflict", "This delivery is still being tried");
    if (row.status === "delivered") throw new DomainError("conflict", "This delivery already succeeded");
    const now = this.clock.now();
    const [updated] = await this.db
      .update(deliveries)
      .set({ status: "pending", nextAttemptAt: now, updatedAt: now, lastError: null })
      .where(and(eq(deliveries.id, id), inArray(deliveries.status, ["failed", "dead"])))
      .returning();
    if (!updated) throw new DomainError("conflict", "This delivery changed meanwhile; reload it");
    await this.enqueue([{ delivery_id: id, attempt: updated.attempts, queue: await this.queueOf(updated) }]);
    return updated;
  }

  /** Replay every failed or dead delivery of one webhook (at most `limit` at a time); returns how many. */
  async replayFailed(webhookId: string, limit = 500): Promise<number> {
    const now = this.clock.now();
    const rows = await this.db
      .update(deliveries)
      .set({ status: "pending", nextAttemptAt: now, updatedAt: now, lastError: null })
      .where(
        inArray(
          deliveries.id,
          this.db
            .select({ id: deliveries.id })
            .from(deliveries)
            .where(and(eq(deliveries.webhookId, webhookId), inArray(deliveries.status, ["failed", "dead"])))
            .limit(limit),
        ),
      )
      .returning({ id: deliveries.id, attempts: deliveries.attempts });
    const queue = await this.queueOf({ webhookId, kind: "webhook" });
    await this.enqueue(rows.map((r) => ({ delivery_id: r.id, attempt: r.attempts, queue })));
    return rows.length;
  }

  /** How many deliveries of each status a set of endpoints has (the console's list). */
  async statusCounts(webhookIds: string[]): Promise<Map<string, Partial<Record<DeliveryStatus, number>>>> {
    const out = new Map<string, Partial<Record<DeliveryStatus, number>>>();
    if (webhookIds.length === 0) return out;
    const rows = await this.db
      .select({ webhookId: deliveries.webhookId, status: deliveries.status, n: sql<number>`count(*)` })
      .from(deliveries)
      .where(inArray(deliveries.webhookId, webhookIds.slice(0, 90)))
      .groupBy(deliveries.webhookId, deliveries.status);
    for (const r of rows) {
      const m = out.get(r.webhookId!) ?? {};
      m[r.status] = r.n;
      out.set(r.webhookId!, m);
    }
    return out;
  }
}

/** At most the first 2 KB of a response, as text, for the attempt log (a large body is not read to its end). */
async function readExcerpt(res: Response): Promise<string | null> {
  if (!res.body) return null;
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < 2048) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  const bytes = new Uint8Array(size);
  let off = 0;
  for (const c of chunks) {
    bytes.set(c, off);
    off += c.byteLength;
  }
  return excerpt(new TextDecoder().decode(bytes.slice(0, 2048)));
}
