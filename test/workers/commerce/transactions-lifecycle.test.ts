// After ingest: void (idempotent, evented, audited, out of aggregations), claims of anonymous
// transactions, and aggregations on a known history with returns, through the profile endpoint.
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, events, transactions } from "../../../db/schema";
import { systemActor } from "../../../workers/access/actor";
import { api, countRows, makeToken, problem, services } from "../helpers";
import { aggregations, body, daysAgo, makeProfile, postTx, receipt, simpleReceipt, uid, type Tx } from "./support";

function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

describe("POST /transactions/{id}/void", () => {
  it("voids once: an event, an audit entry, and a second void changes nothing", async () => {
    const { token } = await makeToken(["transactions:write", "transactions:read"]);
    const { data } = await postTx(token, simpleReceipt(42), 201);
    const res = await api(`/transactions/${data.id}/void`, { method: "POST", token, json: { reason: "Rung up twice" } });
    expect(res.status).toBe(200);
    const voided = (await body<{ data: Tx }>(res)).data;
    expect(voided).toMatchObject({ id: data.id, is_void: true, void_reason: "Rung up twice", total: 42, items: data.items });
    expect(voided.voided_at).toBeTruthy();

    const again = await api(`/transactions/${data.id}/void`, { method: "POST", token, json: { reason: "Another reason" } });
    expect(again.status).toBe(200);
    expect((await body<{ data: Tx }>(again)).data).toEqual(voided);

    const evs = (await services().db.select().from(events).where(eq(events.type, "transaction.voided"))).filter(
      (e) => (e.data as { transaction: Tx }).transaction.id === data.id,
    );
    expect(evs).toHaveLength(1);
    expect(evs[0]!.data).toMatchObject({ reason: "Rung up twice", transaction: { id: data.id, is_void: true } });
    expect(await countRows(auditLog, and(eq(auditLog.action, "transaction.voided"), eq(auditLog.entityId, data.id)))).toBe(1);

    const read = await api(`/transactions/${data.id}`, { token });
    expect((await body<{ data: Tx }>(read)).data).toEqual(voided);
  });

  it("lets only one of two racing voids write anything", async () => {
    const { token } = await makeToken(["transactions:write"]);
    const { data } = await postTx(token, simpleReceipt(8), 201);
    const s = services();
    const stale = await s.transactions.get(data.id);
    const first = await s.receipts.void(data.id, "first", systemActor("race test"));
    // the second read the transaction before the first wrote: its batch collides on the void event's id
    const real = s.transactions.get.bind(s.transactions);
    let calls = 0;
    s.transactions.get = async (id: string) => (calls++ === 0 ? stale : real(id));
    const second = await s.receipts.void(data.id, "second", systemActor("race test"));
    expect(second).toMatchObject({ isVoid: true, voidReason: "first", voidedAt: first.voidedAt });
    expect(await countRows(auditLog, and(eq(auditLog.action, "transaction.voided"), eq(auditLog.entityId, data.id)))).toBe(1);
    const evs = (await s.db.select().from(events).where(eq(events.type, "transaction.voided"))).filter((e) => (e.data as { transaction: Tx }).transaction.id === data.id);
    expect(evs).toHaveLength(1);
  });

  it("needs a reason, a known transaction and transactions:write", async () => {
    const { token } = await makeToken(["transactions:write"]);
    const { data } = await postTx(token, simpleReceipt(5), 201);
    const noReason = await api(`/transactions/${data.id}/void`, { method: "POST", token, json: {} });
    expect(noReason.status).toBe(422);
    expect((await problem(noReason)).errors).toHaveProperty("reason");
    expect((await api(`/transactions/${crypto.randomUUID()}/void`, { method: "POST", token, json: { reason: "x" } })).status).toBe(404);
    const reader = await makeToken(["transactions:read"]);
    expect((await api(`/transactions/${data.id}/void`, { method: "POST", token: reader.token, json: { reason: "x" } })).status).toBe(403);
    const row = await services().db.query.transactions.findFirst({ where: eq(transactions.id, data.id) });
    expect(row!.isVoid).toBe(false);
  });
});

