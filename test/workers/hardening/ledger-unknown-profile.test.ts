// Issue 14: "Balance and redemption reads for any UUID create Durable Object storage." A read never creates a
// ledger's storage: for a profile that does not exist it is a 404, and for one that exists but has never earned
// it is the empty answer; only a write gives the ledger its tables.
import { runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { api, makeToken } from "../helpers";
import { json, ledgerStub, makeProfile, pointsProgramme } from "../incentives/ledger-support";

let token: string;
beforeAll(async () => {
  token = (await makeToken(["*"])).token;
});

/** The ledger's own tables in the object's SQLite storage (workerd's internal _cf_ tables aside). */
const tablesOf = (profileId: string) =>
  runInDurableObject(ledgerStub(profileId), (_instance, state) =>
    state.storage.sql.exec<{ name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'`).toArray().map((r) => r.name),
  );

describe("ledger reads for a profile without a ledger", () => {
  it("a random UUID's balances and redemption are 404 and its ledger object stays empty", async () => {
    const id = crypto.randomUUID();
    const res = await api(`/profiles/${id}/balances`, { token });
    expect(res.status).toBe(404);
    const redemption = `rd_${id.replace(/-/g, "")}${"0".repeat(12)}`;
    expect((await api(`/redemptions/${redemption}`, { token })).status).toBe(404);
    expect((await api(`/redemptions/${redemption}/reversal`, { method: "POST", token })).status).toBe(404);
    for (const path of ["rewards", "points", "benefits", "tiers", "achievements", "ledgers"]) {
      expect((await api(`/profiles/${id}/${path}`, { token })).status, path).toBe(404);
    }
    expect(await tablesOf(id)).toEqual([]);
  });

  it("a member who never earned reads empty everywhere without creating storage; the first write creates it", async () => {
    const { def } = await pointsProgramme(token);
    const profile = await makeProfile(token);
    const b = await json<{ reward_balance: number; point_balance: number }>(await api(`/profiles/${profile.id}/balances`, { token }), 200);
    expect(b).toMatchObject({ reward_balance: 0, point_balance: 0 });
    for (const path of ["rewards", "points", "benefits", "ledgers"]) {
      expect(await json<unknown[]>(await api(`/profiles/${profile.id}/${path}`, { token }), 200), path).toEqual([]);
    }
    expect(Array.isArray(await json<unknown[]>(await api(`/profiles/${profile.id}/tiers`, { token }), 200))).toBe(true);
    expect(Array.isArray(await json<unknown[]>(await api(`/profiles/${profile.id}/achievements`, { token }), 200))).toBe(true);
    expect(await tablesOf(profile.id)).toEqual([]);

    await json(await api(`/profiles/${profile.id}/points`, { method: "POST", token, json: { point_definition_id: def.id, value: 25, reason: "first write" } }), 201);
    expect(await tablesOf(profile.id)).toContain("lots");
    const after = await json<{ point_balance: number }>(await api(`/profiles/${profile.id}/balances`, { token }), 200);
    expect(after.point_balance).toBe(25);
  });
});
