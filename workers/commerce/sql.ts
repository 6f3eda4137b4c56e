// shim: remove once incentives/definitions.service.ts and commerce/transactions.service.ts import platform/sql (stop 17)
import type { SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { textMatch } from "../platform/sql";

export { errorText, isUniqueViolation, runBatch, type Statement } from "../platform/sql";

/** The old LIKE-shaped call of textMatch: contains (prefix "%") or starts with (prefix ""). Use textMatch. */
export function likeText(column: SQLiteColumn, prefix: "" | "%", text: string, _suffix: "%"): SQL {
  return textMatch(column, text, prefix === "%" ? "contains" : "prefix");
}
