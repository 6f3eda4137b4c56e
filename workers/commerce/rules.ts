// Pure rules of commerce: money amounts, the totals check, totals derived from items, placeholder
// locations, opening hours, the request fingerprint behind external_id idempotency, and cursors.
// No I/O: every rule here is table-tested in rules.test.ts.
import { decodeKeyset, encodeKeyset, type KeysetCursor } from "../platform/pagination";
import type { OpeningHours } from "../../db/schema/commerce";
import { deriveHandle } from "../platform/handles";
import { centsToDecimal, toCents } from "../platform/money";

// ── money ───────────────────────────────────────────────────────────────────────────────────────

/** Cents from a decimal amount, or an error message naming the field (more than two decimals, not a number). */
export function parseAmount(value: unknown, field: string): { cents: number } | { error: string } {
  if (typeof value !== "number" && typeof value !== "string") return { error: `${field} must be a decimal amount` };
  const cents = toCents(value);
  if (cents === null) {
    return { error: `${field} must be a decimal amount with at most two decimal places, got ${JSON.stringify(value)}` };
  }
  return { cents };
}

// ── totals ──────────────────────────────────────────────────────────────────────────────────────

export interface ItemAmounts {
  quantity: number;
  /** per unit, tax included, after discounts (cents) */
  priceSell: number;
  /** per unit (cents) */
  priceTax?: number | null;
  /** discounts on the whole line (cents) */
  discounts?: ReadonlyArray<{ amount: number }> | null;
}

/** What a line contributes to the total: quantity × price_sell (negative for a return). */
export function lineTotal(item: Pick<ItemAmounts, "quantity" | "priceSell">): number {
  return item.quantity * item.priceSell;
}

export function itemsTotal(items: ReadonlyArray<Pick<ItemAmounts, "quantity" | "priceSell">>): number {
  return items.reduce((sum, i) => sum + lineTotal(i), 0);
}

/** How far apart the items and the total may be: one cent either way. */
export const TOTAL_TOLERANCE_CENTS = 1;

/**
 * The totals check: Σ quantity × price_sell + rounding must equal total within one cent. Returns null
 * when it holds, else the message to show under `total` naming both figures.
 */
export function checkTotals(items: ReadonlyArray<Pick<ItemAmounts, "quantity" | "priceSell">>, rounding: number, total: number): string | null {
  const sum = itemsTotal(items);
  if (Math.abs(sum + rounding - total) <= TOTAL_TOLERANCE_CENTS) return null;
  if (rounding === 0) return `Items add up to ${centsToDecimal(sum)} but total is ${centsToDecimal(total)}`;
  return `Items add up to ${centsToDecimal(sum)}, ${centsToDecimal(sum + rounding)} with rounding ${centsToDecimal(rounding)}, but total is ${centsToDecimal(total)}`;
}

export interface DerivedTotals {
  subtotal: number;
  discount: number;
  tax: number;
}

/**
 * subtotal, discount and tax when the caller leaves them out. Lines are given after discounts, so the
 * discount is the sum of the line discounts (given back on a return line, hence signed by quantity), the
 * subtotal is what the lines came to before those discounts (so subtotal − discount is the items' net),
 * and tax is Σ quantity × price_tax.
 */
export function deriveTotals(items: ReadonlyArray<ItemAmounts>): DerivedTotals {
  let discount = 0;
  let tax = 0;
  for (const i of items) {
    const lineDiscount = (i.discounts ?? []).reduce((s, d) => s + d.amount, 0);
    discount += Math.sign(i.quantity) * lineDiscount;
    tax += i.quantity * (i.priceTax ?? 0);
  }
  return { subtotal: itemsTotal(items) + discount, discount, tax };
}

// ── handles ─────────────────────────────────────────────────────────────────────────────────────


/** The placeholder created for a location value a transaction names but we do not know. */
export function placeholderLocation(value: string): { name: string; handle: string; externalId: string } {
  return { name: `Unknown location ${value}`, handle: deriveHandle(`unknown-location-${value}`), externalId: value };
}

// ── opening hours ───────────────────────────────────────────────────────────────────────────────

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/**
 * Problems with opening hours, keyed by path ("mon.0"): days must be mon..sun, each interval
 * ["HH:MM","HH:MM"] with open before close, and a day's intervals may not overlap. Empty when valid.
 */
export function openingHoursErrors(hours: unknown): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  const add = (path: string, msg: string) => (errors[path] ??= []).push(msg);
  if (!hours || typeof hours !== "object" || Array.isArray(hours)) {
    add("", 'opening_hours must be an object like {"mon": [["09:00", "17:00"]]}');
    return errors;
  }
  for (const [day, intervals] of Object.entries(hours)) {
    if (!(WEEKDAYS as readonly string[]).includes(day)) {
      add(day, `"${day}" is not a day; use ${WEEKDAYS.join(", ")}`);
      continue;
    }
    if (!Array.isArray(intervals)) {
      add(day, `${day} must be a list of [open, close] pairs`);
      continue;
    }
    const parsed: Array<[number, number]> = [];
    intervals.forEach((interval: unknown, i) => {
      if (!Array.isArray(interval) || interval.length !== 2 || !interval.every((t) => typeof t === "string")) {
        add(`${day}.${i}`, `${day} interval ${i + 1} must be ["HH:MM", "HH:MM"]`);
        return;
      }
      const [open, close] = interval as [string, string];
      const bad = [open, close].filter((t) => !HHMM.test(t));
      if (bad.length) {
        add(`${day}.${i}`, `${bad.map((t) => `"${t}"`).join(" and ")} ${bad.length > 1 ? "are" : "is"} not a time of day (HH:MM, 00:00 to 23:59)`);
        return;
      }
      if (open >= close) {
        add(`${day}.${i}`, `${day} opens at ${open} but closes at ${close}: open must be before close`);
        return;
      }
      parsed.push([minutes(open), minutes(close)]);
    });
    const sorted = [...parsed].sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < sorted.length; i++) {
      if (sorted[i]![0] < sorted[i - 1]![1]) add(day, `${day} has overlapping intervals`);
    }
  }
  return errors;
}

function minutes(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

/** Opening hours with days in week order and each day's intervals sorted: the stored form. */
export function normaliseOpeningHours(hours: OpeningHours): OpeningHours {
  const out: OpeningHours = {};
  for (const day of WEEKDAYS) {
    const intervals = hours[day];
    if (intervals) out[day] = [...intervals].sort((a, b) => a[0].localeCompare(b[0]));
  }
  return out;
}

// ── idempotency fingerprint ─────────────────────────────────────────────────────────────────────

/**
 * JSON with object keys sorted at every level and undefined members dropped: two requests that mean the
 * same thing (keys in another order, 12.5 vs "12.50" once parsed to cents) serialise identically.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? "null" : canonicalJson(v))).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

// ── cursors ─────────────────────────────────────────────────────────────────────────────────────

/** A transaction list position: transacted_at in ms and id of the last row on the previous page (platform's keyset cursor). */
export type TransactionCursor = KeysetCursor;
/** An opaque cursor for "newest first by transacted_at, then id". */
export const encodeCursor = encodeKeyset;
/** The position a cursor names, or null when it is not one of ours. */
export const decodeCursor = decodeKeyset;
