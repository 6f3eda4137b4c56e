// Webhooks: Omneo-shaped endpoints for one event type each. The signing secret is made here, returned
// once (create, rotate) and stored encrypted; a rotation keeps the old secret signing for a day.
import { and, asc, count, eq, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client";
import { webhooks } from "../../db/schema/delivery";
import type { Actor } from "../access/actor";
import type { AuditService } from "../access/audit";
import { canonicalEventType, unknownEventTypeMessage } from "../events/catalogue";
import { sampleContext } from "../events/context";
import type { Clock } from "../platform/clock";
import { newId } from "../platform/crypto";
import { encryptSecret, encryptionSecret } from "../platform/encryption";
import { DomainError } from "../platform/errors";
import { isUniqueViolation } from "../platform/sql";
import { pageOffset, type PageRequest } from "../platform/pagination";
import type { DeliveriesService } from "./deliveries.service";
import { checkOutboundUrl, SECRET_OVERLAP_MS } from "./rules";
import type { UpdateWebhookInput, WebhookInput } from "./schema";
import { newWebhookSecret, webhookBody } from "./signing";
import type { DeliveryRow, WebhookRow } from "./views";

/** The catalogue's name of a trigger the schema accepted (Trigger validates it). */
function eventTypeOf(trigger: string): string {
  const t = canonicalEventType(trigger);
  if (!t) throw DomainError.field("trigger", unknownEventTypeMessage(trigger));
  return t;
}

const auditValues = (w: WebhookRow) => ({ trigger: w.trigger, url: w.url, namespace: w.namespace, queue: w.queue, condition: w.condition ?? null, is_active: w.isActive, retry_hourly: w.retryHourly, retry_daily: w.retryDaily });

export class WebhooksService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly env: Env,
    private readonly deliveries: DeliveriesService,
  ) {}

  private checkUrl(url: string): void {
    const v = checkOutboundUrl(url, this.deliveries.urlPolicy);
    if (!v.ok) throw DomainError.field("url", `url ${v.reason}`);
  }

  async require(id: string): Promise<WebhookRow> {
    const row = await this.db.query.webhooks.findFirst({ where: eq(webhooks.id, id) });
    if (!row) throw new DomainError("not_found", `No webhook with id ${id}`);
    return row;
  }

  async list(filter: { trigger?: string; namespace?: string; isActive?: boolean }, page: PageRequest): Promise<{ rows: WebhookRow[]; total: number }> {
    const conds: SQL[] = [];
    // Omneo's filter is on the trigger as it was given (`profiles.create` finds those, not `profile.created` ones)
    if (filter.trigger) conds.push(eq(webhooks.trigger, filter.trigger));
    if (filter.namespace) conds.push(eq(webhooks.namespace, filter.namespace));
    if (filter.isActive !== undefined) conds.push(eq(webhooks.isActive, filter.isActive));
    const where = conds.length ? and(...conds) : undefined;
    const [rows, [total]] = await this.db.batch([
      this.db.select().from(webhooks).where(where).orderBy(asc(webhooks.trigger), asc(webhooks.url)).limit(page.size).offset(pageOffset(page)),
      this.db.select({ n: count() }).from(webhooks).where(where),
    ]);
    return { rows, total: total?.n ?? 0 };
  }

  async create(input: WebhookInput, actor: Actor): Promise<{ webhook: WebhookRow; secret: string }> {
    this.checkUrl(input.url);
    const now = this.clock.now();
    const secret = newWebhookSecret();
    const row: WebhookRow = {
      id: newId(),
      trigger: input.trigger,
      eventType: eventTypeOf(input.trigger),
      url: input.url,
      namespace: input.namespace ?? null,
      queue: input.queue,
      condition: input.condition ?? null,
      isActive: input.is_active ?? true,
      retryHourly: input.retry_hourly ?? true,
      retryDaily: input.retry_daily ?? true,
      secretEnc: await encryptSecret(encryptionSecret(this.env), secret),
      previousSecretEnc: null,
      previousSecretExpiresAt: null,
      disabledReason: null,
      disabledAt: null,
      failingSince: null,
      userId: actor.userId,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.db.batch([
        this.db.insert(webhooks).values(row),
        this.audit.entry(actor, { action: "webhook.created", entityType: "webhook", entityId: row.id, newValues: auditValues(row) }),
      ]);
    } catch (err) {
      if (isUniqueViolation(err)) throw DomainError.field("url", `A webhook for ${row.eventType} to this url already exists`);
      throw err;
    }
    return { webhook: row, secret };
  }

  async update(id: string, input: UpdateWebhookInput, actor: Actor): Promise<WebhookRow> {
    const current = await this.require(id);
    if (input.url !== undefined) this.checkUrl(input.url);
    const now = this.clock.now();
    const next: WebhookRow = {
      ...current,
      trigger: input.trigger ?? current.trigger,
      eventType: input.trigger === undefined ? current.eventType : eventTypeOf(input.trigger),
      url: input.url ?? current.url,
      namespace: input.namespace === undefined ? current.namespace : input.namespace,
      queue: input.queue ?? current.queue,
      condition: input.condition === undefined ? current.condition : input.condition,
      isActive: input.is_active ?? current.isActive,
      retryHourly: input.retry_hourly ?? current.retryHourly,
      retryDaily: input.retry_daily ?? current.retryDaily,
      updatedAt: now,
    };
    // switching an endpoint back on clears why the platform had switched it off
    if (input.is_active === true && !current.isActive) Object.assign(next, { disabledReason: null, disabledAt: null, failingSince: null });
    try {
      await this.db.batch([
        this.db.update(webhooks).set(next).where(eq(webhooks.id, id)),
        this.audit.entry(actor, { action: "webhook.updated", entityType: "webhook", entityId: id, oldValues: auditValues(current), newValues: auditValues(next) }),
      ]);
    } catch (err) {
      if (isUniqueViolation(err)) throw DomainError.field("url", `A webhook for ${next.eventType} to this url already exists`);
      throw err;
    }
    return next;
  }

  async remove(id: string, actor: Actor): Promise<void> {
    const current = await this.require(id);
    await this.db.batch([
      this.db.delete(webhooks).where(eq(webhooks.id, id)),
      this.audit.entry(actor, { action: "webhook.deleted", entityType: "webhook", entityId: id, oldValues: auditValues(current) }),
    ]);
  }

  /** A new secret; the old one keeps signing for SECRET_OVERLAP_MS so receivers can switch over. */
  async rotateSecret(id: string, actor: Actor): Promise<{ webhook: WebhookRow; secret: string }> {
    const current = await this.require(id);
    const now = this.clock.now();
    const secret = newWebhookSecret();
    const next: WebhookRow = {
      ...current,
      secretEnc: await encryptSecret(encryptionSecret(this.env), secret),
      previousSecretEnc: current.secretEnc,
      previousSecretExpiresAt: new Date(now.getTime() + SECRET_OVERLAP_MS),
      updatedAt: now,
    };
    await this.db.batch([
      this.db.update(webhooks).set({ secretEnc: next.secretEnc, previousSecretEnc: next.previousSecretEnc, previousSecretExpiresAt: next.previousSecretExpiresAt, updatedAt: now }).where(eq(webhooks.id, id)),
      this.audit.entry(actor, { action: "webhook.secret_rotated", entityType: "webhook", entityId: id, newValues: { previous_secret_expires_at: next.previousSecretExpiresAt!.toISOString() } }),
    ]);
    return { webhook: next, secret };
  }

  /** Send a sample of the webhook's event (a sample profile, no real data) through the normal pipeline. */
  async sendTest(id: string, actor: Actor): Promise<DeliveryRow> {
    const w = await this.require(id);
    this.checkUrl(w.url);
    const now = this.clock.now();
    const body = webhookBody(w.eventType, now.toISOString(), { ...sampleContext(w.eventType, {}, now), test: true });
    const row = this.deliveries.newRow({ id: `msg_${newId().replaceAll("-", "")}`, kind: "test", webhookId: w.id, eventType: w.eventType, url: w.url, body }, now);
    await this.audit.record(actor, { action: "webhook.tested", entityType: "webhook", entityId: id, newValues: { delivery_id: row.id } });
    return this.deliveries.create(row);
  }
}
