// Local secrets for `wrangler dev` (and getPlatformProxy): .dev.vars is git-ignored, so a fresh clone
// gets one with a random STOREFRONT_TOKEN_SECRET and WEBHOOK_ENCRYPTION_KEY the first time anything
// serves the worker, and ALLOW_INSECURE_WEBHOOK_URLS=true so a webhook may point at a receiver on
// localhost. On Cloudflare the secrets come from `wrangler secret put`; the insecure flag never does.
import { randomBytes } from "node:crypto";
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import path from "node:path";

export function ensureDevVars(root = process.cwd()) {
  const file = path.join(root, ".dev.vars");
  const current = existsSync(file) ? readFileSync(file, "utf8") : "";
  const wanted = {
    STOREFRONT_TOKEN_SECRET: () => randomBytes(32).toString("hex"),
    WEBHOOK_ENCRYPTION_KEY: () => randomBytes(32).toString("hex"),
    ALLOW_INSECURE_WEBHOOK_URLS: () => "true",
  };
  const missing = Object.entries(wanted).filter(([name]) => !new RegExp(`^${name}=`, "m").test(current));
  if (missing.length === 0) return;
  const sep = current && !current.endsWith("\n") ? "\n" : "";
  appendFileSync(file, sep + missing.map(([name, value]) => `${name}=${value()}\n`).join(""));
}
