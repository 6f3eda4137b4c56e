// `npm run bench:scale [-- seed|measure] [flags]`: the 1M-member runs (docs/benchmarks.md, "1M members").
//   seed     scripts/bench/scale-seed.mjs: generate the brand into the local D1 file of --persist-to
//   measure  scripts/bench/scale-bench.mjs: serve it and measure search, reports, lists and console pages
//   (none)   seed when --persist-to has no profiles yet, then measure
import { spawnSync } from "node:child_process";
import { d1File, sqlite } from "./scale-seed.mjs";

const [first, ...rest] = process.argv.slice(2);
const command = ["seed", "measure"].includes(first) ? first : null;
const args = command ? rest : process.argv.slice(2);
const node = (script) => {
  const r = spawnSync("node", [script, ...args], { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
if (command === "seed") node("scripts/bench/scale-seed.mjs");
else if (command === "measure") node("scripts/bench/scale-bench.mjs");
else {
  const i = args.indexOf("--persist-to");
  const file = d1File(i >= 0 ? args[i + 1] : ".wrangler/scale");
  const empty = !file || sqlite(file, "SELECT count(*) AS n FROM profiles;", { json: true })[0].n === 0;
  if (empty) {
    const seedArgs = args.filter((a, j) => !["--port", "--queries", "--only", "--json"].includes(a) && !["--port", "--queries", "--only", "--json"].includes(args[j - 1]));
    const r = spawnSync("node", ["scripts/bench/scale-seed.mjs", ...seedArgs], { stdio: "inherit" });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
  const measureArgs = args.filter((a, j) => !["--profiles", "--transactions-per-profile", "--no-rebuild"].includes(a) && !["--profiles", "--transactions-per-profile"].includes(args[j - 1]));
  const r = spawnSync("node", ["scripts/bench/scale-bench.mjs", ...measureArgs], { stdio: "inherit" });
  process.exit(r.status ?? 1);
}
