// `npm run bench -- --no-inspector` serves the worker with this instead of the `wrangler dev` CLI:
// the same wrangler, config, bundling, miniflare and workerd, through wrangler's programmatic API
// (unstable_startWorker, what the CLI runs inside) with the DevTools inspector off. The wrangler 4.86
// CLI always attaches it and enables its Network domain, so every subrequest (each D1 query, DO call,
// queue send) is traced to wrangler's Node process and buffered: CPU and memory per D1 query that
// production does not pay (docs/benchmarks.md). The CLI has no flag to turn that off.
// Usage (from the project copy): node dev-server.mjs --port N --persist-to DIR
// Prints "ready <url>" when it answers; disposes the worker on SIGTERM/SIGINT.
import { parseArgs } from "node:util";
import { unstable_startWorker } from "wrangler";

const { values } = parseArgs({ options: { port: { type: "string" }, "persist-to": { type: "string" } } });
const port = Number(values.port);
if (!Number.isInteger(port) || port <= 0 || !values["persist-to"]) {
  console.error("usage: dev-server.mjs --port N --persist-to DIR");
  process.exit(2);
}

const worker = await unstable_startWorker({
  config: "wrangler.toml",
  bindings: { BENCH_MODE: { type: "plain_text", value: "1" } },
  // The CLI derives this from wrangler.toml's nodejs_compat flag; the API leaves it unset, so esbuild bundled
  // without Node's built-ins and failed on twig's require("path"). "v2" is what the CLI picks for our flags and date.
  build: { nodejsCompatMode: "v2" },
  dev: {
    remote: false,
    server: { hostname: "127.0.0.1", port },
    inspector: false,
    persist: values["persist-to"],
    watch: false,
    logLevel: "error",
  },
});
await worker.ready;

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await worker.dispose().catch(() => {});
  process.exit(0);
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
console.log(`ready ${(await worker.url).href}`);
