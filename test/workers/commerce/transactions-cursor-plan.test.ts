// The transactions list by cursor must cost the same however deep the cursor is: SQLite has to read the
// page along the date index from the cursor. Checked on the query plan of the statement the service
// builds (a plan, not a timing: at 2.1M transactions the other plan took seconds, see docs/benchmarks.md).
import { env } from "cloudflare:test";
import { desc } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "../../../db/client";
import { transactions } from "../../../db/schema";
import { afterCursor } from "../../../workers/commerce/transactions.service";

describe("GET /transactions?page[cursor]", () => {
  it("reads the page after a cursor along the date index, without sorting every older transaction", async () => {
    const db = getDb(env.DB);
    const query = db
      .select()
      .from(transactions)
      .where(afterCursor({ at: Date.UTC(2024, 4, 3, 10), id: "01J0000000000000000000000" }))
      .orderBy(desc(transactions.transactedAt), desc(transactions.id))
      .limit(16)
      .toSQL();
    const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${query.sql}`)
      .bind(...query.params)
      .all<{ detail: string }>();
    const details = plan.results.map((r) => r.detail).join("\n");
    expect(details).toMatch(/SEARCH transactions USING (COVERING )?INDEX transactions_at_idx \(transacted_at<\?\)/);
    // neither a union of two index searches nor a sort of everything they find
    expect(details).not.toMatch(/MULTI-INDEX OR|TEMP B-TREE FOR ORDER BY/);
  });
});
