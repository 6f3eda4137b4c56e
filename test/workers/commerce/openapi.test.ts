// The OpenAPI document is generated from the same schemas that validate commerce requests.
import { describe, expect, it } from "vitest";
import { api } from "../helpers";

describe("commerce in the OpenAPI document", () => {
  it("documents every commerce route with its scope-guarded operations", async () => {
    const res = await api("/openapi.json");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, unknown> } };
    const ops = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    expect(ops).toEqual(
      expect.arrayContaining([
        "GET /transactions",
        "POST /transactions",
        "POST /transactions/queue",
        "GET /transactions/external/{external_id}",
        "GET /transactions/{id}",
        "POST /transactions/{id}/void",
        "GET /profiles/{id}/transactions",
        "POST /profiles/{id}/transactions/claims",
        "GET /locations",
        "POST /locations",
        "GET /locations/{id}",
        "PUT /locations/{id}",
        "DELETE /locations/{id}",
        "GET /products",
        "POST /products",
        "GET /products/validation",
        "GET /products/{id}",
        "PUT /products/{id}",
        "DELETE /products/{id}",
      ]),
    );
    expect(ops).not.toContain("PUT /transactions/{id}");
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(["TransactionInput", "Transaction", "Location", "Product", "MissingSku"]));
  });
});
