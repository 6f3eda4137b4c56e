// Reporting contracts: the rollup metrics, the report queries (strict: an unknown parameter or metric is
// a 400 naming it) and the shapes the API and the console's dashboard read.
import { z } from "@hono/zod-openapi";

/** Additive metrics stored per day in report_daily. Money in cents, points in points. */
export const ROLLUP_METRICS = [
  "transactions",
  "returns",
  "revenue",
  "member_transactions",
  "member_revenue",
  "new_members",
  "points_earned",
  "points_redeemed",
  "points_expired",
  "points_clawed_back",
  "points_voided",
  "rewards_issued",
  "rewards_issued_value",
  "rewards_redeemed_value",
  "rewards_expired_value",
  "rewards_voided_value",
  "tiers_attained",
  "tiers_maintained",
  "tiers_downgraded",
] as const;
export type RollupMetric = (typeof ROLLUP_METRICS)[number];

/** Ratios computed from summed rollups, per period or per bucket. */
export const DERIVED_METRICS = ["average_transaction_value", "member_revenue_share", "redemption_rate"] as const;
export type DerivedMetric = (typeof DERIVED_METRICS)[number];

export const TIMESERIES_METRICS = [...ROLLUP_METRICS, ...DERIVED_METRICS] as const;
export type TimeseriesMetric = (typeof TIMESERIES_METRICS)[number];

/** Metrics that a location owns (the receipt's location, the member's joined location); the rest are brand-wide. */
export const LOCATION_METRICS: readonly RollupMetric[] = ["transactions", "returns", "revenue", "member_transactions", "member_revenue", "new_members"];

export type MetricUnit = "count" | "money" | "points" | "ratio";
export function unitOf(metric: TimeseriesMetric): MetricUnit {
  if (metric === "member_revenue_share" || metric === "redemption_rate") return "ratio";
  if (metric === "average_transaction_value" || metric === "revenue" || metric === "member_revenue" || metric.endsWith("_value")) return "money";
  if (metric.startsWith("points_")) return "points";
  return "count";
}

export const INTERVALS = ["day", "week", "month"] as const;

/** Longest range a report answers: 3 years of days (the cost is one row per day and metric). */
export const MAX_RANGE_DAYS = 1100;

const day = (name: string) =>
  z.string().openapi({ param: { name, in: "query" }, description: "Calendar date (YYYY-MM-DD) in the brand's time zone; the range includes it", example: "2026-01-01" });

export const SummaryQuery = z.object({
  from: day("from"),
  to: day("to"),
  location_id: z.string().optional().openapi({ param: { name: "location_id", in: "query" }, description: "Only this location (sales and new members; points, rewards and tiers are brand-wide)" }),
});
export const SUMMARY_PARAMS = ["from", "to", "location_id"] as const;

export const TimeseriesQuery = SummaryQuery.extend({
  metric: z.string().openapi({ param: { name: "metric", in: "query" }, description: `One of: ${TIMESERIES_METRICS.join(", ")}`, example: "revenue" }),
  interval: z.string().optional().openapi({ param: { name: "interval", in: "query" }, description: "day (default), week (ISO, from Monday) or month", example: "week" }),
  group_by: z
    .string()
    .optional()
    .openapi({ param: { name: "group_by", in: "query" }, description: "Split each bucket by a dimension of the metric: channel (metric new_members: the channel members joined through)", example: "channel" }),
});
export const TIMESERIES_PARAMS = ["from", "to", "location_id", "metric", "interval", "group_by"] as const;

/** The dimensions a timeseries splits by, and the metrics that carry each one in their rollup rows. */
export const TIMESERIES_GROUPS = { channel: ["new_members"] } as const satisfies Record<string, readonly RollupMetric[]>;
export type TimeseriesGroup = keyof typeof TIMESERIES_GROUPS;

const Figure = z.object({ current: z.number().nullable(), previous: z.number().nullable(), change: z.number().nullable().openapi({ description: "(current − previous) ÷ |previous|; null when previous is 0" }) });

const Breakdown = z.array(z.object({ id: z.string(), name: z.string(), current: z.number(), previous: z.number() }));

export const SummarySchema = z
  .object({
    from: z.string(),
    to: z.string(),
    previous_from: z.string(),
    previous_to: z.string(),
    location_id: z.string().nullable(),
    timezone: z.string(),
    currency: z.string(),
    metrics: z.record(z.string(), Figure).openapi({ description: "Every rollup and derived metric for the period beside the previous one; money as decimal amounts" }),
    breakdowns: z.object({
      points_earned: Breakdown,
      points_redeemed: Breakdown,
      points_expired: Breakdown,
      points_clawed_back: Breakdown,
      rewards_issued: Breakdown,
      rewards_issued_value: Breakdown,
      tiers_attained: Breakdown,
      tiers_downgraded: Breakdown,
      revenue_by_location: Breakdown,
      new_members_by_location: Breakdown,
      new_members_by_channel: Breakdown.openapi({ description: "By the channel members joined through (console, api, import, system); id \"\" for members from before it was kept" }),
    }),
    now: z
      .object({
        members: z.number().int(),
        active_30d: z.number().int(),
        active_90d: z.number().int(),
        active_365d: z.number().int(),
        at_risk: z.number().int(),
        reward_value_outstanding: z.number(),
        points_outstanding: z.number().int(),
        reward_value_expiring_30d: z.number(),
        members_per_tier: z.array(z.object({ id: z.string(), name: z.string(), members: z.number().int() })),
      })
      .openapi({ description: "As of now (not per period): read from the profile and incentive projections" }),
  })
  .openapi("ReportSummary");
export type ReportSummary = z.infer<typeof SummarySchema>;

export const TimeseriesSchema = z
  .object({
    metric: z.enum(TIMESERIES_METRICS),
    unit: z.enum(["count", "money", "points", "ratio"]),
    interval: z.enum(INTERVALS),
    from: z.string(),
    to: z.string(),
    location_id: z.string().nullable(),
    timezone: z.string(),
    group_by: z.enum(Object.keys(TIMESERIES_GROUPS) as [TimeseriesGroup]).nullable().openapi({ description: "The dimension each bucket is split by (group_by); null: not split" }),
    points: z.array(
      z.object({
        bucket: z.string().openapi({ description: "First day of the bucket" }),
        value: z.number().nullable().openapi({ description: "The bucket's total (the sum of its groups when split)" }),
        groups: z
          .array(z.object({ id: z.string().openapi({ description: 'The dimension\'s value (a channel: console, api, import, system; "" for members from before channels were kept)' }), name: z.string(), value: z.number() }))
          .optional()
          .openapi({ description: "With group_by: every group seen in the range, in each bucket (zero when none)" }),
      }),
    ),
  })
  .openapi("ReportTimeseries");
export type ReportTimeseries = z.infer<typeof TimeseriesSchema>;
