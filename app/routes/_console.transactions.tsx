import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { EmptyState, PageHeader } from "~/components/ui/card";
import { requireUser } from "~/lib/auth.server";

export const meta: MetaFunction = () => [{ title: "Transactions · Loyalty Edge" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(request, context, "transactions:view");
  return null;
}

export default function TransactionsPage() {
  return (
    <>
      <PageHeader title="Transactions" description="Purchases and returns from every channel, with customer, receipt, items, location, staff and spend breakdown." />
      <EmptyState title="No transactions yet">
        This section is part of the product but has nothing to show yet: it fills in once transactions are recorded. Nothing here is sample data.
      </EmptyState>
    </>
  );
}
