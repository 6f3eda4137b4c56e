// Unit tests for the pure commerce rules: money parsing, the totals check and derived totals, placeholder
// locations, opening hours, the request fingerprint and cursors.
import { describe, expect, it } from "vitest";
import { toCents } from "../platform/money";
import {
  canonicalJson,
  checkTotals,
  decodeCursor,
  deriveTotals,
  encodeCursor,
  lineTotal,
  normaliseOpeningHours,
  openingHoursErrors,
  parseAmount,
  placeholderLocation,
} from "./rules";
import { TransactionInput } from "./schema";

describe("money parsing", () => {
  it.each([
    [19.99, 1999],
    ["19.99", 1999],
    [" 12.5 ", 1250],
    [12.5, 1250],
    [0, 0],
    ["0.01", 1],
    [-3, -300],
    ["-0.05", -5],
    [100, 10000],
    ["1234567890123.45", 123456789012345],
  ])("%j → %i cents", (input, cents) => {
    expect(toCents(input)).toBe(cents);
    expect(parseAmount(input, "total")).toEqual({ cents });
  });

  it.each([
    ["12.345", "three decimals"],
    [12.345, "three decimals as a number"],
    [0.1 + 0.2, "float noise (0.30000000000000004)"],
    [1e-7, "exponent form"],
    [1e21, "too large"],
    [Number.NaN, "NaN"],
    [Number.POSITIVE_INFINITY, "infinity"],
    ["", "empty"],
    ["abc", "not a number"],
    ["1,000.00", "thousands separator"],
    ["+5", "explicit plus"],
    ["12.", "trailing point"],
    [".5", "leading point"],
    ["$5", "currency symbol"],
  ] as Array<[number | string, string]>)("refuses %j (%s)", (input) => {
    expect(toCents(input)).toBeNull();
    const parsed = parseAmount(input, "price_sell");
    expect(parsed).toHaveProperty("error");
    expect((parsed as { error: string }).error).toContain("price_sell");
  });

  it("refuses values that are not numbers or strings", () => {
    for (const v of [null, true, {}, []]) expect(parseAmount(v, "total")).toEqual({ error: "total must be a decimal amount" });
  });
});

describe("the totals check", () => {
  const items = (...lines: Array<[number, number]>) => lines.map(([quantity, priceSell]) => ({ quantity, priceSell }));

  it.each([
    { name: "exact", lines: items([2, 1995], [1, 2000]), rounding: 0, total: 5990 },
    { name: "one cent over", lines: items([3, 3333]), rounding: 0, total: 10000 },
    { name: "one cent under", lines: items([3, 3334]), rounding: 0, total: 10001 },
    { name: "cash rounding down", lines: items([1, 1997]), rounding: -2, total: 1995 },
    { name: "cash rounding up", lines: items([1, 1998]), rounding: 2, total: 2000 },
    { name: "a return", lines: items([-1, 4990]), rounding: 0, total: -4990 },
    { name: "an exchange (return and purchase)", lines: items([-1, 4990], [1, 5990]), rounding: 0, total: 1000 },
  ])("accepts $name", ({ lines, rounding, total }) => {
    expect(checkTotals(lines, rounding, total)).toBeNull();
  });

  it("names both figures when items and total disagree", () => {
    expect(checkTotals(items([2, 1995], [1, 2000]), 0, 6000)).toBe("Items add up to 59.90 but total is 60.00");
  });

  it("refuses two cents out", () => {
    expect(checkTotals(items([1, 1000]), 0, 1002)).toBe("Items add up to 10.00 but total is 10.02");
  });

  it("mentions the rounding when there is one", () => {
    expect(checkTotals(items([1, 1997]), 5, 1995)).toBe("Items add up to 19.97, 20.02 with rounding 0.05, but total is 19.95");
  });

  it("catches a return sent with a positive total", () => {
    expect(checkTotals(items([-1, 4990]), 0, 4990)).toBe("Items add up to -49.90 but total is 49.90");
  });

  it("computes line totals from quantity × price_sell", () => {
    expect(lineTotal({ quantity: 3, priceSell: 1999 })).toBe(5997);
    expect(lineTotal({ quantity: -2, priceSell: 500 })).toBe(-1000);
  });
});

describe("derived subtotal, discount and tax", () => {
  it("adds line discounts back for the subtotal and sums tax per unit", () => {
    const derived = deriveTotals([
      { quantity: 2, priceSell: 1800, priceTax: 164, discounts: [{ amount: 200 }, { amount: 200 }] },
      { quantity: 1, priceSell: 1000, priceTax: 91 },
    ]);
    expect(derived).toEqual({ subtotal: 5000, discount: 400, tax: 419 });
    // subtotal − discount is what the items came to
    expect(derived.subtotal - derived.discount).toBe(4600);
  });

  it("gives discounts and tax back on a return line", () => {
    expect(deriveTotals([{ quantity: -1, priceSell: 900, priceTax: 82, discounts: [{ amount: 100 }] }])).toEqual({ subtotal: -1000, discount: -100, tax: -82 });
  });

  it("is zero for lines without discounts or tax", () => {
    expect(deriveTotals([{ quantity: 1, priceSell: 500 }])).toEqual({ subtotal: 500, discount: 0, tax: 0 });
  });
});

describe("handles", () => {
  it("names a placeholder location after the value a transaction gave", () => {
    expect(placeholderLocation("STORE-042")).toEqual({ name: "Unknown location STORE-042", handle: "unknown-location-store-042", externalId: "STORE-042" });
  });
});

