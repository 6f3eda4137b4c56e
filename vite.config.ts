import {
  cloudflareDevProxyVitePlugin as remixCloudflareDevProxy,
  vitePlugin as remix,
} from "@remix-run/dev";
import tailwindcss from "@tailwindcss/vite";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import { remixConfig } from "./remix.config";

export default defineConfig(({ command }) => ({
  plugins: [
    // Only for `remix vite:dev`: Remix's build runs a child Vite dev server (command === "build")
    // that would otherwise start workerd through getPlatformProxy for nothing.
    command === "serve" && remixCloudflareDevProxy(),
    remix(remixConfig),
    tailwindcss(),
  ],
  ssr: {
    resolve: {
      conditions: ["workerd", "worker", "browser"],
    },
  },
  resolve: {
    mainFields: ["browser", "module", "main"],
    alias: { "~": fileURLToPath(new URL("./app", import.meta.url)) },
  },
  // Rebuilding while `wrangler dev` runs: Remix empties build/ first and wrangler dev dies with
  // ENOENT on build/client. `npm run build:keep` keeps the directory.
  build: { emptyOutDir: process.env.REMIX_KEEP_BUILD ? false : undefined },
}));
