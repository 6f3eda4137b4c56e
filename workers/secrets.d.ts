// Secrets are not in wrangler.toml, so `wrangler types` cannot see them: declared here.
declare namespace Cloudflare {
  interface Env {
    /** signs storefront tokens (≥ 32 characters): `wrangler secret put STOREFRONT_TOKEN_SECRET`; locally .dev.vars */
    STOREFRONT_TOKEN_SECRET?: string;
    /** Metabase signed embedding (optional; the console's Metabase tab shows only when both are set) */
    METABASE_SITE_URL?: string;
    /** the Metabase embedding secret: `wrangler secret put METABASE_SECRET_KEY` */
    METABASE_SECRET_KEY?: string;
    /** the Metabase dashboard to embed (default 1) */
    METABASE_DASHBOARD_ID?: string;
  }
}
