// CSV out: RFC 4180 quoting, guarded against spreadsheet formula injection, streamed page by page so
// an export of any size never sits whole in memory.

/** A cell a spreadsheet would run as a formula (=, +, -, @, tab, CR) is prefixed with a quote. */
const FORMULA_START = /^[=+\-@\t\r]/;

export type CsvValue = string | number | boolean | null | undefined | Date;

export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  let text = value instanceof Date ? value.toISOString() : String(value);
  if (typeof value === "string" && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: readonly CsvValue[]): string {
  return `${values.map(csvCell).join(",")}\r\n`;
}

/**
 * A CSV download: the header, then every row the pages yield, encoded as they come. `onDone` hears
 * the row count once the last page is written (for the audit log).
 */
export function csvResponse(filename: string, header: readonly string[], pages: AsyncIterable<readonly CsvValue[][]>, onDone?: (rows: number) => Promise<void>): Response {
  const encoder = new TextEncoder();
  const iterator = pages[Symbol.asyncIterator]();
  let rows = 0;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      // a BOM so spreadsheet programs read the file as UTF-8
      controller.enqueue(encoder.encode(`\uFEFF${csvLine(header)}`));
    },
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) {
        if (onDone) await onDone(rows);
        controller.close();
        return;
      }
      rows += next.value.length;
      controller.enqueue(encoder.encode(next.value.map(csvLine).join("")));
    },
    async cancel() {
      await iterator.return?.();
    },
  });
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${filename.replace(/[^\w.-]/g, "_")}"`,
      "Cache-Control": "no-store",
    },
  });
}
