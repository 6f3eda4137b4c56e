// The typed Remix load context, built once per request by the worker entry.
import type { Services } from "./services";

export interface LoadContextInput {
  env: Env;
  ctx: ExecutionContext;
  cf?: IncomingRequestCfProperties;
  services: Services;
  requestId: string;
}

declare module "@remix-run/cloudflare" {
  interface AppLoadContext {
    cloudflare: { env: Env; ctx: ExecutionContext; cf?: IncomingRequestCfProperties };
    services: Services;
    requestId: string;
  }
}

export function getLoadContext({ env, ctx, cf, services, requestId }: LoadContextInput) {
  return { cloudflare: { env, ctx, cf }, services, requestId };
}
