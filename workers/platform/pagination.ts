// Omneo-shaped pagination: page[number] and page[size] in, {data, links, meta} out.
import { DomainError } from "./errors";

export const DEFAULT_PAGE_SIZE = 15;
export const MAX_PAGE_SIZE = 100;
/** Keeps the offset a small integer (D1 refuses a float offset); no list is a million pages deep. */
export const MAX_PAGE_NUMBER = 1_000_000;

export interface PageRequest {
  number: number;
  size: number;
}

function parsePositiveInt(raw: string | undefined, field: string, max?: number): number | undefined {
  if (raw === undefined || raw === "") return undefined;
  if (!/^\d+$/.test(raw)) throw DomainError.field(field, `${field} must be a whole number, got "${raw}"`);
  // compared as digits first: a 30-digit number is not a safe integer
  const n = raw.replace(/^0+(?=\d)/, "").length > 15 ? Number.MAX_SAFE_INTEGER : Number(raw);
  if (n < 1) throw DomainError.field(field, `${field} must be at least 1`);
  if (max !== undefined && n > max) throw DomainError.field(field, `${field} must be at most ${max}`);
  return n;
}

/** Read page[number] / page[size] from a query-string record; bad values are a 422 naming the field. */
export function parsePage(query: Record<string, string | undefined>): PageRequest {
  return {
    number: parsePositiveInt(query["page[number]"], "page[number]", MAX_PAGE_NUMBER) ?? 1,
    size: parsePositiveInt(query["page[size]"], "page[size]", MAX_PAGE_SIZE) ?? DEFAULT_PAGE_SIZE,
  };
}

export function pageOffset(page: PageRequest): number {
  return (page.number - 1) * page.size;
}

export interface ListEnvelope<T> {
  data: T[];
  links: { first: string; prev: string | null; next: string | null; last: string };
  meta: { current_page: number; per_page: number; total: number; last_page: number };
}

/** Build the list envelope; links keep the caller's other query parameters. */
export function listEnvelope<T>(data: T[], total: number, page: PageRequest, url: string): ListEnvelope<T> {
  const lastPage = Math.max(1, Math.ceil(total / page.size));
  const link = (n: number) => {
    const u = new URL(url);
    u.searchParams.set("page[number]", String(n));
    u.searchParams.set("page[size]", String(page.size));
    return u.toString();
  };
  return {
    data,
    links: {
      first: link(1),
      prev: page.number > 1 ? link(Math.min(page.number - 1, lastPage)) : null,
      next: page.number < lastPage ? link(page.number + 1) : null,
      last: link(lastPage),
    },
    meta: { current_page: page.number, per_page: page.size, total, last_page: lastPage },
  };
}

// ── keyset cursors ──────────────────────────────────────────────────────────────────────────────

/** A position in a list ordered by a millisecond column, then id: the last row of the previous page. */
export interface KeysetCursor {
  at: number;
  id: string;
}

/** An opaque cursor (base64url of "at:id"). */
export function encodeKeyset(c: KeysetCursor): string {
  return btoa(`${c.at}:${c.id}`).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** The position a cursor names, or null when it is not one this API gave out. */
export function decodeKeyset(raw: string): KeysetCursor | null {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(raw)) return null;
  let text: string;
  try {
    text = atob(raw.replaceAll("-", "+").replaceAll("_", "/"));
  } catch {
    return null;
  }
  const m = /^(-?\d{1,16}):([\w-]{1,100})$/.exec(text);
  if (!m || !Number.isSafeInteger(Number(m[1]))) return null;
  return { at: Number(m[1]), id: m[2]! };
}
