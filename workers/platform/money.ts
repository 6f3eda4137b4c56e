// Money is integer minor units (cents) with its currency inside; the API speaks decimal amounts.
// Conversions are exact: a decimal string or number with at most two places becomes cents without
// float arithmetic. formatMoney is the one formatter for people, centsToDecimal the one for machines.

/** Cents from a decimal amount (12.5, "12.50", -3); null when it has more than two decimal places or is not a number. */
export function toCents(amount: number | string): number | null {
  const s = typeof amount === "number" ? (Number.isFinite(amount) ? String(amount) : "") : amount.trim();
  // numbers like 1e-7 stringify in exponent form: not a money amount
  const m = /^(-)?(\d{1,13})(?:\.(\d{1,2}))?$/.exec(s);
  if (!m) return null;
  const cents = Number(m[2]) * 100 + Number((m[3] ?? "").padEnd(2, "0"));
  return m[1] ? -cents : cents;
}

/** A decimal amount for the API from cents (1999 → 19.99). Division by 100 of an integer is exact enough to print. */
export function fromCents(cents: number): number {
  return Math.round(cents) / 100;
}

/**
 * Cents as an exact decimal string with two places (1999 → "19.99", -5 → "-0.05", 6000 → "60.00"): for
 * CSV, templates and messages, where a number would be a float. A fraction of a cent is rounded first.
 */
export function centsToDecimal(cents: number): string {
  const abs = Math.abs(Math.round(cents));
  return `${cents < 0 ? "-" : ""}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

/**
 * The one money formatter: cents in a currency as people read it ("$12.50", "-$3.05"). The locale is
 * fixed by default so the server and the browser render the same text; an unknown currency code prints
 * as "12.50 XYZ" rather than throwing.
 */
export function formatMoney(cents: number, currency = "AUD", locale = "en-AU"): string {
  try {
    return new Intl.NumberFormat(locale, { style: "currency", currency }).format(cents / 100);
  } catch {
    return `${centsToDecimal(cents)} ${currency}`;
  }
}
