// The browser gets no Drizzle: the console imports only each area's pure faces (schema, views, rules), so a
// table definition or a query builder reaching build/client means a face (or a component) imports db/ or a
// service. Run after `remix vite:build`; `npm test` runs it. Exit 1 naming each file and what it found.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

const root = process.argv[2] ?? "build/client";
// what Drizzle's code carries however it is minified: its entity-kind symbol names and table builders
const MARKERS = [/drizzle[:-]/, /\bSQLiteTable\b/, /\bsqliteTable\b/, /doesn't look like a Drizzle entity/];

function* jsFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* jsFiles(path);
    else if (/\.m?js$/.test(entry.name)) yield path;
  }
}

if (!existsSync(root)) {
  console.error(`✗ ${root} does not exist: build first (npx remix vite:build)`);
  process.exit(1);
}
let files = 0;
const found = [];
for (const file of jsFiles(root)) {
  // public/vendor is copied third-party code (swagger-ui and the like), not the console's bundle
  if (relative(root, file).startsWith("vendor")) continue;
  files++;
  const text = readFileSync(file, "utf8");
  const hits = MARKERS.filter((m) => m.test(text)).map((m) => text.match(m)[0]);
  if (hits.length) found.push(`${file}: ${[...new Set(hits)].join(", ")}`);
}
if (files === 0) {
  console.error(`✗ no .js files under ${root}: is the build empty?`);
  process.exit(1);
}
if (found.length) {
  console.error(`✗ Drizzle code in the browser bundle (${found.length} of ${files} files):\n  ${found.join("\n  ")}`);
  console.error("  Some module the console renders imports db/ or a *.service; import the area's schema/views/rules instead (docs/architecture.md).");
  process.exit(1);
}
console.log(`✓ no Drizzle code in ${files} browser files under ${root}`);
