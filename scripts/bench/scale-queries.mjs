// The statements behind the slow paths of a 1M-member brand, timed in SQLite alone (Debian's sqlite3 CLI
// over the local D1 file, `.timer on`, best of 3), with their query plans: separates "this query is
// slow at this size" from what the worker, D1's simulator and the machine add. The SQL is what the
// services send (drizzle's output, constants inlined). Run with the worker stopped on that dir.
// Usage: node scripts/bench/scale-queries.mjs [--persist-to .wrangler/scale]
import { parseArgs } from "node:util";
import { d1File, sqlite } from "./scale-seed.mjs";

export function statements(file) {
  const [s] = sqlite(
    file,
    `SELECT (SELECT email FROM profiles WHERE rowid = (SELECT max(rowid) / 2 FROM profiles)) AS email,
      (SELECT last_name FROM profiles WHERE rowid = (SELECT max(rowid) / 3 FROM profiles)) AS last,
      (SELECT transacted_at || ':' || id FROM transactions WHERE rowid = (SELECT max(rowid) / 2 FROM transactions)) AS mid,
      (SELECT created_at || ':' || id FROM profiles WHERE rowid = (SELECT max(rowid) / 2 FROM profiles)) AS pmid;`,
    { json: true },
  );
  const [at, id] = s.mid.split(":");
  const lower = s.email.toLowerCase();
  const [pat, pid] = s.pmid.split(":");
  return [
    ["search email (exact + prefix range)", `SELECT id FROM profiles WHERE lower(email) = '${lower}' LIMIT 1; SELECT id FROM profiles WHERE lower(email) > '${lower}' AND lower(email) < '${lower}\uffff' ORDER BY lower(email) LIMIT 100;`],
    ["search name (FTS5 prefix, bm25)", `SELECT profiles.id FROM profiles_fts JOIN profiles ON profiles.rowid = profiles_fts.rowid WHERE profiles_fts MATCH '"${s.last.toLowerCase()}"*' ORDER BY rank LIMIT 100;`],
    ["profiles count (list total)", `SELECT count(*) FROM profiles WHERE type <> 'deleted';`],
    ["profiles total from profile_counts (since migration 0015)", `SELECT coalesce(sum(n), 0) FROM profile_counts WHERE type <> 'deleted';`],
    ["profiles page 1", `SELECT * FROM profiles WHERE type <> 'deleted' ORDER BY created_at DESC, id DESC LIMIT 15;`],
    ["profiles cursor mid-table (page[cursor])", `SELECT * FROM profiles WHERE type <> 'deleted' AND created_at <= ${pat} AND (created_at < ${pat} OR (created_at = ${pat} AND id < '${pid}')) ORDER BY created_at DESC, id DESC LIMIT 101;`],
    ["profiles page at offset 500,000", `SELECT * FROM profiles WHERE type <> 'deleted' ORDER BY created_at DESC, id DESC LIMIT 100 OFFSET 500000;`],
    ["transactions count (list total)", `SELECT count(*) FROM transactions;`],
    ["transactions page 1", `SELECT * FROM transactions ORDER BY transacted_at DESC, id DESC LIMIT 15;`],
    ["transactions page at offset 1,000,000", `SELECT * FROM transactions ORDER BY transacted_at DESC, id DESC LIMIT 100 OFFSET 1000000;`],
    ["transactions cursor mid-table", `SELECT * FROM transactions WHERE (transacted_at < ${at} OR (transacted_at = ${at} AND id < '${id}')) ORDER BY transacted_at DESC, id DESC LIMIT 101;`],
    ["report_daily 2 years", `SELECT metric, dimension, sum(value) FROM report_daily WHERE day BETWEEN date('now', '-1459 days') AND date('now') AND location_id = '' GROUP BY metric, dimension;`],
  ];
}

export function timeStatements(file) {
  const out = [];
  for (const [label, sql] of statements(file)) {
    const runs = [];
    for (let i = 0; i < 3; i++) {
      const text = sqlite(file, `.timer on\n${sql}`);
      const real = [...text.matchAll(/Run Time: real ([\d.]+)/g)].reduce((sum, m) => sum + Number(m[1]) * 1000, 0);
      runs.push(real);
    }
    const plan = sqlite(file, `EXPLAIN QUERY PLAN ${sql.split(";").filter((x) => x.trim()).at(-1)};`)
      .split("\n")
      .filter((l) => /SCAN|SEARCH|TEMP/.test(l))
      .map((l) => l.replace(/^[\s|`-]+/, ""))
      .join("; ");
    out.push({ label, ms: Math.min(...runs), plan });
  }
  return out;
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) {
  const { values } = parseArgs({ options: { "persist-to": { type: "string", default: ".wrangler/scale" } } });
  const file = d1File(values["persist-to"]);
  if (!file) throw new Error(`no local D1 under ${values["persist-to"]}`);
  console.log("| statement (SQLite alone) | ms | plan |\n|---|--:|---|");
  for (const r of timeStatements(file)) console.log(`| ${r.label} | ${r.ms.toFixed(1)} | ${r.plan} |`);
}
