// The "points expiring within N days" automation condition: matches exactly the profiles holding points
// that expire inside the window (the ledger DO projects each profile's earliest points expiry to D1), not
// those whose points expire later, never, or are spent.
import { describe, expect, it } from "vitest";
import { systemActor } from "../../../workers/access/actor";
import { api, makeToken, services } from "../helpers";
import { json, ledgerStub, makeProfile, uid } from "../incentives/ledger-support";
import { create, pointBody } from "../incentives/support";

describe("automation query: points_expiring_within_days", () => {
  it("matches the profiles whose held points expire inside the window, and only them", async () => {
    const { token } = await makeToken(["*"], { role: "admin" });
    const soon = await create(token, "/points/definitions", pointBody({ expiry_days: 10 }));
    const later = await create(token, "/points/definitions", pointBody({ expiry_days: 100 }));
    const never = await create(token, "/points/definitions", pointBody({ expiry_days: null }));
    const tag = uid("pe-");
    const [a, b, c, d] = [await makeProfile(token, { tags: [tag] }), await makeProfile(token, { tags: [tag] }), await makeProfile(token, { tags: [tag] }), await makeProfile(token, { tags: [tag] })];
    const s = services();
    const actor = systemActor("test");
    await s.ledger.issuePoints(a.id, { point_definition_id: soon.id, value: 50, reason: "t" }, actor);
    await s.ledger.issuePoints(a.id, { point_definition_id: later.id, value: 50, reason: "t" }, actor);
    await s.ledger.issuePoints(b.id, { point_definition_id: later.id, value: 50, reason: "t" }, actor);
    await s.ledger.issuePoints(c.id, { point_definition_id: never.id, value: 50, reason: "t" }, actor);
    for (const p of [a, b, c, d]) await ledgerStub(p.id).flush();

    const sample = async (days: number) =>
      json<{ count: number; profiles: Array<{ id: string }> }>(
        await api("/automations/queries/samples", { method: "POST", token, json: { query: [{ type: "has_tag", tag }, { type: "points_expiring_within_days", days }], limit: 10 } }),
        200,
      );
    const within30 = await sample(30);
    expect(within30.profiles.map((p) => p.id)).toEqual([a.id]);
    expect(within30.count).toBe(1);
    expect((await sample(365)).profiles.map((p) => p.id).sort()).toEqual([a.id, b.id].sort());
    expect((await sample(5)).count).toBe(0);
  });
});
