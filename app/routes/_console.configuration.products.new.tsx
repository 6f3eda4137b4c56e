import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { useActionData, useLoaderData } from "@remix-run/react";
import { isProductField, ProductForm } from "~/components/commerce/product-form";
import { productValues } from "~/components/commerce/products.server";
import { BackLink, errorsOf, formErrorOf } from "~/components/commerce/shared";
import { PageHeader } from "~/components/ui/card";
import { requireUser } from "~/lib/auth.server";
import { failure, invalid, parseWith } from "~/lib/forms.server";
import { ProductInput } from "../../workers/commerce/schema";

export const meta: MetaFunction = () => [{ title: "New product · Loyalty Edge" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(request, context, "config:edit");
  const url = new URL(request.url);
  // prefilled from Validation's "Add to catalogue"
  return { sku: (url.searchParams.get("sku") ?? "").slice(0, 100), name: (url.searchParams.get("name") ?? "").slice(0, 300) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, context, "config:edit");
  const form = await request.formData();
  const intent = "save";
  const { values, errors } = productValues(form);
  const parsed = parseWith(ProductInput, values);
  if (!parsed.ok || Object.keys(errors).length) return invalid({ ...(parsed.ok ? {} : parsed.errors), ...errors }, { intent });
  try {
    await context.services.products.create(parsed.data, actor);
    return redirect("/configuration/products?notice=created");
  } catch (err) {
    return failure(err, { intent });
  }
}

export default function NewProductPage() {
  const { sku, name } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors = errorsOf(result, "save");
  return (
    <div className="max-w-4xl">
      <div className="mb-4">
        <BackLink to="/configuration/products">Products</BackLink>
      </div>
      <PageHeader title="New product" description="Transaction items are matched to this product by its SKU or any of its variants' SKUs." />
      <ProductForm
        product={{ sku, name, brand: null, category: null, price: null, external_id: null, is_active: true, variants: [] }}
        errors={errors}
        formError={
          formErrorOf(result, "save", isProductField) ??
          (Object.keys(errors).length ? "Not saved: some fields need attention, see the messages below." : undefined)
        }
        canEdit
        submitLabel="Create product"
      />
    </div>
  );
}
