import { describe, expect, it } from "vitest";
import { csvCell, csvLine, csvResponse } from "./csv";

describe("csv", () => {
  it("quotes what needs quoting and nothing else", () => {
    expect(csvLine(["plain", 42, null, undefined, true])).toBe("plain,42,,,true\r\n");
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell(new Date("2026-01-02T03:04:05.000Z"))).toBe("2026-01-02T03:04:05.000Z");
  });

  it("defuses cells a spreadsheet would run as formulas, but not numbers", () => {
    expect(csvCell("=HYPERLINK(\"http://evil\")")).toBe('"\'=HYPERLINK(""http://evil"")"');
    expect(csvCell("+61 400 000 000")).toBe("'+61 400 000 000");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("-5")).toBe("'-5");
    expect(csvCell(-5)).toBe("-5");
  });

  it("streams every page after the header and reports the row count", async () => {
    async function* pages() {
      yield [["a", 1]];
      yield [];
      yield [["b", 2], ["c", 3]];
    }
    let counted = -1;
    const res = csvResponse("x y.csv", ["name", "n"], pages(), async (n) => {
      counted = n;
    });
    expect(res.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("Content-Disposition")).toBe('attachment; filename="x_y.csv"');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // the UTF-8 BOM
    expect(new TextDecoder().decode(bytes)).toBe("name,n\r\na,1\r\nb,2\r\nc,3\r\n");
    expect(counted).toBe(3);
  });
});
