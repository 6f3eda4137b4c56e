// POST /transactions: the write path against real D1. Idempotency on external_id, identity routing,
// placeholder locations, product matching, the totals check, bad input with nothing written, scopes.
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, events, locations, transactionItems, transactions } from "../../../db/schema";
import { systemActor } from "../../../workers/access/actor";
import { TransactionInput } from "../../../workers/commerce/schema";
import { api, countRows, makeToken, problem, services } from "../helpers";
import { body, makeProfile, postTx, receipt, simpleReceipt, uid, type Tx } from "./support";

async function writtenCounts() {
  return {
    transactions: await countRows(transactions),
    items: await countRows(transactionItems),
    locations: await countRows(locations),
    events: await countRows(events),
    audit: await countRows(auditLog, eq(auditLog.entityType, "transaction")),
  };
}

describe("POST /transactions", () => {
  it("records a receipt with its items, decimals in and out, an event and an audit entry", async () => {
    const { token } = await makeToken(["transactions:write", "transactions:read"]);
    const json = receipt({ staff_id: "staff-7", channel: "store", tags: ["vip", "vip", "sale"], meta: { till: 3 }, payments: [{ method: "card", amount: 59.9, reference: "auth-1" }] });
    const { res, data } = await postTx(token, json, 201);
    expect(res.headers.get("Location")).toBe(`/api/v3/transactions/${data.id}`);
    expect(data).toMatchObject({
      external_id: json.external_id,
      profile_id: null,
      location_id: null,
      staff_id: "staff-7",
      transacted_at: "2024-05-01T02:30:00.000Z",
      timezone: "Australia/Sydney",
      currency: "AUD",
      // derived from the lines: discount = the line discount (4.00), subtotal = 59.90 + 4.00, tax = 2 × 1.81 + 1.82
      subtotal: 63.9,
      discount: 4,
      tax: 5.44,
      rounding: 0,
      total: 59.9,
      payments: [{ method: "card", amount: 59.9, reference: "auth-1" }],
      tags: ["vip", "sale"],
      meta: { till: 3 },
      channel: "store",
      is_void: false,
      voided_at: null,
      void_reason: null,
    });
    expect(data.items).toHaveLength(2);
    expect(data.items[0]).toMatchObject({
      sku: json.items[0]!.sku,
      name: "Linen shirt",
      product_id: null,
      quantity: 2,
      price_original: 24.95,
      price_current: 21.95,
      price_sell: 19.95,
      price_tax: 1.81,
      discounts: [{ name: "Member 10%", amount: 4 }],
      line_total: 39.9,
    });
    expect(data.items[1]).toMatchObject({ quantity: 1, price_sell: 20, price_original: null, discounts: [], line_total: 20 });

    // stored as cents
    const row = await services().db.query.transactions.findFirst({ where: eq(transactions.id, data.id) });
    expect(row).toMatchObject({ total: 5990, subtotal: 6390, discount: 400, tax: 544 });
    expect(row!.requestHash).toMatch(/^[0-9a-f]{64}$/);

    // one transaction.created event carrying the transaction with its items, and one audit entry
    const evs = await services().db.select().from(events).where(eq(events.type, "transaction.created"));
    const mine = evs.filter((e) => (e.data as { transaction: Tx }).transaction.id === data.id);
    expect(mine).toHaveLength(1);
    expect((mine[0]!.data as { transaction: Tx }).transaction).toEqual(data);
    expect(await countRows(auditLog, and(eq(auditLog.action, "transaction.created"), eq(auditLog.entityId, data.id)))).toBe(1);

    const read = await api(`/transactions/${data.id}`, { token });
    expect(read.status).toBe(200);
    expect((await body<{ data: Tx }>(read)).data).toEqual(data);
  });

  it("defaults transacted_at to now and currency to the brand's", async () => {
    const { token } = await makeToken(["transactions:write"]);
    const before = Date.now();
    const { data } = await postTx(token, simpleReceipt(10, { transacted_at: undefined, timezone: undefined, currency: undefined }), 201);
    expect(Date.parse(data.transacted_at)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(data.transacted_at)).toBeLessThanOrEqual(Date.now() + 1000);
    expect(data.currency).toBe("AUD");
    expect(data.timezone).toBeNull();
    const nzd = await postTx(token, simpleReceipt(10, { currency: "nzd" }), 201);
    expect(nzd.data.currency).toBe("NZD");
  });

  it("writes many items in chunks under D1's bound-parameter limit", async () => {
    const { token } = await makeToken(["transactions:write"]);
    const items = Array.from({ length: 41 }, (_, i) => ({ sku: `BULK-${i}`, name: `Line ${i}`, quantity: 1, price_original: 1, price_current: 1, price_sell: 1, price_tax: 0.09, discounts: [] }));
    const { data } = await postTx(token, receipt({ total: 41, items }), 201);
    expect(data.items).toHaveLength(41);
    expect(data.items.map((i) => i.sku)).toEqual(items.map((i) => i.sku));
    expect(await countRows(transactionItems, eq(transactionItems.transactionId, data.id))).toBe(41);
  });

  describe("idempotency on external_id", () => {
    it("returns the first transaction with 200 for the same receipt and writes nothing", async () => {
      const { token } = await makeToken(["transactions:write"]);
      const json = receipt();
      const first = await postTx(token, json, 201);
      const before = await writtenCounts();
      // the same receipt, with keys in another order and amounts written differently
      const again = { ...Object.fromEntries(Object.entries(json).reverse()), total: "59.90" };
      const second = await postTx(token, again, 200);
      expect(second.data).toEqual(first.data);
      expect(await writtenCounts()).toEqual(before);
      expect(await countRows(transactions, eq(transactions.externalId, json.external_id))).toBe(1);
    });

    it("records one transaction when the same receipt arrives twice at once", async () => {
      const { token } = await makeToken(["transactions:write"]);
      const json = simpleReceipt(31, { location_id: uid("RACE-") });
      const responses = await Promise.all([1, 2, 3].map(() => api("/transactions", { method: "POST", token, json })));
      const statuses = responses.map((r) => r.status).sort();
      expect(statuses).toEqual([200, 200, 201]);
      const ids = new Set(await Promise.all(responses.map(async (r) => ((await r.json()) as { data: Tx }).data.id)));
      expect(ids.size).toBe(1);
      expect(await countRows(transactions, eq(transactions.externalId, json.external_id))).toBe(1);
      expect(await countRows(locations, eq(locations.externalId, json.location_id as string))).toBe(1);
    });

    it("turns losing a race on the external_id index into the replay (or the 409)", async () => {
      const s = services();
      const actor = systemActor("race test");
      const input = TransactionInput.parse(simpleReceipt(17, { location_id: uid("RACE-") }));
      const first = await s.receipts.ingest(input, actor);
      // the loser's pre-check saw nothing: it only learns from the unique index
      const real = s.transactions.findByExternalId.bind(s.transactions);
      let calls = 0;
      s.transactions.findByExternalId = async (id: string) => (calls++ === 0 ? undefined : real(id));
      const second = await s.receipts.ingest(input, actor);
      expect(second).toMatchObject({ created: false, transaction: { id: first.transaction.id } });
      calls = 0;
      const different = TransactionInput.parse(simpleReceipt(18, { external_id: input.external_id }));
      await expect(s.receipts.ingest(different, actor)).rejects.toMatchObject({ code: "conflict" });
      expect(await countRows(transactions, eq(transactions.externalId, input.external_id))).toBe(1);
    });

    it("refuses a different body under the same external_id with 409 and writes nothing", async () => {
      const { token } = await makeToken(["transactions:write"]);
      const json = simpleReceipt(25);
      await postTx(token, json, 201);
      const before = await writtenCounts();
      const res = await api("/transactions", { method: "POST", token, json: simpleReceipt(26, { external_id: json.external_id }) });
      expect(res.status).toBe(409);
      const p = await problem(res);
      expect(p.code).toBe("conflict");
      expect(p.errors?.external_id?.[0]).toContain(json.external_id);
      expect(await writtenCounts()).toEqual(before);
    });

    it("treats an omitted transacted_at as the same request on a retry", async () => {
      const { token } = await makeToken(["transactions:write"]);
      const json = simpleReceipt(12, { transacted_at: undefined });
      const first = await postTx(token, json, 201);
      const second = await postTx(token, json, 200);
      expect(second.data.id).toBe(first.data.id);
    });
  });

  describe("profile resolution", () => {
    it("takes our profile id, an email or any identity, and recomputes aggregations", async () => {
      const { token } = await makeToken(["*"]);
      const card = uid("9001");
      const profile = await makeProfile(token, { identities: [{ handle: "loyalty-card", identifier: card }] });

      const byId = await postTx(token, simpleReceipt(10, { profile_id: profile.id }), 201);
      expect(byId.data.profile_id).toBe(profile.id);
      const byEmail = await postTx(token, simpleReceipt(20, { profile_id: profile.email.toUpperCase(), profile_id_handle: "email" }), 201);
      expect(byEmail.data.profile_id).toBe(profile.id);
      const byCard = await postTx(token, simpleReceipt(30, { profile_id: card, profile_id_handle: "loyalty-card" }), 201);
      expect(byCard.data.profile_id).toBe(profile.id);

      const agg = await api(`/profiles/${profile.id}/aggregations`, { token });
      expect((await body<{ data: { spend_all: number } }>(agg)).data.spend_all).toBe(60);
    });

    it("takes a mobile number through profile_id_handle=mobile", async () => {
      const { token } = await makeToken(["*"]);
      // 0412 numbers are valid Australian mobiles whatever the last six digits
      const digits = String(Math.floor(Math.random() * 1_000_000)).padStart(6, "0");
      const profile = await makeProfile(token, { mobile_phone: `0412 ${digits}` });
      const { data } = await postTx(token, simpleReceipt(10, { profile_id: `+61412${digits}`, profile_id_handle: "mobile" }), 201);
      expect(data.profile_id).toBe(profile.id);
    });

    it("follows a merged profile to its winner and refuses a deleted one", async () => {
      const { token } = await makeToken(["*"]);
      const winner = await makeProfile(token);
      const loser = await makeProfile(token);
      expect((await api(`/profiles/${winner.id}/merge`, { method: "POST", token, json: { loser_id: loser.id } })).status).toBe(200);
      const { data } = await postTx(token, simpleReceipt(10, { profile_id: loser.id }), 201);
      expect(data.profile_id).toBe(winner.id);

      const gone = await makeProfile(token);
      expect((await api(`/profiles/${gone.id}`, { method: "DELETE", token })).status).toBe(200);
      const res = await api("/transactions", { method: "POST", token, json: simpleReceipt(10, { profile_id: gone.id }) });
      expect(res.status).toBe(422);
      expect((await problem(res)).errors?.profile_id?.[0]).toContain("deleted");
    });

    it("answers 422 naming profile_id for an unknown profile and writes nothing", async () => {
      const { token } = await makeToken(["*"]);
      const before = await writtenCounts();
      for (const json of [
        simpleReceipt(10, { profile_id: crypto.randomUUID() }),
        simpleReceipt(10, { profile_id: "nobody@example.test", profile_id_handle: "email" }),
        simpleReceipt(10, { profile_id: "0000", profile_id_handle: "loyalty-card", location_id: uid("NEW-STORE-") }),
      ]) {
        const res = await api("/transactions", { method: "POST", token, json });
        expect(res.status).toBe(422);
        const p = await problem(res);
        expect(Object.keys(p.errors ?? {})).toEqual(["profile_id"]);
      }
      // not even the placeholder location of the third request
      expect(await writtenCounts()).toEqual(before);
    });
  });

  describe("locations", () => {
    it("matches a location by id, then by external id", async () => {
      const { token } = await makeToken(["*"]);
      const ext = uid("STORE-");
      const loc = await api("/locations", { method: "POST", token, json: { name: `Bondi ${ext}`, external_id: ext, timezone: "Australia/Sydney" } });
      const location = (await body<{ data: { id: string } }>(loc)).data;
      const byId = await postTx(token, simpleReceipt(5, { location_id: location.id, timezone: undefined }), 201);
      expect(byId.data.location_id).toBe(location.id);
      // a receipt without a zone takes its location's
      expect(byId.data.timezone).toBe("Australia/Sydney");
      const byExternal = await postTx(token, simpleReceipt(5, { location_id: ext }), 201);
      expect(byExternal.data.location_id).toBe(location.id);
    });

    it("creates a placeholder for an unknown location in the same batch, and reuses it", async () => {
      const { token } = await makeToken(["*"]);
      const ext = uid("POP-UP-");
      const before = await countRows(locations);
      const first = await postTx(token, simpleReceipt(5, { location_id: ext }), 201);
      expect(await countRows(locations)).toBe(before + 1);
      const placeholder = await services().db.query.locations.findFirst({ where: eq(locations.externalId, ext) });
      expect(placeholder).toMatchObject({ id: first.data.location_id, isPlaceholder: true, name: `Unknown location ${ext}`, handle: `unknown-location-${ext.toLowerCase()}`, isPublished: false });
      expect(await countRows(auditLog, and(eq(auditLog.action, "location.placeholder_created"), eq(auditLog.entityId, placeholder!.id)))).toBe(1);

      const second = await postTx(token, simpleReceipt(6, { location_id: ext }), 201);
      expect(second.data.location_id).toBe(placeholder!.id);
      expect(await countRows(locations)).toBe(before + 1);

      const shown = await api(`/locations/${placeholder!.id}`, { token });
      expect((await body<{ data: { is_placeholder: boolean; external_id: string } }>(shown)).data).toMatchObject({ is_placeholder: true, external_id: ext });
    });

    it("writes no placeholder when the transaction is refused", async () => {
      const { token } = await makeToken(["*"]);
      const ext = uid("GHOST-");
      const res = await api("/transactions", { method: "POST", token, json: simpleReceipt(5, { location_id: ext, total: 6 }) });
      expect(res.status).toBe(422);
      expect(await countRows(locations, eq(locations.externalId, ext))).toBe(0);
    });
  });

  describe("products", () => {
    it("matches items to products by product sku or variant sku, and checks given product ids", async () => {
      const { token } = await makeToken(["*"]);
      const sku = uid("TEE-");
      const created = await api("/products", { method: "POST", token, json: { sku, name: "Tee", price: 30, external_id: `ext-${sku}`, variants: [{ sku: `${sku}-M`, name: "Tee M", price: 30, options: { size: "M" } }] } });
      expect(created.status).toBe(201);
      const product = (await body<{ data: { id: string } }>(created)).data;
      const { data } = await postTx(
        token,
        receipt({
          total: 100,
          items: [
            { sku, quantity: 1, price_sell: 30 },
            { sku: `${sku}-M`, quantity: 1, price_sell: 30 },
            { sku: uid("UNKNOWN-"), quantity: 1, price_sell: 10 },
            { product_id: `ext-${sku}`, quantity: 1, price_sell: 30 },
          ],
        }),
        201,
      );
      expect(data.items.map((i) => i.product_id)).toEqual([product.id, product.id, null, product.id]);

      const res = await api("/transactions", { method: "POST", token, json: receipt({ total: 1, items: [{ product_id: "no-such-product", quantity: 1, price_sell: 1 }] }) });
      expect(res.status).toBe(422);
      expect((await problem(res)).errors).toHaveProperty(["items.0.product_id"]);
    });
  });

  describe("the totals check", () => {
    it("accepts totals within one cent, cash rounding and returns", async () => {
      const { token } = await makeToken(["transactions:write"]);
      const oneCent = await postTx(token, receipt({ total: 100, items: [{ sku: "X", quantity: 3, price_sell: 33.33 }] }), 201);
      expect(oneCent.data.total).toBe(100);
      const rounded = await postTx(token, receipt({ total: 19.95, rounding: -0.02, items: [{ sku: "X", quantity: 1, price_sell: 19.97 }] }), 201);
      expect(rounded.data).toMatchObject({ total: 19.95, rounding: -0.02 });
      const ret = await postTx(token, receipt({ total: -49.9, items: [{ sku: "X", quantity: -1, price_sell: 49.9 }] }), 201);
      expect(ret.data).toMatchObject({ total: -49.9, subtotal: -49.9 });
      expect(ret.data.items[0]).toMatchObject({ quantity: -1, line_total: -49.9 });
      const exchange = await postTx(token, receipt({ total: 10, items: [{ sku: "X", quantity: -1, price_sell: 49.9 }, { sku: "Y", quantity: 1, price_sell: 59.9 }] }), 201);
      expect(exchange.data.total).toBe(10);
    });

    it("refuses items that do not add up, naming both figures, and writes nothing", async () => {
      const { token } = await makeToken(["transactions:write"]);
      const before = await writtenCounts();
      const res = await api("/transactions", { method: "POST", token, json: receipt({ total: 60 }) });
      expect(res.status).toBe(422);
      const p = await problem(res);
      expect(p.errors).toEqual({ total: ["Items add up to 59.90 but total is 60.00"] });
      const rounding = await api("/transactions", { method: "POST", token, json: receipt({ total: 59.9, rounding: 0.05 }) });
      expect((await problem(rounding)).errors?.total?.[0]).toBe("Items add up to 59.90, 59.95 with rounding 0.05, but total is 59.90");
      expect(await writtenCounts()).toEqual(before);
    });
  });

  describe("bad input", () => {
    it.each([
      ["quantity 0", { items: [{ sku: "X", quantity: 0, price_sell: 1 }], total: 0 }, "items.0.quantity"],
      ["a fractional quantity", { items: [{ sku: "X", quantity: 1.5, price_sell: 1 }], total: 1.5 }, "items.0.quantity"],
      ["three decimals", { items: [{ sku: "X", quantity: 1, price_sell: 1.005 }], total: 1.01 }, "items.0.price_sell"],
      ["a total that is not a number", { total: "lots" }, "total"],
      ["a total of the wrong type", { total: true }, "total"],
      ["an unknown time zone", { timezone: "Mars/Olympus_Mons" }, "timezone"],
      ["a bad currency", { currency: "AUSD" }, "currency"],
      ["a bad date", { transacted_at: "01/05/2024" }, "transacted_at"],
      ["a date far in the future", { transacted_at: "2999-01-01T00:00:00Z" }, "transacted_at"],
      ["no items", { items: [], total: 0 }, "items"],
      ["items of the wrong type", { items: "two shirts" }, "items"],
      ["an empty external_id (Omneo's form may leave it out, not blank it)", { external_id: "" }, "external_id"],
      ["an unknown field", { colour: "red" }, "colour"],
      ["a handle without a profile", { profile_id_handle: "email" }, "profile_id"],
      ["a payment without a method", { payments: [{ amount: 59.9 }] }, "payments.0.method"],
    ])("refuses %s with a 422 naming the field and writes nothing", async (_name, overrides, field) => {
      const { token } = await makeToken(["transactions:write"]);
      const before = await writtenCounts();
      const res = await api("/transactions", { method: "POST", token, json: receipt(overrides) });
      expect(res.status).toBe(422);
      const p = await problem(res);
      expect(Object.keys(p.errors ?? {})).toContain(field);
      expect(await writtenCounts()).toEqual(before);
    });

    it("refuses malformed JSON, a non-JSON body and a non-object body", async () => {
      const { token } = await makeToken(["transactions:write"]);
      const before = await writtenCounts();
      const malformed = await api("/transactions", { method: "POST", token, body: '{"external_id": "R', headers: { "Content-Type": "application/json" } });
      expect(malformed.status).toBe(400);
      const form = await api("/transactions", { method: "POST", token, body: "external_id=R1", headers: { "Content-Type": "application/x-www-form-urlencoded" } });
      expect(form.status).toBe(415);
      const array = await api("/transactions", { method: "POST", token, json: [receipt()] });
      expect(array.status).toBe(422);
      expect(await writtenCounts()).toEqual(before);
    });
  });

  describe("access", () => {
    it("needs transactions:write to post and transactions:read to read", async () => {
      const reader = await makeToken(["profiles:read"]);
      const before = await writtenCounts();
      const res = await api("/transactions", { method: "POST", token: reader.token, json: receipt() });
      expect(res.status).toBe(403);
      expect((await problem(res)).detail).toContain("transactions:write");
      expect(await writtenCounts()).toEqual(before);
      expect((await api("/transactions", { token: reader.token })).status).toBe(403);

      const txReader = await makeToken(["transactions:read"]);
      expect((await api("/transactions", { method: "POST", token: txReader.token, json: receipt() })).status).toBe(403);
      expect((await api("/transactions", { token: txReader.token })).status).toBe(200);

      expect((await api("/transactions", { method: "POST", json: receipt() })).status).toBe(401);
    });

    it("has no way to edit a transaction", async () => {
      const { token } = await makeToken(["*"]);
      const { data } = await postTx(token, simpleReceipt(10), 201);
      for (const method of ["PUT", "PATCH"]) {
        const res = await api(`/transactions/${data.id}`, { method, token, json: { total: 1 } });
        expect(res.status).toBe(404);
      }
      expect((await api(`/transactions/${data.id}`, { method: "DELETE", token })).status).toBe(404);
    });
  });
});
