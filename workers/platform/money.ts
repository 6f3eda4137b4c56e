// Money is integer minor units (cents) inside; the API speaks decimal amounts. Conversions are exact:
// a decimal string or number with at most two places becomes cents without float arithmetic.

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

/** Cents as an exact decimal string (1999 → "19.99", -5 → "-0.05"): for CSV and templates, where a number would be a float. */
export function centsToDecimal(cents: number): string {
  const abs = Math.abs(cents);
  return `${cents < 0 ? "-" : ""}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

export function formatMoney(cents: number, currency = "AUD", locale = "en-AU"): string {
  return new Intl.NumberFormat(locale, { style: "currency", currency }).format(cents / 100);
}
