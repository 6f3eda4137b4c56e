// One parser for the query string of every list route: Omneo's `filter[field]=v` and
// `filter[field][op]=v`, `sort=a,-b`, `include=x,y` and page[...]. Each list route declares what it
// accepts (a ListSpec); listQuery(spec) turns that into the route's strict zod query schema, so the
// OpenAPI document lists exactly those parameters and anything else — an unknown filter, operator,
// sort field or include — is refused as a 400 naming it instead of being silently ignored (an ignored
// filter is how "delete every profile where filter[email]=x" deletes the wrong members).
import { z } from "@hono/zod-openapi";
import { DomainError, type FieldErrors } from "./errors";
import { parsePage, type PageRequest } from "./pagination";

export const FILTER_OPS = ["eq", "ne", "gt", "gte", "lt", "lte", "in"] as const;
export type FilterOp = (typeof FILTER_OPS)[number];

export interface FilterSpec {
  /** operators besides plain equality (`filter[f]=v` is always eq) */
  ops?: readonly FilterOp[];
  description?: string;
  /** allowed values; anything else is a 422 naming the parameter */
  values?: readonly string[];
  max?: number;
}

export interface ListSpec {
  filters?: Record<string, FilterSpec>;
  sorts?: readonly string[];
  includes?: readonly string[];
  /** other named query parameters the route takes (search, page[cursor], ...) */
  params?: Record<string, z.ZodType<string | undefined>>;
  /** false for lists answered whole (no page[number]/page[size]) */
  paged?: boolean;
}

export interface FilterClause {
  op: FilterOp;
  value: string;
  /** the values of an `in` (comma-separated) */
  values: string[];
}

export interface ListQuery {
  page: PageRequest;
  filters: Record<string, FilterClause[]>;
  sort: Array<{ field: string; desc: boolean }>;
  include: string[];
  /** the raw validated query, for the route's own params */
  raw: Record<string, string | undefined>;
}

/** Marks a zod issue as "the client named something this route does not know": a 400, not a 422. */
export const UNKNOWN_PARAM = { unknown: true } as const;

const PAGE_SHAPE = {
  "page[number]": z.string().optional().openapi({ description: "1-based page number", example: "1" }),
  "page[size]": z.string().optional().openapi({ description: "Items per page, 1 to 100 (default 15)", example: "15" }),
};

function listField(allowed: readonly string[], name: "sort" | "include", minus: boolean) {
  return z
    .string()
    .max(500)
    .optional()
    .superRefine((raw, ctx) => {
      if (raw === undefined) return;
      for (const part of raw.split(",").map((p) => p.trim()).filter(Boolean)) {
        const field = minus && part.startsWith("-") ? part.slice(1) : part;
        if (!allowed.includes(field)) {
          ctx.addIssue({
            code: "custom",
            message: allowed.length ? `Unknown ${name} "${field}"; this list accepts ${name}=${allowed.join(", ")}` : `This list takes no ${name}`,
            params: UNKNOWN_PARAM,
          });
        }
      }
    })
    .openapi({ description: allowed.length ? `Comma-separated; one of: ${allowed.join(", ")}${minus ? " (prefix - for descending)" : ""}` : `Not accepted here` });
}

/** The strict zod query schema of a list route, built from its spec (and shown in the OpenAPI document). */
export function listQuery(spec: ListSpec = {}) {
  const shape: Record<string, z.ZodType<string | undefined>> = { ...(spec.paged === false ? {} : PAGE_SHAPE), ...(spec.params ?? {}) };
  for (const [field, f] of Object.entries(spec.filters ?? {})) {
    const value = (op: FilterOp) => {
      const s = f.values && op !== "in" ? z.enum(f.values as [string, ...string[]]) : z.string().max(f.max ?? 200);
      return s.optional().openapi({ description: `${op === "eq" ? "" : `${op}: `}${f.description ?? field}` });
    };
    shape[`filter[${field}]`] = value("eq");
    for (const op of f.ops ?? []) if (op !== "eq") shape[`filter[${field}][${op}]`] = value(op);
  }
  shape.sort = listField(spec.sorts ?? [], "sort", true);
  if (spec.includes?.length) shape.include = listField(spec.includes, "include", false);
  return z.object(shape).strict();
}

/** Read a validated list query into page, filters, sort and include. */
export function parseListQuery(query: Record<string, unknown>): ListQuery {
  const raw: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(query)) raw[k] = Array.isArray(v) ? String(v[v.length - 1]) : v === undefined ? undefined : String(v);
  const filters: Record<string, FilterClause[]> = {};
  for (const [key, value] of Object.entries(raw)) {
    const m = /^filter\[([^\]]+)\](?:\[([a-z]+)\])?$/.exec(key);
    if (!m || value === undefined) continue;
    const op = (m[2] ?? "eq") as FilterOp;
    const values = op === "in" ? value.split(",").map((v) => v.trim()).filter(Boolean) : [value];
    (filters[m[1]!] ??= []).push({ op, value, values });
  }
  const sort = (raw.sort ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => (p.startsWith("-") ? { field: p.slice(1), desc: true } : { field: p, desc: false }));
  const include = (raw.include ?? "").split(",").map((p) => p.trim()).filter(Boolean);
  return { page: parsePage(raw), filters, sort, include, raw };
}

/** The single equality value of a filter, when given. */
export function filterValue(q: ListQuery, field: string): string | undefined {
  return q.filters[field]?.find((c) => c.op === "eq")?.value;
}

/**
 * For the API's validation hook: zod issues that name a query parameter this route does not know
 * (unrecognized keys, unknown sort or include fields) become one 400 naming each of them.
 */
export function unknownQueryParams(issues: ReadonlyArray<{ code: string; path: ReadonlyArray<PropertyKey>; message: string; keys?: string[]; params?: unknown }>): DomainError | null {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys" && issue.keys) {
      for (const key of issue.keys) (errors[key] ??= []).push(`Unknown query parameter "${key}"; see this route's parameters in /api/v3/openapi.json`);
    } else if ((issue.params as { unknown?: boolean } | undefined)?.unknown) {
      const field = issue.path.map(String).join(".") || "query";
      (errors[field] ??= []).push(issue.message);
    }
  }
  const names = Object.keys(errors);
  if (!names.length) return null;
  return new DomainError("bad_request", `Unknown query parameter${names.length > 1 ? "s" : ""}: ${names.join(", ")}`, { errors });
}
