// Secrets are not in wrangler.toml, so `wrangler types` cannot see them: declared here.
declare namespace Cloudflare {
  interface Env {
    /** signs storefront tokens (≥ 32 characters): `wrangler secret put STOREFRONT_TOKEN_SECRET`; locally .dev.vars */
    STOREFRONT_TOKEN_SECRET?: string;
    /** encrypts webhook secrets and secret target headers at rest (≥ 32 characters): `wrangler secret put WEBHOOK_ENCRYPTION_KEY` */
    WEBHOOK_ENCRYPTION_KEY?: string;
    /** "true" in .dev.vars only: webhooks and targets may call http://localhost and 127.0.0.1 */
    ALLOW_INSECURE_WEBHOOK_URLS?: string;
    /** Metabase signed embedding (optional; the console's Metabase tab shows only when both are set) */
    METABASE_SITE_URL?: string;
    /** the Metabase embedding secret: `wrangler secret put METABASE_SECRET_KEY` */
    METABASE_SECRET_KEY?: string;
    /** the Metabase dashboard to embed (default 1) */
    METABASE_DASHBOARD_ID?: string;
  }
}
