// Pure shapes for the console's dashboard: range presets, the KPI cards (label, figure, change, the
// list each one summarises) and the interval a range is charted by.
import { addDays, daysBetween, isCalendarDay, type Interval } from "./rules";
import type { JoinedChannel } from "../profiles/schema";
import { MAX_RANGE_DAYS, type ReportSummary } from "./schema";

// the Metabase embed (its config from the env, a signed iframe URL) is pure too: no I/O, only a JWT signed
// with the secret. The console signs it in its loader, so the browser gets the URL and never the secret.
export { metabaseConfig, signedDashboardUrl, type MetabaseConfig } from "./embed";

/** What the dashboard calls each channel members join through; "" is a member from before channels were kept. */
export const CHANNEL_LABELS: Record<JoinedChannel | "", string> = { console: "Console", api: "API", import: "Import", system: "System", "": "Unknown" };
export function channelLabel(id: string): string {
  return CHANNEL_LABELS[id as JoinedChannel | ""] ?? id;
}

export const RANGE_PRESETS = [
  { value: "7d", label: "7 days" },
  { value: "30d", label: "30 days" },
  { value: "90d", label: "90 days" },
  { value: "12m", label: "12 months" },
  { value: "ytd", label: "Year to date" },
] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number]["value"];

/** The range a dashboard URL asks for: a preset, or from/to (custom); anything unreadable → the last 30 days. */
export function resolveRange(params: { range?: string | null; from?: string | null; to?: string | null }, today: string): { from: string; to: string; preset: RangePreset | "custom"; error: string | null } {
  const { range, from, to } = params;
  if (from || to) {
    if (from && to && isCalendarDay(from) && isCalendarDay(to) && from <= to && daysBetween(from, to) <= MAX_RANGE_DAYS) return { from, to, preset: "custom", error: null };
    const error =
      !from || !to || !isCalendarDay(from) || !isCalendarDay(to)
        ? "Choose both dates of a custom range"
        : from > to
          ? "The end date is before the start date"
          : `A range can be at most ${MAX_RANGE_DAYS} days`;
    return { from: addDays(today, -29), to: today, preset: "30d", error };
  }
  switch (range) {
    case "7d":
      return { from: addDays(today, -6), to: today, preset: "7d", error: null };
    case "90d":
      return { from: addDays(today, -89), to: today, preset: "90d", error: null };
    case "12m":
      return { from: addDays(today, -364), to: today, preset: "12m", error: null };
    case "ytd":
      return { from: `${today.slice(0, 4)}-01-01`, to: today, preset: "ytd", error: null };
    default:
      return { from: addDays(today, -29), to: today, preset: "30d", error: null };
  }
}

/** Days for up to two months, weeks up to about a year and a quarter, months beyond. */
export function intervalFor(from: string, to: string): Interval {
  const n = daysBetween(from, to);
  return n <= 62 ? "day" : n <= 400 ? "week" : "month";
}

export interface KpiCard {
  id: string;
  label: string;
  value: number | null;
  previous: number | null;
  change: number | null;
  format: "money" | "count" | "percent" | "points";
  /** a rise is good news (green) or bad news (amber) */
  rising: "good" | "bad";
  href: string;
  hint?: string;
}

