// The dashboard's charts (recharts): trends as areas and lines, breakdowns as bars. Colours are the
// Okabe-Ito palette, told apart by people with any common colour-vision deficiency; every chart has a
// text label and tooltips, and says so when there is nothing to draw.
import { Area, AreaChart, Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { ReactNode } from "react";

export const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9"] as const;

export type Formatter = (v: number) => string;

export interface SeriesSpec {
  key: string;
  label: string;
}

function ChartFrame({ label, empty, children, testId }: { label: string; empty: boolean; children: ReactNode; testId: string }) {
  return (
    <figure className="h-64 w-full" data-testid={testId} aria-label={label} role="group">
      {empty ? (
        <div className="grid h-full place-items-center rounded-lg border border-dashed border-slate-200 text-sm text-slate-500" data-testid="chart-empty">
          Nothing in this period
        </div>
      ) : (
        children
      )}
      <figcaption className="sr-only">{label}</figcaption>
    </figure>
  );
}

const axis = { stroke: "#64748b", fontSize: 12, tickLine: false } as const;

/** The x-axis label of a bucket: "3 Mar" for days and weeks, "Mar 26" for months. */
function bucketLabel(interval: "day" | "week" | "month") {
  return (b: string) => {
    const [y, m, d] = b.split("-").map(Number) as [number, number, number];
    const date = new Date(Date.UTC(y, m - 1, d));
    return interval === "month"
      ? date.toLocaleDateString("en-AU", { month: "short", year: "2-digit", timeZone: "UTC" })
      : date.toLocaleDateString("en-AU", { day: "numeric", month: "short", timeZone: "UTC" });
  };
}

export function TrendChart({
  data,
  series,
  format,
  interval,
  label,
  kind = "area",
  testId,
}: {
  data: Array<Record<string, number | string>>;
  series: SeriesSpec[];
  format: Formatter;
  interval: "day" | "week" | "month";
  label: string;
  /** stacked bars add up to a whole (new members by channel) */
  kind?: "area" | "line" | "stacked";
  testId: string;
}) {
  const empty = !data.some((row) => series.some((s) => Number(row[s.key] ?? 0) !== 0));
  const x = bucketLabel(interval);
  const tooltip = <Tooltip formatter={(v) => format(Number(v))} labelFormatter={(b) => (interval === "day" ? x(String(b)) : `${interval === "week" ? "Week of" : ""} ${x(String(b))}`.trim())} />;
  return (
    <ChartFrame label={label} empty={empty} testId={testId}>
      <ResponsiveContainer width="100%" height="100%">
        {kind === "stacked" ? (
          <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" vertical={false} />
            <XAxis dataKey="bucket" tickFormatter={x} {...axis} minTickGap={24} />
            <YAxis tickFormatter={(v) => format(Number(v))} {...axis} width={72} />
            {tooltip}
            <Legend />
            {series.map((s, i) => (
              <Bar key={s.key} dataKey={s.key} name={s.label} stackId="total" fill={PALETTE[i % PALETTE.length]} isAnimationActive={false} />
            ))}
          </BarChart>
        ) : kind === "area" ? (
          <AreaChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" vertical={false} />
            <XAxis dataKey="bucket" tickFormatter={x} {...axis} minTickGap={24} />
            <YAxis tickFormatter={(v) => format(Number(v))} {...axis} width={72} />
            {tooltip}
            <Legend />
            {series.map((s, i) => (
              <Area key={s.key} type="monotone" dataKey={s.key} name={s.label} stroke={PALETTE[i % PALETTE.length]} fill={PALETTE[i % PALETTE.length]} fillOpacity={0.15} strokeWidth={2} isAnimationActive={false} />
            ))}
          </AreaChart>
        ) : (
          <LineChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" vertical={false} />
            <XAxis dataKey="bucket" tickFormatter={x} {...axis} minTickGap={24} />
            <YAxis tickFormatter={(v) => format(Number(v))} {...axis} width={72} />
            {tooltip}
            <Legend />
            {series.map((s, i) => (
              <Line key={s.key} type="monotone" dataKey={s.key} name={s.label} stroke={PALETTE[i % PALETTE.length]} strokeWidth={2} dot={false} isAnimationActive={false} />
            ))}
          </LineChart>
        )}
      </ResponsiveContainer>
    </ChartFrame>
  );
}

export function BreakdownChart({
  data,
  format,
  label,
  testId,
  previous = true,
}: {
  data: Array<{ name: string; current: number; previous: number }>;
  format: Formatter;
  label: string;
  testId: string;
  previous?: boolean;
}) {
  const empty = !data.some((d) => d.current !== 0 || (previous && d.previous !== 0));
  return (
    <ChartFrame label={label} empty={empty} testId={testId}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} layout="vertical" margin={{ top: 4, right: 16, bottom: 0, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" horizontal={false} />
          <XAxis type="number" tickFormatter={(v) => format(Number(v))} {...axis} />
          <YAxis type="category" dataKey="name" {...axis} width={120} />
          <Tooltip formatter={(v) => format(Number(v))} />
          <Legend />
          <Bar dataKey="current" name="This period" fill={PALETTE[0]} isAnimationActive={false} />
          {previous ? <Bar dataKey="previous" name="Previous period" fill={PALETTE[5]} isAnimationActive={false} /> : null}
        </BarChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
}
