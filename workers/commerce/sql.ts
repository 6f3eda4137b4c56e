// SQL helpers the commerce services share: literal LIKE matching, batches of any length, and
// recognising a unique-index clash.
import type { SQL } from "drizzle-orm";
import { textMatch } from "../platform/sql";
import type { BatchItem } from "drizzle-orm/batch";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { Db } from "../../db/client";

export type Statement = BatchItem<"sqlite">;

/** Run statements as one D1 batch (one transaction); the list is built at run time, so not a tuple. */
export async function runBatch(db: Db, statements: Statement[]): Promise<void> {
  if (!statements.length) return;
  await db.batch(statements as [Statement, ...Statement[]]);
}

/**
 * `column` matches `text` literally: contains it (prefix "%") or starts with it (prefix ""). No LIKE
 * pattern is built, so D1's 50-byte pattern limit never applies (platform/sql.ts).
 */
export function likeText(column: SQLiteColumn, prefix: "" | "%", text: string, _suffix: "%"): SQL {
  return textMatch(column, text, prefix === "%" ? "contains" : "prefix");
}

export function isUniqueViolation(err: unknown): boolean {
  return errorText(err).includes("UNIQUE constraint failed");
}

/** The message of an error and its cause (D1 wraps SQLite's message). */
export function errorText(err: unknown): string {
  return err instanceof Error ? `${err.message} ${(err as { cause?: Error }).cause?.message ?? ""}` : String(err);
}
