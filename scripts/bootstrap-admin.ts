// The first Admin of a deployed brand: `npm run bootstrap-admin -- --email you@brand.com --name "You" --remote`
// (or --local). Hashes a password (given with --password, else generated and printed once) in Node
// with the same PBKDF2 parameters as the worker, and inserts the user through `wrangler d1 execute`
// only if the database has no Admin yet, so it cannot be used to take over a running brand.
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { hashPassword } from "../workers/access/password";
import { CreateUserInput } from "../workers/access/schema";
import { argValue, hasFlag } from "./lib/local-env";
import { randomToken } from "../workers/platform/crypto";

const where = hasFlag("remote") ? "--remote" : hasFlag("local") ? "--local" : null;
if (!where) {
  console.error("Say where: --remote (the deployed D1) or --local");
  process.exit(2);
}
const generated = !argValue("password");
const password = argValue("password") || randomToken(15);
const parsed = CreateUserInput.safeParse({ email: argValue("email"), name: argValue("name") || "Administrator", role: "admin", password });
if (!parsed.success) {
  for (const issue of parsed.error.issues) console.error(`--${issue.path.join(".")}: ${issue.message}`);
  process.exit(2);
}
const { email, name } = parsed.data;
const q = (s: string) => `'${s.replaceAll("'", "''")}'`;
const now = Date.now();
const hash = await hashPassword(password);
const sql =
  `INSERT INTO users (id, email, name, role, password_hash, is_active, created_at, updated_at, number) ` +
  `SELECT ${q(randomUUID())}, ${q(email)}, ${q(name)}, 'admin', ${q(hash)}, 1, ${now}, ${now}, (SELECT coalesce(max(number), 0) + 1 FROM users) ` +
  `WHERE NOT EXISTS (SELECT 1 FROM users WHERE role = 'admin'); ` +
  `SELECT count(*) AS admins, sum(email = ${q(email)}) AS is_you FROM users WHERE role = 'admin';`;
const r = spawnSync("npx", ["wrangler", "d1", "execute", "DB", where, "--json", "--command", sql], { encoding: "utf8" });
if (r.status !== 0) {
  console.error(r.stderr || r.stdout);
  process.exit(r.status ?? 1);
}
const results = JSON.parse(r.stdout) as Array<{ results: Array<{ admins: number; is_you: number }> }>;
const row = results.at(-1)?.results[0];
if (!row?.is_you) {
  console.error("This database already has an Admin; sign in as them and create users in Settings → Users.");
  process.exit(1);
}
console.log(`Admin ${email} created.${generated ? ` Password (shown once): ${password}` : ""}`);