describe("aggregations from transactions", () => {
  it("are exact on a known history with returns, and a void takes its transaction out", async () => {
    const { token } = await makeToken(["*"]);
    const profile = await makeProfile(token);
    const l1 = uid("L1-");
    const l2 = uid("L2-");
    const at = (days: number) => ({ transacted_at: daysAgo(days).at, timezone: "UTC", profile_id: profile.id });
    await postTx(token, simpleReceipt(100, at(400)), 201); // outside the 12 months
    await postTx(token, simpleReceipt(50, { ...at(100), location_id: l1 }), 201);
    await postTx(token, simpleReceipt(80, { ...at(50), location_id: l2 }), 201);
    // a return the same day: that day nets 50.00
    await postTx(token, receipt({ ...at(50), location_id: l2, total: -30, items: [{ sku: "RET", quantity: -1, price_sell: 30 }] }), 201);
    // a return on its own day: negative net spend, not a shop
    await postTx(token, receipt({ ...at(20), total: -40, items: [{ sku: "RET", quantity: -2, price_sell: 20 }] }), 201);
    const toVoid = await postTx(token, simpleReceipt(60, at(10)), 201);
    await postTx(token, simpleReceipt(25, { ...at(5), location_id: l1 }), 201);
    // someone else's and an anonymous transaction change nothing here
    await postTx(token, simpleReceipt(999, { transacted_at: daysAgo(5).at }), 201);

    const l1Id = (await services().db.query.locations.findFirst({ where: (l, { eq }) => eq(l.externalId, l1) }))!.id;
    const day5 = daysAgo(5).day;
    expect(await aggregations(token, profile.id)).toEqual({
      profile_id: profile.id,
      shop_days: 5, // Omneo's name for shop_count
      spend_12m: 145,
      spend_all: 245,
      spend_atv_12m: 36.25, // 145.00 over 4 shop days in the 12 months
      shop_count: 5,
      first_shop_date: daysAgo(400).day,
      latest_shop_date: day5,
      average_shop_days: 99, // (400 − 5) / 4 = 98.75
      at_risk_date: addDays(day5, 3 * 99),
      most_transacted_location_id: l1Id,
    });

    const voided = await api(`/transactions/${toVoid.data.id}/void`, { method: "POST", token, json: { reason: "Test" } });
    expect(voided.status).toBe(200);
    expect(await aggregations(token, profile.id)).toEqual({
      profile_id: profile.id,
      shop_days: 4,
      spend_12m: 85,
      spend_all: 185,
      spend_atv_12m: 28.33, // 85.00 over 3 shop days, rounded down to the cent
      shop_count: 4,
      first_shop_date: daysAgo(400).day,
      latest_shop_date: day5,
      average_shop_days: 132, // (400 − 5) / 3 = 131.67
      at_risk_date: addDays(day5, 3 * 132),
      most_transacted_location_id: l1Id,
    });
  });
});

describe("aggregations stored by the ingest's own write batch", () => {
  it("count every one of 12 receipts posted at once for one profile (each write sees the others or recomputes)", async () => {
    const { token } = await makeToken(["*"]);
    const profile = await makeProfile(token);
    const posts = Array.from({ length: 12 }, (_, i) => postTx(token, simpleReceipt(10 + i, { transacted_at: daysAgo(i + 1).at, timezone: "UTC", profile_id: profile.id }), 201));
    await Promise.all(posts);
    // 10 + 11 + … + 21 = 186.00 over 12 shop days; a write computed from a stale read would miss some
    expect(await aggregations(token, profile.id)).toMatchObject({ spend_all: 186, spend_12m: 186, shop_count: 12, first_shop_date: daysAgo(12).day, latest_shop_date: daysAgo(1).day });
  });

  it("are the right profile's when the receipt names it by email or by an identity, and after a void", async () => {
    const { token } = await makeToken(["*"]);
    const profile = await makeProfile(token);
    const card = uid("CARD-");
    expect((await api(`/profiles/${profile.id}/identities`, { method: "POST", token, json: { handle: "loyalty-card", identifier: card } })).status).toBe(201);
    const first = await postTx(token, simpleReceipt(30, { transacted_at: daysAgo(3).at, timezone: "UTC", profile_id: profile.email, profile_id_handle: "email" }), 201);
    expect(first.data.profile_id).toBe(profile.id);
    await postTx(token, simpleReceipt(12.5, { transacted_at: daysAgo(2).at, timezone: "UTC", profile_id: card, profile_id_handle: "loyalty-card" }), 201);
    expect(await aggregations(token, profile.id)).toMatchObject({ spend_all: 42.5, shop_count: 2 });
    expect((await api(`/transactions/${first.data.id}/void`, { method: "POST", token, json: { reason: "Test" } })).status).toBe(200);
    // the next receipt's pre-read sees the voided one as voided, and leaves it out
    await postTx(token, simpleReceipt(7, { transacted_at: daysAgo(1).at, timezone: "UTC", profile_id: profile.id }), 201);
    expect(await aggregations(token, profile.id)).toMatchObject({ spend_all: 19.5, shop_count: 2, first_shop_date: daysAgo(2).day });
  });
});

