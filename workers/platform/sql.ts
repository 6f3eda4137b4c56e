// SQL helpers every area shares, built so D1's limits hold by design: no LIKE/GLOB pattern (D1 refuses
// patterns over 50 bytes), lists passed as one JSON parameter (D1 binds at most 100 parameters per
// statement), and multi-row inserts split so no statement binds more than 100.
import { getTableColumns, sql, type SQL } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Db } from "../../db/client";

/** D1's bound-parameter limit per statement. */
export const MAX_BOUND_PARAMS = 100;

export type Statement = BatchItem<"sqlite">;

/**
 * `column` contains / starts with / equals `text`, case-insensitively for ASCII (as LIKE is), with no
 * pattern at all: instr() and substr() take a text of any length, and nothing in it is a wildcard.
 */
export function textMatch(column: SQLiteColumn | SQL, text: string, how: "contains" | "prefix"): SQL {
  const needle = text.toLowerCase();
  return how === "contains"
    ? sql`instr(lower(${column}), ${needle}) > 0`
    : sql`substr(lower(${column}), 1, length(${needle})) = ${needle}`;
}

/** `column IN (values)` with the whole list as one JSON parameter, whatever its length. */
export function inList(column: SQLiteColumn | SQL, values: readonly (string | number)[]): SQL {
  return sql`${column} IN (SELECT value FROM json_each(${JSON.stringify(values)}))`;
}

/** Rows per insert so that rows × columns stays within D1's 100 bound parameters. */
export function rowsPerInsert(table: SQLiteTable): number {
  return Math.max(1, Math.floor(MAX_BOUND_PARAMS / Object.keys(getTableColumns(table)).length));
}

/** Split a list into chunks of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** A multi-row insert as as many statements as D1's parameter limit needs; put them all in one batch. */
export function insertRows<T extends SQLiteTable>(db: Db, table: T, rows: T["$inferInsert"][]): Statement[] {
  return chunk(rows, rowsPerInsert(table)).map((part) => db.insert(table).values(part) as unknown as Statement);
}

/** Run statements as one D1 batch (one transaction); the list is built at run time, so not a tuple. */
export async function runBatch(db: Db, statements: Statement[]): Promise<void> {
  if (!statements.length) return;
  await db.batch(statements as [Statement, ...Statement[]]);
}

/** The message of an error and its cause (D1 wraps SQLite's message). */
export function errorText(err: unknown): string {
  return err instanceof Error ? `${err.message} ${(err as { cause?: Error }).cause?.message ?? ""}` : String(err);
}

/** A unique index refused the write (D1 puts SQLite's message in the error or its cause). */
export function isUniqueViolation(err: unknown): boolean {
  return errorText(err).includes("UNIQUE constraint failed");
}

/**
 * A batch's first statement that re-checks, inside the batch's transaction, what the caller checked
 * before it: it fails unless `condition` holds, and so rolls back the whole batch (a racing write
 * committed in between). The failure is json() of a non-constant text, which SQLite cannot evaluate
 * before the CASE picks its branch; isGuardFailure() recognises it.
 */
export function batchGuard(db: Db, condition: SQL): Statement {
  return db.select({ ok: sql<number>`CASE WHEN ${condition} THEN 1 ELSE json('guard failed ' || hex(randomblob(2))) END` }).from(sql`(SELECT 1) AS one`);
}

/** The batch was rolled back by its batchGuard. */
export function isGuardFailure(err: unknown): boolean {
  return /malformed JSON/i.test(errorText(err));
}
