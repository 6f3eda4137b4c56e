// HTTP edges shared by the API and the console: request metadata, problem+json responses and the
// base of the Hono environment type.
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { DomainError, internalProblem, isDomainError, toProblem } from "./errors";

/**
 * What every edge's Hono environment has: the bindings and a request id. The worker's full environment
 * (services, auth) is AppEnv in workers/api-env.ts; platform names no area, so it stops here.
 */
export type HttpEnv = {
  Bindings: Env;
  Variables: { requestId: string };
};

export function requestMeta(req: Request, requestId?: string) {
  return {
    ip: req.headers.get("CF-Connecting-IP") ?? req.headers.get("X-Forwarded-For")?.split(",")[0]?.trim() ?? null,
    userAgent: req.headers.get("User-Agent"),
    requestId: requestId ?? null,
  };
}

export function problemResponse(err: DomainError, requestId?: string): Response {
  const headers = new Headers({ "Content-Type": "application/problem+json", ...(err.headers ?? {}) });
  if (err.code === "unauthenticated") headers.set("WWW-Authenticate", 'Bearer realm="api"');
  return new Response(JSON.stringify(toProblem(err, requestId)), { status: err.status, headers });
}

/** Map anything thrown by a handler to a response: domain errors and client HTTP errors as 4xx, the rest as a logged 500. */
export function errorToResponse<E extends HttpEnv>(err: unknown, c: Context<E>): Response {
  const requestId = c.get("requestId");
  if (isDomainError(err)) return problemResponse(err, requestId);
  if (err instanceof HTTPException && err.status < 500) {
    const code = err.status === 413 ? "payload_too_large" : err.status === 400 ? "malformed_json" : "bad_request";
    const message = err.status === 413 ? "The request body is larger than the 1 MB limit" : err.message || "Bad request";
    return problemResponse(new DomainError(code, message), requestId);
  }
  console.error(`[${requestId}] unhandled error on ${c.req.method} ${c.req.path}`, err);
  return new Response(JSON.stringify(internalProblem(requestId)), {
    status: 500,
    headers: { "Content-Type": "application/problem+json" },
  });
}
