// The Hono environment of the worker's edges (API and console): the bindings and what the middleware
// puts on each request. It names the composition root's Services and the access area's token, so it
// lives here at the top rather than in platform, which imports no area.
import type { Actor } from "./access/actor";
import type { AuthenticatedToken } from "./access/tokens.service";
import type { Services } from "./services";
import type { HttpEnv } from "./platform/http";

export interface ApiAuth extends AuthenticatedToken {
  actor: Actor;
}

export type AppEnv = {
  Bindings: HttpEnv["Bindings"];
  Variables: HttpEnv["Variables"] & {
    services: Services;
    auth: ApiAuth;
    /** on /profiles/me/*: the profile a verified storefront token is for */
    storefrontProfileId?: string;
    /** what an Idempotency-Key replay returns instead of the response, when that holds a secret shown once */
    replayBody?: unknown;
    /** this response's CSP nonce (console pages and the API docs page) */
    cspNonce: string;
  };
};
