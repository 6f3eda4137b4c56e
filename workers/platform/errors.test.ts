// Unit tests for the error model: DomainError → problem+json, the generic 500 that leaks nothing, and
// zod issues flattened to {field: [messages]}.
import { Hono } from "hono";
import { afterEach, describe, expect, it, vi } from "vitest";
import { DomainError, ERROR_STATUS, fieldErrorsFromIssues, internalProblem, isDomainError, toProblem, type ErrorCode } from "./errors";
import { errorToResponse, type HttpEnv } from "./http";

describe("toProblem", () => {
  const CASES: Array<{ code: ErrorCode; status: number; type: string; title: string }> = [
    { code: "bad_request", status: 400, type: "bad-request", title: "Bad request" },
    { code: "malformed_json", status: 400, type: "malformed-json", title: "Malformed JSON" },
    { code: "unauthenticated", status: 401, type: "unauthenticated", title: "Authentication required" },
    { code: "invalid_credentials", status: 401, type: "invalid-credentials", title: "Invalid credentials" },
    { code: "forbidden", status: 403, type: "forbidden", title: "Forbidden" },
    { code: "csrf_rejected", status: 403, type: "csrf-rejected", title: "Cross-site request rejected" },
    { code: "not_found", status: 404, type: "not-found", title: "Not found" },
    { code: "method_not_allowed", status: 405, type: "method-not-allowed", title: "Method not allowed" },
    { code: "conflict", status: 409, type: "conflict", title: "Conflict" },
    { code: "idempotency_in_flight", status: 409, type: "idempotency-in-flight", title: "Request with this Idempotency-Key is still in progress" },
    { code: "payload_too_large", status: 413, type: "payload-too-large", title: "Payload too large" },
    { code: "unsupported_media_type", status: 415, type: "unsupported-media-type", title: "Unsupported media type" },
    { code: "validation_failed", status: 422, type: "validation-failed", title: "Validation failed" },
    { code: "idempotency_key_reused", status: 422, type: "idempotency-key-reused", title: "Idempotency-Key reused with a different request" },
    { code: "rate_limited", status: 429, type: "rate-limited", title: "Too many requests" },
  ];
  it.each(CASES)("maps $code to $status", ({ code, status, type, title }) => {
    const err = new DomainError(code, `detail for ${code}`);
    expect(err.status).toBe(status);
    expect(toProblem(err)).toEqual({
      type: `https://loyalty-edge.dev/problems/${type}`,
      title,
      status,
      detail: `detail for ${code}`,
      code,
    });
  });

  it("the table above covers every code", () => {
    expect(CASES.map((c) => c.code).sort()).toEqual(Object.keys(ERROR_STATUS).sort());
  });

  it("carries field errors and the request id when there are some", () => {
    const err = DomainError.field("email", "A user with this email already exists");
    expect(toProblem(err, "req-123")).toEqual({
      type: "https://loyalty-edge.dev/problems/validation-failed",
      title: "Validation failed",
      status: 422,
      detail: "A user with this email already exists",
      code: "validation_failed",
      errors: { email: ["A user with this email already exists"] },
      request_id: "req-123",
    });
  });

  it("omits errors and request_id when there are none", () => {
    const body = toProblem(new DomainError("forbidden", "no"));
    expect(body).not.toHaveProperty("errors");
    expect(body).not.toHaveProperty("request_id");
  });

  it("keeps extra headers on the error for the transport (Retry-After on a 429)", () => {
    const err = new DomainError("rate_limited", "slow down", { headers: { "Retry-After": "60" } });
    expect(err.headers).toEqual({ "Retry-After": "60" });
    expect(toProblem(err)).not.toHaveProperty("headers");
  });
});

