// Contracts of commerce (transactions, locations, products), shared by the API, the console's forms
// and the OpenAPI document. Amounts come in as decimals and leave these schemas as integer cents.
import { z } from "@hono/zod-openapi";
import type { OpeningHours } from "../../db/schema/commerce";
import { boundedJsonObject } from "../platform/json-bounds";
import { amount, handle, Timezone } from "../platform/zod";
import { zonedInstant } from "../platform/time";
import { normaliseOpeningHours, openingHoursErrors } from "./rules";

// ── shared pieces ───────────────────────────────────────────────────────────────────────────────

/** An identifier that integrations may send as a string or a whole number (receipt and card numbers). */
function identifier(field: string, max = 191) {
  return z
    .union([z.string(), z.number().int()], { error: `${field} must be a string` })
    .transform((v) => String(v).trim())
    .pipe(z.string().min(1, `${field} must not be empty`).max(max, `${field} must be at most ${max} characters`))
    .openapi({ type: "string" });
}

const optionalText = (field: string, max: number) =>
  z
    .string({ error: `${field} must be a string` })
    .trim()
    .max(max, `${field} must be at most ${max} characters`)
    .nullish()
    .transform((v) => (v === "" ? null : v));

const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/;

/** An ISO 8601 date-time with offset, or Omneo's local "YYYY-MM-DD HH:MM:SS" read in the body's timezone. */
const TransactedAt = z
  .string({ error: "transacted_at must be a date-time" })
  .trim()
  .refine((v) => LOCAL_TIME.test(v) || z.iso.datetime({ offset: true }).safeParse(v).success, {
    message: 'transacted_at must be an ISO 8601 date-time such as 2024-05-01T10:30:00+10:00, or "YYYY-MM-DD HH:MM:SS" with timezone',
  })
  .openapi({ type: "string", example: "2024-05-01T10:30:00+10:00" });

const Handle = handle();

// ── transactions ────────────────────────────────────────────────────────────────────────────────

export const MAX_ITEMS = 500;

export const DiscountInput = z.object({
  name: optionalText("name", 200),
  amount: amount("amount"),
});

export const TransactionItemInput = z
  .object({
    sku: optionalText("sku", 100),
    name: optionalText("name", 300),
    product_id: optionalText("product_id", 100),
    quantity: z
      .number({ error: "quantity must be a whole number" })
      .int("quantity must be a whole number")
      .min(-1_000_000, "quantity is too small")
      .max(1_000_000, "quantity is too large")
      .refine((q) => q !== 0, "quantity must not be 0 (negative for a return)"),
    price_original: amount("price_original").nullish(),
    price_current: amount("price_current").nullish(),
    price_sell: amount("price_sell"),
    price_tax: amount("price_tax").nullish(),
    // Omneo's item forms: the variant by its id (accepted, not modelled: our variants are found by sku)
    // or as an object whose sku and title stand for ours when those are absent
    product_variant_id: z.union([z.string().max(100), z.number().int()]).nullish().openapi({ description: "Omneo field: accepted and ignored (variants are matched by sku)" }),
    product_variant: z
      .object({
        sku: z.string().trim().max(100).nullish(),
        title: z.string().trim().max(300).nullish(),
        product_id: z.union([z.string().max(100), z.number().int()]).nullish(),
        barcode: z.string().max(100).nullish(),
        brand: z.string().max(200).nullish(),
        category: z.string().max(200).nullish(),
        price: z.union([z.number(), z.string()]).nullish(),
      })
      .nullish()
      .openapi({ description: "Omneo's variant object: its sku and title are used when the item has none; the rest is accepted and ignored" }),
    discounts: z.array(DiscountInput).max(20, "at most 20 discounts per item").optional(),
  })
  .openapi("TransactionItemInput")
  .transform(({ product_variant, product_variant_id: _ignored, ...item }) => ({
    ...item,
    sku: item.sku ?? product_variant?.sku ?? null,
    name: item.name ?? product_variant?.title ?? null,
  }));

export const PaymentInput = z.object({
  method: z.string({ error: "method is required" }).trim().min(1, "method is required").max(64),
  amount: amount("amount"),
  reference: optionalText("reference", 200),
});

