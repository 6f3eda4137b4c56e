// SQL helpers the commerce services share: literal LIKE matching, batches of any length, and
// recognising a unique-index clash.
import { sql, type SQL } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { Db } from "../../db/client";

export type Statement = BatchItem<"sqlite">;

/** Run statements as one D1 batch (one transaction); the list is built at run time, so not a tuple. */
export async function runBatch(db: Db, statements: Statement[]): Promise<void> {
  if (!statements.length) return;
  await db.batch(statements as [Statement, ...Statement[]]);
}

/** `column LIKE prefix || text || suffix` where the caller's text matches literally: % and _ in it are escaped. */
export function likeText(column: SQLiteColumn, prefix: string, text: string, suffix: string): SQL {
  const escaped = text.replace(/[\\%_]/g, (c) => `\\${c}`);
  return sql`${column} LIKE ${`${prefix}${escaped}${suffix}`} ESCAPE '\\'`;
}

export function isUniqueViolation(err: unknown): boolean {
  return errorText(err).includes("UNIQUE constraint failed");
}

/** The message of an error and its cause (D1 wraps SQLite's message). */
export function errorText(err: unknown): string {
  return err instanceof Error ? `${err.message} ${(err as { cause?: Error }).cause?.message ?? ""}` : String(err);
}
