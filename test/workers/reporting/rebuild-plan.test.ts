// Each statement of the rollup rebuild reads one chunk of its source table by rowid range, so none nears D1's
// 30 s statement limit however big the brand is. Checked on the query plans (a plan, not a timing: at 2.1M
// transactions the year-window statements took most of 147 s, see docs/benchmarks.md, "1M members").
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { offsetSegments } from "../../../workers/reporting/rules";
import { localDayNumberSql, rebuildStatements } from "../../../workers/reporting/rebuild";
import { localDate } from "../../../workers/platform/time";

async function plan(sql: string): Promise<string> {
  const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`).bind(0, 100_000).all<{ detail: string }>();
  return results.map((r) => r.detail).join("\n");
}

describe("rollup rebuild statements", () => {
  const now = Date.UTC(2026, 5, 1);
  const statements = rebuildStatements(offsetSegments(now - 800 * 86_400_000, now, "Australia/Sydney"));

  it.each([
    ["transactions", "transactions"],
    ["profiles", "profiles"],
    ["ledger", "incentive_ledger"],
  ] as const)("the %s statement searches its chunk of %s by rowid and never scans the table", async (name, table) => {
    const details = await plan(statements[name]);
    expect(details).toMatch(new RegExp(`SEARCH (${table}|l) USING INTEGER PRIMARY KEY \\(rowid>\\? AND rowid<\\?\\)`));
    expect(details).not.toMatch(/SCAN (transactions|profiles|incentive_ledger|l)\b/);
  });

  it("cuts days in the brand's zone across daylight-saving changes, as localDate does", async () => {
    const zone = "Australia/Sydney";
    // around the changes of 2026-04-05 (03:00 → 02:00) and 2026-10-04 (02:00 → 03:00), and the midnights near them
    const instants = ["2026-04-04T12:59:59.999Z", "2026-04-04T13:00:00Z", "2026-04-04T15:59:59.999Z", "2026-04-04T16:00:00Z", "2026-04-05T13:59:59.999Z", "2026-04-05T14:00:00Z",
      "2026-10-03T13:59:59.999Z", "2026-10-03T14:00:00Z", "2026-10-03T16:00:00Z", "2026-10-04T12:59:59.999Z", "2026-10-04T13:00:00Z"].map((s) => Date.parse(s));
    const segments = offsetSegments(Math.min(...instants), Math.max(...instants), zone);
    for (const t of instants) {
      const row = await env.DB.prepare(`SELECT date(${localDayNumberSql("t", segments)} * 86400, 'unixepoch') AS day FROM (SELECT ?1 AS t)`).bind(t).first<{ day: string }>();
      expect([new Date(t).toISOString(), row?.day]).toEqual([new Date(t).toISOString(), localDate(new Date(t), zone)]);
    }
  });
});
