import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { BreakdownChart, TrendChart } from "~/components/reporting/charts";
import { Button } from "~/components/ui/button";
import { Card, PageHeader } from "~/components/ui/card";
import { cn } from "~/components/ui/cn";
import { Select } from "~/components/ui/input";
import { LinkTabs } from "~/components/ui/link-tabs";
import { requireUser } from "~/lib/auth.server";
import { can, type Permission } from "../../workers/access/rules";
import { channelLabel, intervalFor, kpiCards, metabaseConfig, nowCards, RANGE_PRESETS, resolveRange, signedDashboardUrl, type KpiCard } from "../../workers/reporting/views";
import { DateRangeFields } from "~/components/ui/date-range-fields";

export const meta: MetaFunction = () => [{ title: "Dashboard · Loyalty Edge" }];

const TREND_METRICS = [
  "revenue",
  "member_revenue",
  "transactions",
  "returns",
  "new_members",
  "points_earned",
  "points_redeemed",
  "points_expired",
  "points_clawed_back",
  "rewards_issued_value",
  "rewards_redeemed_value",
] as const;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = await requireUser(request, context, "dashboard:view");
  const { services } = context;
  const reporting = services.reporting;
  const url = new URL(request.url);
  const q = (k: string) => url.searchParams.get(k);
  const range = resolveRange({ range: q("range"), from: q("from"), to: q("to") }, reporting.today());
  const { rows: locationRows } = await services.locations.list({}, { number: 1, size: 200 });
  const locations = locationRows.map((l) => ({ id: l.id, name: l.name }));
  const wanted = q("location") || null;
  const locationId = wanted && locations.some((l) => l.id === wanted) ? wanted : null;
  const interval = intervalFor(range.from, range.to);
  const reportRange = { from: range.from, to: range.to, locationId };
  const metabase = metabaseConfig(context.cloudflare.env);
  const tab = q("tab") === "metabase" && metabase ? "metabase" : "overview";
  const [summary, series, byChannel, lastRebuild] = await Promise.all([
    reporting.summary(reportRange),
    reporting.series(reportRange, TREND_METRICS, interval),
    reporting.seriesBy(reportRange, "new_members", interval),
    reporting.lastRebuild(),
  ]);
  // one series per channel seen in the range; "" (members from before channels were kept) needs a key recharts can read
  const channelKey = (id: string) => `channel_${id || "unknown"}`;
  const channelSeries = byChannel.keys.map((id) => ({ key: channelKey(id), label: channelLabel(id) }));
  const channelRows = byChannel.rows.map((r) => Object.fromEntries([["bucket", r.bucket], ...byChannel.keys.map((id) => [channelKey(id), r[id] ?? 0])]) as Record<string, number | string>);
  // money travels to the charts in dollars (the rollups hold cents)
  const chartRows = series.map((r) => {
    const out: Record<string, number | string> = { bucket: r.bucket };
    for (const m of TREND_METRICS) out[m] = m.startsWith("revenue") || m.endsWith("_value") || m === "member_revenue" ? (r[m] ?? 0) / 100 : (r[m] ?? 0);
    return out;
  });
  return {
    name: user.name,
    isAdmin: can(user.role, "users:manage"),
    range,
    interval,
    locations,
    locationId,
    unknownLocation: wanted !== null && locationId === null,
    summary,
    cards: kpiCards(summary, { timezone: reporting.timezone }),
    now: nowCards(summary),
    chartRows,
    channelRows,
    channelSeries,
    tab,
    metabaseEnabled: metabase !== null,
    // signed here, on the server: the browser gets the iframe URL, never the secret
    metabaseUrl: tab === "metabase" && metabase ? await signedDashboardUrl(metabase, locationId ? { location_id: [locationId] } : {}, services.clock.now()) : null,
    lastRebuild: lastRebuild ? { at: lastRebuild.completedAt?.toISOString() ?? null, rows: lastRebuild.rows, ms: lastRebuild.ms } : null,
  };
}

/** The dashboard's one action and the permission it needs (read by the console's authorization matrix). */
export const INTENTS = { rebuild: "users:manage" } as const satisfies Record<string, Permission>;

export async function action({ request, context }: ActionFunctionArgs) {
  const { user, actor } = await requireUser(request, context, "dashboard:view");
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  if (!Object.hasOwn(INTENTS, intent)) return { ok: false as const, message: "Unknown action" };
  if (!can(user.role, INTENTS[intent as keyof typeof INTENTS])) throw new Response("Only an Admin can rebuild the rollups.", { status: 403, statusText: "Forbidden" });
  const { rows, ms } = await context.services.reporting.rebuild(actor);
  return { ok: true as const, message: `Rollups rebuilt from the source tables: ${rows} rows in ${ms} ms` };
}

