// Loader and action helpers for Configuration → Products: the form's fields (with its variants) to
// the API's input shape (ProductInput validates it), and the delete both pages offer.
import { redirect, type AppLoadContext } from "@remix-run/cloudflare";
import { failure } from "~/lib/forms.server";
import type { Actor } from "../../../workers/access/actor";
import type { FieldErrors } from "../../../workers/platform/errors";
import { serializeProduct, type ProductView } from "../../../workers/commerce/views";

export type ProductJson = ReturnType<typeof serializeProduct>;
export { serializeProduct };

/** Room for every variant the schema allows (it refuses more than 200 with its own message). */
const MAX_VARIANT_ROWS = 250;

function text(form: FormData, key: string): string {
  const v = form.get(key);
  return typeof v === "string" ? v.trim() : "";
}

/** "size=M, colour=Navy" (or "size: M; colour: Navy") → { size: "M", colour: "Navy" }. */
export function parseOptions(raw: string): { options: Record<string, string> | null } | { error: string } {
  const parts = raw
    .split(/[,;\n]/)
    .map((p) => p.trim())
    .filter(Boolean);
  if (!parts.length) return { options: null };
  const options: Record<string, string> = {};
  for (const part of parts) {
    const m = /^([^=:]+)[=:](.+)$/.exec(part);
    if (!m || !m[1]!.trim() || !m[2]!.trim())
      return { error: `“${part}” is not an option: write name=value pairs separated by commas, e.g. size=M, colour=Navy` };
    const key = m[1]!.trim();
    if (key in options) return { error: `The option “${key}” is given twice` };
    options[key] = m[2]!.trim();
  }
  return { options };
}

export function optionsText(options: Record<string, string> | null | undefined): string {
  return options
    ? Object.entries(options)
        .map(([k, v]) => `${k}=${v}`)
        .join(", ")
    : "";
}

/**
 * The product form as ProductInput expects it: amounts stay decimal text (the schema turns them into
 * cents and names a bad one), an empty price or external id is null, and variants are always sent so
 * removing the last one really removes it.
 */
export function productValues(form: FormData): { values: Record<string, unknown>; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const variants: Array<Record<string, unknown>> = [];
  for (let i = 0; i < MAX_VARIANT_ROWS && form.has(`variants.${i}.sku`); i++) {
    const raw = text(form, `variants.${i}.options`);
    const parsed = parseOptions(raw);
    if ("error" in parsed) (errors[`variants.${i}.options`] ??= []).push(parsed.error);
    variants.push({
      sku: text(form, `variants.${i}.sku`),
      name: text(form, `variants.${i}.name`),
      price: text(form, `variants.${i}.price`).replace(/^\$/, "") || null,
      options: "options" in parsed ? parsed.options : null,
    });
  }
  const values = {
    sku: text(form, "sku"),
    name: text(form, "name"),
    brand: text(form, "brand") || null,
    category: text(form, "category") || null,
    price: text(form, "price").replace(/^\$/, "") || null,
    external_id: text(form, "external_id") || null,
    is_active: form.get("is_active") === "true",
    variants,
  };
  return { values, errors };
}

export function productRow(p: ProductView) {
  return {
    id: p.id,
    sku: p.sku,
    name: p.name,
    brand: p.brand,
    category: p.category,
    price: p.price,
    variants: p.variants.length,
    active: p.isActive,
  };
}

export async function deleteProduct(context: AppLoadContext, actor: Actor, id: string, redirectTo?: string) {
  try {
    const current = await context.services.products.get(id);
    await context.services.products.delete(id, actor);
    if (redirectTo) return redirect(redirectTo);
    return { ok: true as const, intent: "delete", message: `${current.name} deleted` };
  } catch (err) {
    return failure(err, { intent: "delete" });
  }
}
