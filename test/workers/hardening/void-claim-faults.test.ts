// Issue 14, faults on void and claim: each writes D1 first and then the member's ledger. A crash between
// the two, or the ledger hearing of a void before the earn it undoes, must neither keep points a void
// took back nor lose or double the points a claim earns.
import { beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { transactions } from "../../../db/schema";
import { systemActor } from "../../../workers/access/actor";
import { api, makeToken, services } from "../helpers";
import { balances, json, makeProfile, pointsOf, pointsProgramme, purchase, simpleReceipt } from "../incentives/ledger-support";

let token: string;
let defId: string;
beforeAll(async () => {
  token = (await makeToken(["*"])).token;
  defId = (await pointsProgramme(token)).def.id;
});

type Tx = { id: string; external_id: string };
const points = async (profileId: string) => pointsOf(await balances(token, profileId), defId);

describe("a void whose ledger step crashed after the D1 commit", () => {
  it("is finished by the retried void: the points go back, once", async () => {
    const profile = await makeProfile(token);
    const tx = await json<Tx>(await api("/transactions", { method: "POST", token, json: purchase(profile.id, 50) }), 201);
    const earned = await points(profile.id);
    expect(earned).toBeGreaterThan(0);

    // the crash: D1 says void, the ledger never heard
    await services().transactions.markVoid(tx.id, "crashed", systemActor("test"));
    expect(await points(profile.id)).toBe(earned);

    const retry = await api(`/transactions/${tx.id}/void`, { method: "POST", token, json: { reason: "crashed" } });
    expect(retry.status).toBe(200);
    expect(await points(profile.id)).toBe(0);
    expect((await api(`/transactions/${tx.id}/void`, { method: "POST", token, json: { reason: "again" } })).status).toBe(200);
    expect(await points(profile.id)).toBe(0);
  });
});

describe("a void that reaches the ledger before the earn it undoes", () => {
  it("leaves the late earn nothing to earn", async () => {
    const profile = await makeProfile(token);
    const anon = await json<Tx>(await api("/transactions", { method: "POST", token, json: simpleReceipt(50, { transacted_at: new Date().toISOString() }) }), 201);
    // the receipt is the member's in D1, and voided, but its earn is still on its way to the ledger
    await services().db.update(transactions).set({ profileId: profile.id }).where(eq(transactions.id, anon.id));
    const s = services();
    const { transaction } = await s.transactions.markVoid(anon.id, "voided in flight", systemActor("test"));
    await s.ledger.onVoid(transaction);
    await s.ledger.onTransaction({ ...transaction, isVoid: false });
    expect(await points(profile.id)).toBe(0);
  });
});

describe("a claim whose earn crashed after the D1 attach", () => {
  it("earns on the retried claim, once", async () => {
    const profile = await makeProfile(token);
    const anon = await json<Tx>(await api("/transactions", { method: "POST", token, json: simpleReceipt(50, { transacted_at: new Date().toISOString() }) }), 201);
    // the crash: D1 gave the receipt to the member, the ledger never earned for it
    await services().db.update(transactions).set({ profileId: profile.id }).where(eq(transactions.id, anon.id));
    expect(await points(profile.id)).toBe(0);

    const claim = () => api(`/profiles/${profile.id}/transactions/claims`, { method: "POST", token, json: { transaction_id: anon.id } });
    expect((await claim()).status).toBe(200);
    const earned = await points(profile.id);
    expect(earned).toBeGreaterThan(0);
    expect((await claim()).status).toBe(200);
    expect(await points(profile.id)).toBe(earned);
  });
});
