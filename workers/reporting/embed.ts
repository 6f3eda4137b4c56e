// Metabase signed embedding: the server signs {resource: {dashboard}, params, exp} with the embedding
// secret (HS256, jose) and hands the browser only the resulting iframe URL; the secret never leaves here.
import { SignJWT } from "jose";

export interface MetabaseConfig {
  siteUrl: string;
  secretKey: string;
  dashboardId: number;
}

/** How long a signed embed URL stays valid: long enough to load the iframe, short enough not to share. */
export const EMBED_TTL_SECONDS = 10 * 60;

/** The Metabase settings from the environment, or null when embedding is not configured (the tab is hidden). */
export function metabaseConfig(env: { METABASE_SITE_URL?: string; METABASE_SECRET_KEY?: string; METABASE_DASHBOARD_ID?: string }): MetabaseConfig | null {
  const site = env.METABASE_SITE_URL?.trim();
  const secret = env.METABASE_SECRET_KEY?.trim();
  if (!site || !secret) return null;
  let url: URL;
  try {
    url = new URL(site);
  } catch {
    return null;
  }
  if (url.protocol !== "https:" && url.hostname !== "localhost") return null;
  const id = Number(env.METABASE_DASHBOARD_ID ?? "1");
  return { siteUrl: url.origin + url.pathname.replace(/\/$/, ""), secretKey: secret, dashboardId: Number.isInteger(id) && id > 0 ? id : 1 };
}

/**
 * The iframe URL for the configured dashboard. `params` are locked: they are inside the signature, so a
 * viewer cannot change them (Metabase shows only what they allow).
 */
export async function signedDashboardUrl(config: MetabaseConfig, params: Record<string, string | string[] | null>, now: Date): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  const token = await new SignJWT({ resource: { dashboard: config.dashboardId }, params })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuedAt(iat)
    .setExpirationTime(iat + EMBED_TTL_SECONDS)
    .sign(new TextEncoder().encode(config.secretKey));
  return `${config.siteUrl}/embed/dashboard/${token}#bordered=false&titled=true`;
}
