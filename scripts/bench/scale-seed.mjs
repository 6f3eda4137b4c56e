// `npm run bench:scale -- seed [--profiles 1000000] [--transactions-per-profile 2] [--persist-to .wrangler/scale]`
// Builds a brand of a million members straight into the local D1's SQLite file, because seeding through
// D1 (scripts/seed.ts) takes ~1,000 s for 100k profiles on this machine and would take hours for 1M.
//
// 1. When the persist dir has no database yet: `wrangler d1 migrations apply DB --local` and
//    `scripts/seed.ts --profiles 0` (staff, tokens, definitions, automations, locations, products: the
//    same rows the demo brand has, through the services).
// 2. One `sqlite3` process (Debian's CLI; `apt-get install -y sqlite3`) runs generated SQL over that file:
//    profiles (names from faker's lists, unique email, 80 % with a mobile), identities (70 % a loyalty
//    card, 40 % a Shopify id), a home address each, about `--transactions-per-profile` purchases each over
//    the last year (uniform 0..2×, 1–3 lines from the catalogue, 20 % of lines on sale, 3 % anonymous),
//    8 % of purchases returned within 30 days, and each member's aggregations. Random values come from
//    SQLite's random(), so a run is not reproducible row for row, only in shape.
//    The FTS index and the indexes of the tables it fills are the migrations' own: their CREATE
//    statements are read from sqlite_master, dropped for the load and run again after it (FTS5 `rebuild`
//    from the external content; profile_counts' triggers likewise, then one count by type), so the file
//    ends with exactly the schema the migrations define.
// 3. `npm run rollups:rebuild` over the result (through wrangler's platform proxy, as the product does),
//    timed: that is the rollup rebuild time at this size.
// The worker must not be running on that persist dir meanwhile. Prints sizes and times.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { faker } from "@faker-js/faker";

const DAY = 86_400_000;
const FILLED = ["profiles", "identities", "addresses", "transactions", "transaction_items", "profile_aggregations"];

