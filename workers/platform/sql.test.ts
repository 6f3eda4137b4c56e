// The SQL helpers build statements D1 accepts whatever the input: no LIKE/GLOB pattern, and lists that
// bind one parameter.
import { SQLiteSyncDialect, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import { chunk, errorText, inList, isUniqueViolation, rowsPerInsert, textMatch } from "./sql";

const t = sqliteTable("t", { a: text("a"), b: text("b"), c: text("c") });
const dialect = new SQLiteSyncDialect();

describe("textMatch", () => {
  it.each(["contains", "prefix"] as const)("%s builds no pattern and binds the text lower-cased", (how) => {
    const q = dialect.sqlToQuery(textMatch(t.a, "A".repeat(200) + "%_", how));
    expect(q.sql).not.toMatch(/\b(LIKE|GLOB)\b/i);
    expect(new Set(q.params)).toEqual(new Set(["a".repeat(200) + "%_"]));
  });
});

describe("inList", () => {
  it("binds 1,000 values as one JSON parameter", () => {
    const values = Array.from({ length: 1000 }, (_, i) => `v${i}`);
    const q = dialect.sqlToQuery(inList(t.a, values));
    expect(q.params).toEqual([JSON.stringify(values)]);
    expect(q.sql).toContain("json_each");
  });
});

describe("rowsPerInsert and chunk", () => {
  it("keeps rows × columns within 100 parameters", () => {
    expect(rowsPerInsert(t)).toBe(33);
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
  });
});

describe("isUniqueViolation", () => {
  it("reads SQLite's message in the error or in the cause D1 wraps it in", () => {
    expect(isUniqueViolation(new Error("D1_ERROR: UNIQUE constraint failed: locations.handle"))).toBe(true);
    expect(isUniqueViolation(new Error("D1_ERROR", { cause: new Error("UNIQUE constraint failed: t.a") }))).toBe(true);
    expect(isUniqueViolation(new Error("FOREIGN KEY constraint failed"))).toBe(false);
    expect(isUniqueViolation("UNIQUE constraint failed")).toBe(true);
    expect(errorText(new Error("a", { cause: new Error("b") }))).toBe("a b");
  });
});
