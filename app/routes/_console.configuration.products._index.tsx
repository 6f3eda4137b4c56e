import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { money } from "~/components/commerce/format";
import { deleteProduct, productRow } from "~/components/commerce/products.server";
import { ConfirmDelete, StatusDot, useNotice } from "~/components/commerce/shared";
import { Button } from "~/components/ui/button";
import { EmptyState, PageHeader } from "~/components/ui/card";
import { cn } from "~/components/ui/cn";
import { Input } from "~/components/ui/input";
import { LinkTabs } from "~/components/ui/link-tabs";
import { Pagination } from "~/components/ui/pagination";
import { Time } from "~/components/ui/time";
import { Table, TBody, Td, Th, THead, Tr } from "~/components/ui/table";
import { requireUser } from "~/lib/auth.server";
import { invalid } from "~/lib/forms.server";
import { CONFIG_SECTIONS } from "~/lib/navigation";
import { can } from "../../workers/access/rules";

export const meta: MetaFunction = () => [{ title: "Products · Loyalty Edge" }];

const PAGE_SIZE = 25;
const TABS = [
  { value: "catalogue", label: "Catalogue" },
  { value: "validation", label: "Validation" },
] as const;
type Tab = (typeof TABS)[number]["value"];

function pageNumber(raw: string | null): number {
  const n = raw && /^\d{1,6}$/.test(raw) ? Number(raw) : 1;
  return n >= 1 ? n : 1;
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = await requireUser(request, context, "config:view");
  const url = new URL(request.url);
  const tab: Tab = url.searchParams.get("tab") === "validation" ? "validation" : "catalogue";
  const page = pageNumber(url.searchParams.get("page"));
  const q = (url.searchParams.get("q") ?? "").trim().slice(0, 100);
  const base = { canEdit: can(user.role, "config:edit"), tab, page, q };
  if (tab === "validation") {
    const { rows, total } = await context.services.products.missingSkus({ number: page, size: PAGE_SIZE });
    return {
      ...base,
      total,
      lastPage: Math.max(1, Math.ceil(total / PAGE_SIZE)),
      products: [],
      missing: rows.map((m) => ({ sku: m.sku, name: m.name, items: m.itemCount, lastSeen: m.lastSeenAt.toISOString() })),
    };
  }
  const { rows, total } = await context.services.products.list({ search: q || undefined }, { number: page, size: PAGE_SIZE });
  return {
    ...base,
    total,
    lastPage: Math.max(1, Math.ceil(total / PAGE_SIZE)),
    products: rows.map(productRow),
    missing: [],
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, context, "config:edit");
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  if (intent === "delete") return deleteProduct(context, actor, String(form.get("id") ?? ""));
  return invalid({ intent: ["Unknown action"] }, { intent });
}

const NOTICES = { created: "Product created", deleted: "Product deleted" };

function newProductHref(sku?: string, name?: string | null) {
  const params = new URLSearchParams();
  if (sku) params.set("sku", sku);
  if (name) params.set("name", name);
  return `/configuration/products/new${params.size ? `?${params}` : ""}`;
}

function Catalogue({
  rows,
  q,
  canEdit,
  page,
  lastPage,
  total,
}: {
  rows: ReturnType<typeof productRow>[];
  q: string;
  canEdit: boolean;
  page: number;
  lastPage: number;
  total: number;
}) {
  return (
    <>
      <Form method="get" role="search" key={q} className="mb-4 flex flex-wrap items-center gap-3">
        <Input name="q" defaultValue={q} placeholder="Search by name or exact SKU" aria-label="Search products by name or SKU" className="w-full sm:w-80" />
        <Button type="submit" variant="secondary">
          Search
        </Button>
        {q ? (
          <Link to="/configuration/products" className="text-sm font-medium text-slate-600 hover:text-slate-900">
            Clear
          </Link>
        ) : null}
      </Form>
      {rows.length === 0 ? (
        q ? (
          <EmptyState title={`No products match “${q}”`}>Search matches part of a product's name, or a product or variant SKU exactly.</EmptyState>
        ) : (
          <EmptyState
            title="No products yet"
            action={
              canEdit ? (
                <Link to={newProductHref()} className="text-sm font-medium text-brand-700 hover:underline">
                  Add the first product
                </Link>
              ) : null
            }
          >
            Add products so transaction items are matched to them by SKU. Until then every SKU a transaction carries shows up under Validation.
          </EmptyState>
        )
      ) : (
        <>
          <Table data-testid="products-table">
            <THead>
              <tr>
                <Th>SKU</Th>
                <Th>Name</Th>
                <Th className="hidden lg:table-cell">Brand</Th>
                <Th className="hidden lg:table-cell">Category</Th>
                <Th className="text-right">Price</Th>
                <Th className="hidden text-right sm:table-cell">Variants</Th>
                <Th>Status</Th>
                <Th className="relative text-right">
                  <span className="sr-only">Actions</span>
                </Th>
              </tr>
            </THead>
            <TBody>
              {rows.map((p) => (
                <Tr key={p.id} data-testid="product-row" data-sku={p.sku}>
                  <Td className="font-mono text-xs">{p.sku}</Td>
                  <Td className="max-w-[16rem]">
                    <Link to={`/configuration/products/${p.id}`} className="block truncate font-medium text-slate-900 hover:text-brand-700 hover:underline">
                      {p.name}
                    </Link>
                    {p.brand || p.category ? (
                      <span className="block truncate text-xs text-slate-500 lg:hidden">{[p.brand, p.category].filter(Boolean).join(" · ")}</span>
                    ) : null}
                  </Td>
                  <Td className="hidden lg:table-cell">{p.brand ?? <span className="text-slate-400">—</span>}</Td>
                  <Td className="hidden lg:table-cell">{p.category ?? <span className="text-slate-400">—</span>}</Td>
                  <Td className="text-right tabular-nums">{p.price === null ? <span className="text-slate-400">—</span> : money(p.price)}</Td>
                  <Td className="hidden text-right tabular-nums sm:table-cell">{p.variants || <span className="text-slate-400">—</span>}</Td>
                  <Td>
                    <StatusDot on={p.active} onLabel="Active" offLabel="Inactive" />
                  </Td>
                  <Td className="text-right">
                    <div className="flex justify-end gap-1">
                      <Link
                        to={`/configuration/products/${p.id}`}
                        className="hidden h-8 items-center rounded-md px-3 text-sm font-medium text-slate-600 hover:bg-slate-100 hover:text-slate-900 lg:inline-flex"
                      >
                        {canEdit ? "Edit" : "View"}
                      </Link>
                      {canEdit ? (
                        <ConfirmDelete
                          id={p.id}
                          title={`Delete ${p.name}?`}
                          description="The product and its variants leave the catalogue. Transactions keep their items; their SKUs will be listed under Validation as missing."
                          trigger={
                            <Button size="sm" variant="ghost" className="text-red-600" data-testid="delete-product">
                              Delete
                            </Button>
                          }
                          confirmLabel="Delete product"
                        />
                      ) : null}
                    </div>
                  </Td>
                </Tr>
              ))}
            </TBody>
          </Table>
          <Pagination page={page} lastPage={lastPage} total={total} />
        </>
      )}
    </>
  );
}

