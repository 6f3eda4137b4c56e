// Zod primitives more than one area's contracts use: handles, time zones and money amounts. Each names
// its field in its messages; an area's schema.ts builds its objects from these.
import { z } from "@hono/zod-openapi";
import { HANDLE_MAX, HANDLE_PATTERN } from "./handles";

/**
 * A handle (platform/handles): 1-64 letters, digits, '-', '_' or '.', starting with a letter or digit,
 * trimmed and stored lower-case. The rule is the same everywhere; only the message for a missing value
 * differs: a field the caller must send says it "is required", an optional one that was sent but is no
 * string or empty says so.
 */
export function handle(opts: { required?: boolean; field?: string } = {}) {
  const field = opts.field ?? "handle";
  return z
    .string({ error: opts.required ? `${field} is required` : `${field} must be a string` })
    .trim()
    .min(1, opts.required ? `${field} is required` : `${field} must not be empty`)
    .max(HANDLE_MAX, `${field} must be at most ${HANDLE_MAX} characters`)
    .regex(HANDLE_PATTERN, `${field} may contain letters, digits, '-', '_' and '.'`)
    .transform((h) => h.toLowerCase());
}
