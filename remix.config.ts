// Remix's own CLI only reads remix.config.{js,cjs,mjs}; this .ts module is never read by Remix
// itself. It holds the Remix plugin options, and vite.config.ts passes them on (docs/decisions/001).
import type { VitePluginConfig } from "@remix-run/dev";

declare module "@remix-run/cloudflare" {
  interface Future {
    v3_singleFetch: true;
  }
}

export const remixConfig = {
  appDirectory: "app",
  buildDirectory: "build",
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    v3_singleFetch: true,
    v3_lazyRouteDiscovery: true,
  },
} satisfies VitePluginConfig;

export default remixConfig;
