// The product form (create and edit): the product itself and its variants. Each variant has its own
// SKU (unique across the catalogue), a name, an optional price (the product's when empty) and options.
import { Form, useNavigation } from "@remix-run/react";
import { useId, useState } from "react";
import { Button } from "~/components/ui/button";
import { Card } from "~/components/ui/card";
import { Field, Input } from "~/components/ui/input";
import { Switch } from "~/components/ui/switch";
import { FormError, InlineError } from "./shared";

export interface ProductFormValues {
  sku: string;
  name: string;
  brand: string | null;
  category: string | null;
  price: number | null;
  external_id: string | null;
  is_active: boolean;
  variants: Array<{ sku: string; name: string; price: number | null; options: string }>;
}

const FIELDS = new Set(["sku", "name", "brand", "category", "price", "external_id", "is_active", "variants"]);
export function isProductField(key: string): boolean {
  return FIELDS.has(key) || /^variants\.\d+\.(sku|name|price|options)(\.|$)/.test(key);
}

const decimal = (v: number | null | undefined) => (v === null || v === undefined ? "" : v.toFixed(2));

interface VariantRow {
  key: number;
  sku: string;
  name: string;
  price: string;
  options: string;
}

let nextKey = 1;

function Variants({ initial, errors, disabled }: { initial: ProductFormValues["variants"]; errors: Record<string, string[]>; disabled: boolean }) {
  const [rows, setRows] = useState<VariantRow[]>(() =>
    initial.map((v) => ({ key: nextKey++, sku: v.sku, name: v.name, price: decimal(v.price), options: v.options })),
  );
  const set = (key: number, field: keyof Omit<VariantRow, "key">, value: string) =>
    setRows((rs) => rs.map((r) => (r.key === key ? { ...r, [field]: value } : r)));
  const cell =
    "block w-full rounded-md border-0 bg-white px-2.5 py-1.5 text-sm text-slate-900 shadow-sm ring-1 ring-inset placeholder:text-slate-400 focus:ring-2 focus:ring-inset focus:outline-none disabled:bg-slate-50";
  const ring = (bad: boolean) => (bad ? "ring-red-400 focus:ring-red-500" : "ring-slate-300 focus:ring-brand-500");
  return (
    <div data-testid="variants-editor">
      <InlineError errors={errors.variants} />
      {rows.length ? (
        <div className="overflow-x-auto">
          <table className="min-w-full text-sm">
            <thead>
              <tr className="text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
                <th className="pb-2 pr-3 font-semibold">SKU</th>
                <th className="pb-2 pr-3 font-semibold">Name</th>
                <th className="w-32 pb-2 pr-3 font-semibold">Price</th>
                <th className="pb-2 pr-3 font-semibold">Options</th>
                <th className="pb-2">
                  <span className="sr-only">Remove</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r, i) => {
                const e = (f: string) => errors[`variants.${i}.${f}`];
                const rowErrors = ["sku", "name", "price", "options"].flatMap((f) => e(f) ?? []);
                return (
                  <tr key={r.key} className="align-top" data-testid="variant-row">
                    <td className="min-w-36 py-1 pr-3">
                      <input
                        name={`variants.${i}.sku`}
                        value={r.sku}
                        onChange={(ev) => set(r.key, "sku", ev.target.value)}
                        aria-label={`Variant ${i + 1} SKU`}
                        aria-invalid={e("sku") ? true : undefined}
                        className={`${cell} ${ring(Boolean(e("sku")))} font-mono`}
                        disabled={disabled}
                        autoComplete="off"
                      />
                    </td>
                    <td className="min-w-48 py-1 pr-3">
                      <input
                        name={`variants.${i}.name`}
                        value={r.name}
                        onChange={(ev) => set(r.key, "name", ev.target.value)}
                        aria-label={`Variant ${i + 1} name`}
                        aria-invalid={e("name") ? true : undefined}
                        className={`${cell} ${ring(Boolean(e("name")))}`}
                        disabled={disabled}
                        autoComplete="off"
                      />
                    </td>
                    <td className="py-1 pr-3">
                      <input
                        name={`variants.${i}.price`}
                        value={r.price}
                        onChange={(ev) => set(r.key, "price", ev.target.value)}
                        aria-label={`Variant ${i + 1} price`}
                        aria-invalid={e("price") ? true : undefined}
                        inputMode="decimal"
                        placeholder="Product's"
                        className={`${cell} ${ring(Boolean(e("price")))} w-28 tabular-nums`}
                        disabled={disabled}
                        autoComplete="off"
                      />
                    </td>
                    <td className="min-w-48 py-1 pr-3">
                      <input
                        name={`variants.${i}.options`}
                        value={r.options}
                        onChange={(ev) => set(r.key, "options", ev.target.value)}
                        aria-label={`Variant ${i + 1} options`}
                        aria-invalid={e("options") ? true : undefined}
                        placeholder="size=M, colour=Navy"
                        className={`${cell} ${ring(Boolean(e("options")))}`}
                        disabled={disabled}
                        autoComplete="off"
                      />
                      {rowErrors.length ? (
                        <p role="alert" className="mt-1 max-w-md whitespace-normal text-xs font-medium text-red-600" data-testid="field-error">
                          {rowErrors.join(" ")}
                        </p>
                      ) : null}
                    </td>
                    <td className="py-1 text-right">
                      {!disabled ? (
                        <Button
                          size="sm"
                          variant="ghost"
                          aria-label={`Remove variant ${i + 1}`}
                          onClick={() => setRows((rs) => rs.filter((x) => x.key !== r.key))}
                        >
                          ✕
                        </Button>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="text-sm text-slate-500">No variants: the product is sold under its own SKU.</p>
      )}
      {!disabled ? (
        <Button
          variant="secondary"
          size="sm"
          className="mt-3"
          data-testid="add-variant"
          onClick={() => setRows((rs) => [...rs, { key: nextKey++, sku: "", name: "", price: "", options: "" }])}
        >
          + Add variant
        </Button>
      ) : null}
    </div>
  );
}

export function ProductForm({
  product,
  errors,
  formError,
  canEdit,
  submitLabel,
}: {
  product: ProductFormValues;
  errors: Record<string, string[]>;
  formError?: string;
  canEdit: boolean;
  submitLabel: string;
}) {
  const busy = useNavigation().state === "submitting";
  const [active, setActive] = useState(product.is_active);
  const activeId = useId();
  return (
    <Form method="post" noValidate className="space-y-6" data-testid="product-form">
      <input type="hidden" name="intent" value="save" />
      <FormError>{formError}</FormError>
      <fieldset
        disabled={!canEdit}
        className="space-y-6 [&_input:disabled]:cursor-not-allowed [&_input:disabled]:bg-slate-50 [&_input:disabled]:text-slate-600 [&_select:disabled]:cursor-not-allowed [&_select:disabled]:bg-slate-50 [&_select:disabled]:text-slate-600"
      >
        <Card title="Product" description="SKUs are unique across products and variants; transaction items are matched to products by SKU.">
          <div className="grid gap-5 sm:grid-cols-2">
            <Field label="SKU" errors={errors.sku}>
              {(p) => <Input {...p} name="sku" defaultValue={product.sku} autoComplete="off" className="font-mono" />}
            </Field>
            <Field label="Name" errors={errors.name}>
              {(p) => <Input {...p} name="name" defaultValue={product.name} autoComplete="off" />}
            </Field>
            <Field label="Brand" errors={errors.brand}>
              {(p) => <Input {...p} name="brand" defaultValue={product.brand ?? ""} autoComplete="off" />}
            </Field>
            <Field label="Category" errors={errors.category}>
              {(p) => <Input {...p} name="category" defaultValue={product.category ?? ""} autoComplete="off" />}
            </Field>
            <Field label="Price" hint="Tax inclusive, e.g. 59.95" errors={errors.price}>
              {(p) => <Input {...p} name="price" inputMode="decimal" defaultValue={decimal(product.price)} autoComplete="off" className="tabular-nums" />}
            </Field>
            <Field label="External id" hint="The id in your commerce platform, if items send product_id" errors={errors.external_id}>
              {(p) => <Input {...p} name="external_id" defaultValue={product.external_id ?? ""} autoComplete="off" className="font-mono" />}
            </Field>
          </div>
          <div className="mt-5 flex items-center gap-3">
            <Switch id={activeId} checked={active} onCheckedChange={setActive} data-testid="product-active" />
            <label htmlFor={activeId} className="text-sm font-medium text-slate-700">
              {active ? "Active" : "Inactive"}
            </label>
            <span className="text-xs text-slate-500">Inactive products stay in the catalogue for history and matching.</span>
            <input type="hidden" name="is_active" value={active ? "true" : "false"} />
          </div>
          <InlineError errors={errors.is_active} />
        </Card>
        <Card title="Variants" description="Sizes, colours and other versions, each with its own SKU. A variant without a price sells at the product's price.">
          <Variants initial={product.variants} errors={errors} disabled={!canEdit} />
        </Card>
      </fieldset>
      {canEdit ? (
        <div className="sticky bottom-0 -mx-4 flex justify-end gap-2 border-t border-slate-200 bg-slate-50/95 px-4 py-3 backdrop-blur sm:mx-0">
          <Button type="submit" disabled={busy} data-testid="product-save">
            {busy ? "Saving…" : submitLabel}
          </Button>
        </div>
      ) : null}
    </Form>
  );
}
