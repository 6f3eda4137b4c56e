// Schemas every area's API routes share: the problem body, list envelope and pagination query, and the
// json/ok helpers that wrap a schema as a request body or a response.
import { z } from "@hono/zod-openapi";
import { documentNulls, strictBody } from "./strict-body";

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    errors: z.record(z.string(), z.array(z.string())).optional(),
    request_id: z.string().optional(),
  })
  .openapi("Problem");

export const problemResponses = {
  401: { description: "No valid API token", content: { "application/problem+json": { schema: ProblemSchema } } },
  403: { description: "The token lacks the scope", content: { "application/problem+json": { schema: ProblemSchema } } },
  422: { description: "Invalid input; `errors` names each field", content: { "application/problem+json": { schema: ProblemSchema } } },
} as const;

export const notFoundResponse = {
  404: { description: "Not found", content: { "application/problem+json": { schema: ProblemSchema } } },
} as const;

/** A 409 problem, described for the route: what state the thing must be in for this. */
export function conflictResponse(description: string) {
  return { 409: { description, content: { "application/problem+json": { schema: ProblemSchema } } } } as const;
}

export const PageQuery = z.object({
  "page[number]": z.string().optional().openapi({ description: "1-based page number", example: "1" }),
  "page[size]": z.string().optional().openapi({ description: "Items per page, 1 to 100 (default 15)", example: "15" }),
});

export const LinksSchema = z.object({
  first: z.string(),
  prev: z.string().nullable(),
  next: z.string().nullable(),
  last: z.string(),
});
export const MetaSchema = z.object({
  current_page: z.number().int(),
  per_page: z.number().int(),
  total: z.number().int(),
  last_page: z.number().int(),
  total_is_lower_bound: z
    .boolean()
    .optional()
    .openapi({ description: "Present (true) when a list matched more than it counts (a profile search: 1,000; a profiles list filtered by more than its type: 10,000): `total` is then a lower bound and paging stops there" }),
});

export function listOf<T extends z.ZodTypeAny>(item: T) {
  return z.object({ data: z.array(item), links: LinksSchema, meta: MetaSchema });
}
export function single<T extends z.ZodTypeAny>(item: T) {
  return z.object({ data: item });
}

export const IdParam = z.object({
  id: z.string().openapi({ param: { name: "id", in: "path" }, example: "0b8a3c3e-5f1e-4c38-9d0e-2a4f6d8c1b7a" }),
});

export const IdempotencyHeader = z.object({
  "idempotency-key": z.string().optional().openapi({
    // the name must equal the key (Hono hands validators lower-cased header names); HTTP header names are case-insensitive
    param: { name: "idempotency-key", in: "header" },
    description: "Replays the first response for 24 hours; reuse with a different body is a 422",
  }),
});

/**
 * A route's JSON request body, strict all the way down (platform/strict-body): unknown fields are a 422,
 * Omneo's `ignored` fields are accepted by name and dropped.
 */
export const json = <T extends z.ZodTypeAny>(schema: T, ignored?: readonly string[]) => strictBody(schema, ignored);

/**
 * A route's JSON request body exactly as its schema declares it (no strictness added): for the routes
 * of delivery and reactions, whose schemas say per object what is strict.
 */
export const jsonAsDeclared = <T extends z.ZodTypeAny>(schema: T) => ({ required: true, content: { "application/json": { schema: documentNulls(schema) } } });

/** A JSON response of `schema`. */
export const ok = <T extends z.ZodTypeAny>(schema: T, description: string) => ({ description, content: { "application/json": { schema } } });
