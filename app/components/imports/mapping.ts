// CSV import, the pure part: which fields each kind of import takes, a first guess at which column
// feeds which field, and rows turned into the records the batch APIs accept (a transaction's item
// lines, one per row, grouped by receipt number). No I/O: unit-tested, and shared by the page.

import { centsToDecimal, toCents } from "../../../workers/platform/money";

export type ImportKind = "profiles" | "transactions";
type FieldType = "text" | "int" | "amount" | "list";

export interface ImportField {
  key: string;
  label: string;
  required?: boolean;
  type?: FieldType;
  /** header spellings that map to this field without asking */
  aliases?: string[];
}

export const IMPORT_FIELDS: Record<ImportKind, ImportField[]> = {
  profiles: [
    { key: "email", label: "Email", required: true, aliases: ["email address", "e-mail"] },
    { key: "first_name", label: "First name", aliases: ["firstname", "given name"] },
    { key: "last_name", label: "Last name", aliases: ["lastname", "surname", "family name"] },
    { key: "mobile_phone", label: "Mobile", aliases: ["mobile", "phone", "mobile number"] },
    { key: "gender", label: "Gender" },
    { key: "birth_day", label: "Birth day", type: "int" },
    { key: "birth_month", label: "Birth month", type: "int" },
    { key: "birth_year", label: "Birth year", type: "int" },
    { key: "company", label: "Company" },
    { key: "joined_at", label: "Joined at (ISO 8601)", aliases: ["joined", "created_at", "signup date"] },
    { key: "tags", label: "Tags (separated by ;)", type: "list" },
    { key: "identity_handle", label: "Identity handle (e.g. shopify)" },
    { key: "identity_identifier", label: "Identity value" },
  ],
  transactions: [
    { key: "external_id", label: "Receipt number", required: true, aliases: ["receipt", "receipt number", "order id", "order number"] },
    { key: "profile_id", label: "Customer (id, email or identity value)", aliases: ["customer", "email", "customer email"] },
    { key: "profile_id_handle", label: "Customer handle (email, mobile or identity)" },
    { key: "location_id", label: "Location", aliases: ["store", "location"] },
    { key: "transacted_at", label: "Date (ISO 8601)", aliases: ["date", "transaction date", "created_at"] },
    { key: "timezone", label: "Time zone" },
    { key: "currency", label: "Currency" },
    { key: "staff_id", label: "Staff", aliases: ["staff"] },
    { key: "channel", label: "Channel" },
    { key: "total", label: "Receipt total (left empty: the sum of its lines)", type: "amount" },
    { key: "sku", label: "Item SKU", required: true, aliases: ["item sku"] },
    { key: "item_name", label: "Item name", aliases: ["name", "product", "description"] },
    { key: "quantity", label: "Quantity", required: true, type: "int", aliases: ["qty"] },
    { key: "price_sell", label: "Unit price paid", required: true, type: "amount", aliases: ["price", "unit price"] },
  ],
};

/** field key → CSV header ("" when not mapped) */
export type Mapping = Record<string, string>;

const norm = (s: string) => s.trim().toLowerCase().replace(/[\s_-]+/g, " ");

export function guessMapping(kind: ImportKind, headers: string[]): Mapping {
  const byNorm = new Map(headers.map((h) => [norm(h), h]));
  const mapping: Mapping = {};
  for (const f of IMPORT_FIELDS[kind]) {
    const candidates = [f.key, f.label, ...(f.aliases ?? [])].map(norm);
    mapping[f.key] = candidates.map((c) => byNorm.get(c)).find((h) => h !== undefined) ?? "";
  }
  return mapping;
}

