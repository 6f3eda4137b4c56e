// Zod primitives more than one area's contracts use: handles, time zones and money amounts. Each names
// its field in its messages; an area's schema.ts builds its objects from these.
import { z } from "@hono/zod-openapi";
import { HANDLE_MAX, HANDLE_PATTERN } from "./handles";
import { toCents } from "./money";
import { canonicalTimezone } from "./time";

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

/** An IANA time zone (platform/time canonicalTimezone), stored in its canonical case. */
export const Timezone = z
  .string({ error: "timezone must be a string" })
  .transform((tz, ctx) => {
    const canonical = canonicalTimezone(tz);
    if (!canonical) {
      ctx.addIssue({ code: "custom", message: `timezone must be an IANA time zone such as Australia/Sydney (got "${tz}")` });
      return z.NEVER;
    }
    return canonical;
  })
  .openapi({ type: "string", example: "Australia/Sydney" });

/** A decimal amount (19.99 or "19.99") → integer cents; more than two decimal places is a 422. */
export function amount(field: string, opts: { nonNegative?: boolean } = {}) {
  return z
    .union([z.number(), z.string()], { error: `${field} must be a decimal amount such as 19.99` })
    .transform((v, ctx) => {
      const cents = toCents(v);
      if (cents === null) {
        ctx.addIssue({ code: "custom", message: `${field} must be a decimal amount with at most two decimal places (got ${JSON.stringify(v)})` });
        return z.NEVER;
      }
      if (opts.nonNegative && cents < 0) {
        ctx.addIssue({ code: "custom", message: `${field} must not be negative (got ${JSON.stringify(v)})` });
        return z.NEVER;
      }
      return cents;
    })
    .openapi({
      // what the server takes: a number or a numeric string ("19.99"), at most two decimal places
      anyOf: [{ type: "number", ...(opts.nonNegative ? { minimum: 0 } : {}) }, { type: "string", pattern: opts.nonNegative ? "^\\s*\\d{1,13}(\\.\\d{1,2})?\\s*$" : "^\\s*-?\\d{1,13}(\\.\\d{1,2})?\\s*$" }],
      example: 19.99,
      description: "Decimal amount, at most two decimal places: a number or a numeric string",
    });
}
