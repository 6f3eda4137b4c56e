import { jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { EMBED_TTL_SECONDS, metabaseConfig, signedDashboardUrl } from "./embed";

const SECRET = "a-metabase-embedding-secret-of-64-hex-characters-0123456789abcdef";

describe("Metabase signed embedding", () => {
  it("is off unless both the site URL and the secret are set, and refuses a non-HTTPS site", () => {
    expect(metabaseConfig({})).toBeNull();
    expect(metabaseConfig({ METABASE_SITE_URL: "https://bi.example.com" })).toBeNull();
    expect(metabaseConfig({ METABASE_SECRET_KEY: SECRET })).toBeNull();
    expect(metabaseConfig({ METABASE_SITE_URL: "http://bi.example.com", METABASE_SECRET_KEY: SECRET })).toBeNull();
    expect(metabaseConfig({ METABASE_SITE_URL: "https://bi.example.com/", METABASE_SECRET_KEY: SECRET, METABASE_DASHBOARD_ID: "7" })).toEqual({ siteUrl: "https://bi.example.com", secretKey: SECRET, dashboardId: 7 });
  });

  it("signs HS256 with the dashboard, the locked params and a short expiry, verifiable with the secret only", async () => {
    const config = metabaseConfig({ METABASE_SITE_URL: "https://bi.example.com", METABASE_SECRET_KEY: SECRET, METABASE_DASHBOARD_ID: "3" })!;
    const now = new Date();
    const url = await signedDashboardUrl(config, { location_id: ["L1"] }, now);
    const m = /^https:\/\/bi\.example\.com\/embed\/dashboard\/([^#]+)#/.exec(url);
    expect(m).not.toBeNull();
    const { payload, protectedHeader } = await jwtVerify(m![1]!, new TextEncoder().encode(SECRET), { currentDate: now });
    expect(protectedHeader.alg).toBe("HS256");
    expect(payload.resource).toEqual({ dashboard: 3 });
    expect(payload.params).toEqual({ location_id: ["L1"] });
    expect(payload.exp! - payload.iat!).toBe(EMBED_TTL_SECONDS);
    expect(url).not.toContain(SECRET);
    await expect(jwtVerify(m![1]!, new TextEncoder().encode(`${SECRET}x`))).rejects.toThrow();
  });
});
