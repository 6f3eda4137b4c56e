// The product catalogue: products with variants, SKUs unique across both, matching of transaction
// items to products by SKU, and the validation view of SKUs seen in transactions that it lacks.
import { and, asc, count, eq, inArray, ne, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client";
import { products, productVariants, transactionItems, transactions } from "../../db/schema";
import type { Actor } from "../access/actor";
import type { AuditService } from "../access/audit";
import type { Clock } from "../platform/clock";
import { newId } from "../platform/crypto";
import { DomainError, type FieldErrors } from "../platform/errors";
import type { EventRow, Outbox } from "../platform/outbox";
import { pageOffset, type PageRequest } from "../platform/pagination";
import { isUniqueViolation, runBatch, textMatch, type Statement } from "../platform/sql";
import type { ProductInput, UpdateProductInput } from "./schema";
import { serializeProduct, serializeVariant, type MissingSku, type Product, type ProductVariant, type ProductView } from "./views";

export interface ProductFilter {
  /** a fragment of the name, or an exact sku */
  search?: string;
  category?: string;
  brand?: string;
  isActive?: boolean;
}

type VariantInputs = NonNullable<ProductInput["variants"]>;

export class ProductsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    /** product.created/updated/deleted (Omneo's products.*) for webhooks and triggers; absent: none */
    private readonly outbox?: Outbox,
  ) {}

  /** The event of a product change, written in the change's batch and published after it. */
  private productEvent(type: "product.created" | "product.updated" | "product.deleted", view: ProductView): { rows: EventRow[]; statements: Statement[] } {
    if (!this.outbox) return { rows: [], statements: [] };
    const row = this.outbox.event(type, { product: serializeProduct(view) });
    return { rows: [row], statements: [this.outbox.insert([row])] };
  }

  // ── reading ─────────────────────────────────────────────────────────────────────────────────

  async get(id: string): Promise<ProductView> {
    const p = await this.db.query.products.findFirst({ where: eq(products.id, id) });
    if (!p) throw new DomainError("not_found", `No product with id ${id}`);
    const variants = await this.db.select().from(productVariants).where(eq(productVariants.productId, id)).orderBy(asc(productVariants.sku));
    return { ...p, variants };
  }

  async list(filter: ProductFilter, page: PageRequest): Promise<{ rows: ProductView[]; total: number }> {
    const conds: SQL[] = [];
    const q = filter.search?.trim();
    if (q) {
      const bySku = this.db.select({ id: productVariants.productId }).from(productVariants).where(eq(productVariants.sku, q));
      conds.push(or(textMatch(products.name, q, "contains"), eq(products.sku, q), inArray(products.id, bySku))!);
    }
    if (filter.category) conds.push(eq(products.category, filter.category));
    if (filter.brand) conds.push(eq(products.brand, filter.brand));
    if (filter.isActive !== undefined) conds.push(eq(products.isActive, filter.isActive));
    const where = conds.length ? and(...conds) : undefined;
    const [rows, [total]] = await this.db.batch([
      this.db.select().from(products).where(where).orderBy(asc(products.name), asc(products.id)).limit(page.size).offset(pageOffset(page)),
      this.db.select({ n: count() }).from(products).where(where),
    ]);
    if (!rows.length) return { rows: [], total: total?.n ?? 0 };
    const variants: ProductVariant[] = [];
    for (let i = 0; i < rows.length; i += 90) {
      const ids = rows.slice(i, i + 90).map((r) => r.id);
      variants.push(...(await this.db.select().from(productVariants).where(inArray(productVariants.productId, ids)).orderBy(asc(productVariants.sku))));
    }
    return { rows: rows.map((r) => ({ ...r, variants: variants.filter((v) => v.productId === r.id) })), total: total?.n ?? 0 };
  }

  /** sku → product id, for each sku that a product or one of its variants carries. */
  /**
   * matchSkus and matchProductIds as unexecuted queries for a caller's batch, when they fit in one
   * statement each (≤ 90 skus, ≤ 45 ids); null otherwise. `read` turns the batch's rows into the maps.
   */
  matchQueries(skus: string[], ids: string[]) {
    const uniqueSkus = [...new Set(skus.filter(Boolean))];
    const uniqueIds = [...new Set(ids.filter(Boolean))];
    if (uniqueSkus.length > 90 || uniqueIds.length > 45) return null;
    const queries = [
      this.db.select({ sku: products.sku, id: products.id }).from(products).where(inArray(products.sku, uniqueSkus.length ? uniqueSkus : [""])),
      this.db.select({ sku: productVariants.sku, id: productVariants.productId }).from(productVariants).where(inArray(productVariants.sku, uniqueSkus.length ? uniqueSkus : [""])),
      this.db.select({ id: products.id, externalId: products.externalId }).from(products).where(uniqueIds.length ? or(inArray(products.id, uniqueIds), inArray(products.externalId, uniqueIds)) : inArray(products.id, [""])),
    ] as const;
    const read = (byProduct: Array<{ sku: string | null; id: string }>, byVariant: Array<{ sku: string | null; id: string }>, byIds: Array<{ id: string; externalId: string | null }>) => {
      const skuMap = new Map<string, string>();
      for (const r of [...byVariant, ...byProduct]) if (r.sku) skuMap.set(r.sku, r.id);
      const idMap = new Map<string, string>();
      for (const r of byIds) {
        if (r.externalId && uniqueIds.includes(r.externalId) && !idMap.has(r.externalId)) idMap.set(r.externalId, r.id);
        if (uniqueIds.includes(r.id)) idMap.set(r.id, r.id);
      }
      return { skuMap, idMap };
    };
    return { queries, read };
  }

  async matchSkus(skus: string[]): Promise<Map<string, string>> {
    const unique = [...new Set(skus.filter(Boolean))];
    const out = new Map<string, string>();
    // 90 per query keeps each statement under D1's 100 bound parameters
    for (let i = 0; i < unique.length; i += 90) {
      const chunk = unique.slice(i, i + 90);
      const [byProduct, byVariant] = await this.db.batch([
        this.db.select({ sku: products.sku, id: products.id }).from(products).where(inArray(products.sku, chunk)),
        this.db.select({ sku: productVariants.sku, id: productVariants.productId }).from(productVariants).where(inArray(productVariants.sku, chunk)),
      ]);
      for (const r of [...byVariant, ...byProduct]) out.set(r.sku, r.id);
    }
    return out;
  }

  /** The ids among `ids` that are products, matched by id or external id (→ product id). */
  async matchProductIds(ids: string[]): Promise<Map<string, string>> {
    const unique = [...new Set(ids.filter(Boolean))];
    const out = new Map<string, string>();
    for (let i = 0; i < unique.length; i += 45) {
      const chunk = unique.slice(i, i + 45);
      const rows = await this.db
        .select({ id: products.id, externalId: products.externalId })
        .from(products)
        .where(or(inArray(products.id, chunk), inArray(products.externalId, chunk)));
      for (const r of rows) {
        if (r.externalId && chunk.includes(r.externalId) && !out.has(r.externalId)) out.set(r.externalId, r.id);
        if (chunk.includes(r.id)) out.set(r.id, r.id);
      }
    }
    return out;
  }

  /**
   * The validation view: SKUs seen on transaction items that neither a product nor a variant carries,
   * most frequent first (then most recently seen), with how many items carried them and when last.
   */
  async missingSkus(page: PageRequest): Promise<{ rows: MissingSku[]; total: number }> {
    const missing = and(
      sql`${transactionItems.sku} IS NOT NULL AND ${transactionItems.sku} <> ''`,
      sql`NOT EXISTS (SELECT 1 FROM ${products} WHERE ${products.sku} = ${transactionItems.sku})`,
      sql`NOT EXISTS (SELECT 1 FROM ${productVariants} WHERE ${productVariants.sku} = ${transactionItems.sku})`,
    );
    const lastSeen = sql<number>`max(${transactions.transactedAt})`;
    const itemCount = sql<number>`count(*)`;
    const [rows, [total]] = await this.db.batch([
      this.db
        .select({
          sku: sql<string>`${transactionItems.sku}`,
          itemCount,
          lastSeen,
          // the name on the most recent item with this sku (SQLite's bare column with max())
          name: sql<string | null>`${transactionItems.name}`,
        })
        .from(transactionItems)
        .innerJoin(transactions, eq(transactions.id, transactionItems.transactionId))
        .where(missing)
        .groupBy(transactionItems.sku)
        .orderBy(sql`count(*) DESC`, sql`max(${transactions.transactedAt}) DESC`, asc(transactionItems.sku))
        .limit(page.size)
        .offset(pageOffset(page)),
      this.db.select({ n: sql<number>`count(DISTINCT ${transactionItems.sku})` }).from(transactionItems).where(missing),
    ]);
    return {
      rows: rows.map((r) => ({ sku: r.sku, name: r.name, itemCount: Number(r.itemCount), lastSeenAt: new Date(Number(r.lastSeen)) })),
      total: Number(total?.n ?? 0),
    };
  }

  // ── writing ─────────────────────────────────────────────────────────────────────────────────

  /** SKUs must be unique across products and variants: within the input, and against every other product. */
  private async checkSkus(self: string | null, sku: string | undefined, variants: ReadonlyArray<{ sku: string }> | undefined, errors: FieldErrors): Promise<void> {
    const wanted: Array<{ field: string; sku: string }> = [];
    if (sku !== undefined) wanted.push({ field: "sku", sku });
    variants?.forEach((v, i) => wanted.push({ field: `variants.${i}.sku`, sku: v.sku }));
    const seen = new Map<string, string>();
    for (const w of wanted) {
      const first = seen.get(w.sku);
      if (first) (errors[w.field] ??= []).push(`The sku "${w.sku}" is given twice (also at ${first})`);
      else seen.set(w.sku, w.field);
    }
    if (!wanted.length) return;
    const skus = [...seen.keys()];
    const owners = new Map<string, string>();
    for (let i = 0; i < skus.length; i += 90) {
      const chunk = skus.slice(i, i + 90);
      const notSelf = (col: typeof products.id | typeof productVariants.productId) => (self ? ne(col, self) : undefined);
      const [p, v] = await this.db.batch([
        this.db.select({ sku: products.sku, id: products.id }).from(products).where(and(inArray(products.sku, chunk), notSelf(products.id))),
        this.db.select({ sku: productVariants.sku, id: productVariants.productId }).from(productVariants).where(and(inArray(productVariants.sku, chunk), notSelf(productVariants.productId))),
      ]);
      for (const r of [...p, ...v]) owners.set(r.sku, r.id);
    }
    for (const w of wanted) {
      const owner = owners.get(w.sku);
      if (owner) (errors[w.field] ??= []).push(`The sku "${w.sku}" already belongs to product ${owner}`);
    }
  }

  private async checkExternalId(externalId: string | null | undefined, self: string | null, errors: FieldErrors): Promise<void> {
    if (!externalId) return;
    const other = await this.db.query.products.findFirst({ where: eq(products.externalId, externalId) });
    if (other && other.id !== self) (errors.external_id ??= []).push(`The external id "${externalId}" is already used by product ${other.id}`);
  }

  private variantRows(productId: string, list: VariantInputs, existing: ProductVariant[] = []): ProductVariant[] {
    const bySku = new Map(existing.map((v) => [v.sku, v]));
    return list.map((v) => ({ id: bySku.get(v.sku)?.id ?? newId(), productId, sku: v.sku, name: v.name, price: v.price ?? null, options: v.options ?? null }));
  }

  /** Variant inserts in chunks: 6 columns a row, 16 rows stay under D1's 100 bound parameters. */
  private insertVariants(rows: ProductVariant[]) {
    const out = [];
    for (let i = 0; i < rows.length; i += 16) out.push(this.db.insert(productVariants).values(rows.slice(i, i + 16)));
    return out;
  }

  private async commit(statements: Statement[]): Promise<void> {
    try {
      await runBatch(this.db, statements);
    } catch (err) {
      // two writers racing for the same sku: the unique index has the last word
      if (isUniqueViolation(err)) {
        const field = String((err as Error).message).includes("external") ? "external_id" : "sku";
        throw DomainError.field(field, `This ${field.replace("_", " ")} is already used by another product`);
      }
      throw err;
    }
  }

  async create(input: ProductInput, actor: Actor): Promise<ProductView> {
    const errors: FieldErrors = {};
    await this.checkSkus(null, input.sku, input.variants, errors);
    await this.checkExternalId(input.external_id, null, errors);
    if (Object.keys(errors).length) throw new DomainError("validation_failed", `Invalid product: ${Object.keys(errors).join(", ")}`, { errors });
    const now = this.clock.now();
    const row: Product = {
      id: newId(),
      sku: input.sku,
      name: input.name,
      brand: input.brand ?? null,
      category: input.category ?? null,
      price: input.price ?? null,
      externalId: input.external_id ?? null,
      isActive: input.is_active ?? true,
      createdAt: now,
      updatedAt: now,
    };
    const variants = this.variantRows(row.id, input.variants ?? []);
    const view = { ...row, variants };
    const event = this.productEvent("product.created", view);
    await this.commit([
      this.db.insert(products).values(row),
      ...this.insertVariants(variants),
      this.audit.entry(actor, { action: "product.created", entityType: "product", entityId: row.id, newValues: serializeProduct(view) }),
      ...event.statements,
    ]);
    await this.outbox?.publish(event.rows);
    return view;
  }

  /** Only the fields given change; variants, when given, replace the product's variants (ids kept by sku). */
  async update(id: string, input: UpdateProductInput, actor: Actor): Promise<ProductView> {
    const current = await this.get(id);
    const errors: FieldErrors = {};
    // the product's sku and its variants' (given or kept) must not clash with each other either
    await this.checkSkus(id, input.sku ?? current.sku, input.variants ?? current.variants, errors);
    if (input.external_id !== undefined) await this.checkExternalId(input.external_id, id, errors);
    if (Object.keys(errors).length) throw new DomainError("validation_failed", `Invalid product: ${Object.keys(errors).join(", ")}`, { errors });
    const change: Partial<Product> = {};
    const set = <K extends keyof Product>(key: K, value: Product[K] | undefined) => {
      if (value !== undefined && value !== current[key]) change[key] = value;
    };
    set("sku", input.sku);
    set("name", input.name);
    if (input.brand !== undefined) set("brand", input.brand ?? null);
    if (input.category !== undefined) set("category", input.category ?? null);
    if (input.price !== undefined) set("price", input.price ?? null);
    if (input.external_id !== undefined) set("externalId", input.external_id ?? null);
    set("isActive", input.is_active);
    const variants = input.variants ? this.variantRows(id, input.variants, current.variants) : null;
    const shape = (list: ProductVariant[]) => JSON.stringify(serializeProduct({ ...current, variants: list }).variants);
    const variantsChanged = variants !== null && shape(variants) !== shape(current.variants);
    if (!Object.keys(change).length && !variantsChanged) return current;
    const now = this.clock.now();
    const keys = Object.keys(change) as Array<keyof Product>;
    const updated = { ...current, ...change, updatedAt: now, variants: variantsChanged ? variants! : current.variants };
    const event = this.productEvent("product.updated", updated);
    await this.commit([
      ...(Object.keys(change).length ? [this.db.update(products).set({ ...change, updatedAt: now }).where(eq(products.id, id))] : [this.db.update(products).set({ updatedAt: now }).where(eq(products.id, id))]),
      ...(variantsChanged ? [this.db.delete(productVariants).where(eq(productVariants.productId, id)), ...this.insertVariants(variants!)] : []),
      this.audit.entry(actor, {
        action: "product.updated",
        entityType: "product",
        entityId: id,
        oldValues: { ...Object.fromEntries(keys.map((k) => [k, current[k]])), ...(variantsChanged ? { variants: current.variants.map(serializeVariant) } : {}) },
        newValues: { ...change, ...(variantsChanged ? { variants: variants!.map(serializeVariant) } : {}) },
      }),
      ...event.statements,
    ]);
    await this.outbox?.publish(event.rows);
    return updated;
  }

  /** Delete a product and its variants; transaction items keep their sku and product id as history. */
  async delete(id: string, actor: Actor): Promise<void> {
    const current = await this.get(id);
    const event = this.productEvent("product.deleted", current);
    await runBatch(this.db, [
      this.db.delete(productVariants).where(eq(productVariants.productId, id)),
      this.db.delete(products).where(eq(products.id, id)),
      this.audit.entry(actor, { action: "product.deleted", entityType: "product", entityId: id, oldValues: serializeProduct(current) }),
      ...event.statements,
    ]);
    await this.outbox?.publish(event.rows);
  }
}
