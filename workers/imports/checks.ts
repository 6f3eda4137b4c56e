// What an import would refuse, found before anything is written: the console's "Validate" step runs the
// same checks as the batch APIs (a transaction's shape and sums, a profile's fields, repeats in the file).
import { fieldErrorsFromIssues, type FieldErrors } from "../platform/errors";
import { CreateProfileInput } from "../profiles/schema";
import type { CoreServices } from "../services";
import { checkRecords } from "./transactions-batch";

export type ImportKind = "profiles" | "transactions";
export interface RecordError {
  index: number;
  field: string;
  message: string;
}

function flatten(index: number, errors: FieldErrors): RecordError[] {
  return Object.entries(errors).flatMap(([field, messages]) => messages.map((message) => ({ index, field, message })));
}

export function checkImport(services: CoreServices, kind: ImportKind, records: unknown[]): RecordError[] {
  if (kind === "transactions") return checkRecords(services, records).flatMap((c) => (c.result?.errors ? flatten(c.index, c.result.errors) : []));
  const seen = new Map<string, number>();
  return records.flatMap((record, index) => {
    const parsed = CreateProfileInput.safeParse(record);
    if (!parsed.success) return flatten(index, fieldErrorsFromIssues(parsed.error.issues));
    const email = parsed.data.email?.toLowerCase();
    if (!email) return [];
    const first = seen.get(email);
    if (first !== undefined) return [{ index, field: "email", message: `email repeats record ${first} of this import` }];
    seen.set(email, index);
    return [];
  });
}