/** The cards, in the order a brand reads them in the morning; each links to the list it summarises. */
export function kpiCards(s: ReportSummary, opts: { timezone: string }): KpiCard[] {
  const m = (id: string) => s.metrics[id] ?? { current: null, previous: null, change: null };
  const tx = new URLSearchParams({ from: s.from, to: s.to, tz: opts.timezone, ...(s.location_id ? { location: s.location_id } : {}) }).toString();
  // redemptions are brand-wide (the ledger knows no location), so the list takes the dates only
  const redemptions = new URLSearchParams({ from: s.from, to: s.to }).toString();
  const card = (id: string, label: string, format: KpiCard["format"], href: string, rising: KpiCard["rising"] = "good", hint?: string): KpiCard => ({
    id,
    label,
    value: m(id).current,
    previous: m(id).previous,
    change: m(id).change,
    format,
    rising,
    href,
    hint,
  });
  return [
    card("revenue", "Revenue", "money", `/transactions?${tx}`, "good", "Net of returns"),
    card("transactions", "Transactions", "count", `/transactions?${tx}&status=valid`),
    card("average_transaction_value", "Average transaction", "money", `/transactions?${tx}`),
    card("member_revenue_share", "Members' share of revenue", "percent", `/transactions?${tx}`),
    card("new_members", "New members", "count", "/profiles"),
    card("rewards_issued_value", "Rewards issued", "money", "/incentives?type=rewards"),
    card("redemption_rate", "Redemption rate", "percent", `/incentives/redemptions?${redemptions}`, "good", "Redeemed ÷ issued value"),
    card("points_earned", "Points earned", "points", "/incentives?type=points"),
    card("points_redeemed", "Points redeemed", "points", `/incentives/redemptions?${redemptions}`),
    card("tiers_attained", "Tiers attained", "count", "/incentives?type=tiers"),
  ];
}

/** Figures as of now, without a previous period. */
export function nowCards(s: ReportSummary): Array<{ id: string; label: string; value: number; format: KpiCard["format"]; href: string; hint?: string }> {
  return [
    { id: "active_90d", label: "Active members (90 days)", value: s.now.active_90d, format: "count", href: "/profiles", hint: `${s.now.active_30d} in 30 days · ${s.now.active_365d} in 365` },
    { id: "at_risk", label: "At risk", value: s.now.at_risk, format: "count", href: "/profiles?segment=at-risk", hint: "Past their usual gap between shops" },
    { id: "reward_value_outstanding", label: "Reward value outstanding", value: s.now.reward_value_outstanding, format: "money", href: "/incentives?type=rewards" },
    { id: "reward_value_expiring_30d", label: "Expiring in 30 days", value: s.now.reward_value_expiring_30d, format: "money", href: "/incentives?type=rewards" },
  ];
}

// ── the redemptions ledger view (the list the redemption figures summarise) ─────────────────────

export const REDEMPTIONS_PAGE_SIZE = 50;

export interface RedemptionEntry {
  id: string;
  at: string;
  profile_id: string;
  profile_name: string;
  kind: "reward" | "points";
  action: "redeem" | "reverse";
  definition_id: string | null;
  definition_name: string | null;
  /** reward: dollars; points: points. Positive for a redemption, negative for its reversal. */
  amount: number;
  /** the redemption it belongs to (read off the entry's reason) */
  redemption_id: string | null;
  source_type: string;
}

export interface RedemptionsPage {
  from: string;
  to: string;
  page: number;
  pages: number;
  total: number;
  /** over the whole range, net of reversals */
  reward_value: number;
  points: number;
  entries: RedemptionEntry[];
}

/** The range and page a URL asks for; an unreadable or inverted range falls back to the last 30 days. */
export function redemptionsQuery(params: { from?: string | null; to?: string | null; page?: string | null }, today: string): { from: string; to: string; page: number; error: string | null } {
  const page = Math.max(1, Math.min(10_000, Number.parseInt(params.page ?? "1", 10) || 1));
  const { from, to } = params;
  if (!from && !to) return { from: addDays(today, -29), to: today, page, error: null };
  if (from && to && isCalendarDay(from) && isCalendarDay(to) && from <= to && daysBetween(from, to) <= MAX_RANGE_DAYS) return { from, to, page, error: null };
  const error = !from || !to || !isCalendarDay(from) || !isCalendarDay(to) ? "Choose both dates" : from > to ? "The end date is before the start date" : `A range can be at most ${MAX_RANGE_DAYS} days`;
  return { from: addDays(today, -29), to: today, page: 1, error };
}
