// GET /transactions/export.csv: the transactions list as filtered on the page, streamed as CSV.
import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { LOCATION_LIST_SIZE, locationRef, parseTransactionFilters } from "~/components/commerce/transactions.server";
import { requireUser } from "~/lib/auth.server";
import { can } from "../../workers/access/rules";

export async function loader({ request, context }: LoaderFunctionArgs) {
  // the list's page permission, then the export permission: one session lookup
  const { actor, user } = await requireUser(request, context, "transactions:view");
  if (!can(user.role, "data:export")) throw new Response("Your role cannot export data.", { status: 403, statusText: "Forbidden" });
  const { services } = context;
  const { rows } = await services.locations.list({}, { number: 1, size: LOCATION_LIST_SIZE });
  const parsed = await parseTransactionFilters(services, new URL(request.url).searchParams, rows.map(locationRef));
  const invalid = Object.keys(parsed.errors);
  // a filter the page could not read is not silently dropped from the export
  if (invalid.length) return new Response(`Fix the filters first: ${invalid.join(", ")}`, { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  return services.imports.exportTransactions(parsed.filter, actor);
}
