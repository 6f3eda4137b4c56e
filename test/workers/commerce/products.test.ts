// /products: CRUD with variants, SKUs unique across products and variants, audit, scopes, and the
// validation view of SKUs seen in transactions that the catalogue lacks.
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, products, productVariants } from "../../../db/schema";
import { api, countRows, makeToken, problem } from "../helpers";
import { body, postTx, receipt, uid } from "./support";

type Variant = { id: string; sku: string; name: string; price: number | null; options: Record<string, string> | null };
type Product = { id: string; sku: string; name: string; price: number | null; variants: Variant[] } & Record<string, unknown>;
type Missing = { sku: string; name: string | null; item_count: number; last_seen_at: string };

async function createProduct(token: string, json: Record<string, unknown>): Promise<Product> {
  const res = await api("/products", { method: "POST", token, json });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await body<{ data: Product }>(res)).data;
}

describe("/products", () => {
  it("creates, reads, lists, updates and deletes a product with variants, auditing each change", async () => {
    const { token } = await makeToken(["config:read", "config:write"]);
    const sku = uid("DRESS-");
    const created = await createProduct(token, {
      sku,
      name: `Wrap dress ${sku}`,
      brand: "Acme",
      category: "Dresses",
      price: "129.95",
      external_id: `shopify-${sku}`,
      variants: [
        { sku: `${sku}-S`, name: "Small", price: 129.95, options: { size: "S" } },
        { sku: `${sku}-M`, name: "Medium", price: 129.95, options: { size: "M" } },
      ],
    });
    expect(created).toMatchObject({ sku, brand: "Acme", category: "Dresses", price: 129.95, external_id: `shopify-${sku}`, is_active: true });
    expect(created.variants.map((v) => [v.sku, v.price, v.options])).toEqual([
      [`${sku}-M`, 129.95, { size: "M" }],
      [`${sku}-S`, 129.95, { size: "S" }],
    ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))));

    expect((await body<{ data: Product }>(await api(`/products/${created.id}`, { token }))).data).toEqual(created);
    const bySku = await api(`/products?search=${encodeURIComponent(`${sku}-M`)}`, { token });
    expect((await body<{ data: Product[] }>(bySku)).data.map((p) => p.id)).toEqual([created.id]);
    const byName = await api(`/products?search=${encodeURIComponent(`wrap dress ${sku}`)}&filter[is_active]=true`, { token });
    expect((await body<{ data: Product[] }>(byName)).data.map((p) => p.id)).toEqual([created.id]);

    const medium = created.variants.find((v) => v.sku === `${sku}-M`)!;
    const upd = await api(`/products/${created.id}`, {
      method: "PUT",
      token,
      json: { price: 99, is_active: false, variants: [{ sku: `${sku}-M`, name: "Medium", price: 99, options: { size: "M" } }, { sku: `${sku}-L`, name: "Large", price: 99 }] },
    });
    expect(upd.status).toBe(200);
    const updated = (await body<{ data: Product }>(upd)).data;
    expect(updated).toMatchObject({ price: 99, is_active: false, name: `Wrap dress ${sku}` });
    expect(updated.variants.map((v) => v.sku).sort()).toEqual([`${sku}-L`, `${sku}-M`]);
    // a variant kept by sku keeps its id
    expect(updated.variants.find((v) => v.sku === `${sku}-M`)!.id).toBe(medium.id);
    expect(await countRows(productVariants, eq(productVariants.productId, created.id))).toBe(2);

    expect((await api(`/products/${created.id}`, { method: "DELETE", token })).status).toBe(204);
    expect((await api(`/products/${created.id}`, { token })).status).toBe(404);
    expect(await countRows(productVariants, eq(productVariants.productId, created.id))).toBe(0);
    for (const action of ["product.created", "product.updated", "product.deleted"]) {
      expect(await countRows(auditLog, and(eq(auditLog.action, action), eq(auditLog.entityId, created.id))), action).toBe(1);
    }
  });

  it("keeps skus unique across products and variants", async () => {
    const { token } = await makeToken(["config:write"]);
    const sku = uid("BAG-");
    const bag = await createProduct(token, { sku, name: "Bag", variants: [{ sku: `${sku}-RED`, name: "Red" }] });
    const before = await countRows(products);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ sku, name: "Same sku as a product" }, "sku"],
      [{ sku: `${sku}-RED`, name: "Same sku as a variant" }, "sku"],
      [{ sku: uid("NEW-"), name: "Variant clashes with a product", variants: [{ sku, name: "x" }] }, "variants.0.sku"],
      [{ sku: uid("NEW-"), name: "Variant clashes with a variant", variants: [{ sku: `${sku}-RED`, name: "x" }] }, "variants.0.sku"],
      [{ sku: `DUP-${sku}`, name: "Twice in one body", variants: [{ sku: `DUP-${sku}`, name: "x" }] }, "variants.0.sku"],
    ];
    for (const [json, field] of cases) {
      const res = await api("/products", { method: "POST", token, json });
      expect(res.status, JSON.stringify(json)).toBe(422);
      expect(Object.keys((await problem(res)).errors ?? {}), JSON.stringify(json)).toContain(field);
    }
    expect(await countRows(products)).toBe(before);

    // a product may keep its own skus on update, but not take another's
    const other = await createProduct(token, { sku: uid("OTHER-"), name: "Other" });
    expect((await api(`/products/${bag.id}`, { method: "PUT", token, json: { sku, variants: [{ sku: `${sku}-RED`, name: "Red" }] } })).status).toBe(200);
    const steal = await api(`/products/${other.id}`, { method: "PUT", token, json: { variants: [{ sku: `${sku}-RED`, name: "Mine now" }] } });
    expect(steal.status).toBe(422);
    // nor give the product the sku one of its own variants has
    const ownVariant = await api(`/products/${bag.id}`, { method: "PUT", token, json: { sku: `${sku}-RED` } });
    expect(ownVariant.status).toBe(422);
    expect((await problem(ownVariant)).errors).toHaveProperty(["variants.0.sku"]);
  });

  it.each([
    ["a price with three decimals", { price: 1.005 }, "price"],
    ["a variant price with three decimals", { variants: [{ sku: "V-1", name: "V", price: "2.999" }] }, "variants.0.price"],
    ["no name", { name: "" }, "name"],
    ["no sku", { sku: undefined }, "sku"],
    ["is_active of the wrong type", { is_active: "yes" }, "is_active"],
  ])("refuses %s with a 422 naming the field", async (_n, overrides, field) => {
    const { token } = await makeToken(["config:write"]);
    const res = await api("/products", { method: "POST", token, json: { sku: uid("P-"), name: "Product", ...overrides } });
    expect(res.status).toBe(422);
    expect(Object.keys((await problem(res)).errors ?? {})).toContain(field);
  });

  it("needs config:read to read and config:write to write", async () => {
    const reader = await makeToken(["config:read"]);
    expect((await api("/products", { token: reader.token })).status).toBe(200);
    expect((await api("/products/validation", { token: reader.token })).status).toBe(200);
    expect((await api("/products", { method: "POST", token: reader.token, json: { sku: "X", name: "X" } })).status).toBe(403);
    const other = await makeToken(["transactions:write"]);
    expect((await api("/products", { token: other.token })).status).toBe(403);
    expect((await api("/products/validation", { token: other.token })).status).toBe(403);
  });
});

