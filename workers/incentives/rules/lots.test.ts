// Unit tests for points lots: FIFO spending (soonest expiry, then oldest), pending and expired lots, all
// or nothing, return claw-back (the purchase's own lots, then the newest), expiry at the exact instant.
import { describe, expect, it } from "vitest";
import {
  type PointsLot,
  applyLotAllocations,
  clawBackReturn,
  compareLotsForSpending,
  expireLots,
  isLotExpired,
  isLotSpendable,
  lotBalance,
  nextLotExpiry,
  spendPoints,
} from "./lots";

const d = (s: string) => new Date(s);
const lot = (id: string, points: number, earned: string, expires: string | null, extra: Partial<PointsLot> = {}): PointsLot => ({
  id,
  definitionId: "P",
  pointsRemaining: points,
  earnedAt: d(earned),
  expiresAt: expires ? d(expires) : null,
  spendableAt: d(earned),
  sourceTransactionId: null,
  ...extra,
});

const AT = d("2026-06-01T00:00:00Z");
const LOTS: PointsLot[] = [
  lot("A", 100, "2026-01-01T00:00:00Z", "2026-07-01T00:00:00Z"),
  lot("B", 50, "2026-02-01T00:00:00Z", "2026-06-15T00:00:00Z"), // soonest expiry
  lot("C", 200, "2025-12-01T00:00:00Z", null), // oldest, but never expires: last
  lot("D", 30, "2026-05-25T00:00:00Z", null, { spendableAt: d("2026-06-08T00:00:00Z") }), // pending
  lot("E", 40, "2025-06-01T00:00:00Z", "2026-06-01T00:00:00Z"), // expires at the exact instant
  lot("F", 0, "2026-01-01T00:00:00Z", "2026-06-02T00:00:00Z"), // empty
  lot("G", 70, "2026-03-01T00:00:00Z", "2026-07-01T00:00:00Z"), // same expiry as A, earned later
];

describe("lot states", () => {
  it.each([
    ["A", AT, true],
    ["D pending", AT, false],
    ["D at the end of its pending period", d("2026-06-08T00:00:00Z"), true],
    ["E at its expiry instant", AT, false],
    ["E a millisecond before", d("2026-05-31T23:59:59.999Z"), true],
    ["F empty", AT, false],
  ])("%s spendable at %s: %s", (name, at, spendable) => {
    const l = LOTS.find((x) => x.id === name[0])!;
    expect(isLotSpendable(l, at)).toBe(spendable);
  });

  it("expires from the expiry instant on, never for null", () => {
    expect(isLotExpired({ expiresAt: AT }, AT)).toBe(true);
    expect(isLotExpired({ expiresAt: AT }, new Date(AT.getTime() - 1))).toBe(false);
    expect(isLotExpired({ expiresAt: null }, d("9999-01-01T00:00:00Z"))).toBe(false);
  });

  it("orders lots soonest expiry, never last, then oldest, then id", () => {
    expect([...LOTS].sort(compareLotsForSpending).map((l) => l.id)).toEqual(["E", "F", "B", "A", "G", "C", "D"]);
    const twins = [lot("y", 1, "2026-01-01T00:00:00Z", null), lot("x", 1, "2026-01-01T00:00:00Z", null)];
    expect(twins.sort(compareLotsForSpending).map((l) => l.id)).toEqual(["x", "y"]);
  });

  it("splits the balance into spendable and pending, without expired lots", () => {
    expect(lotBalance(LOTS, AT)).toEqual({ spendable: 420, pending: 30, total: 450 });
    expect(lotBalance(LOTS, d("2026-05-31T23:59:59.999Z"))).toEqual({ spendable: 460, pending: 30, total: 490 });
    expect(lotBalance(LOTS, d("2026-06-15T00:00:00Z"))).toEqual({ spendable: 400, pending: 0, total: 400 }); // B has expired, D is spendable
    expect(lotBalance([], AT)).toEqual({ spendable: 0, pending: 0, total: 0 });
  });
});

