// Local secrets for `wrangler dev` (and getPlatformProxy): .dev.vars is git-ignored, so a fresh clone
// gets one with a random STOREFRONT_TOKEN_SECRET the first time anything serves the worker. On
// Cloudflare the same secret comes from `wrangler secret put STOREFRONT_TOKEN_SECRET`.
import { randomBytes } from "node:crypto";
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import path from "node:path";

export function ensureDevVars(root = process.cwd()) {
  const file = path.join(root, ".dev.vars");
  const current = existsSync(file) ? readFileSync(file, "utf8") : "";
  if (/^STOREFRONT_TOKEN_SECRET=/m.test(current)) return;
  const sep = current && !current.endsWith("\n") ? "\n" : "";
  appendFileSync(file, `${sep}STOREFRONT_TOKEN_SECRET=${randomBytes(32).toString("hex")}\n`);
}
