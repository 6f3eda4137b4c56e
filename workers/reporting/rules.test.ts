import { describe, expect, it } from "vitest";
import {
  bucketOf,
  bucketsBetween,
  delta,
  derivedFigures,
  assignmentAction,
  eventDeltas,
  isCalendarDay,
  ledgerDeltas,
  localDaySql,
  mergeDeltas,
  offsetSegments,
  previousPeriod,
  type RollupDelta,
  type RollupEvent,
} from "./rules";

const TZ = "Australia/Sydney";
let n = 0;
const ev = (type: string, data: Record<string, unknown>, occurred_at = "2026-03-10T01:00:00.000Z"): RollupEvent => ({ id: `e${++n}`, type, occurred_at, data });
const tx = (o: Partial<Record<string, unknown>>) => ({ transaction: { transacted_at: "2026-03-10T01:00:00.000Z", location_id: "L1", profile_id: "P1", total: 100, is_void: false, ...o } });

/** Folds a stream into totals per "metric|location|dimension@day", as report_daily would hold them. */
function fold(events: RollupEvent[]): Record<string, number> {
  const rows = mergeDeltas(events.flatMap((e) => eventDeltas(e, TZ)));
  return Object.fromEntries(rows.map((r) => [`${r.metric}|${r.location}|${r.dimension}@${r.day}`, r.value]));
}

