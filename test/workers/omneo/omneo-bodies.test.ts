// Bodies Omneo's SDK sends, accepted in Omneo's form beside ours: a local transacted_at with timezone,
// a receipt without external_id, receipt_ref and total_original, and the variant object on an item.
import { beforeAll, describe, expect, it } from "vitest";
import { api, makeToken, problem } from "../helpers";

type Json = Record<string, any>;  
let token: string;
beforeAll(async () => {
  token = (await makeToken(["*"])).token;
});

const item = { name: "Tee", quantity: 1, price_sell: 100, price_current: 100, price_tax: 10, price_original: 100, discounts: [] };

describe("Omneo's transaction form", () => {
  it("reads a local transacted_at in its timezone", async () => {
    const res = await api("/transactions", {
      method: "POST",
      token,
      json: { external_id: `o-${crypto.randomUUID()}`, total: 100, timezone: "Australia/Melbourne", transacted_at: "2024-11-11 12:00:00", items: [item], payments: [], meta: { test: "test" } },
    });
    expect(res.status).toBe(201);
    // 12:00 in Melbourne on 11 November (daylight time, +11:00) is 01:00 UTC
    expect(((await res.json()) as Json).data.transacted_at).toBe("2024-11-11T01:00:00.000Z");
  });

  it("refuses a local transacted_at without timezone, naming transacted_at", async () => {
    const res = await api("/transactions", { method: "POST", token, json: { external_id: `o-${crypto.randomUUID()}`, total: 1, transacted_at: "2024-11-11 12:00:00", items: [item] } });
    expect(res.status).toBe(422);
    expect((await problem(res)).errors).toHaveProperty(["transacted_at"]);
  });

  it("takes receipt_ref for a missing external_id, total_original for subtotal, and the variant's sku and title", async () => {
    const ref = `R-${crypto.randomUUID()}`;
    const body = {
      receipt_ref: ref,
      total: 100,
      total_original: 120,
      systems: ["CI"],
      items: [{ quantity: 1, price_sell: 100, product_variant_id: 42, product_variant: { sku: "GHT-1", title: "Test item", price: 100, brand: "Omneo" } }],
    };
    const res = await api("/transactions/update-create", { method: "POST", token, json: body });
    expect(res.status).toBe(201);
    const t = ((await res.json()) as Json).data;
    expect(t).toMatchObject({ external_id: ref });
    expect(t.items[0]).toMatchObject({ sku: "GHT-1", name: "Test item" });
    // the same receipt again is the same transaction (idempotent on the receipt)
    const again = await api("/transactions/update-create", { method: "POST", token, json: body });
    expect(again.status).toBe(200);
    expect(((await again.json()) as Json).data.id).toBe(t.id);
  });

  it("gives a receipt with neither external_id nor receipt_ref an id of its own", async () => {
    const res = await api("/transactions", { method: "POST", token, json: { total: 5, items: [{ ...item, price_sell: 5 }] } });
    expect(res.status).toBe(201);
    expect(((await res.json()) as Json).data.external_id).toMatch(/^le-/);
  });
});
