import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Link, useLoaderData, useNavigation } from "@remix-run/react";
import { TransactionFilters } from "~/components/commerce/transaction-filters";
import { TransactionsTable } from "~/components/commerce/transactions-table";
import {
  customersById,
  LOCATION_LIST_SIZE,
  locationRef,
  locationsById,
  parseTransactionFilters,
  transactionRow,
  type TransactionRow,
} from "~/components/commerce/transactions.server";
import { EmptyState, PageHeader } from "~/components/ui/card";
import { ExportLink } from "~/components/ui/export-link";
import { can } from "../../workers/access/rules";
import { cn } from "~/components/ui/cn";
import { Pagination } from "~/components/ui/pagination";
import { requireUser } from "~/lib/auth.server";

export const meta: MetaFunction = () => [{ title: "Transactions · Loyalty Edge" }];

const PAGE_SIZE = 25;

function pageNumber(raw: string | null): number {
  const n = raw && /^\d{1,6}$/.test(raw) ? Number(raw) : 1;
  return n >= 1 ? n : 1;
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = await requireUser(request, context, "transactions:view");
  const { services } = context;
  const url = new URL(request.url);
  const page = pageNumber(url.searchParams.get("page"));
  const { rows: locationRows } = await services.locations.list({}, { number: 1, size: LOCATION_LIST_SIZE });
  const locations = locationRows.map(locationRef);
  const parsed = await parseTransactionFilters(services, url.searchParams, locations);
  const invalid = Object.keys(parsed.errors).length > 0;

  let rows: TransactionRow[] = [];
  let total = 0;
  // A filter we could not read is shown under its field; the list is not run without it.
  if (!invalid) {
    const found = await services.transactions.list(parsed.filter, { number: page, size: PAGE_SIZE });
    total = found.total;
    const [customers, locationMap] = await Promise.all([
      customersById(
        services,
        found.rows.map((t) => t.profileId),
      ),
      locationsById(
        services,
        locations,
        found.rows.map((t) => t.locationId),
      ),
    ]);
    rows = found.rows.map((t) => transactionRow(t, customers, locationMap));
  }
  return {
    canExport: can(user.role, "data:export"),
    rows,
    total,
    page,
    lastPage: Math.max(1, Math.ceil(total / PAGE_SIZE)),
    invalid,
    errors: parsed.errors,
    values: parsed.values,
    zone: parsed.zone,
    active: parsed.active,
    customer: parsed.customer,
    locations,
  };
}

export default function TransactionsPage() {
  const { canExport, rows, total, page, lastPage, invalid, errors, values, zone, active, customer, locations } = useLoaderData<typeof loader>();
  const stale = useNavigation().state === "loading";
  return (
    <>
      <PageHeader
        title="Transactions"
        description="Purchases and returns from every channel, with customer, receipt, items, location, staff and spend breakdown."
        actions={canExport ? <ExportLink to="/transactions/export.csv" /> : undefined}
      />
      <TransactionFilters values={values} errors={errors} locations={locations} zone={zone} active={active} />
      {customer ? (
        <p className="mb-3 text-sm text-slate-600" data-testid="customer-filter">
          Showing transactions of{" "}
          <Link to={`/profiles/${customer.id}`} className="font-medium text-brand-700 hover:underline">
            {customer.name}
          </Link>{" "}
          <span className="text-slate-400">({customer.email})</span>
        </p>
      ) : null}
      {invalid ? (
        <EmptyState title="Check the filters">The highlighted filters could not be used. Correct them and apply again; nothing was searched yet.</EmptyState>
      ) : rows.length === 0 ? (
        active ? (
          <EmptyState
            title="No transactions match these filters"
            action={
              <Link to="/transactions" className="text-sm font-medium text-brand-700 hover:underline">
                Clear filters
              </Link>
            }
          >
            Widen the dates or remove a filter. Voided transactions are included unless the status filter leaves them out.
          </EmptyState>
        ) : page > 1 ? (
          <EmptyState
            title="This page is past the end"
            action={
              <Link to="/transactions" className="text-sm font-medium text-brand-700 hover:underline">
                Back to the first page
              </Link>
            }
          />
        ) : (
          <EmptyState title="No transactions yet">
            Transactions appear here as a POS, a storefront or an integration posts them to the API (POST /api/v3/transactions), newest first, with returns and
            voids.
          </EmptyState>
        )
      ) : (
        <div className={cn("transition-opacity", stale && "opacity-60")}>
          <TransactionsTable rows={rows} />
          <Pagination page={page} lastPage={lastPage} total={total} />
        </div>
      )}
    </>
  );
}