function Validation({
  rows,
  canEdit,
  page,
  lastPage,
  total,
}: {
  rows: Array<{ sku: string; name: string | null; items: number; lastSeen: string }>;
  canEdit: boolean;
  page: number;
  lastPage: number;
  total: number;
}) {
  if (!rows.length) {
    return page > 1 ? (
      <EmptyState
        title="This page is past the end"
        action={
          <Link to="?tab=validation" className="text-sm font-medium text-brand-700 hover:underline">
            Back to the first page
          </Link>
        }
      />
    ) : (
      <EmptyState title="Every SKU is in the catalogue">
        Each SKU that transactions have carried matches a product or a variant. When a till sends one the catalogue lacks, it is listed here with how often and
        when it was last seen.
      </EmptyState>
    );
  }
  return (
    <>
      <p className="mb-4 text-sm text-slate-600">
        {total.toLocaleString("en-AU")} SKU{total === 1 ? "" : "s"} seen on transaction items {total === 1 ? "matches" : "match"} no product or variant, most
        frequent first. Items with these SKUs are not attributed to a product{canEdit ? "; add them to the catalogue to match future transactions." : "."}
      </p>
      <Table data-testid="missing-skus-table">
        <THead>
          <tr>
            <Th>SKU</Th>
            <Th>Name on the latest item</Th>
            <Th className="text-right">Items</Th>
            <Th>Last seen</Th>
            {canEdit ? (
              <Th className="relative text-right">
                <span className="sr-only">Actions</span>
              </Th>
            ) : null}
          </tr>
        </THead>
        <TBody>
          {rows.map((m) => (
            <Tr key={m.sku} data-testid="missing-sku-row" data-sku={m.sku}>
              <Td className="font-mono text-xs">{m.sku}</Td>
              <Td className="max-w-[18rem] truncate">{m.name ?? <span className="text-slate-400">—</span>}</Td>
              <Td className="text-right tabular-nums">{m.items.toLocaleString("en-AU")}</Td>
              <Td>
                <Time value={m.lastSeen} format="date" />
              </Td>
              {canEdit ? (
                <Td className="text-right">
                  <Link to={newProductHref(m.sku, m.name)} className="text-sm font-medium text-brand-700 hover:underline">
                    Add to catalogue
                  </Link>
                </Td>
              ) : null}
            </Tr>
          ))}
        </TBody>
      </Table>
      <Pagination page={page} lastPage={lastPage} total={total} />
    </>
  );
}

export default function ProductsPage() {
  const data = useLoaderData<typeof loader>();
  const stale = useNavigation().state === "loading";
  useNotice(NOTICES);
  return (
    <>
      <PageHeader
        title="Products"
        description={CONFIG_SECTIONS.products.blurb}
        actions={
          data.canEdit ? (
            <Link
              to={newProductHref()}
              className="inline-flex h-9 items-center rounded-md bg-brand-600 px-4 text-sm font-medium text-white shadow-sm hover:bg-brand-700"
              data-testid="new-product"
            >
              New product
            </Link>
          ) : null
        }
      />
      <LinkTabs tabs={TABS.map((t) => ({ value: t.value, label: t.label }))} current={data.tab} label="Products" />
      <div className={cn("pt-5 transition-opacity", stale && "opacity-60")}>
        {data.tab === "validation" ? (
          <Validation rows={data.missing} canEdit={data.canEdit} page={data.page} lastPage={data.lastPage} total={data.total} />
        ) : (
          <Catalogue rows={data.products} q={data.q} canEdit={data.canEdit} page={data.page} lastPage={data.lastPage} total={data.total} />
        )}
      </div>
    </>
  );
}