describe("spending points FIFO", () => {
  it.each([
    [0, []],
    [30, [["B", 30]]],
    [50, [["B", 50]]],
    [51, [["B", 50], ["A", 1]]],
    [220, [["B", 50], ["A", 100], ["G", 70]]],
    [221, [["B", 50], ["A", 100], ["G", 70], ["C", 1]]],
    [420, [["B", 50], ["A", 100], ["G", 70], ["C", 200]]], // the exact balance
  ])("spends %i as %j", (amount, expected) => {
    const r = spendPoints(LOTS, amount, AT);
    expect(r).toEqual({ ok: true, points: amount, allocations: expected.map(([lotId, points]) => ({ lotId, points })) });
  });

  it("refuses more than the spendable balance, naming the shortfall, and spends nothing", () => {
    expect(spendPoints(LOTS, 421, AT)).toEqual({
      ok: false,
      code: "insufficient_balance",
      message: "cannot spend 421 points: 420 spendable",
      requested: 421,
      available: 420,
      shortfall: 1,
    });
  });

  it("does not count pending points, even when they would cover it", () => {
    expect(spendPoints(LOTS, 450, AT)).toMatchObject({ ok: false, available: 420, shortfall: 30 });
    expect(spendPoints(LOTS, 450, d("2026-06-08T00:00:00Z"))).toMatchObject({ ok: true }); // once D is spendable
    expect(spendPoints(LOTS, 450, d("2026-06-15T00:00:00Z"))).toMatchObject({ ok: false, available: 400 }); // …until B expires
  });

  it("can spend a lot up to the millisecond before it expires", () => {
    const r = spendPoints(LOTS, 40, d("2026-05-31T23:59:59.999Z"));
    expect(r).toEqual({ ok: true, points: 40, allocations: [{ lotId: "E", points: 40 }] });
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])("refuses %d as an amount", (amount) => {
    expect(spendPoints(LOTS, amount, AT)).toMatchObject({ ok: false, code: "invalid_amount" });
  });

  it("refuses with nothing to spend", () => {
    expect(spendPoints([], 1, AT)).toMatchObject({ ok: false, available: 0, shortfall: 1 });
    expect(spendPoints([], 0, AT)).toEqual({ ok: true, points: 0, allocations: [] });
  });

  it("refuses lots of two definitions and lots that are not whole points", () => {
    expect(() => spendPoints([lot("a", 1, "2026-01-01T00:00:00Z", null), lot("b", 1, "2026-01-01T00:00:00Z", null, { definitionId: "Q" })], 1, AT)).toThrow(RangeError);
    expect(() => spendPoints([lot("a", -5, "2026-01-01T00:00:00Z", null)], 1, AT)).toThrow(RangeError);
    expect(() => spendPoints([lot("a", 1.5, "2026-01-01T00:00:00Z", null)], 1, AT)).toThrow(RangeError);
  });

  it("never takes more from a lot than it holds, and takes exactly the amount", () => {
    for (let amount = 0; amount <= 420; amount += 7) {
      const r = spendPoints(LOTS, amount, AT);
      if (!r.ok) throw new Error(r.message);
      expect(r.allocations.reduce((s, a) => s + a.points, 0)).toBe(amount);
      const after = applyLotAllocations(LOTS, r.allocations, -1);
      expect(after.every((l) => l.pointsRemaining >= 0)).toBe(true);
    }
  });
});

