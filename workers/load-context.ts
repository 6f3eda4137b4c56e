// The typed Remix load context, built once per request by the worker entry.
import type { RequestMeta } from "./access/sessions.service";
import type { Services } from "./services";

export interface LoadContextInput {
  env: Env;
  ctx: ExecutionContext;
  cf?: IncomingRequestCfProperties;
  services: Services;
  requestId: string;
  /** who is asking from where (IP, user agent, request id): what the console's actors and sign-ins record */
  meta: RequestMeta;
  /** this response's CSP nonce: the console's inline scripts carry it (app/entry.server.tsx) */
  cspNonce: string;
}

declare module "@remix-run/cloudflare" {
  interface AppLoadContext {
    cloudflare: { env: Env; ctx: ExecutionContext; cf?: IncomingRequestCfProperties };
    services: Services;
    requestId: string;
    meta: RequestMeta;
    cspNonce: string;
  }
}

export function getLoadContext({ env, ctx, cf, services, requestId, meta, cspNonce }: LoadContextInput) {
  return { cloudflare: { env, ctx, cf }, services, requestId, meta, cspNonce };
}