function formatter(currency: string, kind: KpiCard["format"]) {
  if (kind === "money") {
    const f = new Intl.NumberFormat("en-AU", { style: "currency", currency, maximumFractionDigits: 0 });
    return (v: number) => f.format(v);
  }
  if (kind === "percent") return (v: number) => `${(v * 100).toFixed(1)}%`;
  const f = new Intl.NumberFormat("en-AU", { maximumFractionDigits: 0 });
  return (v: number) => f.format(v);
}

function Change({ change, rising }: { change: number | null; rising: "good" | "bad" }) {
  if (change === null) return <span className="text-xs text-slate-400">no previous figure</span>;
  const up = change > 0;
  const good = change === 0 ? null : (up && rising === "good") || (!up && rising === "bad");
  return (
    <span className={cn("text-xs font-medium", good === null ? "text-slate-500" : good ? "text-emerald-700" : "text-amber-700")}>
      {up ? "▲" : change < 0 ? "▼" : "■"} {Math.abs(change * 100).toFixed(1)}% <span className="font-normal text-slate-500">vs previous</span>
    </span>
  );
}

export default function Dashboard() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const loading = navigation.state === "loading" && navigation.location?.pathname === "/dashboard";
  const { summary, range, currency } = { ...data, currency: data.summary.currency };
  const money = formatter(currency, "money");
  const count = formatter(currency, "count");
  const tabs = [{ value: "overview", label: "Overview" }, ...(data.metabaseEnabled ? [{ value: "metabase", label: "Metabase" }] : [])];
  return (
    <>
      <PageHeader
        title="Dashboard"
        description={`${summary.from} to ${summary.to} in ${summary.timezone}, beside ${summary.previous_from} to ${summary.previous_to}. Amounts in ${currency}.`}
        actions={
          data.isAdmin ? (
            <Form method="post">
              <input type="hidden" name="intent" value="rebuild" />
              <Button variant="secondary" size="sm" type="submit" disabled={navigation.state === "submitting"} data-testid="rebuild-rollups">
                {navigation.state === "submitting" ? "Rebuilding…" : "Rebuild rollups"}
              </Button>
            </Form>
          ) : null
        }
      />
      {result ? (
        <p role="status" className={cn("mb-4 rounded-md px-3 py-2 text-sm", result.ok ? "bg-emerald-50 text-emerald-800" : "bg-red-50 text-red-800")}>
          {result.message}
        </p>
      ) : null}

      <div className="mb-6 flex flex-wrap items-end gap-3" data-testid="range-picker">
        <div className="flex flex-wrap gap-1" role="group" aria-label="Date range">
          {RANGE_PRESETS.map((p) => (
            <Link
              key={p.value}
              to={`?${new URLSearchParams({ range: p.value, ...(data.locationId ? { location: data.locationId } : {}) }).toString()}`}
              className={cn("rounded-md px-3 py-1.5 text-sm font-medium ring-1 ring-inset", range.preset === p.value ? "bg-brand-600 text-white ring-brand-600" : "bg-white text-slate-700 ring-slate-300 hover:bg-slate-50")}
              aria-current={range.preset === p.value ? "true" : undefined}
              data-testid={`range-${p.value}`}
            >
              {p.label}
            </Link>
          ))}
        </div>
        <Form method="get" className="flex flex-wrap items-end gap-2">
          <DateRangeFields from={range.from} to={range.to} />
          <label className="text-xs text-slate-600">
            Location
            <Select name="location" defaultValue={data.locationId ?? ""} className="w-48" aria-label="Location">
              <option value="">All locations</option>
              {data.locations.map((l) => (
                <option key={l.id} value={l.id}>
                  {l.name}
                </option>
              ))}
            </Select>
          </label>
          <Button type="submit" variant="secondary" size="md">
            Apply
          </Button>
        </Form>
      </div>
      {range.error || data.unknownLocation ? (
        <p role="alert" className="mb-4 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-800">
          {range.error ?? "That location does not exist"}: showing {data.unknownLocation ? "all locations" : "the last 30 days"} instead.
        </p>
      ) : null}

      {tabs.length > 1 ? (
        <div className="mb-6">
          <LinkTabs tabs={tabs} current={data.tab} label="Dashboard views" />
        </div>
      ) : null}

      {data.tab === "metabase" && data.metabaseUrl ? (
        <iframe title="Metabase dashboard" src={data.metabaseUrl} className="h-[900px] w-full rounded-xl border border-slate-200 bg-white" data-testid="metabase-embed" />
      ) : (
        <div className={cn("transition-opacity", loading && "pointer-events-none opacity-50")} aria-busy={loading} data-testid="dashboard">
          {loading ? (
            <p className="sr-only" role="status">
              Loading…
            </p>
          ) : null}
          <section aria-label="Key figures" className="grid gap-4 sm:grid-cols-2 xl:grid-cols-5">
            {data.cards.map((c) => {
              const f = formatter(currency, c.format);
              return (
                <Link key={c.id} to={c.href} className="rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200 hover:ring-brand-500" data-testid={`kpi-${c.id}`}>
                  <p className="text-sm text-slate-500">{c.label}</p>
                  <p className="mt-1 text-2xl font-semibold tracking-tight text-slate-900" data-testid="kpi-value">
                    {c.value === null ? "—" : f(c.value)}
                  </p>
                  <p className="mt-1">
                    <Change change={c.change} rising={c.rising} />
                  </p>
                  {c.hint ? <p className="mt-1 text-xs text-slate-400">{c.hint}</p> : null}
                </Link>
              );
            })}
          </section>
          <section aria-label="As of now" className="mt-4 grid gap-4 sm:grid-cols-2 xl:grid-cols-4">
            {data.now.map((c) => (
              <Link key={c.id} to={c.href} className="rounded-xl bg-slate-50 p-4 ring-1 ring-slate-200 hover:ring-brand-500" data-testid={`kpi-${c.id}`}>
                <p className="text-sm text-slate-500">{c.label}</p>
                <p className="mt-1 text-xl font-semibold text-slate-900">{formatter(currency, c.format)(c.value)}</p>
                {c.hint ? <p className="mt-1 text-xs text-slate-400">{c.hint}</p> : null}
              </Link>
            ))}
          </section>

          <div className="mt-6 grid gap-6 lg:grid-cols-2">
            <Card title="Revenue" description={`Net of returns, per ${data.interval}; members' part beside it`}>
              <TrendChart
                testId="chart-revenue"
                label="Revenue and member revenue over the period"
                data={data.chartRows}
                series={[
                  { key: "revenue", label: "Revenue" },
                  { key: "member_revenue", label: "Member revenue" },
                ]}
                format={money}
                interval={data.interval}
              />
            </Card>
            <Card title="Transactions and new members" description={`Per ${data.interval}`}>
              <TrendChart
                testId="chart-activity"
                kind="line"
                label="Transactions, returns and new members over the period"
                data={data.chartRows}
                series={[
                  { key: "transactions", label: "Transactions" },
                  { key: "returns", label: "Returns" },
                  { key: "new_members", label: "New members" },
                ]}
                format={count}
                interval={data.interval}
              />
            </Card>
            <Card title="New members by channel" description={`Per ${data.interval}: how they joined (console, API, import)`}>
              <TrendChart
                testId="chart-new-members-by-channel"
                kind="stacked"
                label="New members per channel over the period"
                data={data.channelRows}
                series={data.channelSeries}
                format={count}
                interval={data.interval}
              />
            </Card>
            <Card title="New members by channel, beside the previous period">
              <BreakdownChart testId="chart-channels" label="New members by channel, this period and the previous" data={summary.breakdowns.new_members_by_channel} format={count} />
            </Card>
            <Card title="Points" description="Earned, redeemed, expired and clawed back (all definitions)">
              <TrendChart
                testId="chart-points"
                kind="line"
                label="Points earned, redeemed, expired and clawed back over the period"
                data={data.chartRows}
                series={[
                  { key: "points_earned", label: "Earned" },
                  { key: "points_redeemed", label: "Redeemed" },
                  { key: "points_expired", label: "Expired" },
                  { key: "points_clawed_back", label: "Clawed back" },
                ]}
                format={count}
                interval={data.interval}
              />
            </Card>
            <Card title="Rewards" description="Value issued and redeemed">
              <TrendChart
                testId="chart-rewards"
                label="Reward value issued and redeemed over the period"
                data={data.chartRows}
                series={[
                  { key: "rewards_issued_value", label: "Issued" },
                  { key: "rewards_redeemed_value", label: "Redeemed" },
                ]}
                format={money}
                interval={data.interval}
              />
            </Card>
            <Card title="Top locations" description="Revenue, this period beside the previous">
              <BreakdownChart testId="chart-locations" label="Revenue by location" data={summary.breakdowns.revenue_by_location} format={money} />
            </Card>
            <Card title="Members per tier" description="Now">
              <BreakdownChart testId="chart-tiers" label="Members per tier now" data={summary.now.members_per_tier.map((t) => ({ name: t.name, current: t.members, previous: 0 }))} format={count} previous={false} />
            </Card>
            <Card title="Points earned by definition">
              <BreakdownChart testId="chart-points-by-definition" label="Points earned by definition" data={summary.breakdowns.points_earned} format={count} />
            </Card>
            <Card title="Rewards issued by definition" description="Value">
              <BreakdownChart testId="chart-rewards-by-definition" label="Reward value issued by definition" data={summary.breakdowns.rewards_issued_value} format={money} />
            </Card>
          </div>
          <p className="mt-6 text-xs text-slate-400">
            Read from daily rollups cut in {summary.timezone}. Points, rewards and tiers are brand-wide (the location filter applies to sales and new members).
            {data.lastRebuild?.at ? ` Last rebuilt ${data.lastRebuild.at.slice(0, 16).replace("T", " ")} UTC (${data.lastRebuild.rows} rows).` : ""}
          </p>
        </div>
      )}
    </>
  );
}
