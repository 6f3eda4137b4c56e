// DomainError is how every service says "the caller got something wrong"; the API turns it into
// application/problem+json and the console into an inline message. Anything else is our bug (500).

export type FieldErrors = Record<string, string[]>;

export const ERROR_STATUS = {
  bad_request: 400,
  malformed_json: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  forbidden: 403,
  csrf_rejected: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  idempotency_in_flight: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  validation_failed: 422,
  idempotency_key_reused: 422,
  rate_limited: 429,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

const TITLES: Record<ErrorCode, string> = {
  bad_request: "Bad request",
  malformed_json: "Malformed JSON",
  unauthenticated: "Authentication required",
  invalid_credentials: "Invalid credentials",
  forbidden: "Forbidden",
  csrf_rejected: "Cross-site request rejected",
  not_found: "Not found",
  method_not_allowed: "Method not allowed",
  conflict: "Conflict",
  idempotency_in_flight: "Request with this Idempotency-Key is still in progress",
  payload_too_large: "Payload too large",
  unsupported_media_type: "Unsupported media type",
  validation_failed: "Validation failed",
  idempotency_key_reused: "Idempotency-Key reused with a different request",
  rate_limited: "Too many requests",
};

// A registry-wide brand rather than `instanceof`: the Remix server build bundles its own copy of this
// module, so a DomainError thrown by the worker's services is not an instance of the build's class.
const DOMAIN_ERROR_BRAND = Symbol.for("loyalty-edge.DomainError");

export class DomainError extends Error {
  readonly [DOMAIN_ERROR_BRAND] = true;
  readonly code: ErrorCode;
  readonly errors?: FieldErrors;
  /** Extra headers the transport should send (Retry-After on 429, for example). */
  readonly headers?: Record<string, string>;

  constructor(code: ErrorCode, message: string, opts: { errors?: FieldErrors; headers?: Record<string, string> } = {}) {
    super(message);
    this.name = "DomainError";
    this.code = code;
    this.errors = opts.errors;
    this.headers = opts.headers;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  /** A single-field validation failure, the most common kind. */
  static field(field: string, message: string): DomainError {
    return new DomainError("validation_failed", message, { errors: { [field]: [message] } });
  }
}

export function isDomainError(e: unknown): e is DomainError {
  return typeof e === "object" && e !== null && (e as { [DOMAIN_ERROR_BRAND]?: unknown })[DOMAIN_ERROR_BRAND] === true;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: FieldErrors;
  request_id?: string;
}

/** The problem+json body for a domain error (RFC 9457). Pure: tested without HTTP. */
export function toProblem(err: DomainError, requestId?: string): Problem {
  return {
    type: `https://loyalty-edge.dev/problems/${err.code.replaceAll("_", "-")}`,
    title: TITLES[err.code],
    status: err.status,
    detail: err.message,
    code: err.code,
    ...(err.errors ? { errors: err.errors } : {}),
    ...(requestId ? { request_id: requestId } : {}),
  };
}

/** The generic body for an unexpected failure: never leaks the message, stack or SQL. */
export function internalProblem(requestId?: string): Problem {
  return {
    type: "https://loyalty-edge.dev/problems/internal",
    title: "Internal server error",
    status: 500,
    detail: "Something went wrong on our side. It has been logged; quote the request id if you contact support.",
    code: "internal",
    ...(requestId ? { request_id: requestId } : {}),
  };
}

/** Flatten zod issues into {field: [messages]} with the field named as a client would write it. */
export function fieldErrorsFromIssues(
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string; code?: string; keys?: ReadonlyArray<string> }>,
  prefix = "",
): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of issues) {
    const path = issue.path.map(String).join(".");
    // a strict object's unknown fields: one entry per field, named where the client wrote it
    if (issue.code === "unrecognized_keys" && issue.keys?.length) {
      for (const key of issue.keys) {
        const at = path ? `${path}.${key}` : key;
        const field = prefix ? `${prefix}.${at}` : at;
        (out[field] ??= []).push(`Unknown field "${at}"`);
      }
      continue;
    }
    const field = prefix ? (path ? `${prefix}.${path}` : prefix) : path || "body";
    (out[field] ??= []).push(issue.message);
  }
  return out;
}
