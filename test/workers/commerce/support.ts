// Factories for the commerce tests: valid transaction bodies, profiles and locations made through the
// real API, and typed JSON reads. Every value is unique per call so tests never share data.
import { expect } from "vitest";
import type { SerializedTransaction } from "../../../workers/commerce/transactions.service";
import { api } from "../helpers";

export type Tx = SerializedTransaction;

export function uid(prefix = ""): string {
  return `${prefix}${crypto.randomUUID().slice(0, 8)}`;
}

export async function body<T = Record<string, unknown>>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

export type TxBody = Record<string, unknown> & { external_id: string; items: Array<Record<string, unknown>> };

/** A valid two-line receipt (2 × 19.95 + 1 × 20.00 = 59.90), with overrides. */
export function receipt(overrides: Record<string, unknown> = {}): TxBody {
  return {
    external_id: uid("R-"),
    transacted_at: "2024-05-01T02:30:00Z",
    timezone: "Australia/Sydney",
    total: 59.9,
    items: [
      { sku: uid("SKU-"), name: "Linen shirt", quantity: 2, price_original: 24.95, price_current: 21.95, price_sell: 19.95, price_tax: 1.81, discounts: [{ name: "Member 10%", amount: 4 }] },
      { sku: uid("SKU-"), name: "Socks", quantity: 1, price_sell: "20.00", price_tax: "1.82" },
    ],
    ...overrides,
  } as TxBody;
}

/** One line of `price` × `quantity` with a matching total. */
export function simpleReceipt(price: number, overrides: Record<string, unknown> = {}, quantity = 1): TxBody {
  return receipt({ total: Math.round(price * quantity * 100) / 100, items: [{ sku: uid("SKU-"), name: "Item", quantity, price_sell: price }], ...overrides });
}

export async function postTx(token: string, json: unknown, expected?: number): Promise<{ res: Response; data: Tx }> {
  const res = await api("/transactions", { method: "POST", token, json });
  const parsed = (await res.clone().json()) as { data: Tx };
  if (expected !== undefined) expect(res.status, JSON.stringify(parsed)).toBe(expected);
  return { res, data: parsed.data };
}

export async function makeProfile(token: string, extra: Record<string, unknown> = {}): Promise<{ id: string; email: string }> {
  const email = `${uid("shopper-")}@example.test`;
  const res = await api("/profiles", { method: "POST", token, json: { first_name: "Sam", last_name: "Shopper", email, ...extra } });
  expect(res.status).toBe(201);
  return ((await res.json()) as { data: { id: string; email: string } }).data;
}

export async function aggregations(token: string, profileId: string) {
  const res = await api(`/profiles/${profileId}/aggregations`, { token });
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: Record<string, unknown> }).data;
}

/** An ISO instant `days` before now at 12:00 UTC, and its calendar day. */
export function daysAgo(days: number): { at: string; day: string } {
  const d = new Date(Date.now() - days * 86_400_000);
  d.setUTCHours(12, 0, 0, 0);
  return { at: d.toISOString(), day: d.toISOString().slice(0, 10) };
}
