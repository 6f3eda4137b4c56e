// Secrets are not in wrangler.toml, so `wrangler types` cannot see them: declared here.
declare namespace Cloudflare {
  interface Env {
    /** signs storefront tokens (≥ 32 characters): `wrangler secret put STOREFRONT_TOKEN_SECRET`; locally .dev.vars */
    STOREFRONT_TOKEN_SECRET?: string;
  }
}
