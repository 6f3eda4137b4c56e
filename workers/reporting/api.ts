// API routes of reporting, for BI tools: the summary and the timeseries, both read from the daily
// rollups (token scope reports:read). Parameters are strict: an unknown one is a 400 naming it.
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { requireScope } from "../access/guards";
import { ProblemSchema, problemResponses, single } from "../platform/api-schemas";
import type { AppEnv } from "../api-env";
import { SUMMARY_PARAMS, SummaryQuery, SummarySchema, TIMESERIES_PARAMS, TimeseriesQuery, TimeseriesSchema } from "./schema";

const badRequest = {
  400: { description: "An unknown parameter, metric, interval or location, or an inverted or too long range; `errors` names each", content: { "application/problem+json": { schema: ProblemSchema } } },
} as const;

export function registerReportingRoutes(api: OpenAPIHono<AppEnv>) {
  api.openapi(
    createRoute({
      method: "get",
      path: "/reports/summary",
      tags: ["Reports"],
      summary: "Every dashboard metric for a period beside the previous period of the same length",
      description:
        "Summed from the daily rollups (days cut in the brand's time zone), so the cost grows with the days asked for, not with the transactions. `now` holds figures as of now (active and at-risk members, outstanding value, members per tier).",
      middleware: [requireScope("reports:read")] as const,
      request: { query: SummaryQuery },
      responses: { 200: { description: "The summary", content: { "application/json": { schema: single(SummarySchema) } } }, ...badRequest, ...problemResponses },
    }),
    async (c) => {
      const reporting = c.get("services").reporting;
      const range = await reporting.parseRange(c.req.query(), SUMMARY_PARAMS);
      return c.json({ data: await reporting.summary(range) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: "get",
      path: "/reports/timeseries",
      tags: ["Reports"],
      summary: "One metric per day, ISO week or month over a range, optionally split by a dimension",
      description:
        "Every bucket in the range is present (zero when nothing happened); ratios are null where their denominator is zero. Money as decimal amounts. `group_by=channel` (metric `new_members`) splits each bucket by the channel members joined through: `groups` lists every channel seen in the range, in every bucket.",
      middleware: [requireScope("reports:read")] as const,
      request: { query: TimeseriesQuery },
      responses: { 200: { description: "The series", content: { "application/json": { schema: single(TimeseriesSchema) } } }, ...badRequest, ...problemResponses },
    }),
    async (c) => {
      const reporting = c.get("services").reporting;
      const query = c.req.query();
      const { metric, interval, groupBy } = reporting.parseTimeseries(query);
      const range = await reporting.parseRange(query, TIMESERIES_PARAMS);
      return c.json({ data: await reporting.timeseries(range, metric, interval, groupBy) }, 200);
    },
  );
}


