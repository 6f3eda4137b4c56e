// Unit tests for JSON Logic conditions: the strict validator (what the config API refuses with a 422)
// and evaluation (truthiness, missing conditions, data of an unexpected shape).
import { describe, expect, it } from "vitest";
import { CONDITION_MAX_DEPTH, CONDITION_MAX_NODES, conditionErrors, conditionHolds } from "./conditions";

describe("valid conditions", () => {
  it.each([
    ["equality on a variable", { "==": [{ var: "tier" }, "gold"] }],
    ["unary sugar", { "!": { var: "is_staff" } }],
    ["a boolean", true],
    ["false", false],
    ["and / or / in", { and: [{ in: ["vip", { var: "tags" }] }, { or: [{ ">=": [{ var: "aggregations.spend_12m" }, 500] }, { "==": [{ var: "gender" }, "f"] }] }] }],
    ["between", { "<=": [18, { var: "age" }, 65] }],
    ["if with else", { if: [{ var: "vip" }, 2, 1] }],
    ["if with else-if", { if: [{ var: "a" }, 1, { var: "b" }, 2, 3] }],
    ["var with a default", { var: ["birth_month", 0] }],
    ["var with a numeric path", { var: 1 }],
    ["var of the whole data", { var: "" }],
    ["a computed var path", { var: { cat: ["attr.", "size"] } }],
    ["missing", { missing: ["email", "mobile_phone"] }],
    ["missing_some", { missing_some: [1, ["email", "mobile_phone"]] }],
    ["some over a list", { some: [{ var: "items" }, { "==": [{ var: "category" }, "shoes"] }] }],
    ["reduce", { reduce: [{ var: "items" }, { "+": [{ var: "current" }, { var: "accumulator" }] }, 0] }],
    ["arithmetic", { ">": [{ "*": [{ var: "price_sell" }, { var: "quantity" }] }, 100] }],
    ["strings", { "==": [{ substr: [{ var: "sku" }, 0, 3] }, "SHO"] }],
    ["merge and cat", { in: ["a", { merge: [["a"], { var: "x" }] }] }],
    ["null literal", { "==": [{ var: "company" }, null] }],
  ])("accepts %s", (_name, condition) => {
    expect(conditionErrors(condition)).toEqual([]);
  });
});

