// API routes of commerce: transactions (ingest, queue, reads, void, claims), locations and products.
// Handlers parse HTTP (paths, filters, pages), call one service method and shape the reply.
import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { requireScope } from "../access/guards";
import { IdempotencyHeader, IdParam, json, LinksSchema, listOf, MetaSchema, notFoundResponse, ok, problemResponses, ProblemSchema, single } from "../platform/api-schemas";
import { TransactionIncentives } from "../incentives/ledger.schema";
import { DomainError, type FieldErrors } from "../platform/errors";
import type { AppEnv } from "../api-env";
import { toCents } from "../platform/money";
import { listQuery } from "../platform/list-query";
import { listEnvelope, parsePage } from "../platform/pagination";
import { serializeLocation, serializeMissingSku, serializeProduct } from "./views";
import { decodeCursor, encodeCursor } from "./rules";
import {
  ClaimInput,
  LOCATION_TYPES,
  LocationInput,
  LocationSchema,
  MissingSkuSchema,
  ProductInput,
  ProductSchema,
  QueuedTransactionSchema,
  TransactionInput,
  TransactionSchema,
  UpdateLocationInput,
  UpdateProductInput,
  VoidInput,
} from "./schema";
import { serializeTransaction, type TransactionFilter } from "./transactions.service";

const conflictResponse = {
  409: { description: "Conflicts with what is recorded", content: { "application/problem+json": { schema: ProblemSchema } } },
} as const;

// ── query parsing ───────────────────────────────────────────────────────────────────────────────

const TransactionListQuery = listQuery({
  params: { "page[cursor]": z.string().max(200).optional().openapi({ description: "Cursor pagination: empty for the first page, then meta.next_cursor" }) },
  filters: {
    date_from: { max: 40, description: "ISO date or date-time; transactions at or after it" },
    date_to: { max: 40, description: "ISO date (the whole day) or date-time; at or before it" },
    location_id: { max: 100, description: "Location id or external id" },
    staff_id: { max: 100 },
    profile_id: { max: 100 },
    external_id: { max: 191, description: "The receipt number" },
    total_min: { max: 20, description: "Decimal amount, e.g. 10.00" },
    total_max: { max: 20, description: "Decimal amount, e.g. 250.00" },
  },
});

const TransactionListSchema = z.object({
  data: z.array(TransactionSchema),
  links: LinksSchema.extend({ last: z.string().nullable() }),
  meta: MetaSchema.partial().extend({ per_page: z.number().int(), next_cursor: z.string().nullable().optional() }),
});

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function parseDateFilter(raw: string | undefined, field: string, endOfDay: boolean, errors: FieldErrors): Date | undefined {
  if (!raw) return undefined;
  const iso = DAY.test(raw) ? `${raw}T${endOfDay ? "23:59:59.999" : "00:00:00.000"}Z` : raw;
  const ms = /^\d{4}-\d{2}-\d{2}T/.test(iso) ? Date.parse(iso) : NaN;
  if (Number.isNaN(ms)) {
    (errors[field] ??= []).push(`${field} must be an ISO date (2024-05-01) or date-time (2024-05-01T10:00:00Z), got "${raw}"`);
    return undefined;
  }
  return new Date(ms);
}

function parseAmountFilter(raw: string | undefined, field: string, errors: FieldErrors): number | undefined {
  if (raw === undefined || raw === "") return undefined;
  const cents = toCents(raw);
  if (cents === null) (errors[field] ??= []).push(`${field} must be a decimal amount with at most two decimal places, got "${raw}"`);
  return cents ?? undefined;
}