describe("eventDeltas over a fixed stream", () => {
  it("counts purchases, returns, voids and claims on the receipt's local day and location", () => {
    const totals = fold([
      ev("transaction.created", tx({ total: 120.5 })),
      ev("transaction.created", tx({ total: 80, profile_id: null })),
      ev("transaction.created", tx({ total: -20.25 })), // a return
      ev("transaction.created", tx({ total: 40, location_id: "L2" })),
      ev("transaction.voided", tx({ total: 40, location_id: "L2", is_void: true })), // voided: taken back out
      ev("transaction.claimed", tx({ total: 80 })), // the anonymous one is claimed
      // 23:30 UTC on the 9th is the 10th in Sydney (UTC+11 in March)
      ev("transaction.created", tx({ total: 10, transacted_at: "2026-03-09T23:30:00.000Z" })),
    ]);
    expect(totals).toEqual({
      "transactions|L1|@2026-03-10": 3,
      "returns|L1|@2026-03-10": 1,
      "revenue|L1|@2026-03-10": 12050 + 8000 - 2025 + 1000,
      "member_transactions|L1|@2026-03-10": 3,
      "member_revenue|L1|@2026-03-10": 12050 - 2025 + 8000 + 1000,
    });
  });

  it("reads points and rewards: earned, redeemed, reversed, clawed back, expired, voided", () => {
    const totals = fold([
      ev("points.awarded", { point_definition_id: "RP", points: 500 }),
      ev("points.awarded", { point_definition_id: "TP", points: 50 }),
      ev("points.redeemed", { point_definition_id: "RP", points: 200, amount: 2 }),
      ev("redemption.reversed", { rewards: [{ reward_id: "r1", amount: 10 }], points: { point_definition_id: "RP", points: 200 } }),
      ev("points.clawed_back", { point_definition_id: "RP", points: 30 }),
      ev("points.expired", { point_definition_id: "RP", points: 70 }),
      ev("points.voided", { point_definition_id: "RP", points: 5 }),
      ev("reward.issued", { reward_definition_id: "BDAY", value: 10 }),
      ev("reward.issued", { reward_definition_id: "BDAY", value: 10 }),
      ev("reward.redeemed", { reward_definition_id: "BDAY", amount: 10 }),
      ev("reward.expired", { reward_definition_id: "BDAY", value_remaining: 10 }),
      ev("reward.voided", { reward_definition_id: "BDAY", value_remaining: 0 }),
    ]);
    expect(totals).toEqual({
      "points_earned||RP@2026-03-10": 500,
      "points_earned||TP@2026-03-10": 50,
      // redeemed 200, then the redemption was reversed: nothing redeemed on balance
      "points_clawed_back||RP@2026-03-10": 30,
      "points_expired||RP@2026-03-10": 70,
      "points_voided||RP@2026-03-10": 5,
      "rewards_issued||BDAY@2026-03-10": 2,
      "rewards_issued_value||BDAY@2026-03-10": 2000,
      // 10 redeemed and 10 reversed: zero, dropped
      "rewards_expired_value||BDAY@2026-03-10": 1000,
    });
  });

  it("dates points earned and clawed back by the receipt (a backfill lands on the history's days), expiry by when it happened", () => {
    const totals = fold([
      ev("points.awarded", { point_definition_id: "RP", points: 40, occurred_at: "2025-06-01T03:00:00.000Z" }),
      ev("points.clawed_back", { point_definition_id: "RP", points: 10, occurred_at: "2025-06-02T03:00:00.000Z" }),
      ev("points.expired", { point_definition_id: "RP", points: 5 }),
    ]);
    expect(totals).toEqual({ "points_earned||RP@2025-06-01": 40, "points_clawed_back||RP@2025-06-02": 10, "points_expired||RP@2026-03-10": 5 });
  });

  it("counts tier moves by outcome", () => {
    const totals = fold([
      ev("tier.achieved", { outcome: "attained", to_tier_id: "GOLD", from_tier_id: "SILVER" }),
      ev("tier.maintained", { outcome: "held_by_floor", to_tier_id: "SILVER", from_tier_id: "SILVER" }),
      ev("tier.downgraded", { outcome: "downgraded", to_tier_id: null, from_tier_id: "GOLD" }),
    ]);
    expect(totals).toEqual({ "tiers_attained||GOLD@2026-03-10": 1, "tiers_maintained||SILVER@2026-03-10": 1, "tiers_downgraded||@2026-03-10": 1 });
  });

  it("counts a tier assigned by hand by where it moved the member: up attained, down or off downgraded, same maintained", () => {
    const totals = fold([
      ev("tier.achieved", { outcome: "assigned", to_tier_id: "PLAT", from_tier_id: "GOLD" }),
      ev("tier.achieved", { outcome: "assigned", to_tier_id: "SILVER", from_tier_id: null }),
      ev("tier.downgraded", { outcome: "assigned", to_tier_id: "SILVER", from_tier_id: "GOLD" }),
      ev("tier.downgraded", { outcome: "assigned", to_tier_id: null, from_tier_id: "SILVER" }),
      ev("tier.achieved", { outcome: "assigned", to_tier_id: "GOLD", from_tier_id: "GOLD" }),
    ]);
    expect(totals).toEqual({
      "tiers_attained||PLAT@2026-03-10": 1,
      "tiers_attained||SILVER@2026-03-10": 1,
      "tiers_downgraded||SILVER@2026-03-10": 1,
      "tiers_downgraded||@2026-03-10": 1,
      "tiers_maintained||GOLD@2026-03-10": 1,
    });
    expect([assignmentAction(null, null, 1), assignmentAction("A", "B", -1), assignmentAction("B", "A", 1)]).toEqual(["maintained", "downgraded", "attain"]);
  });

  it("counts new members on their joined day and location, never system profiles; ignores what it does not read", () => {
    const totals = fold([
      ev("profile.created", { profile: { joined_at: "2026-03-10T01:00:00.000Z", joined_location_id: "L1", type: "active" } }),
      ev("profile.created", { profile: { joined_at: "2026-03-10T01:00:00.000Z", joined_location_id: null, type: "active" } }),
      ev("profile.created", { profile: { joined_at: "2026-03-10T01:00:00.000Z", type: "system" } }),
      ev("profile.updated", { profile: { joined_at: "2026-03-10T01:00:00.000Z" } }),
      ev("transaction.created", { transaction: { transacted_at: "not a date", total: 5 } }),
    ]);
    expect(totals).toEqual({ "new_members|L1|@2026-03-10": 1, "new_members||@2026-03-10": 1 });
  });

  it("counts new members by the channel they joined through (the dimension; '' before channels were kept)", () => {
    const totals = fold([
      ev("profile.created", { profile: { joined_at: "2026-03-10T01:00:00.000Z", joined_location_id: "L1", joined_channel: "console", type: "active" } }),
      ev("profile.created", { profile: { joined_at: "2026-03-10T02:00:00.000Z", joined_location_id: "L1", joined_channel: "api", type: "active" } }),
      ev("profile.created", { profile: { joined_at: "2026-03-10T03:00:00.000Z", joined_location_id: "L1", joined_channel: "api", type: "active" } }),
      ev("profile.created", { profile: { joined_at: "2026-03-10T03:00:00.000Z", joined_location_id: null, joined_channel: null, type: "active" } }),
    ]);
    expect(totals).toEqual({ "new_members|L1|console@2026-03-10": 1, "new_members|L1|api@2026-03-10": 2, "new_members||@2026-03-10": 1 });
  });

  it("agrees with ledgerDeltas, the rebuild's reading of the same facts", () => {
    const at = Date.parse("2026-03-10T01:00:00.000Z");
    const fromLedger: RollupDelta[] = [
      ...ledgerDeltas({ createdAt: at, kind: "points", action: "earn", definitionId: "RP", delta: 500 }, TZ),
      ...ledgerDeltas({ createdAt: at, kind: "points", action: "clawback", definitionId: "RP", delta: -30 }, TZ),
      ...ledgerDeltas({ createdAt: at, kind: "reward", action: "issue", definitionId: "BDAY", delta: 1000 }, TZ),
    ];
    const fromEvents = [
      ...eventDeltas(ev("points.awarded", { point_definition_id: "RP", points: 500 }), TZ),
      ...eventDeltas(ev("points.clawed_back", { point_definition_id: "RP", points: 30 }), TZ),
      ...eventDeltas(ev("reward.issued", { reward_definition_id: "BDAY", value: "10.00" }), TZ),
    ];
    expect(mergeDeltas(fromEvents)).toEqual(mergeDeltas(fromLedger));
  });
});