describe("invalid conditions", () => {
  it.each([
    ["an unknown operator", { "~=": [1, 2] }, 'unknown operator "~="'],
    ["a misspelt operator, nested", { and: [true, { ">==": [1, 2] }] }, 'and[1].>==: unknown operator ">=="'],
    ["log (a side effect)", { log: "x" }, 'unknown operator "log"'],
    ["a method-call operator", { "Math.max": [1, 2] }, 'unknown operator "Math.max"'],
    ["two operator keys", { "==": [1, 1], "!=": [1, 2] }, "exactly one operator key"],
    ["an empty object", {}, "an empty object is not an operation"],
    ["an empty object inside", { and: [{}] }, "an empty object is not an operation"],
    ["too many arguments", { "==": [1, 2, 3] }, "==: takes 2 arguments, got 3"],
    ["too few arguments", { ">": [1] }, ">: takes 2 arguments, got 1"],
    ["! with two", { "!": [true, false] }, "!: takes 1 argument, got 2"],
    ["an if without else", { if: [true, 1] }, "odd number of arguments"],
    ["an if with an even count", { if: [true, 1, false, 2] }, "odd number of arguments"],
    ["and with nothing", { and: [] }, "and: takes at least 1 argument, got 0"],
    ["var with three", { var: ["a", 1, 2] }, "var: takes 0 to 2 arguments, got 3"],
    ["var into __proto__", { var: "__proto__.polluted" }, 'may not use "__proto__"'],
    ["var into constructor", { "==": [{ var: "a.constructor" }, 1] }, 'may not use "constructor"'],
    ["var with a boolean path", { var: true }, "a variable path must be a string"],
    ["missing_some without a count", { missing_some: ["x", ["a"]] }, "the first argument must be a whole number"],
    ["missing_some without a list", { missing_some: [1, "a"] }, "the second argument must be a list"],
    ["a root string", "gold", "a condition must be a JSON Logic operation"],
    ["a root number", 1, "a condition must be a JSON Logic operation"],
    ["a root list", [{ "==": [1, 1] }], "a condition must be a JSON Logic operation"],
    ["a root null", null, "a condition must be a JSON Logic operation"],
    ["undefined", undefined, "a condition must be a JSON Logic operation"],
    ["NaN inside", { "==": [{ var: "x" }, Number.NaN] }, "NaN is not a JSON number"],
    ["Infinity inside", { "<": [{ var: "x" }, Number.POSITIVE_INFINITY] }, "Infinity is not a JSON number"],
    ["a Date inside", { "==": [{ var: "x" }, new Date(0)] }, "a Date is not JSON"],
    ["undefined inside", { "==": [{ var: "x" }, undefined] }, "undefined is not JSON"],
  ])("refuses %s", (_name, condition, message) => {
    const errors = conditionErrors(condition);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.join(" | ")).toContain(message);
  });

  it("names every problem, with its path", () => {
    expect(conditionErrors({ and: [{ "=": [1, 1] }, { or: [{ "==": [1] }] }] })).toEqual([
      'and[0].=: unknown operator "="',
      "and[1].or[0].==: takes 2 arguments, got 1",
    ]);
  });

  it("refuses conditions nested too deep or too large", () => {
    let deep: unknown = true;
    for (let i = 0; i < CONDITION_MAX_DEPTH + 5; i++) deep = { "!": [deep] };
    expect(conditionErrors(deep).join(" ")).toContain("nested deeper than");
    const wide = { or: Array.from({ length: CONDITION_MAX_NODES + 1 }, () => true) };
    expect(conditionErrors(wide)).toEqual([`a condition may have at most ${CONDITION_MAX_NODES} parts`]);
  });
});

describe("evaluating conditions", () => {
  const profile = { tier: "gold", tags: ["vip"], aggregations: { spend_12m: 750 }, items: [] as unknown[] };

  it.each([
    ["a missing condition holds", null, true],
    ["an undefined condition holds", undefined, true],
    ["true", true, true],
    ["false", false, false],
    ["a match", { "==": [{ var: "tier" }, "gold"] }, true],
    ["a miss", { "==": [{ var: "tier" }, "silver"] }, false],
    ["a nested path", { ">=": [{ var: "aggregations.spend_12m" }, 500] }, true],
    ["membership", { in: ["vip", { var: "tags" }] }, true],
    ["an absent variable is null", { "==": [{ var: "nope.deeper" }, null] }, true],
    // JSON Logic truthiness: an empty list is false
    ["an empty list is false", { var: "items" }, false],
    ["zero is false", { "+": [0] }, false],
  ])("%s", (_name, condition, holds) => {
    expect(conditionHolds(condition, profile)).toBe(holds);
  });

  it("never lets an invalid condition hold", () => {
    // json-logic-js reads a two-key object as a literal, which is truthy: it would match everyone
    expect(conditionHolds({ tier: "gold", x: 1 }, profile)).toBe(false);
    // an unknown operator throws inside json-logic-js
    expect(conditionHolds({ nope: [1] }, profile)).toBe(false);
    expect(conditionHolds("gold", profile)).toBe(false);
  });

  it("counts a valid condition that throws on odd data as not holding", () => {
    // "in" calls the haystack's indexOf: data whose indexOf throws stands for any odd shape
    const throwing = { in: ["a", { var: "weird" }] };
    const data = { weird: { indexOf: () => { throw new Error("boom"); } } };
    expect(conditionHolds(throwing, data)).toBe(false);
  });
});
