// Aggregations: read-only figures derived from the member's transactions, net of returns.
import type { ReactNode } from "react";
import { Time } from "~/components/ui/time";
import { formatMoney } from "./format";
import type { AggregationsJson } from "./types";

function Stat({ label, value, hint, testId }: { label: string; value: ReactNode; hint?: ReactNode; testId: string }) {
  return (
    <div className="rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200" data-testid={testId}>
      <dt className="text-sm font-medium text-slate-500">{label}</dt>
      <dd className="mt-1 text-2xl font-semibold tracking-tight text-slate-900 tabular-nums">{value}</dd>
      {hint ? <p className="mt-1 text-xs text-slate-500">{hint}</p> : null}
    </div>
  );
}

export function AggregationsTab({ aggregations: a, currency, location }: { aggregations: AggregationsJson; currency: string; location: string | null }) {
  const atRiskPassed = a.at_risk_date ? a.at_risk_date < new Date().toISOString().slice(0, 10) : false;
  return (
    <div className="space-y-4" data-testid="aggregations">
      {a.shop_count === 0 ? (
        <p className="rounded-lg bg-slate-100 px-4 py-3 text-sm text-slate-600">
          No purchases yet. These figures are worked out from the member's transactions, net of returns, and fill in as transactions are posted.
        </p>
      ) : null}
      <dl className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3">
        <Stat testId="agg-spend-12m" label="Spend, last 12 months" value={formatMoney(a.spend_12m, currency)} />
        <Stat testId="agg-spend-all" label="Spend, all time" value={formatMoney(a.spend_all, currency)} />
        <Stat testId="agg-atv" label="Average transaction, 12 months" value={formatMoney(a.spend_atv_12m, currency)} hint="12-month spend over 12-month shopping days" />
        <Stat testId="agg-shop-count" label="Shopping days" value={a.shop_count.toLocaleString("en-AU")} hint="Distinct days with positive net spend" />
        <Stat testId="agg-first-shop" label="First shop" value={<Time value={a.first_shop_date} />} />
        <Stat testId="agg-latest-shop" label="Latest shop" value={<Time value={a.latest_shop_date} />} />
        <Stat
          testId="agg-average-days"
          label="Average days between shops"
          value={a.average_shop_days === null ? "—" : Math.round(a.average_shop_days).toLocaleString("en-AU")}
        />
        <Stat
          testId="agg-at-risk"
          label="At risk from"
          value={
            <span className={atRiskPassed ? "text-amber-700" : undefined}>
              <Time value={a.at_risk_date} />
            </span>
          }
          hint={a.at_risk_date ? (atRiskPassed ? "Past due: no shop within three average gaps" : "Latest shop plus three average gaps") : "Needs at least two shopping days"}
        />
        <Stat
          testId="agg-location"
          label="Most transacted location"
          value={<span className="block truncate text-base">{location ?? (a.most_transacted_location_id ? <span className="font-mono text-sm">{a.most_transacted_location_id}</span> : "—")}</span>}
        />
      </dl>
    </div>
  );
}
