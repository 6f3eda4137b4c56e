// Bulk loading for seeds and benchmarks: many rows per INSERT with literal values (D1 refuses more than
// 100 bound parameters per statement, and literal multi-row inserts are far faster than one row each),
// each statement kept under D1's 100 KB limit, statements sent in D1 batches.

export type Row = Record<string, string | number | boolean | null | undefined | object>;

const MAX_STATEMENT_BYTES = 90_000;
const STATEMENTS_PER_BATCH = 50;

export function sqlLiteral(v: Row[string]): string {
  if (v === null || v === undefined) return "NULL";
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new Error(`not a finite number: ${v}`);
    return String(v);
  }
  if (typeof v === "boolean") return v ? "1" : "0";
  if (v instanceof Date) return String(v.getTime());
  const s = typeof v === "string" ? v : JSON.stringify(v);
  return `'${s.replaceAll("'", "''")}'`;
}

/** INSERT statements for rows of one table (all rows must have the same keys). */
export function insertStatements(table: string, rows: Row[], conflict = ""): string[] {
  if (!rows.length) return [];
  const cols = Object.keys(rows[0]!);
  const head = `INSERT INTO ${table} (${cols.join(", ")}) VALUES `;
  const out: string[] = [];
  let values: string[] = [];
  let size = head.length;
  for (const row of rows) {
    const tuple = `(${cols.map((c) => sqlLiteral(row[c])).join(", ")})`;
    if (values.length && size + tuple.length + 1 > MAX_STATEMENT_BYTES) {
      out.push(head + values.join(",") + conflict);
      values = [];
      size = head.length;
    }
    values.push(tuple);
    size += tuple.length + 1;
  }
  if (values.length) out.push(head + values.join(",") + conflict);
  return out;
}

/** Run statements against a D1 binding in batches; returns how many statements ran. */
export async function runStatements(db: D1Database, statements: string[]): Promise<number> {
  for (let i = 0; i < statements.length; i += STATEMENTS_PER_BATCH) {
    await db.batch(statements.slice(i, i + STATEMENTS_PER_BATCH).map((s) => db.prepare(s)));
  }
  return statements.length;
}

export async function bulkInsert(db: D1Database, table: string, rows: Row[]): Promise<number> {
  return runStatements(db, insertStatements(table, rows));
}
