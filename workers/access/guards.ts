// Route guards for the API: each route names the scope it needs.
import type { MiddlewareHandler } from "hono";
import { DomainError } from "../platform/errors";
import type { AppEnv } from "../api-env";
import { hasScope, type ApiScope } from "./rules";

const SCOPE = Symbol("requiredScopes");
type ScopeGuard = MiddlewareHandler<AppEnv> & { [SCOPE]: readonly ApiScope[] };

/**
 * Routes call this through `middleware: [requireScope("profiles:read")]`. The guard carries its scope,
 * so the OpenAPI document can say which scope each operation needs (see `requiredScopes`).
 */
export function requireScope(scope: ApiScope): MiddlewareHandler<AppEnv> {
  return requireAnyScope([scope]);
}

/**
 * A guard for a route whose exact scope depends on what it finds (a job needs the read scope of what
 * it imports): a token holding none of `scopes` is refused before anything is looked up, and the
 * handler checks the precise one.
 */
export function requireAnyScope(scopes: readonly ApiScope[]): MiddlewareHandler<AppEnv> {
  const guard: MiddlewareHandler<AppEnv> = async (c, next) => {
    const granted = c.get("auth").token.scopes;
    if (!scopes.some((s) => hasScope(granted, s))) {
      throw new DomainError("forbidden", `This token lacks the ${scopes.map((s) => `"${s}"`).join(" or ")} scope`);
    }
    await next();
  };
  return Object.assign(guard, { [SCOPE]: scopes }) satisfies ScopeGuard;
}

/** The scopes a route's guard accepts, any one of them (empty when it has no scope guard). */
export function requiredScopes(middleware: unknown): ApiScope[] {
  const list = Array.isArray(middleware) ? middleware : middleware ? [middleware] : [];
  const guard = list.find((m): m is ScopeGuard => typeof m === "function" && SCOPE in m);
  return guard ? [...guard[SCOPE]] : [];
}
