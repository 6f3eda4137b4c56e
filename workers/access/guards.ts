// Route guards for the API: each route names the scope it needs.
import type { MiddlewareHandler } from "hono";
import { DomainError } from "../platform/errors";
import type { AppEnv } from "../api-env";
import { hasScope, type ApiScope } from "./rules";

/** Routes call this through `middleware: [requireScope("profiles:read")]`. */
export function requireScope(scope: ApiScope): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!hasScope(c.get("auth").token.scopes, scope)) {
      throw new DomainError("forbidden", `This token lacks the "${scope}" scope`);
    }
    await next();
  };
}
