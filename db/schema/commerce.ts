// Commerce: transactions and their items (immutable once written), locations and products.
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export interface OpeningHours {
  /** "mon".."sun" → [["09:00","17:30"]] */
  [day: string]: Array<[string, string]>;
}
export interface PostalAddress {
  address_line_1?: string | null;
  address_line_2?: string | null;
  city?: string | null;
  state?: string | null;
  postcode?: string | null;
  country?: string | null;
}

export const locations = sqliteTable(
  "locations",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    handle: text("handle").notNull(),
    type: text("type").notNull().default("store"),
    externalId: text("external_id"),
    timezone: text("timezone").notNull().default("UTC"),
    address: text("address", { mode: "json" }).$type<PostalAddress>(),
    openingHours: text("opening_hours", { mode: "json" }).$type<OpeningHours>(),
    phone: text("phone"),
    email: text("email"),
    isPublished: integer("is_published", { mode: "boolean" }).notNull().default(true),
    /** created on the fly for an unknown location on a transaction; staff complete it later */
    isPlaceholder: integer("is_placeholder", { mode: "boolean" }).notNull().default(false),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [uniqueIndex("locations_external_unique").on(t.externalId), uniqueIndex("locations_handle_unique").on(t.handle)],
);

export const products = sqliteTable(
  "products",
  {
    id: text("id").primaryKey(),
    sku: text("sku").notNull(),
    name: text("name").notNull(),
    brand: text("brand"),
    category: text("category"),
    price: integer("price"),
    externalId: text("external_id"),
    isActive: integer("is_active", { mode: "boolean" }).notNull().default(true),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [uniqueIndex("products_sku_unique").on(t.sku), uniqueIndex("products_external_unique").on(t.externalId)],
);

export const productVariants = sqliteTable(
  "product_variants",
  {
    id: text("id").primaryKey(),
    productId: text("product_id")
      .notNull()
      .references(() => products.id, { onDelete: "cascade" }),
    sku: text("sku").notNull(),
    name: text("name").notNull(),
    price: integer("price"),
    options: text("options", { mode: "json" }).$type<Record<string, string>>(),
  },
  (t) => [uniqueIndex("product_variants_sku_unique").on(t.sku), index("product_variants_product_idx").on(t.productId)],
);

export interface Payment {
  method: string;
  amount: number; // cents
  reference?: string | null;
}

export const transactions = sqliteTable(
  "transactions",
  {
    id: text("id").primaryKey(),
    externalId: text("external_id").notNull(),
    /** Omneo's receipt reference as the client sent it (null when not sent) */
    receiptRef: text("receipt_ref"),
    /** SHA-256 of the normalised request: a retry with another body under the same external_id is a 409 */
    requestHash: text("request_hash").notNull(),
    profileId: text("profile_id"),
    locationId: text("location_id"),
    staffId: text("staff_id"),
    transactedAt: integer("transacted_at", { mode: "timestamp_ms" }).notNull(),
    timezone: text("timezone"),
    currency: text("currency").notNull(),
    subtotal: integer("subtotal").notNull(),
    discount: integer("discount").notNull(),
    tax: integer("tax").notNull(),
    rounding: integer("rounding").notNull().default(0),
    total: integer("total").notNull(),
    payments: text("payments", { mode: "json" }).$type<Payment[]>(),
    redemptionId: text("redemption_id"),
    /** a return names the purchase it returns, so its points are clawed back from that purchase's lots first */
    originalExternalId: text("original_external_id"),
    tags: text("tags", { mode: "json" }).$type<string[]>(),
    meta: text("meta", { mode: "json" }).$type<Record<string, unknown>>(),
    channel: text("channel"),
    isVoid: integer("is_void", { mode: "boolean" }).notNull().default(false),
    voidedAt: integer("voided_at", { mode: "timestamp_ms" }),
    voidReason: text("void_reason"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    uniqueIndex("transactions_external_unique").on(t.externalId),
    index("transactions_profile_idx").on(t.profileId, t.transactedAt),
    index("transactions_at_idx").on(t.transactedAt),
    index("transactions_location_idx").on(t.locationId, t.transactedAt),
    index("transactions_staff_idx").on(t.staffId, t.transactedAt),
  ],
);

export interface ItemDiscount {
  name?: string | null;
  amount: number; // cents, per line
}

export const transactionItems = sqliteTable(
  "transaction_items",
  {
    id: text("id").primaryKey(),
    transactionId: text("transaction_id")
      .notNull()
      .references(() => transactions.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    sku: text("sku"),
    name: text("name"),
    productId: text("product_id"),
    quantity: integer("quantity").notNull(),
    priceOriginal: integer("price_original"),
    priceCurrent: integer("price_current"),
    priceSell: integer("price_sell").notNull(),
    priceTax: integer("price_tax"),
    discounts: text("discounts", { mode: "json" }).$type<ItemDiscount[]>(),
  },
  (t) => [index("transaction_items_tx_idx").on(t.transactionId), index("transaction_items_sku_idx").on(t.sku)],
);
