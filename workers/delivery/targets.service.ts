// Targets: a URL, a method, headers (secret values encrypted at rest) and a Twig payload template that
// reactions fire with `target.send`. A template is checked against a sample context on save, so a
// broken one is a 422 naming its line, never a failure at send time; sends go through the same
// `deliveries` queue, log, retries and SSRF guard as webhooks.
import { and, asc, count, eq, like, or, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client";
import { targets, type TargetHeader } from "../../db/schema/delivery";
import type { Actor } from "../access/actor";
import type { AuditService } from "../access/audit";
import { sampleContext, type EventContext } from "../events/context";
import { conditionHolds } from "../incentives/rules/conditions";
import type { Clock } from "../platform/clock";
import { newId } from "../platform/crypto";
import { encryptSecret, encryptionSecret } from "../platform/encryption";
import { DomainError } from "../platform/errors";
import { isUniqueViolation } from "../platform/sql";
import { pageOffset, type PageRequest } from "../platform/pagination";
import { deliveryIdFor, type DeliveriesService } from "./deliveries.service";
import { checkOutboundUrl } from "./rules";
import type { TargetInput, UpdateTargetInput } from "./schema";
import { contentTypeOf, renderTemplate, TemplateError, templateError } from "./templates";
import type { DeliveryRow, TargetRow } from "./views";

const auditValues = (t: TargetRow) => ({ name: t.name, handle: t.handle, url: t.url, method: t.method, headers: t.headers.map((h) => h.name), condition: t.condition ?? null });

export interface SendTargetResult {
  /** null when the target's condition did not hold for this context */
  delivery: DeliveryRow | null;
  skipped: "condition" | null;
}

export class TargetsService {
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

  private checkTemplate(template: string): void {
    const err = templateError(template, sampleContext("transaction.created", { transaction: { id: "sample", total: 100, items: [] } }));
    if (err) throw DomainError.field("template", err.message);
  }

  /** Secret header values are encrypted; a secret sent as null keeps the stored value. */
  private async headers(input: ReadonlyArray<{ name: string; value?: string | null; is_secret?: boolean }>, current: TargetHeader[]): Promise<TargetHeader[]> {
    const key = encryptionSecret(this.env);
    const out: TargetHeader[] = [];
    for (const [i, h] of input.entries()) {
      const secret = h.is_secret ?? false;
      if (h.value === null || h.value === undefined) {
        const kept = current.find((c) => c.name.toLowerCase() === h.name.toLowerCase() && c.is_secret === secret);
        if (!kept) throw DomainError.field(`headers.${i}.value`, `header ${h.name} needs a value`);
        out.push(kept);
        continue;
      }
      out.push({ name: h.name, value: secret ? await encryptSecret(key, h.value) : h.value, is_secret: secret });
    }
    return out;
  }

  async require(id: string): Promise<TargetRow> {
    const row = await this.db.query.targets.findFirst({ where: eq(targets.id, id) });
    if (!row) throw new DomainError("not_found", `No target with id ${id}`);
    return row;
  }

  async findByHandle(handleOrId: string): Promise<TargetRow | undefined> {
    return this.db.query.targets.findFirst({ where: or(eq(targets.handle, handleOrId.toLowerCase()), eq(targets.id, handleOrId)) });
  }

  async list(filter: { search?: string; handle?: string; name?: string }, page: PageRequest): Promise<{ rows: TargetRow[]; total: number }> {
    const q = filter.search?.trim().slice(0, 40);
    const conds: SQL[] = [];
    if (q) conds.push(or(like(targets.name, `%${q}%`), like(targets.handle, `%${q}%`))!);
    if (filter.handle !== undefined) conds.push(eq(targets.handle, filter.handle));
    if (filter.name !== undefined) conds.push(eq(targets.name, filter.name));
    const where = conds.length ? and(...conds) : undefined;
    const [rows, [total]] = await this.db.batch([
      this.db.select().from(targets).where(where).orderBy(asc(targets.name), asc(targets.id)).limit(page.size).offset(pageOffset(page)),
      this.db.select({ n: count() }).from(targets).where(where),
    ]);
    return { rows, total: total?.n ?? 0 };
  }

  async create(input: TargetInput, actor: Actor): Promise<TargetRow> {
    this.checkUrl(input.url);
    this.checkTemplate(input.template);
    const now = this.clock.now();
    const row: TargetRow = {
      id: newId(),
      name: input.name,
      handle: input.handle,
      url: input.url,
      method: input.method ?? "POST",
      headers: await this.headers(input.headers ?? [], []),
      template: input.template,
      condition: input.condition ?? null,
      description: input.description ?? null,
      notes: input.notes ?? null,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.db.batch([this.db.insert(targets).values(row), this.audit.entry(actor, { action: "target.created", entityType: "target", entityId: row.id, newValues: auditValues(row) })]);
    } catch (err) {
      if (isUniqueViolation(err)) throw DomainError.field("handle", `A target with handle ${row.handle} already exists`);
      throw err;
    }
    return row;
  }

  async update(id: string, input: UpdateTargetInput, actor: Actor): Promise<TargetRow> {
    const current = await this.require(id);
    if (input.url !== undefined) this.checkUrl(input.url);
    if (input.template !== undefined) this.checkTemplate(input.template);
    const next: TargetRow = {
      ...current,
      name: input.name ?? current.name,
      handle: input.handle ?? current.handle,
      url: input.url ?? current.url,
      method: input.method ?? current.method,
      headers: input.headers === undefined ? current.headers : await this.headers(input.headers, current.headers),
      template: input.template ?? current.template,
      condition: input.condition === undefined ? current.condition : input.condition,
      description: input.description === undefined ? current.description : input.description,
      notes: input.notes === undefined ? current.notes : input.notes,
      updatedAt: this.clock.now(),
    };
    try {
      await this.db.batch([
        this.db.update(targets).set(next).where(eq(targets.id, id)),
        this.audit.entry(actor, { action: "target.updated", entityType: "target", entityId: id, oldValues: auditValues(current), newValues: auditValues(next) }),
      ]);
    } catch (err) {
      if (isUniqueViolation(err)) throw DomainError.field("handle", `A target with handle ${next.handle} already exists`);
      throw err;
    }
    return next;
  }

  async remove(id: string, actor: Actor): Promise<void> {
    const current = await this.require(id);
    await this.db.batch([this.db.delete(targets).where(eq(targets.id, id)), this.audit.entry(actor, { action: "target.deleted", entityType: "target", entityId: id, oldValues: auditValues(current) })]);
  }

  /** Render a template (the saved one or a draft) against a context (a sample by default); a template error is a 422 with its line. */
  preview(target: Pick<TargetRow, "template" | "condition"> | null, opts: { template?: string; eventType?: string; context?: Record<string, unknown> }) {
    const template = opts.template ?? target?.template;
    if (!template) throw DomainError.field("template", "template is required");
    const context = opts.context ?? sampleContext(opts.eventType ?? "transaction.created", { transaction: { id: "sample", external_id: "R-1001", total: 120, items: [{ sku: "SKU-1", name: "Sample item", quantity: 1, price_sell: 120 }] } });
    try {
      return { body: renderTemplate(template, context), condition_passed: conditionHolds(target?.condition ?? null, context), context };
    } catch (err) {
      if (err instanceof TemplateError) throw DomainError.field("template", err.message);
      throw err;
    }
  }

  /**
   * Send a target with an event context: the service reactions call for `target.send`. The condition
   * is checked, the template rendered, and one delivery queued. With `key` (e.g. event id + trigger +
   * action) a repeat makes no second delivery.
   */
  async sendTarget(handleOrId: string, context: EventContext | Record<string, unknown>, opts: { key?: string | null; eventId?: string | null; eventType?: string | null; delaySeconds?: number } = {}): Promise<SendTargetResult> {
    const target = await this.findByHandle(handleOrId);
    if (!target) throw new DomainError("not_found", `No target with handle ${handleOrId}`);
    if (target.condition !== null && target.condition !== undefined && !conditionHolds(target.condition, context)) return { delivery: null, skipped: "condition" };
    let body: string;
    try {
      body = renderTemplate(target.template, context);
    } catch (err) {
      if (err instanceof TemplateError) throw DomainError.field("template", `target ${target.handle}: ${err.message}`);
      throw err;
    }
    const now = this.clock.now();
    const event = (context as { event?: { id?: string; type?: string } }).event;
    const id = opts.key ? await deliveryIdFor(target.id, opts.key) : `msg_${newId().replaceAll("-", "")}`;
    const row = this.deliveries.newRow(
      { id, kind: "target", targetId: target.id, eventId: opts.eventId ?? event?.id ?? null, eventType: opts.eventType ?? event?.type ?? "target.send", url: target.url, method: target.method, body, contentType: contentTypeOf(body) },
      now,
    );
    // a later notice (a reward definition's offset): the first attempt waits; the consumer re-queues past the queue's 12 h cap
    if (opts.delaySeconds && opts.delaySeconds > 0) row.nextAttemptAt = new Date(now.getTime() + opts.delaySeconds * 1000);
    return { delivery: await this.deliveries.create(row, opts.delaySeconds), skipped: null };
  }
}