export function d1File(persistTo) {
  const dir = join(persistTo, "v3", "d1", "miniflare-D1DatabaseObject");
  if (!existsSync(dir)) return null;
  const files = readdirSync(dir).filter((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite");
  if (files.length > 1) throw new Error(`more than one D1 database under ${dir}: ${files.join(", ")}`);
  return files.length ? join(dir, files[0]) : null;
}

export function sqlite(file, sql, { json = false } = {}) {
  const r = spawnSync("sqlite3", [...(json ? ["-json"] : []), file], { input: sql, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new Error(`sqlite3: ${r.error.message} (apt-get install -y sqlite3)`);
  if (r.status !== 0 || r.stderr.trim()) throw new Error(`sqlite3 failed (exit ${r.status}): ${r.stderr.slice(0, 2000)}`);
  return json ? (r.stdout.trim() ? JSON.parse(r.stdout) : []) : r.stdout;
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, CI: "1", WRANGLER_LOG: process.env.WRANGLER_LOG || "error" } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (exit ${r.status})`);
}

const q = (s) => `'${String(s).replaceAll("'", "''")}'`;
/** A fresh random UUID v4 per evaluation (each randomblob is evaluated once, so it is safe inline). */
const UUID =
  "(lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-a' || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))))";

/** The generating SQL: temp tables of plans first (so a random value used twice is read from a column), then the inserts. */
export function generationSql({ profiles, perProfile, now, schema }) {
  const names = (list) => [...new Set(list.filter((n) => /^[A-Za-z]{2,}$/.test(n)))];
  const first = names(Object.values(faker.definitions.person.first_name).flat());
  const last = names(faker.definitions.person.last_name.generic);
  const maxTx = Math.max(0, Math.round(perProfile * 2));
  const yearAgo = now - 365 * DAY;
  const values = (list) => list.map((v, i) => `(${i}, ${q(v)})`).join(",\n");
  return `
PRAGMA synchronous = OFF;
PRAGMA cache_size = -400000;
PRAGMA temp_store = FILE;
BEGIN;
CREATE TEMP TABLE fn (i INTEGER PRIMARY KEY, v TEXT NOT NULL);
INSERT INTO fn VALUES ${values(first)};
CREATE TEMP TABLE ln (i INTEGER PRIMARY KEY, v TEXT NOT NULL);
INSERT INTO ln VALUES ${values(last)};
CREATE TEMP TABLE locs AS SELECT row_number() OVER (ORDER BY external_id) - 1 AS i, id, timezone, type, coalesce(json_extract(address, '$.city'), 'Sydney') AS city FROM locations;
CREATE TEMP TABLE skus AS SELECT row_number() OVER (ORDER BY sku) - 1 AS i, * FROM (
  SELECT v.sku, v.name, v.product_id, v.price FROM product_variants v
  UNION ALL SELECT p.sku, p.name, p.id, p.price FROM products p WHERE NOT EXISTS (SELECT 1 FROM product_variants v WHERE v.product_id = p.id));
-- the plan of each member: id, name, join date, home store (one of the five), purchases
CREATE TEMP TABLE ps (n INTEGER PRIMARY KEY, id TEXT NOT NULL, fi INTEGER, li INTEGER, joined INTEGER, home INTEGER, txn INTEGER, g INTEGER);
INSERT INTO ps SELECT value, ${UUID}, abs(random()) % ${first.length}, abs(random()) % ${last.length},
  ${now} - (1 + abs(random()) % 730) * ${DAY} - abs(random()) % ${DAY}, 1 + abs(random()) % 5, abs(random()) % ${maxTx + 1}, abs(random())
  FROM generate_series(0, ${profiles - 1});
${schema.drop}
INSERT INTO profiles (id, first_name, last_name, email, mobile_phone, gender, birth_day, birth_month, birth_year, company, currency, type,
  joined_at, joined_location_id, preferred_location_id, tags, comms, appearance, custom_attributes, dates, deleted_at, merged_into, created_at, updated_at)
SELECT ps.id, fn.v, ln.v, lower(fn.v || '.' || ln.v) || '.' || ps.n || '@example.com',
  CASE WHEN ps.n % 10 < 8 THEN '+614' || substr(CAST(10000000 + ps.n AS TEXT), -8) END,
  CASE ps.g % 4 WHEN 0 THEN 'female' WHEN 1 THEN 'male' WHEN 2 THEN 'non-binary' END,
  1 + abs(random()) % 28, 1 + abs(random()) % 12, 1955 + abs(random()) % 52, NULL, 'AUD', 'active',
  ps.joined, locs.id, locs.id,
  CASE (ps.g / 4) % 6 WHEN 0 THEN '["vip"]' WHEN 1 THEN '["newsletter"]' WHEN 2 THEN '["newsletter","birthday-club"]' ELSE '[]' END,
  '{"email":' || CASE WHEN (ps.g / 24) % 5 THEN 'true' ELSE 'false' END || ',"sms":' || CASE WHEN (ps.g / 120) % 2 THEN 'true' ELSE 'false' END
    || ',"push":false,"consent_at":{"email":"' || strftime('%Y-%m-%dT%H:%M:%fZ', ps.joined / 1000.0, 'unixepoch') || '"}}',
  '{"top_size":"' || CASE (ps.g / 240) % 5 WHEN 0 THEN 'XS' WHEN 1 THEN 'S' WHEN 2 THEN 'M' WHEN 3 THEN 'L' ELSE 'XL' END || '","shoe_size":"' || (5 + (ps.g / 1200) % 8) || '"}',
  '[{"namespace":"crm","handle":"segment","type":"string","value":"' || CASE (ps.g / 9600) % 4 WHEN 0 THEN 'core' WHEN 1 THEN 'lapsed' WHEN 2 THEN 'new' ELSE 'high-value' END || '"}]',
  '{}', NULL, NULL, ps.joined, ps.joined
FROM ps JOIN fn ON fn.i = ps.fi JOIN ln ON ln.i = ps.li JOIN locs ON locs.i = ps.home ORDER BY ps.n;
INSERT INTO identities (id, profile_id, handle, identifier, is_primary, is_active, created_at)
  SELECT ${UUID}, id, 'loyalty-card', CAST(6000000000 + n AS TEXT), 1, 1, joined FROM ps WHERE n % 10 < 7;
INSERT INTO identities (id, profile_id, handle, identifier, is_primary, is_active, created_at)
  SELECT ${UUID}, id, 'shopify', CAST(7000000 + n AS TEXT), 0, 1, joined FROM ps WHERE n % 5 < 2;
INSERT INTO addresses (id, profile_id, type, is_default, address_line_1, address_line_2, city, state, postcode, country, created_at)
  SELECT ${UUID}, ps.id, 'home', 1, (1 + ps.g % 400) || ' ' || ln.v || ' Street', NULL, locs.city, NULL, CAST(2000 + ps.g % 1000 AS TEXT), 'AU', ps.joined
  FROM ps JOIN ln ON ln.i = (ps.li + 7) % ${last.length} JOIN locs ON locs.i = ps.home;
-- purchases: when, where (5 in 8 at home, 2 online, 1 anywhere), how many lines, returned or not
CREATE TEMP TABLE tx (k INTEGER PRIMARY KEY, id TEXT NOT NULL, pid TEXT, at INTEGER NOT NULL, loc INTEGER NOT NULL, lines INTEGER NOT NULL, ret INTEGER NOT NULL, rat INTEGER);
INSERT INTO tx (id, pid, at, loc, lines, ret, rat)
SELECT ${UUID}, CASE WHEN abs(random()) % 100 < 3 THEN NULL ELSE ps.id END,
  max(ps.joined, ${yearAgo}) + abs(random()) % max(1, ${now - 3_600_000} - max(ps.joined, ${yearAgo})),
  CASE abs(random()) % 8 WHEN 5 THEN 0 WHEN 6 THEN 0 WHEN 7 THEN abs(random()) % 6 ELSE ps.home END,
  1 + abs(random()) % 3, abs(random()) % 100 < 8, (1 + abs(random()) % 30) * ${DAY} + abs(random()) % ${8 * 3_600_000}
FROM ps, generate_series(1, ps.txn) ORDER BY ps.n;
UPDATE tx SET rat = at + rat;
CREATE TEMP TABLE it (tk INTEGER NOT NULL, pos INTEGER NOT NULL, si INTEGER NOT NULL, qty INTEGER NOT NULL, sale INTEGER NOT NULL, PRIMARY KEY (tk, pos)) WITHOUT ROWID;
INSERT INTO it SELECT tx.k, value, abs(random()) % (SELECT count(*) FROM skus), 1 + abs(random()) % 2, abs(random()) % 5 = 0 FROM tx, generate_series(0, tx.lines - 1);
CREATE TEMP VIEW itv AS SELECT it.*, skus.sku, skus.name, skus.product_id, skus.price,
  CASE WHEN it.sale THEN CAST(round(skus.price * 0.8) AS INTEGER) ELSE skus.price END AS sell FROM it JOIN skus ON skus.i = it.si;
CREATE TEMP TABLE tt (tk INTEGER PRIMARY KEY, subtotal INTEGER, discount INTEGER, tax INTEGER, total INTEGER);
INSERT INTO tt SELECT tk, sum(qty * price), sum(qty * (price - sell)), sum(qty * CAST(round(sell / 11.0) AS INTEGER)), sum(qty * sell) FROM itv GROUP BY tk;
INSERT INTO transactions (id, external_id, request_hash, profile_id, location_id, staff_id, transacted_at, timezone, currency, subtotal, discount, tax, rounding, total,
  payments, redemption_id, tags, meta, channel, is_void, voided_at, void_reason, created_at)
SELECT tx.id, 'M' || tx.k, 'seed', tx.pid, locs.id, CASE WHEN locs.type = 'store' THEN 'staff-' || (1 + tx.k % 24) END, tx.at, locs.timezone, 'AUD',
  tt.subtotal, tt.discount, tt.tax, 0, tt.total,
  '[{"method":"' || CASE WHEN locs.type = 'online' THEN 'card-online' WHEN tx.k % 3 = 0 THEN 'cash' ELSE 'card' END || '","amount":' || tt.total || '}]',
  NULL, NULL, NULL, CASE WHEN locs.type = 'online' THEN 'online' ELSE 'store' END, 0, NULL, NULL, tx.at
FROM tx JOIN tt ON tt.tk = tx.k JOIN locs ON locs.i = tx.loc;
INSERT INTO transaction_items (id, transaction_id, position, sku, name, product_id, quantity, price_original, price_current, price_sell, price_tax, discounts)
SELECT ${UUID}, tx.id, itv.pos, itv.sku, itv.name, itv.product_id, itv.qty, itv.price, itv.price, itv.sell, CAST(round(itv.sell / 11.0) AS INTEGER),
  CASE WHEN itv.sale THEN '[{"name":"Sale","amount":' || (itv.qty * (itv.price - itv.sell)) || '}]' END
FROM itv JOIN tx ON tx.k = itv.tk;
-- returns: the first line, whole quantity, within 30 days
CREATE TEMP TABLE rt AS SELECT tx.k, ${UUID} AS id, tx.pid, tx.rat, tx.loc, itv.qty, itv.sku, itv.name, itv.product_id, itv.price, itv.sell
  FROM tx JOIN itv ON itv.tk = tx.k AND itv.pos = 0 WHERE tx.ret AND tx.pid IS NOT NULL AND tx.rat < ${now};
INSERT INTO transactions (id, external_id, request_hash, profile_id, location_id, staff_id, transacted_at, timezone, currency, subtotal, discount, tax, rounding, total,
  payments, redemption_id, tags, meta, channel, is_void, voided_at, void_reason, created_at, original_external_id)
SELECT rt.id, 'M' || rt.k || '-R', 'seed', rt.pid, locs.id, NULL, rt.rat, locs.timezone, 'AUD', -rt.qty * rt.price, -rt.qty * (rt.price - rt.sell),
  -rt.qty * CAST(round(rt.sell / 11.0) AS INTEGER), 0, -rt.qty * rt.sell, '[{"method":"refund","amount":' || (-rt.qty * rt.sell) || '}]', NULL, '["return"]',
  '{"original_external_id":"M' || rt.k || '"}', CASE WHEN locs.type = 'online' THEN 'online' ELSE 'store' END, 0, NULL, NULL, rt.rat, 'M' || rt.k
FROM rt JOIN locs ON locs.i = rt.loc;
INSERT INTO transaction_items (id, transaction_id, position, sku, name, product_id, quantity, price_original, price_current, price_sell, price_tax, discounts)
SELECT ${UUID}, rt.id, 0, rt.sku, rt.name, rt.product_id, -rt.qty, rt.price, rt.price, rt.sell, CAST(round(rt.sell / 11.0) AS INTEGER), NULL FROM rt;
-- each member's aggregations, by the worker's rule (workers/profiles/rules.ts computeAggregations), with the
-- local day taken at UTC+10 for every store (the worker uses each store's zone; this moves a few days by one)
CREATE TEMP TABLE pd AS SELECT profile_id, date(transacted_at / 1000 + 36000, 'unixepoch') AS day, sum(total) AS net,
  sum(CASE WHEN transacted_at > ${yearAgo} THEN total ELSE 0 END) AS net12, max(transacted_at > ${yearAgo}) AS recent
  FROM transactions WHERE profile_id IS NOT NULL AND is_void = 0 GROUP BY profile_id, day;
INSERT INTO profile_aggregations (profile_id, spend_12m, spend_all, spend_atv_12m, shop_count, first_shop_date, latest_shop_date, average_shop_days, at_risk_date,
  most_transacted_location_id, updated_at)
SELECT a.profile_id, a.spend12, a.spend_all, CASE WHEN a.recent_shops > 0 THEN a.spend12 / a.recent_shops ELSE 0 END, a.shops, a.first_day, a.last_day, a.avg_days,
  CASE WHEN a.avg_days IS NOT NULL THEN date(a.last_day, '+' || (3 * a.avg_days) || ' days') END, p.preferred_location_id, ${now}
FROM (SELECT profile_id, sum(net12) AS spend12, sum(net) AS spend_all, sum(net > 0 AND recent) AS recent_shops, sum(net > 0) AS shops,
        min(CASE WHEN net > 0 THEN day END) AS first_day, max(CASE WHEN net > 0 THEN day END) AS last_day,
        CASE WHEN sum(net > 0) >= 2 THEN CAST(round((julianday(max(CASE WHEN net > 0 THEN day END)) - julianday(min(CASE WHEN net > 0 THEN day END))) / (sum(net > 0) - 1)) AS INTEGER) END AS avg_days
      FROM pd GROUP BY profile_id) a JOIN profiles p ON p.id = a.profile_id;
${schema.create}
${schema.recount}
INSERT INTO profiles_fts (profiles_fts) VALUES ('rebuild');
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
`;
}

/** The migrations' own indexes and FTS insert trigger of the filled tables: dropped for the load, created again after it. */
function schemaOf(file) {
  const rows = sqlite(
    file,
    `SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND tbl_name IN (${FILLED.map(q).join(", ")}) AND (type = 'index' OR (type = 'trigger' AND (name = 'profiles_fts_ai' OR name LIKE 'profile\\_counts\\_%' ESCAPE '\\')));`,
    { json: true },
  );
  return {
    drop: rows.map((r) => `DROP ${r.type.toUpperCase()} ${r.name};`).join("\n"),
    create: rows.map((r) => `${r.sql};`).join("\n"),
    count: rows.length,
    // profile_counts (migration 0015) is kept by triggers dropped for the load: counted once after it
    recount: rows.some((r) => r.name.startsWith("profile_counts_"))
      ? "DELETE FROM profile_counts;\nINSERT INTO profile_counts (type, n) SELECT type, COUNT(*) FROM profiles GROUP BY type;"
      : "",
  };
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) {
  const { values } = parseArgs({
    options: {
      profiles: { type: "string", default: "1000000" },
      "transactions-per-profile": { type: "string", default: "2" },
      "persist-to": { type: "string", default: ".wrangler/scale" },
      "no-rebuild": { type: "boolean", default: false },
    },
  });
  const profiles = Number(values.profiles);
  const perProfile = Number(values["transactions-per-profile"]);
  if (!Number.isInteger(profiles) || profiles < 1 || profiles > 10_000_000 || !(perProfile >= 0 && perProfile <= 50)) {
    console.error("--profiles must be 1..10,000,000 and --transactions-per-profile 0..50");
    process.exit(2);
  }
  const persistTo = values["persist-to"];
  const t0 = Date.now();
  if (!d1File(persistTo)) {
    console.log(`▸ migrating and seeding the base brand (staff, definitions, locations, products) into ${persistTo}`);
    run("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local", "--persist-to", persistTo]);
    run("npx", ["tsx", "scripts/seed.ts", "--profiles", "0", "--persist-to", persistTo]);
  }
  const file = d1File(persistTo);
  const [{ n }] = sqlite(file, "SELECT count(*) AS n FROM profiles;", { json: true });
  if (n > 0) {
    console.error(`${file} already has ${n} profiles: start from an empty persist dir (rm -rf ${persistTo}).`);
    process.exit(2);
  }
  const schema = schemaOf(file);
  console.log(`▸ generating ${profiles.toLocaleString("en")} profiles, ~${perProfile} purchases each, into ${file} (${schema.count} indexes/triggers rebuilt after the load)`);
  const t1 = Date.now();
  sqlite(file, generationSql({ profiles, perProfile, now: Date.now(), schema }));
  const genMs = Date.now() - t1;
  const counts = sqlite(
    file,
    `SELECT ${FILLED.map((t) => `(SELECT count(*) FROM ${t}) AS ${t}`).join(", ")}, (SELECT count(*) FROM profiles_fts_docsize) AS fts_docs;`,
    { json: true },
  )[0];
  console.log(`  generated in ${(genMs / 1000).toFixed(1)} s: ${JSON.stringify(counts)}`);
  if (!values["no-rebuild"]) {
    console.log("▸ npm run rollups:rebuild (through the platform proxy, as the product rebuilds)");
    const t2 = Date.now();
    run("npx", ["tsx", "scripts/rollups-rebuild.ts", "--persist-to", persistTo]);
    console.log(`  rollup rebuild wall time ${((Date.now() - t2) / 1000).toFixed(1)} s (including the proxy's start)`);
  }
  console.log(`▸ database file ${(statSync(file).size / 1e9).toFixed(2)} GB; total ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}
