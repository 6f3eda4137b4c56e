import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Link, useLoaderData } from "@remix-run/react";
import { Badge } from "~/components/ui/badge";
import { EmptyState, PageHeader } from "~/components/ui/card";
import { LinkTabs } from "~/components/ui/link-tabs";
import { Table, TBody, Td, Th, THead, Tr } from "~/components/ui/table";
import { Time } from "~/components/ui/time";
import { requireUser } from "~/lib/auth.server";
import { OVERVIEW_KINDS, type OverviewKind } from "~/components/incentives/overview-kinds";
import { loadIncentivesOverview, type OverviewRow } from "~/lib/incentives.server";
import { can } from "../../workers/access/rules";

export const meta: MetaFunction = () => [{ title: "Incentives · Loyalty Edge" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = await requireUser(request, context, "incentives:view");
  const overview = await loadIncentivesOverview(context.services, new URL(request.url).searchParams.get("type"));
  return { ...overview, canConfigure: can(user.role, "config:edit") };
}

const STATUS_TONE = { published: "success", draft: "neutral", archived: "warning" } as const;

/** What each kind's counting columns mean. */
const COLUMNS: Record<OverviewKind, { issued: string; redeemed?: string; outstanding: string; expired?: string; expiry: boolean } | null> = {
  rewards: { issued: "Issued", redeemed: "Redeemed", outstanding: "Value outstanding", expiry: true },
  benefits: { issued: "Issued", redeemed: "Redeemed", outstanding: "Redemptions outstanding", expiry: true },
  points: { issued: "Awarded", redeemed: "Redeemed", outstanding: "Points outstanding", expired: "Expired", expiry: false },
  tiers: { issued: "Times reached", outstanding: "Members holding", expiry: false },
  achievements: { issued: "Members counting", outstanding: "Counts in all", expiry: false },
};

const count = (v: number | null) => (v === null ? "—" : v.toLocaleString("en-AU"));

function outstanding(kind: OverviewKind, v: number | null): string {
  if (v === null) return "—";
  if (kind === "rewards") return new Intl.NumberFormat("en-AU", { style: "currency", currency: "AUD" }).format(v);
  return v.toLocaleString("en-AU");
}

function OverviewTable({ kind, rows }: { kind: OverviewKind; rows: OverviewRow[] }) {
  const cols = COLUMNS[kind];
  return (
    <Table data-testid="incentives-overview-table">
      <THead>
        <tr>
          <Th>Name · handle</Th>
          <Th>Status</Th>
          <Th className="text-right">Version</Th>
          <Th>Created</Th>
          {cols ? (
            <>
              <Th className="text-right">{cols.issued}</Th>
              {cols.redeemed ? <Th className="text-right">{cols.redeemed}</Th> : null}
              {cols.expired ? <Th className="text-right">{cols.expired}</Th> : null}
              <Th className="text-right">{cols.outstanding}</Th>
              {cols.expiry ? <Th>Next expiry</Th> : null}
            </>
          ) : null}
        </tr>
      </THead>
      <TBody>
        {rows.map((r) => (
          <Tr key={r.id} data-testid="incentive-definition-row" data-definition-id={r.id}>
            <Td>
              <span className="font-medium text-slate-900">{r.name}</span>
              <span className="block text-xs text-slate-500">
                <span className="font-mono" data-testid="definition-handle">
                  {r.handle}
                </span>
                {r.detail ? ` · ${r.detail}` : ""}
              </span>
            </Td>
            <Td>
              <Badge tone={STATUS_TONE[r.status]} className="capitalize">
                {r.status}
              </Badge>
            </Td>
            <Td className="text-right tabular-nums">v{r.version}</Td>
            <Td>
              <Time value={r.created_at} />
            </Td>
            {cols ? (
              <>
                <Td className="text-right tabular-nums" data-testid="overview-issued">
                  {count(r.issued)}
                </Td>
                {cols.redeemed ? <Td className="text-right tabular-nums">{count(r.redeemed)}</Td> : null}
                {cols.expired ? <Td className="text-right tabular-nums">{count(r.expired)}</Td> : null}
                <Td className="text-right tabular-nums" data-testid="overview-outstanding">
                  {outstanding(kind, r.outstanding)}
                </Td>
                {cols.expiry ? (
                  <Td>
                    <Time value={r.next_expiry} fallback="None" />
                  </Td>
                ) : null}
              </>
            ) : null}
          </Tr>
        ))}
      </TBody>
    </Table>
  );
}

export default function IncentivesPage() {
  const data = useLoaderData<typeof loader>();
  const current = OVERVIEW_KINDS.find((k) => k.value === data.kind)!;
  return (
    <>
      <PageHeader
        title="Incentives"
        description="What is live: every reward, points, benefit, tier and achievement definition, with how many were issued and redeemed and the value still outstanding."
      />
      {data.empty ? (
        <EmptyState
          title="No incentives defined yet"
          action={
            data.canConfigure ? (
              <Link
                to="/configuration/rewards"
                className="inline-flex h-9 items-center rounded-md bg-brand-600 px-4 text-sm font-medium text-white shadow-sm hover:bg-brand-700"
                data-testid="incentives-configure"
              >
                Go to Configuration
              </Link>
            ) : null
          }
        >
          Rewards, points, benefits, tiers and achievements are defined under Configuration; once they are, this page shows what has been issued and
          what is outstanding.{data.canConfigure ? "" : " An Admin can create them."}
        </EmptyState>
      ) : (
        <div className="space-y-4">
          <LinkTabs label="Incentive types" param="type" current={data.kind} testIdPrefix="incentives-type" tabs={OVERVIEW_KINDS.map((k) => ({ value: k.value, label: k.label, count: data.counts[k.value] }))} />
          {data.rows.length ? (
            <>
              <OverviewTable kind={data.kind} rows={data.rows} />
              {data.rows.length < data.counts[data.kind] ? (
                <p className="text-xs text-amber-700">
                  Showing the first {data.rows.length} of {data.counts[data.kind]} by name.
                </p>
              ) : null}
              <p className="text-xs text-slate-500">
                Counts come from the ledger's projection in D1, which follows each member's ledger within moments.
                {data.kind === "rewards" ? " Redeemed counts rewards used in part or in full." : ""}
                {data.kind === "tiers" ? " Who holds a tier, and since when, is on each member's Incentives tab." : ""}
              </p>
            </>
          ) : (
            <EmptyState title={`No ${current.label.toLowerCase()} defined`}>
              {data.canConfigure ? (
                <>
                  Create one under <Link className="text-brand-700 underline" to={`/configuration/${current.value}`}>Configuration → {current.label}</Link>.
                </>
              ) : (
                "An Admin can create them under Configuration."
              )}
            </EmptyState>
          )}
        </div>
      )}
    </>
  );
}
