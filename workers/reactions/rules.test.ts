import { describe, expect, it } from "vitest";
import { actionErrors, canonicalEventType, evaluateArguments, filterPasses, reactionDepth } from "./rules";
import { cronOf, nextRunAt, scheduleErrors } from "./schedule";

const dyn = (name: string, value: unknown) => ({ name, value, is_dynamic: true });
const lit = (name: string, value: unknown) => ({ name, value, is_dynamic: false });

describe("actionErrors", () => {
  it.each([
    [{ type: "reward.teleport", arguments: [] }, ["uuid"]],
    [{ type: "reward.create", arguments: [dyn("profile_id", { var: "profile_id" })] }, ["arguments"]],
    [{ type: "filter", arguments: [lit("condition", { "==": [1, 2], extra: 1 })] }, ["arguments.0.value"]],
    [{ type: "points.award", arguments: [dyn("profile_id", { var: "profile_id" }), lit("definition", "pts"), lit("points", 1.5)] }, ["arguments.2.value"]],
    [{ type: "profile.tag", arguments: [dyn("profile_id", { var: "profile_id" }), lit("tag", "x"), lit("colour", "red")] }, ["arguments.2.name"]],
    [{ type: "tier.assign", arguments: [dyn("profile_id", { nope: 1 }), lit("tier", "gold")] }, ["arguments.0.value"]],
    [{ type: "reward.create", arguments: [dyn("profile_id", { var: "profile_id" }), lit("definition", "bday"), lit("value", "12.50")] }, []],
  ])("%j → %j", (action, fields) => {
    expect(Object.keys(actionErrors(action)).sort()).toEqual(fields);
  });
});

describe("evaluation", () => {
  const ctx = { profile_id: "p1", transaction: { total: 80 }, tier_handle: "gold" };
  it("dynamic arguments are JSON Logic over the context; static ones literals", () => {
    expect(evaluateArguments({ type: "reward.create", arguments: [dyn("profile_id", { var: "profile_id" }), lit("definition", "bday"), dyn("value", { "*": [{ var: "transaction.total" }, 0.1] })] }, ctx)).toEqual({
      profile_id: "p1",
      definition: "bday",
      value: 8,
    });
  });
  it("several conditions of a filter AND; an invalid one never passes", () => {
    expect(filterPasses({ type: "filter", arguments: [lit("condition", { ">": [{ var: "transaction.total" }, 50] }), lit("condition", { "==": [{ var: "tier_handle" }, "gold"] })] }, ctx)).toBe(true);
    expect(filterPasses({ type: "filter", arguments: [lit("condition", { ">": [{ var: "transaction.total" }, 50] }), lit("condition", { "==": [{ var: "tier_handle" }, "silver"] })] }, ctx)).toBe(false);
    expect(filterPasses({ type: "filter", arguments: [lit("condition", { bogus: [1] })] }, ctx)).toBe(false);
  });
  it("reactions run up to depth 5 and stop beyond", () => {
    expect(reactionDepth(null)).toEqual({ depth: 1, allowed: true });
    expect(reactionDepth({ depth: 4 })).toEqual({ depth: 5, allowed: true });
    expect(reactionDepth({ depth: 5 })).toEqual({ depth: 6, allowed: false });
  });
  it("Omneo's event names are aliases", () => {
    expect(canonicalEventType("reward.created")).toBe("reward.issued");
    expect(canonicalEventType("benefit.created")).toBe("benefit.issued");
    expect(canonicalEventType("transaction.created")).toBe("transaction.created");
  });
});

describe("schedules", () => {
  const tz = "Australia/Sydney";
  const base = { type: "scheduled" as const, cron: null, date: null };
  it("frequency and slot become a cron expression read in the brand's zone", () => {
    expect(cronOf({ ...base, frequency: "daily", slot: "09:30" })).toBe("30 9 * * *");
    expect(cronOf({ ...base, frequency: "weekly", slot: "07:05" })).toBe("5 7 * * 1");
    expect(cronOf({ ...base, frequency: "monthly", slot: "23:00" })).toBe("0 23 1 * *");
    // 09:30 in Sydney (UTC+11 in December) is 22:30 UTC the day before
    expect(nextRunAt({ ...base, frequency: "daily", slot: "09:30" }, new Date("2026-12-07T00:00:00Z"), tz)?.toISOString()).toBe("2026-12-07T22:30:00.000Z");
  });
  it("fortnightly skips the Monday a week after the last run", () => {
    const last = new Date("2026-12-06T22:00:00Z"); // Monday 7 Dec, 09:00 Sydney
    const next = nextRunAt({ ...base, frequency: "fortnightly", slot: "09:00" }, last, tz, last);
    expect(next?.toISOString()).toBe("2026-12-20T22:00:00.000Z");
  });
  it("a date automation runs once, at its slot on its day", () => {
    const s = { type: "date" as const, frequency: null, cron: null, slot: "10:00", date: "2026-12-25" };
    expect(nextRunAt(s, new Date("2026-12-01T00:00:00Z"), tz)?.toISOString()).toBe("2026-12-24T23:00:00.000Z");
    expect(nextRunAt(s, new Date("2026-12-26T00:00:00Z"), tz)).toBeNull();
  });
  it("says what is wrong with a schedule", () => {
    expect(Object.keys(scheduleErrors({ ...base, frequency: null, slot: null, cron: "not a cron" }, tz))).toEqual(["cron"]);
    expect(Object.keys(scheduleErrors({ ...base, frequency: null, slot: null }, tz))).toEqual(["frequency"]);
    expect(Object.keys(scheduleErrors({ type: "date", frequency: null, slot: null, cron: null, date: null }, tz))).toEqual(["date"]);
    expect(scheduleErrors({ ...base, frequency: null, slot: null, cron: "0 9 * * 1-5" }, tz)).toEqual({});
  });
});
