// Transactions: recording (idempotent on external_id), the queued ingest, reads with filters and
// pagination, void, and claiming an anonymous transaction. A transaction is immutable once written:
// it is corrected by a return or a void, never an edit. Each write lands in one D1 batch with its
// items, a placeholder location when needed, its outbox event and audit entry. Earning is not here: a
// receipt reaches the ledger through the Receipts use case (./ingest.ts). Over 500 lines because the
// ingest's one-round-trip pre-read, its batch and its race handling read best beside each other.
import { and, asc, count, desc, eq, gte, inArray, isNull, lt, lte, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client";
import { batchJobs, locations, transactionItems, transactions, type ItemDiscount, type Payment } from "../../db/schema";
import type { Actor } from "../access/actor";
import type { AuditService } from "../access/audit";
import type { Clock } from "../platform/clock";
import { newId, sha256Hex } from "../platform/crypto";
import { DomainError, isDomainError, type FieldErrors } from "../platform/errors";
import { fromCents } from "../platform/money";
import { MAX_MESSAGE_BYTES, type EventRow, type Outbox } from "../platform/outbox";
import { pageOffset, type PageRequest } from "../platform/pagination";
import type { TransactionFact } from "../profiles/rules";
import type { Profile, ProfilesService } from "../profiles/service";
import type { Receipts } from "./ingest";
import type { Location, LocationsService } from "./locations.service";
import type { ProductsService } from "./products.service";
import { canonicalJson, checkTotals, deriveTotals, lineTotal, type TransactionCursor } from "./rules";
import type { TransactionInput } from "./schema";
import { errorText, isUniqueViolation, type Statement } from "../platform/sql";

export type Transaction = typeof transactions.$inferSelect;
export type TransactionItem = typeof transactionItems.$inferSelect;
export interface TransactionView extends Transaction {
  items: TransactionItem[];
}

/** Filters of GET /transactions and the console's list; amounts in cents, dates inclusive. */
export interface TransactionFilter {
  dateFrom?: Date;
  dateTo?: Date;
  /** our location id or the location's external id */
  locationId?: string;
  staffId?: string;
  profileId?: string;
  /** the receipt number */
  externalId?: string;
  totalMin?: number;
  totalMax?: number;
  isVoid?: boolean;
}

export interface CursorPageRequest {
  /** where the previous page ended; absent for the first page */
  after?: TransactionCursor | null;
  size: number;
}

/** A receipt may be dated at most this far ahead of our clock (tills with a fast clock), never more. */
const FUTURE_TOLERANCE_MS = 24 * 60 * 60 * 1000;
/** transaction_items has 12 columns: 8 rows a statement stay under D1's 100 bound parameters. */
/**
 * The rows after a cursor, newest first. The `transacted_at <=` bound is implied by the OR, but SQLite
 * cannot see it through bound parameters (it would union two index searches and sort every older row:
 * 72 s mid-way through 2.1M transactions in the 1M-member run), so it is stated: the page is then read
 * along the date index from the cursor and stops after page size + 1 rows.
 */
export function afterCursor(after: TransactionCursor): SQL {
  const at = new Date(after.at);
  return and(lte(transactions.transactedAt, at), or(lt(transactions.transactedAt, at), and(eq(transactions.transactedAt, at), lt(transactions.id, after.id))))!;
}

export const ITEM_ROWS_PER_INSERT = 8;

// ── serialization ───────────────────────────────────────────────────────────────────────────────

export function serializeTransactionItem(i: TransactionItem) {
  const cents = (v: number | null) => (v === null ? null : fromCents(v));
  return {
    id: i.id,
    sku: i.sku,
    name: i.name,
    product_id: i.productId,
    quantity: i.quantity,
    price_original: cents(i.priceOriginal),
    price_current: cents(i.priceCurrent),
    price_sell: fromCents(i.priceSell),
    price_tax: cents(i.priceTax),
    discounts: (i.discounts ?? []).map((d) => ({ name: d.name ?? null, amount: fromCents(d.amount) })),
    line_total: fromCents(lineTotal(i)),
  };
}

export function serializeTransaction(t: TransactionView) {
  return {
    id: t.id,
    external_id: t.externalId,
    receipt_ref: t.receiptRef ?? null,
    profile_id: t.profileId,
    location_id: t.locationId,
    staff_id: t.staffId,
    transacted_at: t.transactedAt.toISOString(),
    timezone: t.timezone,
    currency: t.currency,
    subtotal: fromCents(t.subtotal),
    total_original: fromCents(t.subtotal),
    discount: fromCents(t.discount),
    tax: fromCents(t.tax),
    rounding: fromCents(t.rounding),
    total: fromCents(t.total),
    payments: (t.payments ?? []).map((p) => ({ method: p.method, amount: fromCents(p.amount), reference: p.reference ?? null })),
    redemption_id: t.redemptionId,
    original_external_id: t.originalExternalId ?? null,
    tags: t.tags ?? [],
    meta: t.meta ?? null,
    channel: t.channel,
    is_void: t.isVoid,
    voided_at: t.voidedAt?.toISOString() ?? null,
    void_reason: t.voidReason,
    items: [...t.items].sort((a, b) => a.position - b.position).map(serializeTransactionItem),
    created_at: t.createdAt.toISOString(),
  };
}
export type SerializedTransaction = ReturnType<typeof serializeTransaction>;

// ── the queued ingest ───────────────────────────────────────────────────────────────────────────

export const TRANSACTION_MESSAGE = "transaction.ingest";
/** POST /transactions/queue puts this on the events queue; the consumer runs the same create(). */
export interface TransactionMessage {
  kind: typeof TRANSACTION_MESSAGE;
  /** the validated request (amounts already in cents) */
  input: TransactionInput;
  actor: Actor;
  queued_at: string;
}

export function isTransactionMessage(body: unknown): body is TransactionMessage {
  if (!body || typeof body !== "object") return false;
  const b = body as Partial<TransactionMessage>;
  return b.kind === TRANSACTION_MESSAGE && !!b.input && typeof b.input === "object" && !!b.actor && typeof b.actor === "object";
}

/**
 * Run a queued transaction (the same ingest as the API's, earning included). A request that is wrong (a
 * 4xx in the API) cannot be answered any more: it is logged and dropped rather than retried; anything
 * else throws so the queue retries.
 */
export async function processQueuedTransaction(
  services: { transactions: TransactionsService; receipts: Pick<Receipts, "ingest"> },
  msg: TransactionMessage,
): Promise<"created" | "replayed" | "rejected"> {
  try {
    const { created } = await services.receipts.ingest(msg.input, msg.actor);
    return created ? "created" : "replayed";
  } catch (err) {
    if (!isDomainError(err)) throw err;
    console.warn(`transactions: queued ${msg.input.external_id} rejected (${err.code}): ${err.message}`, err.errors ?? {});
    await services.transactions.recordQueuedRejection(msg.input.external_id, err);
    return "rejected";
  }
}

/** The job id under which a rejected queued receipt is remembered, so polling it gets the reason. */
function rejectionJobId(externalId: string): Promise<string> {
  return derivedId(`queued-transaction:${externalId}`);
}

/** A UUID-shaped id derived from a name: the same name always gives the same id. */
async function derivedId(name: string): Promise<string> {
  const h = await sha256Hex(name);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function isExternalIdClash(err: unknown): boolean {
  return errorText(err).includes("transactions.external_id");
}

export interface RecordOptions {
  /**
   * Leave a member's receipt's `transaction.created` event unsent and return it (`event`), for the ledger to
   * send in its flush with what the receipt earned: one D1 batch and one queue send for both instead of two
   * each. The event is in D1 (unsent) with the receipt either way, so the outbox sweep sends it if nobody does.
   */
  handOff?: boolean;
}

export interface RecordResult {
  transaction: TransactionView;
  created: boolean;
  /** the profile it was resolved to, when this call read it */
  profile?: Profile | null;
  /** with handOff: the receipt's event, written to D1 but not sent (the caller sends it, or publishLater) */
  event?: EventRow;
}

/** A handed-off event's data stays this small, so the ledger's queue batch (256 KB) always takes it; a bigger one is sent here. */
const HAND_OFF_MAX_CHARS = 32 * 1024;

/** What recording a receipt reads up front (see TransactionsService.preRead). */
interface PreRead {
  existing: Transaction | undefined;
  profile: Profile | undefined;
  locationRows: Location[] | undefined;
  /** the resolved profile's transactions so far, for its aggregations (undefined: no profile reference) */
  facts: TransactionFact[] | undefined;
  skuMap: Map<string, string>;
  idMap: Map<string, string>;
}

/**
 * Commerce's own record of receipts. It knows nothing of the incentive ledger: a receipt earns (and a void
 * gives back) through the Receipts use case in ./ingest.ts, which calls this service and then the ledger.
 */
export class TransactionsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly outbox: Outbox,
    private readonly profiles: ProfilesService,
    private readonly locations: LocationsService,
    private readonly products: ProductsService,
    private readonly queue: Queue<unknown>,
    private readonly opts: { defaultCurrency: string; defer: (p: Promise<unknown>) => void },
  ) {}

  // ── reading ─────────────────────────────────────────────────────────────────────────────────

  private async withItems(rows: Transaction[]): Promise<TransactionView[]> {
    if (!rows.length) return [];
    const items: TransactionItem[] = [];
    // 90 ids a query keeps each statement under D1's 100 bound parameters
    for (let i = 0; i < rows.length; i += 90) {
      const ids = rows.slice(i, i + 90).map((r) => r.id);
      items.push(...(await this.db.select().from(transactionItems).where(inArray(transactionItems.transactionId, ids)).orderBy(asc(transactionItems.position))));
    }
    const byTx = new Map<string, TransactionItem[]>();
    for (const item of items) byTx.set(item.transactionId, [...(byTx.get(item.transactionId) ?? []), item]);
    return rows.map((r) => ({ ...r, items: byTx.get(r.id) ?? [] }));
  }

  /** Transactions by id with their items (any order; unknown ids are left out). */
  async findMany(ids: readonly string[]): Promise<TransactionView[]> {
    const rows: Transaction[] = [];
    for (let i = 0; i < ids.length; i += 90) rows.push(...(await this.db.select().from(transactions).where(inArray(transactions.id, ids.slice(i, i + 90)))));
    return this.withItems(rows);
  }

  async find(id: string): Promise<TransactionView | undefined> {
    const row = await this.db.query.transactions.findFirst({ where: eq(transactions.id, id) });
    return row ? (await this.withItems([row]))[0] : undefined;
  }

  async get(id: string): Promise<TransactionView> {
    const t = await this.find(id);
    if (!t) throw new DomainError("not_found", `No transaction with id ${id}`);
    return t;
  }

  async findByExternalId(externalId: string): Promise<TransactionView | undefined> {
    const row = await this.db.query.transactions.findFirst({ where: eq(transactions.externalId, externalId) });
    return row ? (await this.withItems([row]))[0] : undefined;
  }

  async getByExternalId(externalId: string): Promise<TransactionView> {
    const t = await this.findByExternalId(externalId);
    if (t) return t;
    // a queued receipt the consumer rejected: tell the poller why, instead of a 404 forever
    const rejected = await this.db.query.batchJobs.findFirst({ where: eq(batchJobs.id, await rejectionJobId(externalId)) });
    const reason = rejected?.results?.[0];
    if (reason) {
      throw new DomainError("validation_failed", `Queued transaction ${externalId} was rejected: ${String(reason.status)}`, { errors: reason.errors ?? {} });
    }
    throw new DomainError("not_found", `No transaction with external_id ${externalId}`);
  }

  /** Remember why a queued receipt was refused (kept with the batch jobs; a later successful post wins). */
  async recordQueuedRejection(externalId: string, err: DomainError): Promise<void> {
    const now = this.clock.now();
    const row = {
      id: await rejectionJobId(externalId),
      kind: "transactions.queue",
      status: "failed" as const,
      total: 1,
      payload: null,
      processed: 1,
      succeeded: 0,
      failed: 1,
      results: [{ index: 0, status: err.message, errors: err.errors ?? { transaction: [err.message] } }],
      createdBy: null,
      createdAt: now,
      completedAt: now,
    };
    await this.db.insert(batchJobs).values(row).onConflictDoUpdate({ target: batchJobs.id, set: { results: row.results, completedAt: now } });
  }

  private where(f: TransactionFilter): SQL | undefined {
    const conds: SQL[] = [];
    if (f.dateFrom) conds.push(gte(transactions.transactedAt, f.dateFrom));
    if (f.dateTo) conds.push(lte(transactions.transactedAt, f.dateTo));
    if (f.locationId) {
      const byExternal = this.db.select({ id: locations.id }).from(locations).where(eq(locations.externalId, f.locationId));
      conds.push(or(eq(transactions.locationId, f.locationId), inArray(transactions.locationId, byExternal))!);
    }
    if (f.staffId) conds.push(eq(transactions.staffId, f.staffId));
    if (f.profileId) conds.push(eq(transactions.profileId, f.profileId));
    if (f.externalId) conds.push(eq(transactions.externalId, f.externalId));
    if (f.totalMin !== undefined) conds.push(gte(transactions.total, f.totalMin));
    if (f.totalMax !== undefined) conds.push(lte(transactions.total, f.totalMax));
    if (f.isVoid !== undefined) conds.push(eq(transactions.isVoid, f.isVoid));
    return conds.length ? and(...conds) : undefined;
  }

  /** Newest first (transacted_at, then id), with page[number]/page[size]. */
  async list(filter: TransactionFilter, page: PageRequest): Promise<{ rows: TransactionView[]; total: number }> {
    const where = this.where(filter);
    const [rows, [total]] = await this.db.batch([
      this.db.select().from(transactions).where(where).orderBy(desc(transactions.transactedAt), desc(transactions.id)).limit(page.size).offset(pageOffset(page)),
      this.db.select({ n: count() }).from(transactions).where(where),
    ]);
    return { rows: await this.withItems(rows), total: total?.n ?? 0 };
  }

  /** The same order, by cursor: stable while new transactions arrive, and cheap however deep. */
  async listByCursor(filter: TransactionFilter, page: CursorPageRequest): Promise<{ rows: TransactionView[]; next: TransactionCursor | null }> {
    const after = page.after ? afterCursor(page.after) : undefined;
    const rows = await this.db
      .select()
      .from(transactions)
      .where(and(this.where(filter), after))
      .orderBy(desc(transactions.transactedAt), desc(transactions.id))
      .limit(page.size + 1);
    const more = rows.length > page.size;
    const pageRows = rows.slice(0, page.size);
    const last = pageRows.at(-1);
    return { rows: await this.withItems(pageRows), next: more && last ? { at: last.transactedAt.getTime(), id: last.id } : null };
  }

  /** A profile's recorded history for the ledger to earn on: not voided, oldest first, with items. */
  async historyOf(profileId: string): Promise<TransactionView[]> {
    const rows = await this.db
      .select()
      .from(transactions)
      .where(and(eq(transactions.profileId, profileId), eq(transactions.isVoid, false)))
      .orderBy(asc(transactions.transactedAt), asc(transactions.id));
    return this.withItems(rows);
  }

  async listForProfile(profileId: string, page: PageRequest): Promise<{ rows: TransactionView[]; total: number }> {
    await this.profiles.require(profileId);
    return this.list({ profileId }, page);
  }

  // ── ingest ──────────────────────────────────────────────────────────────────────────────────

  /** The fingerprint of a request, for "same receipt again" versus "another body under the same external_id". */
  async requestHash(input: TransactionInput): Promise<string> {
    return sha256Hex(canonicalJson({ ...input, currency: input.currency ?? this.opts.defaultCurrency }));
  }

  private replayOrConflict(existing: TransactionView, hash: string): { transaction: TransactionView; created: false } {
    if (existing.requestHash === hash) return { transaction: existing, created: false };
    throw new DomainError("conflict", `Transaction ${existing.externalId} was already recorded with a different body; a transaction cannot be changed (void it or post a return)`, {
      errors: { external_id: [`external_id "${existing.externalId}" is already used by transaction ${existing.id} with different details`] },
    });
  }

  /** The profile a request names, following a merge to its winner; null for an anonymous transaction. */
  private async resolveProfile(input: TransactionInput, errors: FieldErrors, pre?: PreRead | null): Promise<Profile | null> {
    if (!input.profile_id) return null;
    const handle = input.profile_id_handle || null;
    let profile = pre ? pre.profile : await this.profiles.resolve({ profileId: input.profile_id, handle });
    for (let hops = 0; profile?.mergedInto && hops < 5; hops++) profile = await this.profiles.find(profile.mergedInto);
    if (!profile || profile.type === "deleted") {
      const what = handle && handle !== "id" ? `${handle} "${input.profile_id}"` : `id ${input.profile_id}`;
      (errors.profile_id ??= []).push(profile ? `The profile with ${what} is deleted` : `No profile with ${what}`);
      return null;
    }
    return profile;
  }

  /** Items' product ids: given ones must be known (by id or external id); missing ones are matched by sku. */
  private async resolveProducts(input: TransactionInput, errors: FieldErrors, pre?: PreRead | null): Promise<Array<string | null>> {
    const given = input.items.map((i) => i.product_id).filter((v): v is string => !!v);
    const needSku = input.items.filter((i) => !i.product_id && i.sku).map((i) => i.sku!);
    const byId = pre ? pre.idMap : given.length ? await this.products.matchProductIds(given) : new Map<string, string>();
    const bySku = pre ? pre.skuMap : needSku.length ? await this.products.matchSkus(needSku) : new Map<string, string>();
    return input.items.map((item, i) => {
      if (item.product_id) {
        const id = byId.get(item.product_id);
        if (!id) (errors[`items.${i}.product_id`] ??= []).push(`No product with id or external id "${item.product_id}"`);
        return id ?? null;
      }
      return item.sku ? (bySku.get(item.sku) ?? null) : null;
    });
  }

  /** Checks that need no database: the totals and the date. Also run before a request is queued. */
  validateShape(input: TransactionInput, errors: FieldErrors = {}): FieldErrors {
    const items = input.items.map((i) => ({ quantity: i.quantity, priceSell: i.price_sell }));
    const totals = checkTotals(items, input.rounding ?? 0, input.total);
    if (totals) (errors.total ??= []).push(totals);
    if (input.transacted_at && Date.parse(input.transacted_at) > this.clock.now().getTime() + FUTURE_TOLERANCE_MS) {
      (errors.transacted_at ??= []).push(`transacted_at ${input.transacted_at} is in the future`);
    }
    return errors;
  }

  /**
   * Everything recording a receipt reads first, in one D1 round trip: the receipt (a replay?), its
   * profile, its products by id and sku, its location. Null when the items name more products than fit
   * one statement (the reads then run one by one).
   */
  private async preRead(input: TransactionInput): Promise<PreRead | null> {
    const given = input.items.map((i) => i.product_id).filter((v): v is string => !!v);
    const needSku = input.items.filter((i) => !i.product_id && i.sku).map((i) => i.sku!);
    const match = this.products.matchQueries(needSku, given);
    if (!match) return null;
    const ref = input.profile_id ? { profileId: input.profile_id, handle: input.profile_id_handle || null } : null;
    const profileQ = ref ? this.profiles.resolveQuery(ref) : null;
    const factsQ = ref ? this.profiles.aggregationFactsByRefQuery(ref) : null;
    const locationQ = input.location_id ? this.locations.byIdOrExternalIdQuery(input.location_id) : null;
    const stmts = [
      this.db.select().from(transactions).where(eq(transactions.externalId, input.external_id)).limit(1),
      ...match.queries,
      ...(profileQ ? [profileQ] : []),
      ...(factsQ ? [factsQ] : []),
      ...(locationQ ? [locationQ] : []),
    ];
    const results = (await this.db.batch(stmts as unknown as [Statement, ...Statement[]])) as unknown[][];
    const [existing, byProduct, byVariant, byIds] = results as [Transaction[], Array<{ sku: string | null; id: string }>, Array<{ sku: string | null; id: string }>, Array<{ id: string; externalId: string | null }>];
    let i = 4;
    const profile = profileQ ? ((results[i++] as Array<{ profile: Profile }>)[0]?.profile ?? undefined) : undefined;
    const facts = factsQ ? (results[i++] as TransactionFact[]) : undefined;
    const locationRows = locationQ ? (results[i] as Location[]) : undefined;
    return { existing: existing[0], profile, facts, locationRows, ...match.read(byProduct, byVariant, byIds) };
  }

  /**
   * Record a transaction (no earning: see Receipts.ingest). The same receipt again (same external_id, same
   * normalised body) returns the first one with `created: false` and writes nothing; another body under
   * that external_id is a 409. `profile` is the one it was resolved to, when this call read it.
   */
  async record(input: TransactionInput, actor: Actor, opts: RecordOptions = {}): Promise<RecordResult> {
    const hash = await this.requestHash(input);
    const pre = await this.preRead(input);
    // one retry: a concurrent request may create the same placeholder location or the same receipt first
    for (let attempt = 0; ; attempt++) {
      const first = attempt === 0 && pre;
      const existing = first ? (pre.existing ? (await this.withItems([pre.existing]))[0] : undefined) : await this.findByExternalId(input.external_id);
      if (existing) return this.replayOrConflict(existing, hash);
      try {
        return await this.insert(input, hash, actor, first ? pre : null, opts);
      } catch (err) {
        if (attempt === 0 && isUniqueViolation(err)) {
          if (!isExternalIdClash(err)) continue;
          const winner = await this.findByExternalId(input.external_id);
          if (winner) return this.replayOrConflict(winner, hash);
        }
        throw err;
      }
    }
  }

  private async insert(input: TransactionInput, hash: string, actor: Actor, pre: PreRead | null, opts: RecordOptions): Promise<RecordResult> {
    const errors = this.validateShape(input);
    const profile = await this.resolveProfile(input, errors, pre);
    const productIds = await this.resolveProducts(input, errors, pre);
    if (Object.keys(errors).length) {
      throw new DomainError("validation_failed", `Invalid transaction: ${Object.keys(errors).join(", ")}`, { errors });
    }
    // the location last, once nothing else can fail: an unknown one becomes a placeholder in the same batch
    let location: Location | null = null;
    let placeholder = false;
    if (input.location_id) {
      const resolved = await this.locations.resolveForTransaction(input.location_id, pre?.locationRows);
      location = resolved.location;
      placeholder = resolved.created;
    }

    const now = this.clock.now();
    const id = newId();
    const items: TransactionItem[] = input.items.map((item, position) => ({
      id: newId(),
      transactionId: id,
      position,
      sku: item.sku ?? null,
      name: item.name ?? null,
      productId: productIds[position] ?? null,
      quantity: item.quantity,
      priceOriginal: item.price_original ?? null,
      priceCurrent: item.price_current ?? null,
      priceSell: item.price_sell,
      priceTax: item.price_tax ?? null,
      discounts: item.discounts?.length ? item.discounts.map((d): ItemDiscount => ({ name: d.name ?? null, amount: d.amount })) : null,
    }));
    const derived = deriveTotals(
      input.items.map((i) => ({ quantity: i.quantity, priceSell: i.price_sell, priceTax: i.price_tax, discounts: i.discounts })),
    );
    const row: Transaction = {
      id,
      externalId: input.external_id,
      receiptRef: input.receipt_ref ?? null,
      requestHash: hash,
      profileId: profile?.id ?? null,
      locationId: location?.id ?? null,
      staffId: input.staff_id ?? null,
      transactedAt: input.transacted_at ? new Date(input.transacted_at) : now,
      // a receipt without a zone takes its (known) location's, so its day is the shop's day
      timezone: input.timezone ?? (location && !placeholder ? location.timezone : null),
      currency: input.currency ?? this.opts.defaultCurrency,
      subtotal: input.subtotal ?? derived.subtotal,
      discount: input.discount ?? derived.discount,
      tax: input.tax ?? derived.tax,
      rounding: input.rounding ?? 0,
      total: input.total,
      payments: input.payments?.length ? input.payments.map((p): Payment => ({ method: p.method, amount: p.amount, reference: p.reference ?? null })) : null,
      redemptionId: input.redemption_id ?? null,
      originalExternalId: input.original_external_id ?? null,
      tags: input.tags?.length ? [...new Set(input.tags)] : null,
      meta: input.meta ?? null,
      channel: input.channel ?? null,
      isVoid: false,
      voidedAt: null,
      voidReason: null,
      createdAt: now,
    };
    const view: TransactionView = { ...row, items };
    const event = this.outbox.event("transaction.created", { transaction: serializeTransaction(view) }, { profileId: row.profileId });
    const itemInserts = [];
    for (let i = 0; i < items.length; i += ITEM_ROWS_PER_INSERT) {
      itemInserts.push(this.db.insert(transactionItems).values(items.slice(i, i + ITEM_ROWS_PER_INSERT)));
    }
    // The profile's aggregations go in the same batch, computed from its transactions as the pre-read
    // saw them plus this one, and stored only if those are still its transactions. Otherwise (they
    // changed meanwhile, or there was no pre-read of this profile: a retry, a merged profile's winner)
    // they are recomputed after the batch.
    const seen = row.profileId && pre?.facts && pre.profile?.id === row.profileId ? pre.facts : null;
    const aggregations =
      seen && row.profileId
        ? (this.profiles.aggregationsUpsertIfUnchanged(row.profileId, [...seen, { transactedAt: row.transactedAt, total: row.total, locationId: row.locationId, timezone: row.timezone, isVoid: false }]) as unknown as Statement)
        : null;
    const results = (await this.db.batch([
      ...(placeholder && location ? this.locations.placeholderStatements(location, actor) : []),
      this.db.insert(transactions).values(row),
      ...itemInserts,
      this.outbox.insert([event]),
      this.audit.entry(actor, {
        action: "transaction.created",
        entityType: "transaction",
        entityId: id,
        newValues: { external_id: row.externalId, profile_id: row.profileId, location_id: row.locationId, total: fromCents(row.total), items: items.length },
      }),
      ...(aggregations ? [aggregations] : []),
    ] as unknown as [Statement, ...Statement[]])) as unknown[];
    // a member's receipt may hand its event to the ledger, whose flush sends it with what it earned (see RecordOptions)
    const handOff = opts.handOff && row.profileId && JSON.stringify(event.data).length <= HAND_OFF_MAX_CHARS;
    if (!handOff) this.publish([event]);
    if (row.profileId && !(aggregations && this.profiles.aggregationsStored(results.at(-1)))) await this.profiles.recomputeAggregations(row.profileId);
    return { transaction: view, created: true, profile, ...(handOff ? { event } : {}) };
  }

  /**
   * Accept a validated request for background processing (POST /transactions/queue): the checks that
   * need no database run now, so an obviously wrong request is still a 422; the rest runs in the consumer.
   */
  async enqueue(input: TransactionInput, actor: Actor): Promise<{ externalId: string }> {
    const errors = this.validateShape(input);
    if (Object.keys(errors).length) {
      throw new DomainError("validation_failed", `Invalid transaction: ${Object.keys(errors).join(", ")}`, { errors });
    }
    const message: TransactionMessage = { kind: TRANSACTION_MESSAGE, input, actor, queued_at: this.clock.now().toISOString() };
    const bytes = new TextEncoder().encode(JSON.stringify(message)).length;
    if (bytes > MAX_MESSAGE_BYTES) {
      throw new DomainError("payload_too_large", `A queued transaction must be under ${MAX_MESSAGE_BYTES / 1024} KB as JSON (this one is ${Math.ceil(bytes / 1024)} KB); send it to POST /transactions instead`);
    }
    await this.queue.send(message, { contentType: "json" });
    return { externalId: input.external_id };
  }

  // ── void and claim ──────────────────────────────────────────────────────────────────────────

  /**
   * Void a transaction: kept for the record, left out of aggregations. Voiding twice changes nothing.
   * `voided` says whether this call voided it (only then does Receipts.void give back what it earned).
   */
  async markVoid(id: string, reason: string, actor: Actor): Promise<{ transaction: TransactionView; voided: boolean }> {
    const current = await this.get(id);
    if (current.isVoid) return { transaction: current, voided: false };
    const now = this.clock.now();
    const voided: TransactionView = { ...current, isVoid: true, voidedAt: now, voidReason: reason };
    // A transaction is voided once, so its void event has an id derived from it: two voids racing
    // collide on that id and the loser's batch (update, event, audit) rolls back whole.
    const event = { ...this.outbox.event("transaction.voided", { transaction: serializeTransaction(voided), reason }, { profileId: current.profileId }), id: await derivedId(`transaction.voided:${id}`) };
    try {
      await this.db.batch([
        this.db.update(transactions).set({ isVoid: true, voidedAt: now, voidReason: reason }).where(eq(transactions.id, id)),
        this.outbox.insert([event]),
        this.audit.entry(actor, { action: "transaction.voided", entityType: "transaction", entityId: id, oldValues: { is_void: false }, newValues: { is_void: true, reason } }),
      ]);
    } catch (err) {
      if (isUniqueViolation(err)) return { transaction: await this.get(id), voided: false };
      throw err;
    }
    this.publish([event]);
    if (current.profileId) await this.profiles.recomputeAggregations(current.profileId);
    return { transaction: voided, voided: true };
  }

  /**
   * Attach an anonymous transaction to a profile (the customer shows the receipt later). One that already
   * belongs to this profile is returned as it is; one that belongs to someone else is a 409. `claimed` says
   * whether this call attached it (only then does Receipts.claim earn for it).
   */
  async attach(profileId: string, ref: { externalId?: string; transactionId?: string }, actor: Actor): Promise<{ transaction: TransactionView; claimed: boolean }> {
    const profile = await this.profiles.require(profileId);
    if (profile.type === "deleted") throw new DomainError("conflict", "This profile is deleted; restore it before claiming transactions");
    const field = ref.transactionId ? "transaction_id" : "external_id";
    const value = ref.transactionId ?? ref.externalId ?? "";
    const current = ref.transactionId ? await this.find(ref.transactionId) : await this.findByExternalId(value);
    if (!current) throw DomainError.field(field, `No transaction with ${field} ${value}`);
    if (current.profileId === profileId) return { transaction: current, claimed: false };
    if (current.profileId) throw new DomainError("conflict", `Transaction ${current.externalId} already belongs to another profile`, { errors: { [field]: ["This transaction already belongs to another profile"] } });
    const claimed = { ...current, profileId };
    // The conditional update and its event in one batch: the event is written only if this claim took
    // the transaction (its id is derived, so a racing claim by the same profile adds no second one).
    const event = {
      ...this.outbox.event("transaction.claimed", { transaction: serializeTransaction(claimed) }, { profileId }),
      id: await derivedId(`transaction.claimed:${current.id}`),
    };
    const [updated] = await this.db.batch([
      this.db
        .update(transactions)
        .set({ profileId })
        .where(and(eq(transactions.id, current.id), isNull(transactions.profileId)))
        .returning({ id: transactions.id }),
      this.outbox.insertWhen(event, sql`EXISTS (SELECT 1 FROM ${transactions} WHERE ${transactions.id} = ${current.id} AND ${transactions.profileId} = ${profileId})`),
    ]);
    if (!updated.length) throw new DomainError("conflict", `Transaction ${current.externalId} was just claimed by another profile`, { errors: { [field]: ["This transaction already belongs to another profile"] } });
    this.publish([event]);
    await this.audit.record(actor, { action: "transaction.claimed", entityType: "transaction", entityId: current.id, oldValues: { profile_id: null }, newValues: { profile_id: profileId } });
    await this.profiles.recomputeAggregations(profileId);
    return { transaction: claimed, claimed: true };
  }

  /** Send an event a receipt handed off, when whoever took it could not (the ledger refused or failed). */
  publishLater(event: EventRow): void {
    this.publish([event]);
  }

  private publish(rows: EventRow[]) {
    this.opts.defer(this.outbox.publish(rows));
  }
}
