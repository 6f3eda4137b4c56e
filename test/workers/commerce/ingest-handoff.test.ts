// A member's receipt hands its transaction.created event to the ledger, whose flush sends it with what the
// receipt earned (one D1 batch and one queue send for both): the event is in D1 with the receipt from the
// start, sent once, first, and marked sent; an anonymous receipt sends its own.
import { runInDurableObject } from "cloudflare:test";
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { events } from "../../../db/schema";
import type { TestProfileLedger } from "../../support/test-profile-ledger";
import { makeToken, services } from "../helpers";
import { ledgerStub, pointsProgramme } from "../incentives/ledger-support";
import { makeProfile, postTx, simpleReceipt } from "./support";

let token: string;
beforeAll(async () => {
  token = (await makeToken(["*"])).token;
});

async function failFlushes(profileId: string, n: number) {
  await runInDurableObject(ledgerStub(profileId), (instance: TestProfileLedger) => {
    instance.flushFailures = n;
  });
}

const createdEvents = async (transactionId: string) =>
  (await services().db.select().from(events).where(eq(events.type, "transaction.created"))).filter((e) => (e.data as { transaction: { id: string } }).transaction.id === transactionId);

describe("a receipt's event travels with its earn", () => {
  it("is in D1 with the receipt, and the ledger's flush sends it once, before what it earned, and marks it sent", async () => {
    await pointsProgramme(token);
    const profile = await makeProfile(token);
    await failFlushes(profile.id, 1_000_000);
    const { data } = await postTx(token, simpleReceipt(25, { profile_id: profile.id }), 201);
    // recorded with the receipt (the outbox sweep would send it were the ledger never to flush)
    const [pending] = await createdEvents(data.id);
    expect(pending).toMatchObject({ profileId: profile.id, sentAt: null });
    // first in the ledger's outbox, before the events of what it earned
    const order = await runInDurableObject(ledgerStub(profile.id), (instance: TestProfileLedger, state) =>
      state.storage.sql.exec<{ type: string }>(`SELECT type FROM outbox WHERE flushed = 0 ORDER BY seq`).toArray().map((r) => r.type),
    );
    expect(order[0]).toBe("transaction.created");
    expect(order).toContain("points.awarded");
    await failFlushes(profile.id, 0);
    await ledgerStub(profile.id).flush();
    const sent = await createdEvents(data.id);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ id: pending!.id, sentAt: expect.any(Date), attempts: 1 });
    expect(sent[0]!.data).toEqual(pending!.data);
    const awarded = (await services().db.select().from(events).where(and(eq(events.profileId, profile.id), eq(events.type, "points.awarded"))))[0];
    expect(awarded?.sentAt).toEqual(expect.any(Date));
    expect(await ledgerStub(profile.id).pending()).toEqual({ outbox: 0, unprojected: 0 });
    // a flush with nothing left sends nothing twice
    await ledgerStub(profile.id).flush();
    expect(await createdEvents(data.id)).toHaveLength(1);
  });

  it("an anonymous receipt sends its own event", async () => {
    const { data } = await postTx(token, simpleReceipt(12), 201);
    for (let i = 0; i < 50 && !(await createdEvents(data.id))[0]?.sentAt; i++) await new Promise((r) => setTimeout(r, 20));
    expect((await createdEvents(data.id))[0]).toMatchObject({ sentAt: expect.any(Date), attempts: 1 });
  });
});