/** filter[...] of GET /transactions → a TransactionFilter; every bad value is named in one 422. */
export function parseTransactionFilter(q: Record<string, string | undefined>): TransactionFilter {
  const errors: FieldErrors = {};
  const filter: TransactionFilter = {
    dateFrom: parseDateFilter(q["filter[date_from]"], "filter[date_from]", false, errors),
    dateTo: parseDateFilter(q["filter[date_to]"], "filter[date_to]", true, errors),
    locationId: q["filter[location_id]"] || undefined,
    staffId: q["filter[staff_id]"] || undefined,
    profileId: q["filter[profile_id]"] || undefined,
    externalId: q["filter[external_id]"] || undefined,
    totalMin: parseAmountFilter(q["filter[total_min]"], "filter[total_min]", errors),
    totalMax: parseAmountFilter(q["filter[total_max]"], "filter[total_max]", errors),
  };
  if (filter.dateFrom && filter.dateTo && filter.dateFrom > filter.dateTo) (errors["filter[date_to]"] ??= []).push("filter[date_to] is before filter[date_from]");
  if (Object.keys(errors).length) throw new DomainError("validation_failed", `Invalid query parameters: ${Object.keys(errors).join(", ")}`, { errors });
  return filter;
}

const ExternalIdParam = z.object({
  external_id: z.string().min(1).max(191).openapi({ param: { name: "external_id", in: "path" }, example: "POS-0042-000123" }),
});

// ── routes ──────────────────────────────────────────────────────────────────────────────────────

export function registerCommerceRoutes(api: OpenAPIHono<AppEnv>) {
  registerTransactionRoutes(api);
  registerLocationRoutes(api);
  registerProductRoutes(api);
}

