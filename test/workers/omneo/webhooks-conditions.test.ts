// Omneo's `not_in` condition operator (the SDK's webhook tests create webhooks with
// `{and: [{not_in: ["@test@test.com", {var: "profile.email"}]}]}`): accepted and evaluated as "not in";
// an operator nobody can evaluate (`{test: 123}`) is still refused with the field named.
import { beforeAll, describe, expect, it } from "vitest";
import { conditionErrors, conditionHolds } from "../../../workers/incentives/rules/conditions";
import { api, makeToken, problem } from "../helpers";

let token: string;
const sdkCondition = { and: [{ not_in: ["@test@test.com", { var: "profile.email" }] }] };

beforeAll(async () => {
  token = (await makeToken(["*"])).token;
});

describe("not_in", () => {
  it("is valid with two arguments and holds when the value is not in the list or string", () => {
    expect(conditionErrors(sdkCondition)).toEqual([]);
    expect(conditionHolds(sdkCondition, { profile: { email: "ann@example.com" } })).toBe(true);
    expect(conditionHolds(sdkCondition, { profile: { email: "ann@test@test.com" } })).toBe(false);
    expect(conditionHolds({ not_in: ["gold", ["silver", "gold"]] }, {})).toBe(false);
    expect(conditionHolds({ not_in: ["bronze", ["silver", "gold"]] }, {})).toBe(true);
    // nothing to look in: the value is not in it
    expect(conditionHolds({ not_in: ["x", { var: "missing" }] }, {})).toBe(true);
    expect(conditionErrors({ not_in: ["x"] }).join(" ")).toMatch(/not_in/);
  });

  it("lets a webhook be created with the SDK's condition, and refuses an unknown operator by name", async () => {
    const ok = await api("/webhooks", {
      method: "POST",
      token,
      json: { trigger: "profiles.create", url: `https://example.com/hook/${crypto.randomUUID()}`, is_active: false, queue: "low", retry_daily: false, retry_hourly: true, namespace: "conditions-test", condition: sdkCondition },
    });
    expect(ok.status).toBe(201);
    const created = ((await ok.json()) as { data: { id: string; condition: unknown } }).data;
    expect(created.condition).toEqual(sdkCondition);

    const bad = await api(`/webhooks/${created.id}`, { method: "PUT", token, json: { condition: { test: 123 } } });
    expect(bad.status).toBe(422);
    expect(JSON.stringify((await problem(bad)).errors?.condition)).toContain("unknown operator");
  });
});
