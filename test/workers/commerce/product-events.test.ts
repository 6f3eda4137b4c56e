// Product events (issue 12): creating, updating and deleting a product writes product.created/updated/
// deleted in the change's batch, with the product under `product`; a webhook configured with Omneo's
// names (`products.create`, ...) gets a delivery of each; a refused change writes no event.
import { asc, eq, like } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { deliveries, events } from "../../../db/schema";
import { fanOutWebhooks } from "../../../workers/delivery/fan-out";
import { toMessage } from "../../../workers/platform/outbox";
import { api, makeToken, services } from "../helpers";
import { body, uid } from "./support";

type Product = { id: string; sku: string; name: string };

/** The product events of one product, oldest first. */
async function productEvents(productId: string) {
  const rows = await services().db.select().from(events).where(like(events.type, "product.%")).orderBy(asc(events.occurredAt));
  return rows.filter((r) => (r.data as { product?: { id?: string } }).product?.id === productId);
}

describe("product events", () => {
  it("emits product.created, .updated and .deleted with the product, delivered to webhooks under Omneo's names", async () => {
    const { token } = await makeToken(["*"]);
    const hooks: Record<string, string> = {};
    for (const trigger of ["products.create", "products.update", "product.deleted"]) {
      const res = await api("/webhooks", { method: "POST", token, json: { trigger, url: `https://receiver.test/${uid("p")}/ok` } });
      expect(res.status, await res.clone().text()).toBe(201);
      hooks[trigger] = (await body<{ data: { id: string } }>(res)).data.id;
    }

    const sku = uid("EVT-");
    const created = await api("/products", { method: "POST", token, json: { sku, name: `Event tee ${sku}`, price: 25, variants: [{ sku: `${sku}-M`, name: "M" }] } });
    expect(created.status).toBe(201);
    const product = (await body<{ data: Product }>(created)).data;
    expect((await api(`/products/${product.id}`, { method: "PUT", token, json: { name: `Renamed ${sku}` } })).status).toBe(200);
    expect((await api(`/products/${product.id}`, { method: "DELETE", token })).status).toBe(204);

    const rows = await productEvents(product.id);
    expect(rows.map((r) => r.type)).toEqual(["product.created", "product.updated", "product.deleted"]);
    expect(rows[0]!.data).toMatchObject({ product: { id: product.id, sku, name: `Event tee ${sku}`, variants: [{ sku: `${sku}-M` }] } });
    expect(rows[1]!.data).toMatchObject({ product: { id: product.id, name: `Renamed ${sku}` } });
    expect(rows[2]!.data).toMatchObject({ product: { id: product.id, name: `Renamed ${sku}` } });
    expect(rows.every((r) => r.profileId === null)).toBe(true);

    const s = services();
    for (const [row, trigger] of [
      [rows[0]!, "products.create"],
      [rows[1]!, "products.update"],
      [rows[2]!, "product.deleted"],
    ] as const) {
      await fanOutWebhooks(toMessage(row), s);
      const sent = await s.db.select().from(deliveries).where(eq(deliveries.eventId, row.id));
      expect(sent.map((d) => d.webhookId)).toEqual([hooks[trigger]]);
      expect(JSON.parse(sent[0]!.body)).toMatchObject({ type: row.type, data: { product: { id: product.id } } });
    }
  });

  it("a refused product (its sku taken) writes no event", async () => {
    const { token } = await makeToken(["*"]);
    const sku = uid("DUP-");
    const first = await api("/products", { method: "POST", token, json: { sku, name: "First" } });
    expect(first.status).toBe(201);
    const before = (await services().db.select({ id: events.id }).from(events).where(eq(events.type, "product.created"))).length;
    const dup = await api("/products", { method: "POST", token, json: { sku, name: "Second" } });
    expect(dup.status).toBe(422);
    expect((await services().db.select({ id: events.id }).from(events).where(eq(events.type, "product.created"))).length).toBe(before);
  });
});