function registerTransactionRoutes(api: OpenAPIHono<AppEnv>) {
  const tags = ["Transactions"];

  api.openapi(
    createRoute({
      method: "get",
      path: "/transactions",
      tags,
      summary: "List transactions, newest first; page[number] or page[cursor] pagination",
      middleware: [requireScope("transactions:read")] as const,
      request: { query: TransactionListQuery },
      responses: { 200: ok(TransactionListSchema, "Transactions"), ...problemResponses },
    }),
    async (c) => {
      const s = c.get("services");
      const query = c.req.query();
      const filter = parseTransactionFilter(query);
      const page = parsePage(query);
      const rawCursor = query["page[cursor]"];
      if (rawCursor !== undefined) {
        const after = rawCursor ? decodeCursor(rawCursor) : null;
        if (rawCursor && !after) throw DomainError.field("page[cursor]", "page[cursor] is not a cursor this API gave out");
        const { rows, next } = await s.transactions.listByCursor(filter, { after, size: page.size });
        const nextCursor = next ? encodeCursor(next) : null;
        const link = (cursor: string | null) => {
          const u = new URL(c.req.url);
          u.searchParams.delete("page[number]");
          u.searchParams.set("page[cursor]", cursor ?? "");
          u.searchParams.set("page[size]", String(page.size));
          return u.toString();
        };
        return c.json(
          { data: rows.map(serializeTransaction), links: { first: link(""), prev: null, next: nextCursor ? link(nextCursor) : null, last: null }, meta: { per_page: page.size, next_cursor: nextCursor } },
          200,
        );
      }
      const { rows, total } = await s.transactions.list(filter, page);
      return c.json(listEnvelope(rows.map(serializeTransaction), total, page, c.req.url), 200);
    },
  );

  // POST /transactions and Omneo's POST /transactions/update-create are the same idempotent ingest
  // a receipt for a profile also carries what it earned (TransactionIncentives); an anonymous one has no `incentives`
  const IngestedTransactionSchema = TransactionSchema.extend({ incentives: TransactionIncentives.optional() }).openapi("IngestedTransaction");
  for (const path of ["/transactions", "/transactions/update-create"] as const) {
  api.openapi(
    createRoute({
      method: "post",
      path,
      tags,
      summary: path === "/transactions" ? "Record a transaction (idempotent on external_id: the same receipt again returns the first with 200)" : "Omneo's name for POST /transactions: a receipt already recorded is returned as it is (transactions are immutable)",
      middleware: [requireScope("transactions:write")] as const,
      request: { headers: IdempotencyHeader, body: json(TransactionInput) },
      responses: {
        200: ok(single(IngestedTransactionSchema), "Already recorded: the first transaction under this external_id"),
        201: ok(single(IngestedTransactionSchema), "Recorded"),
        ...problemResponses,
        ...conflictResponse,
      },
    }),
    async (c) => {
      const { transaction, created, incentives } = await c.get("services").receipts.ingest(c.req.valid("json"), c.get("auth").actor);
      c.header("Location", `/api/v3/transactions/${transaction.id}`);
      // a receipt for a profile also says what it earned and the balances after; an anonymous one is as GET shows it
      return c.json({ data: { ...serializeTransaction(transaction), ...(incentives ? { incentives } : {}) } }, created ? 201 : 200);
    },
  );  }


  api.openapi(
    createRoute({
      method: "post",
      path: "/transactions/queue",
      tags,
      summary: "Accept a transaction for background processing; poll GET /transactions/external/{external_id}",
      middleware: [requireScope("transactions:write")] as const,
      request: { headers: IdempotencyHeader, body: json(TransactionInput) },
      responses: { 202: ok(single(QueuedTransactionSchema), "Accepted"), ...problemResponses },
    }),
    async (c) => {
      const { externalId } = await c.get("services").transactions.enqueue(c.req.valid("json"), c.get("auth").actor);
      const poll = `/api/v3/transactions/external/${encodeURIComponent(externalId)}`;
      c.header("Location", poll);
      return c.json({ data: { external_id: externalId, status: "queued" as const, poll } }, 202);
    },
  );

  api.openapi(
    createRoute({
      method: "get",
      path: "/transactions/external/{external_id}",
      tags,
      summary: "A transaction by its external id (receipt number)",
      middleware: [requireScope("transactions:read")] as const,
      request: { params: ExternalIdParam },
      responses: { 200: ok(single(TransactionSchema), "The transaction"), ...problemResponses, ...notFoundResponse },
    }),
    async (c) => c.json({ data: serializeTransaction(await c.get("services").transactions.getByExternalId(c.req.valid("param").external_id)) }, 200),
  );

  api.openapi(
    createRoute({
      method: "get",
      path: "/transactions/{id}",
      tags,
      summary: "A transaction with its items",
      middleware: [requireScope("transactions:read")] as const,
      request: { params: IdParam },
      responses: { 200: ok(single(TransactionSchema), "The transaction"), ...problemResponses, ...notFoundResponse },
    }),
    async (c) => c.json({ data: serializeTransaction(await c.get("services").transactions.get(c.req.valid("param").id)) }, 200),
  );

  api.openapi(
    createRoute({
      method: "post",
      path: "/transactions/{id}/void",
      tags,
      summary: "Void a transaction (kept, excluded from aggregations); voiding again changes nothing",
      middleware: [requireScope("transactions:write")] as const,
      request: { params: IdParam, headers: IdempotencyHeader, body: json(VoidInput) },
      responses: { 200: ok(single(TransactionSchema), "The voided transaction"), ...problemResponses, ...notFoundResponse },
    }),
    async (c) => {
      const t = await c.get("services").receipts.void(c.req.valid("param").id, c.req.valid("json").reason, c.get("auth").actor);
      return c.json({ data: serializeTransaction(t) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: "get",
      path: "/profiles/{id}/transactions",
      tags,
      summary: "A profile's transactions, newest first",
      middleware: [requireScope("transactions:read")] as const,
      request: { params: IdParam, query: listQuery() },
      responses: { 200: ok(listOf(TransactionSchema), "Transactions"), ...problemResponses, ...notFoundResponse },
    }),
    async (c) => {
      const page = parsePage(c.req.query());
      const { rows, total } = await c.get("services").transactions.listForProfile(c.req.valid("param").id, page);
      return c.json(listEnvelope(rows.map(serializeTransaction), total, page, c.req.url), 200);
    },
  );

  // Omneo's read of one of a profile's transactions
  api.openapi(
    createRoute({
      method: "get",
      path: "/profiles/{id}/transactions/{transactionId}",
      tags,
      summary: "One of the profile's transactions",
      middleware: [requireScope("transactions:read")] as const,
      request: { params: IdParam.extend({ transactionId: z.string().openapi({ param: { name: "transactionId", in: "path" } }) }) },
      responses: { 200: ok(single(TransactionSchema), "The transaction"), ...problemResponses, ...notFoundResponse },
    }),
    async (c) => {
      const { id, transactionId } = c.req.valid("param");
      const t = await c.get("services").transactions.find(transactionId);
      if (!t || t.profileId !== id) throw new DomainError("not_found", `Profile ${id} has no transaction ${transactionId}`);
      return c.json({ data: serializeTransaction(t) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: "post",
      path: "/profiles/{id}/transactions/claims",
      tags,
      summary: "Attach an anonymous transaction to this profile, by external_id or transaction_id",
      middleware: [requireScope("transactions:write")] as const,
      request: { params: IdParam, headers: IdempotencyHeader, body: json(ClaimInput) },
      responses: { 200: ok(single(TransactionSchema), "The claimed transaction"), ...problemResponses, ...notFoundResponse, ...conflictResponse },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const t = await c.get("services").receipts.claim(c.req.valid("param").id, { externalId: body.external_id, transactionId: body.transaction_id }, c.get("auth").actor);
      return c.json({ data: serializeTransaction(t) }, 200);
    },
  );
}

function registerLocationRoutes(api: OpenAPIHono<AppEnv>) {
  const tags = ["Locations"];

  api.openapi(
    createRoute({
      method: "get",
      path: "/locations",
      tags,
      summary: "List locations by name",
      middleware: [requireScope("config:read")] as const,
      request: {
        query: listQuery({
          params: { search: z.string().max(200).optional().openapi({ description: "A fragment of the name" }) },
          filters: { type: { values: LOCATION_TYPES } },
        }),
      },
      responses: { 200: ok(listOf(LocationSchema), "Locations"), ...problemResponses },
    }),
    async (c) => {
      const page = parsePage(c.req.query());
      const q = c.req.valid("query");
      const { rows, total } = await c.get("services").locations.list({ type: q["filter[type]"] as (typeof LOCATION_TYPES)[number] | undefined, search: q.search }, page);
      return c.json(listEnvelope(rows.map(serializeLocation), total, page, c.req.url), 200);
    },
  );

  api.openapi(
    createRoute({
      method: "post",
      path: "/locations",
      tags,
      summary: "Create a location (handle derived from the name when absent)",
      middleware: [requireScope("config:write")] as const,
      request: { headers: IdempotencyHeader, body: json(LocationInput) },
      responses: { 201: ok(single(LocationSchema), "Created"), ...problemResponses },
    }),
    async (c) => c.json({ data: serializeLocation(await c.get("services").locations.create(c.req.valid("json"), c.get("auth").actor)) }, 201),
  );

  api.openapi(
    createRoute({
      method: "get",
      path: "/locations/{id}",
      tags,
      summary: "A location",
      middleware: [requireScope("config:read")] as const,
      request: { params: IdParam },
      responses: { 200: ok(single(LocationSchema), "The location"), ...problemResponses, ...notFoundResponse },
    }),
    async (c) => c.json({ data: serializeLocation(await c.get("services").locations.get(c.req.valid("param").id)) }, 200),
  );

  api.openapi(
    createRoute({
      method: "put",
      path: "/locations/{id}",
      tags,
      summary: "Update a location (only the fields given change; editing a placeholder completes it)",
      middleware: [requireScope("config:write")] as const,
      request: { params: IdParam, body: json(UpdateLocationInput) },
      responses: { 200: ok(single(LocationSchema), "Updated"), ...problemResponses, ...notFoundResponse },
    }),
    async (c) => c.json({ data: serializeLocation(await c.get("services").locations.update(c.req.valid("param").id, c.req.valid("json"), c.get("auth").actor)) }, 200),
  );

  api.openapi(
    createRoute({
      method: "delete",
      path: "/locations/{id}",
      tags,
      summary: "Delete a location that no transaction names (409 otherwise)",
      middleware: [requireScope("config:write")] as const,
      request: { params: IdParam },
      responses: { 204: { description: "Deleted" }, ...problemResponses, ...notFoundResponse, ...conflictResponse },
    }),
    async (c) => {
      await c.get("services").locations.delete(c.req.valid("param").id, c.get("auth").actor);
      return c.body(null, 204);
    },
  );
}

function registerProductRoutes(api: OpenAPIHono<AppEnv>) {
  const tags = ["Products"];

  api.openapi(
    createRoute({
      method: "get",
      path: "/products",
      tags,
      summary: "List products with their variants, by name",
      middleware: [requireScope("config:read")] as const,
      request: {
        query: listQuery({
          params: { search: z.string().max(200).optional().openapi({ description: "A fragment of the name, or an exact sku" }) },
          filters: { category: {}, brand: {}, is_active: { values: ["true", "false", "1", "0"] } },
        }),
      },
      responses: { 200: ok(listOf(ProductSchema), "Products"), ...problemResponses },
    }),
    async (c) => {
      const page = parsePage(c.req.query());
      const q = c.req.valid("query");
      const active = q["filter[is_active]"] === undefined ? undefined : q["filter[is_active]"] === "1" ? "true" : q["filter[is_active]"] === "0" ? "false" : q["filter[is_active]"];
      const { rows, total } = await c.get("services").products.list(
        { search: q.search, category: q["filter[category]"], brand: q["filter[brand]"], isActive: active === undefined ? undefined : active === "true" },
        page,
      );
      return c.json(listEnvelope(rows.map(serializeProduct), total, page, c.req.url), 200);
    },
  );

  api.openapi(
    createRoute({
      method: "post",
      path: "/products",
      tags,
      summary: "Create a product with its variants (skus unique across products and variants)",
      middleware: [requireScope("config:write")] as const,
      request: { headers: IdempotencyHeader, body: json(ProductInput) },
      responses: { 201: ok(single(ProductSchema), "Created"), ...problemResponses },
    }),
    async (c) => c.json({ data: serializeProduct(await c.get("services").products.create(c.req.valid("json"), c.get("auth").actor)) }, 201),
  );

  // registered before /products/{id} so "validation" is never taken for an id
  api.openapi(
    createRoute({
      method: "get",
      path: "/products/validation",
      tags,
      summary: "SKUs seen on transaction items that the catalogue lacks, most frequent first",
      middleware: [requireScope("config:read")] as const,
      request: { query: listQuery() },
      responses: { 200: ok(listOf(MissingSkuSchema), "Missing SKUs"), ...problemResponses },
    }),
    async (c) => {
      const page = parsePage(c.req.query());
      const { rows, total } = await c.get("services").products.missingSkus(page);
      return c.json(listEnvelope(rows.map(serializeMissingSku), total, page, c.req.url), 200);
    },
  );

  api.openapi(
    createRoute({
      method: "get",
      path: "/products/{id}",
      tags,
      summary: "A product with its variants",
      middleware: [requireScope("config:read")] as const,
      request: { params: IdParam },
      responses: { 200: ok(single(ProductSchema), "The product"), ...problemResponses, ...notFoundResponse },
    }),
    async (c) => c.json({ data: serializeProduct(await c.get("services").products.get(c.req.valid("param").id)) }, 200),
  );

  api.openapi(
    createRoute({
      method: "put",
      path: "/products/{id}",
      tags,
      summary: "Update a product (only the fields given change; variants, when given, replace them)",
      middleware: [requireScope("config:write")] as const,
      request: { params: IdParam, body: json(UpdateProductInput) },
      responses: { 200: ok(single(ProductSchema), "Updated"), ...problemResponses, ...notFoundResponse },
    }),
    async (c) => c.json({ data: serializeProduct(await c.get("services").products.update(c.req.valid("param").id, c.req.valid("json"), c.get("auth").actor)) }, 200),
  );

  api.openapi(
    createRoute({
      method: "delete",
      path: "/products/{id}",
      tags,
      summary: "Delete a product and its variants (transaction items keep their sku)",
      middleware: [requireScope("config:write")] as const,
      request: { params: IdParam },
      responses: { 204: { description: "Deleted" }, ...problemResponses, ...notFoundResponse },
    }),
    async (c) => {
      await c.get("services").products.delete(c.req.valid("param").id, c.get("auth").actor);
      return c.body(null, 204);
    },
  );
}
