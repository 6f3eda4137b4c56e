// Reward definitions with Omneo's calendar period types: period_type months and years are kept and echoed,
// and an issued reward expires at the end of the same local day N calendar months (years) on, not after a
// fixed number of days; a period past 100 years and Omneo's absolute_* types are a 422 that saves nothing.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { rewardDefinitions } from "../../../db/schema";
import { api, countRows, makeToken, problem, services } from "../helpers";
import { issueReward, json, makeProfile, uid } from "./ledger-support";

const TZ = "Australia/Sydney"; // wrangler.toml's BRAND_TIMEZONE in this lane

/** The brand's calendar date of an instant, "YYYY-MM-DD". */
const localDay = (at: Date) => new Intl.DateTimeFormat("en-CA", { timeZone: TZ, year: "numeric", month: "2-digit", day: "2-digit" }).format(at);

const definition = (o: Record<string, unknown>) => ({ name: `Calendar ${uid()}`, handle: uid("cal-"), type: "spend", value: 10, ...o });

describe("reward definitions: calendar period types", () => {
  it("keeps period_type months and years, echoing the period in its unit", async () => {
    const { token } = await makeToken(["*"], { role: "admin" });
    const months = await json<Record<string, unknown>>(await api("/rewards/definitions", { method: "POST", token, json: definition({ period: 3, period_type: "months" }) }), 201);
    expect(months).toMatchObject({ period: 3, period_type: "months" });
    const row = await services().db.query.rewardDefinitions.findFirst({ where: eq(rewardDefinitions.id, months.id as string) });
    expect(row).toMatchObject({ periodType: "months", periodDays: 90 });

    // a new unit alone re-reads the same number of units in it
    const years = await json<Record<string, unknown>>(await api(`/rewards/definitions/${months.id}`, { method: "PUT", token, json: { period_type: "years" } }), 200);
    expect(years).toMatchObject({ period: 3, period_type: "years" });
    const got = await json<Record<string, unknown>>(await api(`/rewards/definitions/${months.id}`, { token }), 200);
    expect(got).toMatchObject({ period: 3, period_type: "years" });
  });

  it("issues a reward of a 4-year definition expiring on the same local day 4 years on (a leap day between)", async () => {
    const { token } = await makeToken(["*"], { role: "admin" });
    const def = await json<{ id: string }>(await api("/rewards/definitions", { method: "POST", token, json: definition({ period: 4, period_type: "years" }) }), 201);
    const profile = await makeProfile(token);
    const reward = await issueReward(token, profile.id, def.id);
    const list = await json<Array<{ id: string; issued_at: string; expires_at: string }>>(await api(`/profiles/${profile.id}/rewards`, { token }), 200);
    const issued = new Date(list.find((r) => r.id === reward.id)!.issued_at);
    const expires = new Date(reward.expires_at!);
    const [y, m, d] = localDay(issued).split("-").map(Number) as [number, number, number];
    const lastDay = new Date(Date.UTC(y + 4, m, 0)).getUTCDate(); // a 29 February issue ends on the 28th
    expect(localDay(new Date(expires.getTime() - 1))).toBe(`${y + 4}-${String(m).padStart(2, "0")}-${String(Math.min(d, lastDay)).padStart(2, "0")}`);
    // the end of that local day: one millisecond later is the next day
    expect(localDay(new Date(expires.getTime() + 1))).not.toBe(localDay(new Date(expires.getTime() - 1)));
  });

  it.each([
    [{ period: 101, period_type: "years" }, "period", /beyond 100 years/],
    [{ period: 1, period_type: "absolute_month" }, "period_type", /not supported.*absolute_expiry/],
    [{ period: 1, period_type: "fortnights" }, "period_type", /one of days, weeks, months, years/],
  ])("refuses %j naming %s, saving nothing", async (over, field, msg) => {
    const { token } = await makeToken(["*"], { role: "admin" });
    const before = await countRows(rewardDefinitions);
    const res = await api("/rewards/definitions", { method: "POST", token, json: definition(over) });
    expect(res.status).toBe(422);
    expect((await problem(res)).errors?.[field]?.[0]).toMatch(msg);
    expect(await countRows(rewardDefinitions)).toBe(before);
  });
});