describe("GET /products/validation", () => {
  it("lists skus seen in transactions that the catalogue lacks, most frequent first, with counts and last seen", async () => {
    const { token } = await makeToken(["*"]);
    const tag = uid();
    const [often, twice, once, known, variant] = ["OFTEN", "TWICE", "ONCE", "KNOWN", "VARIANT"].map((s) => `${s}-${tag}`) as [string, string, string, string, string];
    await createProduct(token, { sku: known, name: "Known", variants: [{ sku: variant, name: "Variant" }] });
    const line = (sku: string, name = "Thing") => ({ sku, name, quantity: 1, price_sell: 1 });
    await postTx(token, receipt({ transacted_at: "2024-03-01T00:00:00Z", total: 5, items: [line(often), line(often), line(twice), line(known), line(variant)] }), 201);
    await postTx(token, receipt({ transacted_at: "2024-03-05T00:00:00Z", total: 3, items: [line(often, "Often (renamed)"), line(once), line(twice)] }), 201);

    const mine: Missing[] = [];
    for (let page = 1; page <= 20; page++) {
      const res = await api(`/products/validation?page[size]=100&page[number]=${page}`, { token });
      expect(res.status).toBe(200);
      const list = await body<{ data: Missing[]; links: { next: string | null } }>(res);
      mine.push(...list.data.filter((m) => m.sku.endsWith(tag)));
      if (!list.links.next) break;
    }
    expect(mine).toEqual([
      { sku: often, name: "Often (renamed)", item_count: 3, last_seen_at: "2024-03-05T00:00:00.000Z" },
      { sku: twice, name: "Thing", item_count: 2, last_seen_at: "2024-03-05T00:00:00.000Z" },
      { sku: once, name: "Thing", item_count: 1, last_seen_at: "2024-03-05T00:00:00.000Z" },
    ]);

    // adding the sku to the catalogue takes it off the list
    await createProduct(token, { sku: often, name: "Often" });
    const after = await api("/products/validation?page[size]=100", { token });
    expect((await body<{ data: Missing[] }>(after)).data.map((m) => m.sku)).not.toContain(often);
  });
});