describe("isDomainError", () => {
  it("recognises DomainErrors and nothing else", () => {
    expect(isDomainError(new DomainError("forbidden", "x"))).toBe(true);
    expect(isDomainError(new Error("x"))).toBe(false);
    expect(isDomainError({ code: "forbidden", message: "x" })).toBe(false);
    expect(isDomainError(null)).toBe(false);
    expect(isDomainError("forbidden")).toBe(false);
  });

  it("recognises a DomainError from a second copy of this module (the Remix server build bundles its own)", async () => {
    // A query string makes the module runner load a separate instance, with its own DomainError class.
    const spec = "./errors.ts?second-copy";
    const other = (await import(/* @vite-ignore */ spec)) as typeof import("./errors");
    expect(other.DomainError).not.toBe(DomainError);
    const foreign = new other.DomainError("validation_failed", "bad", { errors: { email: ["bad"] } });
    expect(isDomainError(foreign)).toBe(true);
    expect(other.isDomainError(new DomainError("forbidden", "x"))).toBe(true);
  });
});

describe("internalProblem and unexpected errors", () => {
  afterEach(() => vi.restoreAllMocks());

  it("is a generic 500 body", () => {
    expect(internalProblem("req-9")).toEqual({
      type: "https://loyalty-edge.dev/problems/internal",
      title: "Internal server error",
      status: 500,
      detail: expect.stringContaining("quote the request id"),
      code: "internal",
      request_id: "req-9",
    });
    expect(internalProblem()).not.toHaveProperty("request_id");
  });

  it("a thrown bug becomes that body: no message, stack or SQL reaches the client, and it is logged", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const app = new Hono<HttpEnv>();
    app.onError(errorToResponse);
    app.use("*", async (c, next) => {
      c.set("requestId", "req-leak-test");
      await next();
    });
    app.get("/boom", () => {
      throw new Error("D1_ERROR: no such column: password_hash: SQLITE_ERROR in SELECT * FROM users");
    });

    const res = await app.request("/boom");
    expect(res.status).toBe(500);
    expect(res.headers.get("Content-Type")).toBe("application/problem+json");
    const text = await res.text();
    expect(JSON.parse(text)).toEqual(internalProblem("req-leak-test"));
    for (const secret of ["D1_ERROR", "password_hash", "SQLITE", "SELECT", "users", "at "]) {
      expect(text).not.toContain(secret);
    }
    expect(logged).toHaveBeenCalledOnce();
  });

  it("a DomainError thrown in a handler becomes its problem, with its headers", async () => {
    const app = new Hono<HttpEnv>();
    app.onError(errorToResponse);
    app.get("/slow", () => {
      throw new DomainError("rate_limited", "Too many", { headers: { "Retry-After": "30" } });
    });
    const res = await app.request("/slow");
    expect(res.status).toBe(429);
    expect(res.headers.get("Retry-After")).toBe("30");
    expect(await res.json()).toMatchObject({ code: "rate_limited", detail: "Too many" });
  });
});

describe("fieldErrorsFromIssues", () => {
  it.each([
    { name: "a top-level field", issues: [{ path: ["email"], message: "Enter a valid email address" }], out: { email: ["Enter a valid email address"] } },
    { name: "a nested path joined with dots", issues: [{ path: ["scopes", 1], message: "Bad scope" }], out: { "scopes.1": ["Bad scope"] } },
    { name: "an issue about the whole body", issues: [{ path: [], message: "Expected an object" }], out: { body: ["Expected an object"] } },
    {
      name: "several messages for one field, in order",
      issues: [
        { path: ["password"], message: "Too short" },
        { path: ["name"], message: "Name is required" },
        { path: ["password"], message: "Too common" },
      ],
      out: { password: ["Too short", "Too common"], name: ["Name is required"] },
    },
  ])("$name", ({ issues, out }) => {
    expect(fieldErrorsFromIssues(issues)).toEqual(out);
  });

  it("puts a prefix in front of each field, or uses it alone for the whole value", () => {
    expect(fieldErrorsFromIssues([{ path: ["size"], message: "m" }], "page")).toEqual({ "page.size": ["m"] });
    expect(fieldErrorsFromIssues([{ path: [], message: "m" }], "page")).toEqual({ page: ["m"] });
  });
});