export const TransactionInput = z
  .object({
    external_id: identifier("external_id").optional().openapi({ description: "The receipt number, the idempotency key; when absent, receipt_ref, else a new id (send an Idempotency-Key to retry safely)" }),
    receipt_ref: identifier("receipt_ref").optional().openapi({ description: "Omneo's receipt reference: stored and returned; stands for external_id when that is absent" }),
    total_original: amount("total_original").optional().openapi({ description: "Omneo's total before discounts: stands for subtotal when that is absent" }),
    systems: z.array(z.string().max(64)).max(20).optional().openapi({ description: "Omneo field: accepted and ignored" }),
    profile_id: identifier("profile_id", 254).nullish().openapi({ description: "Our profile id, or the value of profile_id_handle (an email, mobile or identity)" }),
    profile_id_handle: z
      .string({ error: "profile_id_handle must be a string" })
      .trim()
      .toLowerCase()
      .max(64)
      .nullish()
      .openapi({ description: '"email", "mobile" or any identity handle (e.g. "loyalty-card"); profile_id then carries its value' }),
    location_id: identifier("location_id", 100).nullish().openapi({ description: "A location id or external id; an unknown one creates a placeholder location" }),
    staff_id: optionalText("staff_id", 100),
    transacted_at: TransactedAt.optional(),
    timezone: Timezone.optional(),
    currency: z
      .string({ error: "currency must be a three-letter ISO code" })
      .trim()
      .toUpperCase()
      .regex(/^[A-Z]{3}$/, "currency must be a three-letter ISO code")
      .optional(),
    subtotal: amount("subtotal").optional(),
    discount: amount("discount").optional(),
    tax: amount("tax").optional(),
    rounding: amount("rounding").optional(),
    total: amount("total"),
    payments: z.array(PaymentInput).max(20).optional(),
    redemption_id: optionalText("redemption_id", 100),
    original_external_id: optionalText("original_external_id", 191).openapi({ description: "On a return: the receipt number of the purchase it returns; its points are clawed back from that purchase first" }),
    tags: z.array(z.string().trim().min(1).max(64)).max(50).optional(),
    meta: boundedJsonObject("meta").nullish(),
    channel: optionalText("channel", 64),
    items: z.array(TransactionItemInput, { error: "items must be a list" }).min(1, "items must not be empty").max(MAX_ITEMS, `A transaction holds at most ${MAX_ITEMS} items`),
  })
  .superRefine((t, ctx) => {
    if (t.profile_id_handle && !t.profile_id) ctx.addIssue({ code: "custom", path: ["profile_id"], message: "profile_id is required when profile_id_handle is given" });
  })
  .openapi("TransactionInput")
  .transform(({ receipt_ref, total_original, systems: _ignored, ...t }, ctx) => {
    let transactedAt = t.transacted_at;
    const local = transactedAt ? LOCAL_TIME.exec(transactedAt) : null;
    if (transactedAt && local) {
      // Omneo's "YYYY-MM-DD HH:MM:SS" is a wall time in the transaction's timezone
      if (!t.timezone) {
        ctx.addIssue({ code: "custom", path: ["transacted_at"], message: "transacted_at without an offset is a local time: send timezone too (or an ISO 8601 date-time with offset)" });
        return z.NEVER;
      }
      const [, y, mo, d, h, mi, sec] = local.map(Number);
      transactedAt = zonedInstant({ year: y!, month: mo!, day: d!, hour: h!, minute: mi!, second: sec || 0, millisecond: 0 }, t.timezone).toISOString();
    } else if (transactedAt) {
      transactedAt = new Date(transactedAt).toISOString();
    }
    return {
      ...t,
      external_id: t.external_id ?? receipt_ref ?? `le-${crypto.randomUUID()}`,
      // kept only when sent, so the fingerprint of a receipt without one is what it always was
      ...(receipt_ref !== undefined ? { receipt_ref } : {}),
      subtotal: t.subtotal ?? total_original,
      transacted_at: transactedAt,
    };
  });
