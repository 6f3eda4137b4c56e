// Commerce's views: pure serializers from rows to the API's and the console's shapes (no I/O, no Drizzle at
// runtime: the row types are type-only imports). The services, the API and the console all print from here.
import type { locations, productVariants, products } from "../../db/schema";
import { fromCents } from "../platform/money";

export type Location = typeof locations.$inferSelect;

export function serializeLocation(l: Location) {
  return {
    id: l.id,
    name: l.name,
    handle: l.handle,
    type: l.type,
    external_id: l.externalId,
    timezone: l.timezone,
    address: (l.address ?? null) as Record<string, string | null> | null,
    opening_hours: (l.openingHours ?? null) as Record<string, string[][]> | null,
    phone: l.phone,
    email: l.email,
    is_published: l.isPublished,
    is_placeholder: l.isPlaceholder,
    created_at: l.createdAt.toISOString(),
    updated_at: l.updatedAt.toISOString(),
  };
}

export type Product = typeof products.$inferSelect;
export type ProductVariant = typeof productVariants.$inferSelect;
export interface ProductView extends Product {
  variants: ProductVariant[];
}

/** A SKU that transaction items carry but neither a product nor a variant has. */
export interface MissingSku {
  sku: string;
  /** the most recent name an item gave it */
  name: string | null;
  itemCount: number;
  lastSeenAt: Date;
}

export function serializeVariant(v: ProductVariant) {
  return { id: v.id, sku: v.sku, name: v.name, price: v.price === null ? null : fromCents(v.price), options: v.options ?? null };
}

export function serializeProduct(p: ProductView) {
  return {
    id: p.id,
    sku: p.sku,
    name: p.name,
    brand: p.brand,
    category: p.category,
    price: p.price === null ? null : fromCents(p.price),
    external_id: p.externalId,
    is_active: p.isActive,
    variants: [...p.variants].sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0)).map(serializeVariant),
    created_at: p.createdAt.toISOString(),
    updated_at: p.updatedAt.toISOString(),
  };
}

export function serializeMissingSku(m: MissingSku) {
  return { sku: m.sku, name: m.name, item_count: m.itemCount, last_seen_at: m.lastSeenAt.toISOString() };
}