describe("opening hours", () => {
  it("accepts days with ordered, non-overlapping intervals", () => {
    expect(openingHoursErrors({ mon: [["09:00", "17:00"]], sat: [["10:00", "12:00"], ["13:00", "16:00"]], sun: [] })).toEqual({});
    expect(openingHoursErrors({})).toEqual({});
    expect(openingHoursErrors({ fri: [["00:00", "23:59"]] })).toEqual({});
  });

  it.each([
    [{ mon: [["17:00", "09:00"]] }, "mon.0", "open must be before close"],
    [{ mon: [["09:00", "09:00"]] }, "mon.0", "open must be before close"],
    [{ tue: [["9:00", "17:00"]] }, "tue.0", "not a time of day"],
    [{ tue: [["09:00", "24:00"]] }, "tue.0", "not a time of day"],
    [{ tue: [["09:60", "17:00"]] }, "tue.0", "not a time of day"],
    [{ wed: [["09:00"]] }, "wed.0", '["HH:MM", "HH:MM"]'],
    [{ wed: [[900, 1700]] }, "wed.0", '["HH:MM", "HH:MM"]'],
    [{ thu: "09:00-17:00" }, "thu", "list of [open, close] pairs"],
    [{ monday: [["09:00", "17:00"]] }, "monday", "not a day"],
    [{ sat: [["09:00", "13:00"], ["12:00", "17:00"]] }, "sat", "overlapping"],
  ])("refuses %j at %s", (hours, path, message) => {
    const errors = openingHoursErrors(hours);
    expect(Object.keys(errors)).toEqual([path]);
    expect(errors[path]!.join(" ")).toContain(message);
  });

  it("refuses something that is not an object", () => {
    for (const v of [null, "mon 9-5", [["09:00", "17:00"]]]) expect(Object.keys(openingHoursErrors(v))).toEqual([""]);
  });

  it("stores days in week order with sorted intervals", () => {
    const out = normaliseOpeningHours({ sun: [["10:00", "16:00"]], mon: [["13:00", "17:00"], ["09:00", "12:00"]] });
    expect(Object.keys(out)).toEqual(["mon", "sun"]);
    expect(out.mon).toEqual([["09:00", "12:00"], ["13:00", "17:00"]]);
  });
});

describe("request fingerprint", () => {
  it("ignores key order and undefined members, keeps array order", () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: undefined } })).toBe('{"a":{"d":[2,1]},"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
    expect(canonicalJson(null)).toBe("null");
  });

  it("treats 12.5, 12.50 and \"12.50\" as the same request once parsed", () => {
    const body = (price: number | string, total: number | string) => ({ external_id: "R1", total, items: [{ sku: "A", quantity: 1, price_sell: price }] });
    const a = TransactionInput.parse(body(12.5, 12.5));
    const b = TransactionInput.parse(body("12.50", "12.50"));
    const c = TransactionInput.parse(body(12.5, 12.6));
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(canonicalJson(a)).not.toBe(canonicalJson(c));
  });

  it("treats the same instant in two offsets as the same transacted_at", () => {
    const base = { external_id: "R1", total: 1, items: [{ quantity: 1, price_sell: 1 }] };
    const a = TransactionInput.parse({ ...base, transacted_at: "2024-05-01T10:00:00+10:00" });
    const b = TransactionInput.parse({ ...base, transacted_at: "2024-05-01T00:00:00Z" });
    expect(canonicalJson(a)).toBe(canonicalJson(b));
  });
});

describe("transaction input contract", () => {
  const ok = { external_id: "R1", total: "10.00", items: [{ sku: "A", quantity: 1, price_sell: "10.00" }] };
  const fieldsOf = (body: unknown) => {
    const r = TransactionInput.safeParse(body);
    return r.success ? [] : r.error.issues.map((i) => i.path.join("."));
  };

  it("accepts a minimal transaction", () => {
    expect(fieldsOf(ok)).toEqual([]);
  });

  it.each([
    [{ ...ok, items: [{ ...ok.items[0], quantity: 0 }] }, "items.0.quantity"],
    [{ ...ok, items: [{ ...ok.items[0], quantity: 1.5 }] }, "items.0.quantity"],
    [{ ...ok, items: [{ ...ok.items[0], price_sell: "9.999" }] }, "items.0.price_sell"],
    [{ ...ok, total: "ten" }, "total"],
    [{ ...ok, timezone: "Mars/Base" }, "timezone"],
    [{ ...ok, currency: "dollars" }, "currency"],
    [{ ...ok, transacted_at: "yesterday" }, "transacted_at"],
    [{ ...ok, items: [] }, "items"],
    [{ ...ok, external_id: "" }, "external_id"],
    [{ ...ok, profile_id_handle: "email" }, "profile_id"],
  ])("names the problem in %j", (body, field) => {
    expect(fieldsOf(body)).toContain(field);
  });

  it("normalises time zone, currency and numeric identifiers", () => {
    const parsed = TransactionInput.parse({ ...ok, external_id: 123, timezone: "australia/melbourne", currency: "nzd" });
    expect(parsed).toMatchObject({ external_id: "123", timezone: "Australia/Melbourne", currency: "NZD", total: 1000 });
  });
});

describe("cursors", () => {
  it("round-trips a position", () => {
    const c = { at: 1714557600000, id: "0b8a3c3e-5f1e-4c38-9d0e-2a4f6d8c1b7a" };
    const encoded = encodeCursor(c);
    expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(encoded)).toEqual(c);
  });

  it.each(["", "not a cursor!", btoa("hello"), btoa("12:"), "%%%"])("refuses %j", (raw) => {
    expect(decodeCursor(raw)).toBeNull();
  });
});
