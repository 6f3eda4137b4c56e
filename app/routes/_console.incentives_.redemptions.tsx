// Incentives → Redemptions: the ledger view the dashboard's redemption figures link to. Every reward and
// points redemption (and reversal) across profiles in a date range, newest first, read-only and paged.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { EmptyState, PageHeader } from "~/components/ui/card";
import { cn } from "~/components/ui/cn";
import { Pagination } from "~/components/ui/pagination";
import { Table, TBody, Td, Th, THead, Tr } from "~/components/ui/table";
import { Time } from "~/components/ui/time";
import { requireUser } from "~/lib/auth.server";
import { redemptionsQuery } from "../../workers/reporting/views";
import { DateRangeFields } from "~/components/ui/date-range-fields";

export const meta: MetaFunction = () => [{ title: "Redemptions · Loyalty Edge" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(request, context, "incentives:view");
  const reporting = context.services.reporting;
  const url = new URL(request.url);
  const q = redemptionsQuery({ from: url.searchParams.get("from"), to: url.searchParams.get("to"), page: url.searchParams.get("page") }, reporting.today());
  const page = await reporting.redemptions(q);
  return { ...page, error: q.error, timezone: reporting.timezone, currency: reporting.currency };
}

export default function RedemptionsPage() {
  const data = useLoaderData<typeof loader>();
  const stale = useNavigation().state === "loading";
  const money = new Intl.NumberFormat("en-AU", { style: "currency", currency: data.currency });
  const amount = (kind: string, n: number) => (kind === "reward" ? money.format(n) : `${n.toLocaleString("en-AU")} pts`);
  return (
    <>
      <PageHeader
        title="Redemptions"
        description={`Rewards and points redeemed across all profiles, newest first, with reversals. Days are in ${data.timezone}, as the dashboard counts them.`}
        actions={
          <Link to="/incentives" className="text-sm font-medium text-brand-700 hover:underline">
            Incentives overview
          </Link>
        }
      />
      <Form method="get" className="mb-4 flex flex-wrap items-end gap-2">
        <DateRangeFields from={data.from} to={data.to} />
        <Button type="submit" variant="secondary" size="md">
          Apply
        </Button>
      </Form>
      {data.error ? (
        <p role="alert" className="mb-4 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-800">
          {data.error}: showing the last 30 days instead.
        </p>
      ) : null}
      <p className="mb-3 text-sm text-slate-600" data-testid="redemptions-totals">
        {data.from} to {data.to}: {money.format(data.reward_value)} of rewards and {data.points.toLocaleString("en-AU")} points redeemed, net of reversals.
      </p>
      {data.entries.length === 0 ? (
        data.page > 1 ? (
          <EmptyState
            title="This page is past the end"
            action={
              <Link to={`?from=${data.from}&to=${data.to}`} className="text-sm font-medium text-brand-700 hover:underline">
                Back to the first page
              </Link>
            }
          />
        ) : (
          <EmptyState title="No redemptions in these dates">Redemptions appear here as members spend rewards or points at the till or online (POST /api/v3/profiles/&#123;id&#125;/redemptions).</EmptyState>
        )
      ) : (
        <div className={cn("transition-opacity", stale && "opacity-60")}>
          <Table data-testid="redemptions-table">
            <THead>
              <tr>
                <Th>When</Th>
                <Th>Profile</Th>
                <Th>What</Th>
                <Th className="text-right">Amount</Th>
                <Th>Redemption</Th>
                <Th>By</Th>
              </tr>
            </THead>
            <TBody>
              {data.entries.map((e) => (
                <Tr key={e.id} data-testid="redemption-row">
                  <Td>
                    <Time value={e.at} format="datetime" />
                  </Td>
                  <Td>
                    <Link to={`/profiles/${e.profile_id}`} className="font-medium text-brand-700 hover:underline">
                      {e.profile_name}
                    </Link>
                  </Td>
                  <Td>
                    {e.definition_name ?? (e.kind === "reward" ? "Reward" : "Points")}{" "}
                    {e.action === "reverse" ? (
                      <Badge tone="warning" className="ml-1">
                        Reversed
                      </Badge>
                    ) : null}
                  </Td>
                  <Td className="text-right tabular-nums">{amount(e.kind, e.amount)}</Td>
                  <Td className="font-mono text-xs text-slate-500">{e.redemption_id ?? "—"}</Td>
                  <Td className="capitalize text-slate-600">{e.source_type}</Td>
                </Tr>
              ))}
            </TBody>
          </Table>
          <Pagination page={data.page} lastPage={data.pages} total={data.total} />
        </div>
      )}
    </>
  );
}
