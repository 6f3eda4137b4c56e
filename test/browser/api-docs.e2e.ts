// /api/docs: Swagger UI from our own assets (nothing from a CDN) rendering the OpenAPI document.
import { describe, expect, test } from "./support/fixtures";

describe("API reference", () => {
  test("/api/docs renders Swagger UI from local assets", async ({ page, baseUrl, consoleErrors }) => {
    const requested: string[] = [];
    const responses = new Map<string, number>();
    page.on("request", (req) => requested.push(req.url()));
    page.on("response", (res) => responses.set(new URL(res.url()).pathname, res.status()));

    const res = await page.goto("/api/docs");
    expect(res?.status()).toBe(200);
    const title = page.locator(".swagger-ui .info .title");
    await title.waitFor({ state: "visible" });
    expect(await title.textContent()).toContain("Loyalty Edge API");
    // The operations are listed, e.g. "who am I".
    await page.locator(".opblock-summary-path", { hasText: "/users/me" }).first().waitFor({ state: "visible" });

    expect(responses.get("/vendor/swagger-ui/swagger-ui-bundle.js")).toBe(200);
    expect(responses.get("/vendor/swagger-ui/swagger-ui.css")).toBe(200);
    expect(responses.get("/api/v3/openapi.json")).toBe(200);
    const offsite = requested.filter((u) => !u.startsWith(`${baseUrl}/`) && !u.startsWith("data:"));
    expect(offsite).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