/** Headers that are empty or appear twice: a file with either is refused before mapping. */
export function headerProblems(headers: string[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  headers.forEach((h, i) => {
    if (!h.trim()) problems.push(`Column ${i + 1} has no header`);
    else if (seen.has(norm(h))) problems.push(`The header "${h}" appears more than once`);
    seen.add(norm(h));
  });
  return problems;
}

/** Required fields left unmapped. */
export function missingFields(kind: ImportKind, mapping: Mapping): ImportField[] {
  return IMPORT_FIELDS[kind].filter((f) => f.required && !mapping[f.key] && !(kind === "transactions" && f.key === "total"));
}

function cell(row: Record<string, string>, mapping: Mapping, key: string): string | undefined {
  const header = mapping[key];
  if (!header) return undefined;
  const v = row[header];
  return v === undefined || v.trim() === "" ? undefined : v.trim();
}

/** A typed value; what does not parse is passed on as written, so the server names the field. */
function typed(value: string, type: FieldType | undefined): unknown {
  if (type === "int") return /^-?\d+$/.test(value) ? Number(value) : value;
  if (type === "list") return value.split(";").map((s) => s.trim()).filter(Boolean);
  return value; // amounts stay decimal strings: the API turns them into cents exactly
}

function pick(kind: ImportKind, row: Record<string, string>, mapping: Mapping, keys: string[]): Record<string, unknown> {
  const fields = new Map(IMPORT_FIELDS[kind].map((f) => [f.key, f]));
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const v = cell(row, mapping, key);
    if (v !== undefined) out[key] = typed(v, fields.get(key)?.type);
  }
  return out;
}

export interface BuiltRecords {
  records: Array<Record<string, unknown>>;
  /** for each record, the 0-based data rows it came from (a receipt spans its item lines) */
  rowsOf: number[][];
}

export function buildRecords(kind: ImportKind, rows: Array<Record<string, string>>, mapping: Mapping): BuiltRecords {
  if (kind === "profiles") {
    const records = rows.map((row) => {
      const { identity_handle, identity_identifier, ...rest } = pick(kind, row, mapping, IMPORT_FIELDS.profiles.map((f) => f.key));
      return identity_handle || identity_identifier ? { ...rest, identities: [{ handle: identity_handle, identifier: identity_identifier }] } : rest;
    });
    return { records, rowsOf: rows.map((_, i) => [i]) };
  }
  const receiptKeys = ["external_id", "profile_id", "profile_id_handle", "location_id", "transacted_at", "timezone", "currency", "staff_id", "channel", "total"];
  const byReceipt = new Map<string, number>();
  const records: Array<Record<string, unknown> & { items: Array<Record<string, unknown>> }> = [];
  const rowsOf: number[][] = [];
  rows.forEach((row, i) => {
    const externalId = cell(row, mapping, "external_id");
    const item = pick(kind, row, mapping, ["sku", "quantity", "price_sell"]);
    const name = cell(row, mapping, "item_name");
    if (name !== undefined) item.name = name;
    // rows without a receipt number stay records of their own, so the server reports them
    const at = externalId === undefined ? undefined : byReceipt.get(externalId);
    if (at === undefined) {
      if (externalId !== undefined) byReceipt.set(externalId, records.length);
      records.push({ ...pick(kind, row, mapping, receiptKeys), items: [item] });
      rowsOf.push([i]);
    } else {
      records[at].items.push(item);
      rowsOf[at].push(i);
    }
  });
  for (const r of records) {
    // a customer given by email needs no handle column
    if (typeof r.profile_id === "string" && r.profile_id.includes("@") && r.profile_id_handle === undefined) r.profile_id_handle = "email";
    // a receipt without a total column totals its lines, when every line's amounts read
    if (r.total !== undefined) continue;
    let sum = 0;
    for (const item of r.items) {
      const price = typeof item.price_sell === "string" ? toCents(item.price_sell) : null;
      if (price === null || typeof item.quantity !== "number") {
        sum = Number.NaN;
        break;
      }
      sum += price * item.quantity;
    }
    if (!Number.isNaN(sum)) r.total = centsToDecimal(sum);
  }
  return { records, rowsOf };
}

/** The failed rows as CSV (the original columns and an `error` column), for the error report. */
export function errorReport(headers: string[], rows: Array<Record<string, string>>, errors: Map<number, string[]>): string {
  const q = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const lines = [[...headers, "error"].map(q).join(",")];
  for (const [i, messages] of [...errors.entries()].sort((a, b) => a[0] - b[0])) {
    lines.push([...headers.map((h) => rows[i]?.[h] ?? ""), messages.join("; ")].map(q).join(","));
  }
  return `${lines.join("\r\n")}\r\n`;
}
