// The rules' public surface: index.ts re-exports every module without a name clash, and the pieces
// work together (earn → lots → redemption → reversal) the way the ledger DO will chain them.
import { describe, expect, it } from "vitest";
import * as rules from "./index";

describe("the incentive rules together", () => {
  it("exports each module's API", () => {
    for (const name of ["calculateEarn", "spendPoints", "clawBackReturn", "expireLots", "onPoints", "maintain", "progress", "levelsReached", "visibleTo", "allocateRedemption", "canReverse", "expiresAt", "reminderTimes", "conditionErrors", "addMonths"]) {
      expect(typeof (rules as Record<string, unknown>)[name], name).toBe("function");
    }
  });

  it("earns on a purchase, spends after the pending period, claws back a return, never below zero", () => {
    const tz = "Australia/Sydney";
    const bought = new Date("2026-03-02T01:00:00Z");
    const earn = rules.calculateEarn({ locationId: "L1", timezone: tz, totalCents: 12_345, items: [{ quantity: 1, priceSell: 12_345 }] }, {}, [
      { id: "base", pointDefinitionId: "P", multiplier: 1, priority: 0 },
    ], bought);
    expect(earn).toEqual([{ pointDefinitionId: "P", rateId: "base", eligibleSpendCents: 12_345, points: 123, specificity: 0 }]);

    let lots: rules.PointsLot[] = [{
      id: "lot-1",
      definitionId: "P",
      pointsRemaining: earn[0]!.points,
      earnedAt: bought,
      expiresAt: rules.expiresAt({ periodDays: 365 }, bought, tz),
      spendableAt: rules.spendableAt(bought, 14, tz),
      sourceTransactionId: "T1",
    }];
    // pending: not redeemable yet
    const early = rules.allocateRedemption({ strategy: "points", amountCents: 100, rewards: [], points: { definitionId: "P", pointsPerDollar: 100, lots } }, new Date("2026-03-10T00:00:00Z"));
    expect(early).toMatchObject({ ok: false, code: "insufficient_balance", availableCents: 0 });
    // after 14 days: redeem $1.00 = 100 points
    const later = new Date("2026-03-20T00:00:00Z");
    const redeemed = rules.allocateRedemption({ strategy: "points", amountCents: 100, rewards: [], points: { definitionId: "P", pointsPerDollar: 100, lots } }, later);
    if (!redeemed.ok) throw new Error(redeemed.message);
    lots = rules.applyRedemption([], lots, redeemed.breakdown, -1).lots;
    expect(lots[0]!.pointsRemaining).toBe(23);
    // the whole purchase comes back: 123 to claw back, 23 left, 100 short (recorded, never negative)
    const back = rules.calculateEarn({ locationId: "L1", timezone: tz, totalCents: -12_345, items: [{ quantity: -1, priceSell: 12_345 }] }, {}, [
      { id: "base", pointDefinitionId: "P", multiplier: 1, priority: 0 },
    ], later);
    const claw = rules.clawBackReturn(lots, -back[0]!.points, "T1", later);
    expect(claw).toEqual({ allocations: [{ lotId: "lot-1", points: 23 }], clawedBack: 23, shortfall: 100 });
  });
});