export type TransactionInput = z.output<typeof TransactionInput>;
export type TransactionItemInput = z.output<typeof TransactionItemInput>;

export const VoidInput = z
  .object({ reason: z.string({ error: "reason is required" }).trim().min(1, "reason is required").max(500, "reason must be at most 500 characters") })
  .openapi("VoidTransactionInput");

export const ClaimInput = z
  .object({
    external_id: identifier("external_id").optional(),
    transaction_id: z.string().trim().min(1).max(100).optional(),
  })
  .superRefine((c, ctx) => {
    if (!c.external_id === !c.transaction_id) ctx.addIssue({ code: "custom", path: ["external_id"], message: "Give either external_id or transaction_id" });
  })
  .openapi("ClaimTransactionInput");
export type ClaimInput = z.output<typeof ClaimInput>;

// ── locations ───────────────────────────────────────────────────────────────────────────────────

export const LOCATION_TYPES = ["store", "online", "popup", "warehouse", "other"] as const;
export type LocationType = (typeof LOCATION_TYPES)[number];

export const PostalAddressInput = z
  .object({
    address_line_1: optionalText("address_line_1", 200),
    address_line_2: optionalText("address_line_2", 200),
    city: optionalText("city", 100),
    state: optionalText("state", 100),
    postcode: optionalText("postcode", 20),
    country: optionalText("country", 2).refine((c) => c == null || /^[A-Za-z]{2}$/.test(c), "country must be a two-letter ISO code").transform((c) => c?.toUpperCase() ?? c),
  })
  .openapi("PostalAddress");

export const OpeningHoursInput = z
  .record(z.string(), z.array(z.array(z.string())), { error: 'opening_hours must be an object like {"mon": [["09:00", "17:00"]]}' })
  .superRefine((hours, ctx) => {
    for (const [path, messages] of Object.entries(openingHoursErrors(hours))) {
      for (const message of messages) ctx.addIssue({ code: "custom", path: path ? path.split(".") : [], message });
    }
  })
  .transform((hours) => normaliseOpeningHours(hours as OpeningHours))
  .openapi({ type: "object", example: { mon: [["09:00", "17:00"]], sat: [["10:00", "16:00"]] }, description: "Day (mon..sun) → [open, close] pairs in HH:MM, open before close" });

const locationFields = {
  name: z.string({ error: "name is required" }).trim().min(1, "name is required").max(200, "name must be at most 200 characters"),
  handle: Handle.optional(),
  type: z.enum(LOCATION_TYPES, { error: `type must be one of ${LOCATION_TYPES.join(", ")}` }).optional(),
  external_id: identifier("external_id", 100).nullish(),
  timezone: Timezone.optional(),
  address: PostalAddressInput.nullish(),
  opening_hours: OpeningHoursInput.nullish(),
  phone: optionalText("phone", 40),
  email: z.email({ error: "email must be a valid email address" }).nullish(),
  is_published: z.boolean({ error: "is_published must be true or false" }).optional(),
};

export const LocationInput = z.object(locationFields).openapi("LocationInput");
export type LocationInput = z.output<typeof LocationInput>;

export const UpdateLocationInput = z.object({ ...locationFields, name: locationFields.name.optional() }).openapi("UpdateLocationInput");
export type UpdateLocationInput = z.output<typeof UpdateLocationInput>;

// ── products ────────────────────────────────────────────────────────────────────────────────────

const Sku = z.string({ error: "sku is required" }).trim().min(1, "sku is required").max(100, "sku must be at most 100 characters");

export const VariantInput = z
  .object({
    sku: Sku,
    name: z.string({ error: "name is required" }).trim().min(1, "name is required").max(300),
    price: amount("price", { nonNegative: true }).nullish(),
    options: z.record(z.string().max(64), z.string().max(200)).nullish(),
  })
  .openapi("ProductVariantInput");

