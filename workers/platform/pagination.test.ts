// Unit tests for page[number]/page[size] parsing and the {data, links, meta} list envelope.
import { describe, expect, it } from "vitest";
import { DomainError } from "./errors";
import { DEFAULT_PAGE_SIZE, listEnvelope, MAX_PAGE_SIZE, pageOffset, parsePage } from "./pagination";

function failure(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error("expected a DomainError");
}

describe("parsePage", () => {
  it("pins the defaults: page 1 of 15, at most 100", () => {
    expect(DEFAULT_PAGE_SIZE).toBe(15);
    expect(MAX_PAGE_SIZE).toBe(100);
  });

  it.each([
    { query: {}, page: { number: 1, size: 15 } },
    { query: { "page[number]": "", "page[size]": "" }, page: { number: 1, size: 15 } },
    { query: { "page[number]": "3" }, page: { number: 3, size: 15 } },
    { query: { "page[size]": "1" }, page: { number: 1, size: 1 } },
    { query: { "page[size]": "100" }, page: { number: 1, size: 100 } },
    { query: { "page[number]": "7", "page[size]": "25", sort: "-created_at" }, page: { number: 7, size: 25 } },
  ])("reads $query as $page", ({ query, page }) => {
    expect(parsePage(query)).toEqual(page);
  });

  it.each([
    { field: "page[size]", raw: "0", message: "page[size] must be at least 1" },
    { field: "page[size]", raw: "101", message: "page[size] must be at most 100" },
    { field: "page[size]", raw: "abc", message: 'page[size] must be a whole number, got "abc"' },
    { field: "page[size]", raw: "-5", message: 'page[size] must be a whole number, got "-5"' },
    { field: "page[size]", raw: "2.5", message: 'page[size] must be a whole number, got "2.5"' },
    { field: "page[size]", raw: "1e2", message: 'page[size] must be a whole number, got "1e2"' },
    { field: "page[number]", raw: "0", message: "page[number] must be at least 1" },
    { field: "page[number]", raw: "first", message: 'page[number] must be a whole number, got "first"' },
  ])("rejects $field=$raw with a 422 naming the field", ({ field, raw, message }) => {
    const err = failure(() => parsePage({ [field]: raw }));
    expect(err.code).toBe("validation_failed");
    expect(err.status).toBe(422);
    expect(err.errors).toEqual({ [field]: [message] });
  });

  it("has no upper bound on the page number", () => {
    expect(parsePage({ "page[number]": "5000" }).number).toBe(5000);
  });

  it.each([
    { page: { number: 1, size: 15 }, offset: 0 },
    { page: { number: 2, size: 15 }, offset: 15 },
    { page: { number: 4, size: 100 }, offset: 300 },
  ])("page $page starts at row $offset", ({ page, offset }) => {
    expect(pageOffset(page)).toBe(offset);
  });
});

describe("listEnvelope", () => {
  const URL_ = "https://console.test/api/v3/auth/api-tokens?filter%5Bname%5D=pos&sort=-created_at&page%5Bnumber%5D=2&page%5Bsize%5D=15";
  const pageOf = (link: string | null) => (link === null ? null : Number(new URL(link).searchParams.get("page[number]")));

  it("links to first, previous, next and last pages and keeps the caller's other parameters", () => {
    const env = listEnvelope(["a", "b"], 45, { number: 2, size: 15 }, URL_);
    expect(env.data).toEqual(["a", "b"]);
    expect(env.meta).toEqual({ current_page: 2, per_page: 15, total: 45, last_page: 3 });
    expect([pageOf(env.links.first), pageOf(env.links.prev), pageOf(env.links.next), pageOf(env.links.last)]).toEqual([1, 1, 3, 3]);
    for (const link of Object.values(env.links)) {
      const u = new URL(link!);
      expect(u.pathname).toBe("/api/v3/auth/api-tokens");
      expect(u.searchParams.get("filter[name]")).toBe("pos");
      expect(u.searchParams.get("sort")).toBe("-created_at");
      expect(u.searchParams.get("page[size]")).toBe("15");
      expect(u.searchParams.getAll("page[number]")).toHaveLength(1);
    }
  });

  it.each([
    { name: "the first page has no prev", total: 45, page: { number: 1, size: 15 }, prev: null, next: 2, last: 3 },
    { name: "the last page has no next", total: 45, page: { number: 3, size: 15 }, prev: 2, next: null, last: 3 },
    { name: "a partial last page still counts", total: 46, page: { number: 3, size: 15 }, prev: 2, next: 4, last: 4 },
    { name: "an empty list has one (empty) page", total: 0, page: { number: 1, size: 15 }, prev: null, next: null, last: 1 },
    { name: "past the end, prev points at the last page", total: 45, page: { number: 9, size: 15 }, prev: 3, next: null, last: 3 },
  ])("$name", ({ total, page, prev, next, last }) => {
    const env = listEnvelope([], total, page, "https://console.test/api/v3/things");
    expect(pageOf(env.links.prev)).toBe(prev);
    expect(pageOf(env.links.next)).toBe(next);
    expect(pageOf(env.links.last)).toBe(last);
    expect(pageOf(env.links.first)).toBe(1);
    expect(env.meta).toEqual({ current_page: page.number, per_page: page.size, total, last_page: last });
  });
});
