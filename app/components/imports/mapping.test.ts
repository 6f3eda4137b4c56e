import { describe, expect, it } from "vitest";
import { buildRecords, errorReport, guessMapping, headerProblems, missingFields } from "./mapping";

describe("CSV import mapping", () => {
  it("guesses columns by key, label or alias, whatever the case and separators", () => {
    const m = guessMapping("transactions", ["Receipt Number", "Customer Email", "SKU", "Qty", "Unit Price", "Store"]);
    expect(m).toMatchObject({ external_id: "Receipt Number", profile_id: "Customer Email", sku: "SKU", quantity: "Qty", price_sell: "Unit Price", location_id: "Store", total: "" });
    expect(missingFields("transactions", m)).toEqual([]);
    expect(missingFields("profiles", guessMapping("profiles", ["First Name"])).map((f) => f.key)).toEqual(["email"]);
  });

  it("refuses empty and repeated headers", () => {
    expect(headerProblems(["email", "Email ", ""])).toEqual(['The header "Email " appears more than once', "Column 3 has no header"]);
    expect(headerProblems(["a", "b"])).toEqual([]);
  });

  it("groups a receipt's lines and totals them exactly when there is no total column", () => {
    const mapping = guessMapping("transactions", ["receipt", "email", "sku", "qty", "price", "name"]);
    const rows = [
      { receipt: "R1", email: "a@x.com", sku: "S1", qty: "3", price: "0.10", name: "Pin" },
      { receipt: "R2", email: "b@x.com", sku: "S2", qty: "1", price: "5", name: "" },
      { receipt: "R1", email: "", sku: "S3", qty: "1", price: "0.20", name: "Pen" },
      { receipt: "", email: "c@x.com", sku: "S4", qty: "two", price: "1", name: "" },
    ];
    const { records, rowsOf } = buildRecords("transactions", rows, mapping);
    expect(records).toEqual([
      { external_id: "R1", profile_id: "a@x.com", profile_id_handle: "email", total: "0.50", items: [{ sku: "S1", quantity: 3, price_sell: "0.10", name: "Pin" }, { sku: "S3", quantity: 1, price_sell: "0.20", name: "Pen" }] },
      { external_id: "R2", profile_id: "b@x.com", profile_id_handle: "email", total: "5.00", items: [{ sku: "S2", quantity: 1, price_sell: "5" }] },
      // no receipt number and a quantity that is not a number: passed on as written, for the server to name
      { profile_id: "c@x.com", profile_id_handle: "email", items: [{ sku: "S4", quantity: "two", price_sell: "1" }] },
    ]);
    expect(rowsOf).toEqual([[0, 2], [1], [3]]);
  });

  it("builds profiles with typed fields, tag lists and one identity", () => {
    const mapping = { ...guessMapping("profiles", ["Email", "Birth Month", "Tags", "identity handle", "identity value"]), identity_identifier: "identity value" };
    const { records } = buildRecords("profiles", [{ Email: "a@x.com", "Birth Month": "7", Tags: "vip; staff ;", "identity handle": "shopify", "identity value": "123" }], mapping);
    expect(records).toEqual([{ email: "a@x.com", birth_month: 7, tags: ["vip", "staff"], identities: [{ handle: "shopify", identifier: "123" }] }]);
  });

  it("reports the failed rows with their original columns", () => {
    const csv = errorReport(["email", "note"], [{ email: "a", note: 'say "hi"' }, { email: "b@x.com", note: "" }], new Map([[0, ["email: Enter a valid email", "x"]]]));
    expect(csv).toBe('email,note,error\r\na,"say ""hi""",email: Enter a valid email; x\r\n');
  });
});
