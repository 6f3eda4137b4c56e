import { describe, expect, it } from "vitest";
import { canonicalEventType, EVENT_TYPES } from "./catalogue";

describe("canonicalEventType", () => {
  it("knows every catalogue type by its own name", () => {
    for (const t of EVENT_TYPES) expect(canonicalEventType(t)).toBe(t);
  });

  it.each([
    ["profiles.create", "profile.created"],
    ["profiles.created", "profile.created"],
    ["profile.create", "profile.created"],
    ["Profiles.Update", "profile.updated"],
    ["transactions.create", "transaction.created"],
    ["rewards.created", "reward.issued"],
    ["reward.created", "reward.issued"],
    ["rewards.create", "reward.issued"],
    ["benefits.create", "benefit.issued"],
    ["benefit.created", "benefit.issued"],
    ["rewards.redeem", "reward.redeemed"],
    ["tiers.downgrade", "tier.downgraded"],
    ["products.created", "product.created"],
    ["products.update", "product.updated"],
  ])("reads Omneo's %s as %s", (omneo, ours) => {
    expect(canonicalEventType(omneo)).toBe(ours);
  });

  it.each(["regions.created", "profiles.explode", "profile", ".created", "nonsense.create"])("refuses %s", (t) => {
    expect(canonicalEventType(t)).toBeNull();
  });
});
