// Unit tests for the event catalogue (Omneo aliases) and the pure context composition: profile fields
// at the root, the subject under its own key, the rest of the data under event.data, and JSON Logic
// conditions reading the context the way a trigger or webhook condition will.
import { describe, expect, it } from "vitest";
import { conditionHolds } from "../incentives/rules/conditions";
import { canonicalEventType, subjectKeyOf, unknownEventTypeMessage } from "./catalogue";
import { composeEventContext, definitionRefOf, SAMPLE_PARTS, sampleContext, splitSubject } from "./context";
import type { DomainEvent } from "../platform/outbox";

const event = (type: string, data: Record<string, unknown>, depth = 0): DomainEvent => ({
  id: "e1",
  type,
  occurred_at: "2026-01-01T00:00:00.000Z",
  profile_id: SAMPLE_PARTS.profile!.id,
  data,
  causation: depth ? { eventId: "e0", depth } : null,
});

describe("event catalogue", () => {
  it.each([
    ["reward.issued", "reward.issued"],
    ["reward.created", "reward.issued"],
    ["benefit.created", "benefit.issued"],
    ["  Transaction.Created ", "transaction.created"],
    ["reward.nope", null],
    ["", null],
  ])("%j is %j", (given, want) => expect(canonicalEventType(given)).toBe(want));

  it("names the subject key of each type", () => {
    expect(subjectKeyOf("transaction.voided")).toBe("transaction");
    expect(subjectKeyOf("reward.created")).toBe("reward");
    expect(subjectKeyOf("tier.achieved")).toBe("tier_change");
    expect(subjectKeyOf("custom.thing")).toBe("custom");
  });

  it("an unknown type's message lists its siblings", () => {
    expect(unknownEventTypeMessage("reward.isued")).toContain("reward.issued");
    expect(unknownEventTypeMessage("zzz.x")).toContain("catalogue");
  });
});

describe("splitSubject", () => {
  it("takes a nested subject and keeps the rest", () => {
    expect(splitSubject("transaction.voided", { transaction: { id: "t" }, reason: "oops" })).toEqual({ key: "transaction", subject: { id: "t" }, rest: { reason: "oops" } });
  });
  it("flat data is its own subject", () => {
    expect(splitSubject("reward.issued", { reward_id: "r", value: 10 })).toEqual({ key: "reward", subject: { reward_id: "r", value: 10 }, rest: {} });
  });
});

describe("definitionRefOf", () => {
  it.each([
    ["reward.issued", { reward_definition_id: "d" }, ["reward", "d"]],
    ["points.awarded", { point_definition_id: "p" }, ["point", "p"]],
    ["tier.achieved", { to_tier_id: "t" }, ["tier", "t"]],
    ["transaction.created", { transaction: {} }, null],
  ] as const)("%s", (type, data, want) => expect(definitionRefOf(type, data)).toEqual(want));
});

describe("composeEventContext", () => {
  const ctx = composeEventContext(event("reward.created", { reward_id: "r1", value: 10, reward_definition_id: "d1" }, 2), {
    ...SAMPLE_PARTS,
    definition: { id: "d1", handle: "birthday", name: "Birthday $10" },
  });

  it("puts the profile at the root, with balances, tier and flattened tags", () => {
    expect(ctx).toMatchObject({
      profile_id: SAMPLE_PARTS.profile!.id,
      first_name: "Jane",
      last_name: "Citizen",
      email: "jane.citizen@example.com",
      mobile_phone: "+61400000000",
      joined_at: "2024-03-01T00:00:00.000Z",
      tier_handle: "gold",
      tier: { handle: "gold", name: "Gold" },
      reward_balance: 10,
      point_balance: 250,
      combined_balance_dollars: 12.5,
      flattened_tags: "vip",
      attributes: { comms: { email_promo: true } },
    });
  });

  it("puts the subject under its key, the definition beside it, and the event with its canonical type and depth", () => {
    expect(ctx.reward).toEqual({ reward_id: "r1", value: 10, reward_definition_id: "d1" });
    expect(ctx.definition).toMatchObject({ handle: "birthday" });
    expect(ctx.event).toEqual({ id: "e1", type: "reward.issued", occurred_at: "2026-01-01T00:00:00.000Z", depth: 2, data: {} });
  });

  it("without a profile the root still has the keys conditions read", () => {
    const bare = composeEventContext({ ...event("transaction.created", { transaction: { total: 5 } }), profile_id: null }, { profile: null, aggregations: null, balances: null, tier: null, definition: null });
    expect(bare).toMatchObject({ profile_id: null, tier: null, reward_balance: 0, flattened_tags: "", transaction: { total: 5 } });
  });

  it.each([
    [{ "==": [{ var: "tier_handle" }, "gold"] }, true],
    [{ ">=": [{ var: "reward.value" }, 10] }, true],
    [{ in: ["vip", { var: "tags" }] }, true],
    [{ "==": [{ var: "definition.handle" }, "welcome"] }, false],
    [{ "<": [{ var: "combined_balance_dollars" }, 5] }, false],
  ])("condition %j over the context is %s", (condition, want) => expect(conditionHolds(condition, ctx)).toBe(want));

  it("the sample context renders a transaction preview without reads", () => {
    expect(sampleContext("transaction.created", { transaction: { total: 42 } })).toMatchObject({ first_name: "Jane", transaction: { total: 42 } });
  });
});