describe("POST /profiles/{id}/transactions/claims", () => {
  it("attaches an anonymous transaction by external_id or id, once, and recomputes aggregations", async () => {
    const { token } = await makeToken(["*"]);
    const profile = await makeProfile(token);
    const anon = await postTx(token, simpleReceipt(35, { transacted_at: daysAgo(3).at, timezone: "UTC" }), 201);
    const anon2 = await postTx(token, simpleReceipt(15, { transacted_at: daysAgo(2).at, timezone: "UTC" }), 201);
    expect(anon.data.profile_id).toBeNull();
    expect((await aggregations(token, profile.id)).spend_all).toBe(0);

    const res = await api(`/profiles/${profile.id}/transactions/claims`, { method: "POST", token, json: { external_id: anon.data.external_id } });
    expect(res.status).toBe(200);
    expect((await body<{ data: Tx }>(res)).data).toMatchObject({ id: anon.data.id, profile_id: profile.id });
    expect(await aggregations(token, profile.id)).toMatchObject({ spend_all: 35, shop_count: 1 });

    const byId = await api(`/profiles/${profile.id}/transactions/claims`, { method: "POST", token, json: { transaction_id: anon2.data.id } });
    expect(byId.status).toBe(200);
    expect(await aggregations(token, profile.id)).toMatchObject({ spend_all: 50, shop_count: 2 });
    expect(await countRows(auditLog, and(eq(auditLog.action, "transaction.claimed"), eq(auditLog.entityId, anon.data.id)))).toBe(1);

    // the same claim again is a no-op
    const again = await api(`/profiles/${profile.id}/transactions/claims`, { method: "POST", token, json: { external_id: anon.data.external_id } });
    expect(again.status).toBe(200);
    const claimedEvents = async (txId: string) =>
      (await services().db.select().from(events).where(eq(events.type, "transaction.claimed"))).filter((e) => (e.data as { transaction: Tx }).transaction.id === txId);
    // one transaction.claimed per claim that took, with the transaction as it now is
    const evs = await claimedEvents(anon.data.id);
    expect(evs).toHaveLength(1);
    expect(evs[0]).toMatchObject({ profileId: profile.id, data: { transaction: { id: anon.data.id, profile_id: profile.id, external_id: anon.data.external_id } } });
    expect(await claimedEvents(anon2.data.id)).toHaveLength(1);
    expect(await countRows(auditLog, and(eq(auditLog.action, "transaction.claimed"), eq(auditLog.entityId, anon.data.id)))).toBe(1);

    // someone else cannot take it
    const other = await makeProfile(token);
    const taken = await api(`/profiles/${other.id}/transactions/claims`, { method: "POST", token, json: { external_id: anon.data.external_id } });
    expect(taken.status).toBe(409);
    expect((await problem(taken)).code).toBe("conflict");
    expect((await services().db.query.transactions.findFirst({ where: eq(transactions.id, anon.data.id) }))!.profileId).toBe(profile.id);
    expect((await aggregations(token, other.id)).spend_all).toBe(0);
    expect(await claimedEvents(anon.data.id)).toHaveLength(1);
  });

  it("gives a receipt claimed by two profiles at once to one of them, with one event naming the winner", async () => {
    const { token } = await makeToken(["*"]);
    const [a, b] = [await makeProfile(token), await makeProfile(token)];
    const anon = await postTx(token, simpleReceipt(20, { transacted_at: daysAgo(1).at, timezone: "UTC" }), 201);
    const claim = (profileId: string) => api(`/profiles/${profileId}/transactions/claims`, { method: "POST", token, json: { transaction_id: anon.data.id } });
    const statuses = (await Promise.all([claim(a.id), claim(b.id)])).map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409]);
    const owner = (await services().db.query.transactions.findFirst({ where: eq(transactions.id, anon.data.id) }))!.profileId;
    expect([a.id, b.id]).toContain(owner);
    const evs = (await services().db.select().from(events).where(eq(events.type, "transaction.claimed"))).filter((e) => (e.data as { transaction: Tx }).transaction.id === anon.data.id);
    expect(evs.map((e) => e.profileId)).toEqual([owner]);
    expect((await aggregations(token, owner!)).spend_all).toBe(20);
  });

  it("refuses a transaction that came with a profile, unknown transactions and bad bodies", async () => {
    const { token } = await makeToken(["*"]);
    const owner = await makeProfile(token);
    const claimer = await makeProfile(token);
    const owned = await postTx(token, simpleReceipt(10, { profile_id: owner.id }), 201);
    const claim = (profileId: string, json: unknown) => api(`/profiles/${profileId}/transactions/claims`, { method: "POST", token, json });

    expect((await claim(claimer.id, { transaction_id: owned.data.id })).status).toBe(409);
    const unknown = await claim(claimer.id, { external_id: uid("nope-") });
    expect(unknown.status).toBe(422);
    expect((await problem(unknown)).errors).toHaveProperty("external_id");
    expect((await claim(claimer.id, {})).status).toBe(422);
    expect((await claim(claimer.id, { external_id: "a", transaction_id: "b" })).status).toBe(422);
    expect((await claim(crypto.randomUUID(), { transaction_id: owned.data.id })).status).toBe(404);

    const reader = await makeToken(["transactions:read", "profiles:write"]);
    const res = await api(`/profiles/${claimer.id}/transactions/claims`, { method: "POST", token: reader.token, json: { transaction_id: owned.data.id } });
    expect(res.status).toBe(403);
  });
});