const productFields = {
  sku: Sku,
  name: z.string({ error: "name is required" }).trim().min(1, "name is required").max(300, "name must be at most 300 characters"),
  brand: optionalText("brand", 200),
  category: optionalText("category", 200),
  price: amount("price", { nonNegative: true }).nullish(),
  external_id: identifier("external_id", 100).nullish(),
  is_active: z.boolean({ error: "is_active must be true or false" }).optional(),
  variants: z.array(VariantInput).max(200, "A product holds at most 200 variants").optional(),
};

export const ProductInput = z.object(productFields).openapi("ProductInput");
export type ProductInput = z.output<typeof ProductInput>;

export const UpdateProductInput = z
  .object({ ...productFields, sku: Sku.optional(), name: productFields.name.optional() })
  .openapi("UpdateProductInput", { description: "Only the fields given change; variants, when given, replace the product's variants (matched by sku)" });
export type UpdateProductInput = z.output<typeof UpdateProductInput>;

// ── responses (for the OpenAPI document) ────────────────────────────────────────────────────────

export const TransactionItemSchema = z
  .object({
    id: z.string(),
    sku: z.string().nullable(),
    name: z.string().nullable(),
    product_id: z.string().nullable(),
    quantity: z.number().int(),
    price_original: z.number().nullable(),
    price_current: z.number().nullable(),
    price_sell: z.number(),
    price_tax: z.number().nullable(),
    discounts: z.array(z.object({ name: z.string().nullable(), amount: z.number() })),
    line_total: z.number(),
  })
  .openapi("TransactionItem");

export const TransactionSchema = z
  .object({
    id: z.string(),
    external_id: z.string(),
    receipt_ref: z.string().nullable().openapi({ description: "Omneo's receipt reference, as sent (null when not sent)" }),
    profile_id: z.string().nullable(),
    location_id: z.string().nullable(),
    staff_id: z.string().nullable(),
    transacted_at: z.string(),
    timezone: z.string().nullable(),
    currency: z.string(),
    subtotal: z.number(),
    total_original: z.number().openapi({ description: "Omneo's name for subtotal (the total before discounts)" }),
    discount: z.number(),
    tax: z.number(),
    rounding: z.number(),
    total: z.number(),
    payments: z.array(z.object({ method: z.string(), amount: z.number(), reference: z.string().nullable() })),
    redemption_id: z.string().nullable(),
    original_external_id: z.string().nullable(),
    incentives: z
      .unknown()
      .optional()
      .openapi({ description: "On POST /transactions for a profile: the points earned (or clawed back) per definition, tier and achievement changes, and the new balances" }),
    tags: z.array(z.string()),
    meta: z.record(z.string(), z.unknown()).nullable(),
    channel: z.string().nullable(),
    is_void: z.boolean(),
    voided_at: z.string().nullable(),
    void_reason: z.string().nullable(),
    items: z.array(TransactionItemSchema),
    created_at: z.string(),
  })
  .openapi("Transaction");

export const QueuedTransactionSchema = z
  .object({ external_id: z.string(), status: z.literal("queued"), poll: z.string() })
  .openapi("QueuedTransaction");

export const LocationSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    handle: z.string(),
    type: z.string(),
    external_id: z.string().nullable(),
    timezone: z.string(),
    address: z.record(z.string(), z.string().nullable()).nullable(),
    opening_hours: z.record(z.string(), z.array(z.array(z.string()))).nullable(),
    phone: z.string().nullable(),
    email: z.string().nullable(),
    is_published: z.boolean(),
    is_placeholder: z.boolean(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Location");

export const ProductVariantSchema = z
  .object({ id: z.string(), sku: z.string(), name: z.string(), price: z.number().nullable(), options: z.record(z.string(), z.string()).nullable() })
  .openapi("ProductVariant");

export const ProductSchema = z
  .object({
    id: z.string(),
    sku: z.string(),
    name: z.string(),
    brand: z.string().nullable(),
    category: z.string().nullable(),
    price: z.number().nullable(),
    external_id: z.string().nullable(),
    is_active: z.boolean(),
    variants: z.array(ProductVariantSchema),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Product");

export const MissingSkuSchema = z
  .object({ sku: z.string(), name: z.string().nullable(), item_count: z.number().int(), last_seen_at: z.string() })
  .openapi("MissingSku");
