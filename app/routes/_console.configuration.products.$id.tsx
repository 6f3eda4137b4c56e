import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { useActionData, useLoaderData } from "@remix-run/react";
import { isProductField, ProductForm } from "~/components/commerce/product-form";
import { deleteProduct, optionsText, productValues, serializeProduct } from "~/components/commerce/products.server";
import { BackLink, ConfirmDelete, errorsOf, formErrorOf, useResultToast, type ActionResult } from "~/components/commerce/shared";
import { Button } from "~/components/ui/button";
import { PageHeader } from "~/components/ui/card";
import { requireUser } from "~/lib/auth.server";
import { failure, invalid, parseWith } from "~/lib/forms.server";
import { can } from "../../workers/access/rules";
import { isDomainError } from "../../workers/platform/errors";
import { UpdateProductInput } from "../../workers/commerce/schema";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.product.name ?? "Product"} · Loyalty Edge` }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { user } = await requireUser(request, context, "config:view");
  let product;
  try {
    product = await context.services.products.get(params.id ?? "");
  } catch (err) {
    if (isDomainError(err) && err.status === 404) throw new Response("Not found", { status: 404 });
    throw err;
  }
  const json = serializeProduct(product);
  return {
    canEdit: can(user.role, "config:edit"),
    product: {
      ...json,
      variants: json.variants.map((v) => ({ sku: v.sku, name: v.name, price: v.price, options: optionsText(v.options) })),
    },
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, context, "config:edit");
  const id = params.id ?? "";
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  if (intent === "delete") return deleteProduct(context, actor, id, "/configuration/products?notice=deleted");
  if (intent !== "save") return invalid({ intent: ["Unknown action"] }, { intent });
  const { values, errors } = productValues(form);
  const parsed = parseWith(UpdateProductInput, values);
  if (!parsed.ok || Object.keys(errors).length) return invalid({ ...(parsed.ok ? {} : parsed.errors), ...errors }, { intent });
  try {
    const saved = await context.services.products.update(id, parsed.data, actor);
    return { ok: true as const, intent, message: `${saved.name} saved` };
  } catch (err) {
    return failure(err, { intent });
  }
}

export default function ProductPage() {
  const { product, canEdit } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  useResultToast(result);
  const errors = errorsOf(result, "save");
  return (
    <div className="max-w-4xl">
      <div className="mb-4">
        <BackLink to="/configuration/products">Products</BackLink>
      </div>
      <PageHeader
        title={product.name}
        description={
          <span>
            <span className="font-mono text-xs">{product.sku}</span>
            {product.variants.length ? ` · ${product.variants.length} variant${product.variants.length === 1 ? "" : "s"}` : ""}
          </span>
        }
        actions={
          canEdit ? (
            <ConfirmDelete
              id={product.id}
              title={`Delete ${product.name}?`}
              description="The product and its variants leave the catalogue. Transactions keep their items; their SKUs will be listed under Validation as missing."
              trigger={
                <Button variant="secondary" className="text-red-600" data-testid="delete-product">
                  Delete
                </Button>
              }
              confirmLabel="Delete product"
            />
          ) : null
        }
      />
      {!canEdit ? (
        <p className="mb-6 rounded-lg bg-slate-100 px-4 py-3 text-sm text-slate-600" data-testid="read-only-notice">
          You can view this product; only Admins can change it.
        </p>
      ) : null}
      <ProductForm
        key={product.updated_at}
        product={product}
        errors={errors}
        formError={
          formErrorOf(result, "save", isProductField) ??
          (Object.keys(errors).length ? "Not saved: some fields need attention, see the messages below." : undefined)
        }
        canEdit={canEdit}
        submitLabel="Save changes"
      />
    </div>
  );
}
