// Reporting: daily rollups of the metrics a brand checks every morning, cut by day in BRAND_TIMEZONE.
// One row per (local day, metric, location, dimension) holding an additive integer (a count, cents or
// points); the dashboard sums them, so its cost grows with the days shown, not with the transactions.
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const reportDaily = sqliteTable(
  "report_daily",
  {
    /** YYYY-MM-DD in the brand's time zone */
    day: text("day").notNull(),
    metric: text("metric").notNull(),
    /** '' when the metric is brand-wide (points, rewards, tiers) or the source had no location */
    locationId: text("location_id").notNull().default(""),
    /** a definition id (points, rewards, tiers) or '' */
    dimension: text("dimension").notNull().default(""),
    value: integer("value").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.day, t.metric, t.locationId, t.dimension] }), index("report_daily_location_idx").on(t.locationId, t.day)],
);

/** Each exact rebuild from the source tables: when, by whom, how long. */
export const reportRebuilds = sqliteTable("report_rebuilds", {
  id: text("id").primaryKey(),
  startedAt: integer("started_at", { mode: "timestamp_ms" }).notNull(),
  completedAt: integer("completed_at", { mode: "timestamp_ms" }),
  rows: integer("rows").notNull().default(0),
  ms: integer("ms"),
  actor: text("actor").notNull(),
});

/** The "as of now" figures (active, at risk, outstanding, per tier), kept for a few minutes so a report never rescans the profiles. */
export const reportSnapshot = sqliteTable("report_snapshot", {
  id: text("id").primaryKey(),
  data: text("data", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
  computedAt: integer("computed_at", { mode: "timestamp_ms" }).notNull(),
});
