// Omneo's receipt_ref is the client's own receipt reference: stored beside external_id and returned as sent
// (the SDK's update-create tests compare it), not only used for a missing external_id; total_original is
// returned under Omneo's name too.
import { beforeAll, describe, expect, it } from "vitest";
import { api, makeToken } from "../helpers";

type Json = Record<string, any>;
let token: string;
beforeAll(async () => {
  token = (await makeToken(["*"])).token;
});

const item = { name: "Tee", quantity: 1, price_sell: 100 };

describe("receipt_ref", () => {
  it("is returned as sent beside external_id, on create, on the same receipt again and on read", async () => {
    const body = { external_id: `o-${crypto.randomUUID()}`, receipt_ref: "D172009999999", total: 100, tags: ["ci", "test"], items: [item] };
    const res = await api("/transactions/update-create", { method: "POST", token, json: body });
    expect(res.status).toBe(201);
    const t = ((await res.json()) as Json).data;
    expect(t).toMatchObject({ external_id: body.external_id, receipt_ref: "D172009999999", tags: ["ci", "test"] });

    const again = await api("/transactions/update-create", { method: "POST", token, json: body });
    expect(again.status).toBe(200);
    expect(((await again.json()) as Json).data).toMatchObject({ id: t.id, receipt_ref: "D172009999999" });

    const read = await api(`/transactions/${t.id}`, { token });
    expect(((await read.json()) as Json).data.receipt_ref).toBe("D172009999999");
  });

  it("stands for a missing external_id and is returned too", async () => {
    const ref = `R-${crypto.randomUUID()}`;
    const res = await api("/transactions", { method: "POST", token, json: { receipt_ref: ref, total: 100, items: [item] } });
    expect(res.status).toBe(201);
    expect(((await res.json()) as Json).data).toMatchObject({ external_id: ref, receipt_ref: ref });
  });

  it("returns total_original (Omneo's name for subtotal) as sent", async () => {
    const res = await api("/transactions", { method: "POST", token, json: { external_id: `o-${crypto.randomUUID()}`, total: 90, total_original: 100, items: [{ ...item, price_sell: 90 }] } });
    expect(((await res.json()) as Json).data).toMatchObject({ subtotal: 100, total_original: 100, total: 90 });
  });

  it("is null when not sent", async () => {
    const res = await api("/transactions", { method: "POST", token, json: { external_id: `o-${crypto.randomUUID()}`, total: 100, items: [item] } });
    expect(((await res.json()) as Json).data.receipt_ref).toBeNull();
  });

  it("another receipt_ref under the same external_id is another body: a 409 that writes nothing", async () => {
    const external_id = `o-${crypto.randomUUID()}`;
    expect((await api("/transactions", { method: "POST", token, json: { external_id, receipt_ref: "A-1", total: 100, items: [item] } })).status).toBe(201);
    const res = await api("/transactions", { method: "POST", token, json: { external_id, receipt_ref: "A-2", total: 100, items: [item] } });
    expect(res.status).toBe(409);
    const list = await api(`/transactions?filter[external_id]=${external_id}`, { token });
    expect(((await list.json()) as Json).data.map((x: Json) => x.receipt_ref)).toEqual(["A-1"]);
  });
});
