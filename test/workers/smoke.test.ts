import { describe, expect, it } from "vitest";
import { api, fetchWorker } from "./helpers";

describe("worker", () => {
  it("answers the health check without a token", async () => {
    const res = await api("/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ data: { status: "ok" } });
  });
  it("sends an anonymous console visitor to the login page", async () => {
    const res = await fetchWorker("/dashboard", { redirect: "manual" });
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/login?redirectTo=%2Fdashboard");
  });
});
