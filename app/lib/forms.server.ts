// Console forms are validated by the same zod schemas as the API; errors come back per field.
import { data } from "@remix-run/cloudflare";
import type { z } from "zod";
import { fieldErrorsFromIssues, isDomainError, type FieldErrors } from "../../workers/platform/errors";

export interface FormFailure {
  ok: false;
  formError?: string;
  errors: FieldErrors;
  values?: Record<string, unknown>;
  intent?: string;
}

export function parseWith<S extends z.ZodTypeAny>(schema: S, input: unknown): { ok: true; data: z.output<S> } | { ok: false; errors: FieldErrors } {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, data: result.data };
  return { ok: false, errors: fieldErrorsFromIssues(result.error.issues) };
}

/** Turn a DomainError into the action's 4xx reply; rethrow anything else (a 500 is our bug). */
export function failure(err: unknown, extra: { values?: Record<string, unknown>; intent?: string } = {}) {
  if (isDomainError(err)) {
    const body: FormFailure = { ok: false, errors: err.errors ?? {}, formError: err.errors ? undefined : err.message, ...extra };
    return data(body, { status: err.status, headers: err.headers });
  }
  throw err;
}

export function invalid(errors: FieldErrors, extra: { values?: Record<string, unknown>; intent?: string } = {}) {
  const body: FormFailure = { ok: false, errors, ...extra };
  return data(body, { status: 422 });
}