describe("clawing back a return", () => {
  const at = d("2026-06-10T00:00:00Z");
  const lots: PointsLot[] = [
    lot("old", 100, "2025-01-01T00:00:00Z", null),
    lot("mid", 40, "2026-03-01T00:00:00Z", null),
    lot("new", 25, "2026-06-05T00:00:00Z", null, { spendableAt: d("2026-06-19T00:00:00Z") }), // pending: still counts
    lot("t1-a", 60, "2026-06-01T00:00:00Z", null, { sourceTransactionId: "T1", spendableAt: d("2026-06-15T00:00:00Z") }),
    lot("t1-b", 10, "2026-06-01T00:00:01Z", null, { sourceTransactionId: "T1" }),
    lot("gone", 500, "2025-06-01T00:00:00Z", "2026-06-01T00:00:00Z"), // expired: its points are already gone
    lot("empty", 0, "2026-06-09T00:00:00Z", null),
  ];

  it.each([
    ["nothing", 0, "T1", [], 0, 0],
    ["from the purchase's own lot", 50, "T1", [["t1-a", 50]], 50, 0],
    ["the purchase's lots oldest first", 65, "T1", [["t1-a", 60], ["t1-b", 5]], 65, 0],
    ["then the newest other lots", 100, "T1", [["t1-a", 60], ["t1-b", 10], ["new", 25], ["mid", 5]], 100, 0],
    ["an unlinked return takes the newest lots", 30, null, [["new", 25], ["t1-b", 5]], 30, 0],
    ["a return of another purchase", 30, "T9", [["new", 25], ["t1-b", 5]], 30, 0],
    ["everything there is, then a shortfall", 300, "T1", [["t1-a", 60], ["t1-b", 10], ["new", 25], ["mid", 40], ["old", 100]], 235, 65],
  ])("%s", (_name, points, source, expected, clawedBack, shortfall) => {
    expect(clawBackReturn(lots, points, source, at)).toEqual({
      allocations: expected.map(([lotId, p]) => ({ lotId, points: p })),
      clawedBack,
      shortfall,
    });
  });

  it("reports the whole amount as shortfall when the purchase's points were already spent and nothing is left", () => {
    expect(clawBackReturn([lot("t1", 0, "2026-06-01T00:00:00Z", null, { sourceTransactionId: "T1" })], 40, "T1", at)).toEqual({ allocations: [], clawedBack: 0, shortfall: 40 });
  });

  it.each([-1, 2.5, Number.NaN])("refuses %d points", (points) => {
    expect(() => clawBackReturn(lots, points, "T1", at)).toThrow(RangeError);
  });

  it("never takes a lot below zero", () => {
    const r = clawBackReturn(lots, 10_000, "T1", at);
    expect(applyLotAllocations(lots, r.allocations, -1).every((l) => l.pointsRemaining >= 0)).toBe(true);
  });
});

describe("expiring lots", () => {
  it.each([
    ["a millisecond before: nothing", "2026-05-31T23:59:59.999Z", [], 0],
    ["at the exact instant", "2026-06-01T00:00:00Z", [["E", 40]], 40],
    ["later, soonest first (empty lots skipped)", "2026-07-01T00:00:00Z", [["E", 40], ["B", 50], ["A", 100], ["G", 70]], 260],
    ["never-expiring lots never go", "2099-01-01T00:00:00Z", [["E", 40], ["B", 50], ["A", 100], ["G", 70]], 260],
  ])("%s", (_name, at, expected, points) => {
    expect(expireLots(LOTS, d(at))).toEqual({ expired: expected.map(([lotId, p]) => ({ lotId, points: p })), points });
  });

  it("finds the next expiry for the alarm", () => {
    expect(nextLotExpiry(LOTS, d("2026-05-01T00:00:00Z"))?.toISOString()).toBe("2026-06-01T00:00:00.000Z");
    // at E's instant E is expired; F is empty; next is B
    expect(nextLotExpiry(LOTS, AT)?.toISOString()).toBe("2026-06-15T00:00:00.000Z");
    expect(nextLotExpiry(LOTS, d("2026-07-01T00:00:00Z"))).toBeNull();
    expect(nextLotExpiry([], AT)).toBeNull();
  });
});

describe("applying allocations", () => {
  it("takes and gives back exactly", () => {
    const r = spendPoints(LOTS, 221, AT);
    if (!r.ok) throw new Error(r.message);
    const spent = applyLotAllocations(LOTS, r.allocations, -1);
    expect(spent.find((l) => l.id === "C")!.pointsRemaining).toBe(199);
    expect(applyLotAllocations(spent, r.allocations, 1)).toEqual(LOTS);
  });

  it.each([
    [[{ lotId: "nope", points: 1 }], "an unknown lot"],
    [[{ lotId: "B", points: 51 }], "more than the lot holds"],
    [[{ lotId: "B", points: 0 }], "a zero allocation"],
    [[{ lotId: "B", points: -1 }], "a negative allocation"],
    [[{ lotId: "B", points: 30 }, { lotId: "B", points: 30 }], "two that together overdraw"],
  ])("throws on %j (%s)", (allocations) => {
    expect(() => applyLotAllocations(LOTS, allocations, -1)).toThrow(RangeError);
  });
});