describe("time zone cuts", () => {
  it("finds Sydney's two offset changes in a year, to the millisecond", () => {
    const segs = offsetSegments(Date.parse("2026-01-01T00:00:00Z"), Date.parse("2026-12-31T00:00:00Z"), TZ);
    expect(segs.map((s) => s.offsetMs / 3_600_000)).toEqual([11, 10, 11]);
    // DST ends 2026-04-05 03:00 local (16:00 UTC the 4th); starts 2026-10-04 02:00 local (16:00 UTC the 3rd)
    expect(new Date(segs[1]!.fromMs).toISOString()).toBe("2026-04-04T16:00:00.000Z");
    expect(new Date(segs[2]!.fromMs).toISOString()).toBe("2026-10-03T16:00:00.000Z");
  });

  it("writes a CASE over the segments, and a plain shift for a zone without changes", () => {
    expect(localDaySql("t", [{ fromMs: Number.MIN_SAFE_INTEGER, offsetMs: 0 }])).toBe("date((t + 0) / 1000, 'unixepoch')");
    expect(localDaySql("t", [{ fromMs: Number.MIN_SAFE_INTEGER, offsetMs: 1 }, { fromMs: 5, offsetMs: 2 }])).toBe("date((t + CASE WHEN t < 5 THEN 1 ELSE 2 END) / 1000, 'unixepoch')");
    expect(() => localDaySql("t; drop", [])).toThrow();
  });
});

describe("periods, buckets and figures", () => {
  it("takes the previous period of the same length", () => {
    expect(previousPeriod("2026-03-01", "2026-03-31")).toEqual({ from: "2026-01-29", to: "2026-02-28" });
    expect(previousPeriod("2026-03-10", "2026-03-10")).toEqual({ from: "2026-03-09", to: "2026-03-09" });
  });

  it("buckets by ISO week and month, with every bucket present", () => {
    expect(bucketOf("2026-03-12", "week")).toBe("2026-03-09");
    expect(bucketOf("2026-03-12", "month")).toBe("2026-03-01");
    expect(bucketsBetween("2026-01-15", "2026-04-02", "month")).toEqual(["2026-01-01", "2026-02-01", "2026-03-01", "2026-04-01"]);
    expect(bucketsBetween("2026-12-28", "2027-01-05", "week")).toEqual(["2026-12-28", "2027-01-04"]);
  });

  it("validates calendar days", () => {
    expect(isCalendarDay("2026-02-28")).toBe(true);
    expect(isCalendarDay("2026-02-30")).toBe(false);
    expect(isCalendarDay("2026-2-1")).toBe(false);
  });

  it("derives ratios, null where the denominator is zero", () => {
    expect(derivedFigures({ revenue: 10000, transactions: 4, member_revenue: 2500, rewards_issued_value: 2000, rewards_redeemed_value: 500 }, 10)).toEqual({
      average_transaction_value: 2500,
      member_revenue_share: 0.25,
      redemption_rate: 0.25,
      issuance_per_active_member: 200,
    });
    expect(derivedFigures({}, 0)).toEqual({ average_transaction_value: null, member_revenue_share: null, redemption_rate: null, issuance_per_active_member: null });
    expect(delta(150, 100)).toBe(0.5);
    expect(delta(5, 0)).toBeNull();
  });
});
