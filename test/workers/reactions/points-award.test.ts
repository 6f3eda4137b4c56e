// points.award through the earn rates: `spend` instead of `points` awards what the definition's live rates
// give that spend for the profile acted on (its profile conditions apply), once per (event, trigger); no
// matching rate awards nothing and is recorded as skipped; `points` and `spend` are one or the other.
import { describe, expect, it } from "vitest";
import { triggers } from "../../../db/schema";
import { api, countRows, makeToken, problem } from "../helpers";
import { balances, makeProfile, pointsOf, pointsProgramme } from "../incentives/ledger-support";
import { create, rateBody } from "../incentives/support";
import { createTrigger, deliver, eventsOf } from "./support";

const awardOnSignup = (definition: string, args: Array<Record<string, unknown>>) => ({
  name: "Welcome points through the rates",
  trigger: "profiles.create",
  is_active: true,
  actions: [{ uuid: "points.award", name: "Award", arguments: [{ name: "profile_id", value: { var: "profile_id" }, is_dynamic: true }, { name: "definition", value: definition }, ...args] }],
});

describe("points.award through the earn rates", () => {
  it("awards what the live rates give the spend for that profile, once per event", async () => {
    const { token } = await makeToken(["*"], { role: "admin" });
    const { def } = await pointsProgramme(token);
    // a more specific rate for Veras: 3 points a dollar
    await create(token, "/rates", rateBody(def.id, { multiplier: 3, profile_condition: { "==": [{ var: "first_name" }, "Vera"] } }));
    const trigger = await createTrigger(token, awardOnSignup(def.handle, [{ name: "spend", value: "12.50" }]));
    expect(trigger.id).toBeTruthy();

    const sam = await makeProfile(token);
    const vera = await makeProfile(token, { first_name: "Vera" });
    for (const p of [sam, vera]) {
      const [created] = await eventsOf(p.id, "profile.created");
      await deliver(created!);
      await deliver(created!); // a redelivery awards nothing more
    }
    expect(pointsOf(await balances(token, sam.id), def.id)).toBe(12);
    expect(pointsOf(await balances(token, vera.id), def.id)).toBe(37);
  });

  it("with no rate for the definition awards nothing and records the action as skipped", async () => {
    const { token } = await makeToken(["*"], { role: "admin" });
    const def = await create(token, "/points/definitions", { name: "No rates", handle: `norate-${crypto.randomUUID().slice(0, 8)}`, kind: "reward", points_per_dollar: 100, expiry_days: null });
    const trigger = await createTrigger(token, awardOnSignup(def.handle, [{ name: "spend", value: 20 }]));
    const p = await makeProfile(token);
    const [created] = await eventsOf(p.id, "profile.created");
    await deliver(created!);
    expect(pointsOf(await balances(token, p.id), def.id)).toBe(0);
    const runs = await (await api(`/action-history?filter[profile_id]=${p.id}&filter[trigger_id]=${trigger.id}`, { token })).json<{ data: Array<{ actions: Array<{ type: string; status: string }> }> }>();
    expect(runs.data.flatMap((r) => r.actions).map((o) => [o.type, o.status])).toEqual([["points.award", "skipped"]]);
  });

  it.each([
    [[{ name: "points", value: 10 }, { name: "spend", value: 10 }], /not both/],
    [[], /not neither/],
    [[{ name: "spend", value: "ten" }], /dollars/],
  ])("refuses points.award with %j, saving nothing", async (args, msg) => {
    const { token } = await makeToken(["*"], { role: "admin" });
    const { def } = await pointsProgramme(token);
    const before = await countRows(triggers);
    const res = await api("/triggers", { method: "POST", token, json: awardOnSignup(def.handle, args) });
    expect(res.status).toBe(422);
    expect(JSON.stringify((await problem(res)).errors)).toMatch(msg);
    expect(await countRows(triggers)).toBe(before);
  });
});
