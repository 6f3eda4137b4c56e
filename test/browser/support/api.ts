// Test data through the REST API (/api/v3) with the lane's API token (minted by global-setup.ts, every
// scope): each test makes its own profiles and transactions, with unique emails, mobiles, identities
// and receipts, and reads them back to check what the console saved. Plain Node fetch, no browser.
import { expect } from "vitest";
import { unique } from "./console";

export interface ProfileJson {
  id: string;
  first_name: string | null;
  last_name: string | null;
  full_name: string;
  email: string;
  /** E.164 */
  mobile_phone: string | null;
  type: string;
  updated_at: string;
  identities: Array<{ id: string; handle: string; identifier: string; is_primary: boolean }>;
  attributes: { comms: Record<string, unknown> };
}

export interface TransactionJson {
  id: string;
  external_id: string;
  profile_id: string | null;
  total: number;
  items: Array<{ sku: string | null; name: string | null; quantity: number; price_sell: number }>;
}

export interface ProductJson {
  id: string;
  sku: string;
  name: string;
}

export interface ApiResponse<T> {
  status: number;
  body: { data?: T; errors?: Record<string, string[]>; detail?: string };
}

/** An Australian mobile for a test: 0412 plus six random digits (the seed's mobiles are all 0410 0…). */
export interface TestMobile {
  /** +61412345678 */
  e164: string;
  /** 0412 345 678, as a person in Australia writes it */
  local: string;
  /** +61 412 345 678, as the console shows it */
  international: string;
}

export function newMobile(): TestMobile {
  const six = String(Math.floor(Math.random() * 1_000_000)).padStart(6, "0");
  const [a, b] = [six.slice(0, 3), six.slice(3)];
  return { e164: `+61412${six}`, local: `0412 ${a} ${b}`, international: `+61 412 ${a} ${b}` };
}

/** A card number the seed does not use (its cards are 6000000000 + n). */
function digits(n: number): string {
  let s = String(1 + Math.floor(Math.random() * 9));
  while (s.length < n) s += String(Math.floor(Math.random() * 10));
  return s;
}

export interface NewProfile {
  first_name: string;
  last_name: string;
  email: string;
  mobile: TestMobile;
  loyaltyCard: string;
  shopify: string;
}

/** A person of this test's own: a one-off surname, email, mobile, loyalty card and Shopify id. */
export function newProfile(label = "Member"): NewProfile {
  const id = unique();
  return {
    first_name: label,
    // one word, so the whole surname (or its start) is a single search token
    last_name: `Quillfeather${id}`,
    email: `browser-${id}@example.test`,
    mobile: newMobile(),
    loyaltyCard: `9${digits(11)}`,
    shopify: `8${digits(12)}`,
  };
}

export class Api {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  async request<T>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { Authorization: `Bearer ${this.token}`, Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const res = await fetch(`${this.baseUrl}/api/v3${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(15_000) });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as ApiResponse<T>["body"]) : {} };
  }

  /** POST /profiles with the person's mobile and both identities; a mobile another profile holds is redrawn. */
  async createProfile(p: NewProfile): Promise<ProfileJson> {
    for (let attempt = 0; ; attempt++) {
      const res = await this.request<ProfileJson>("POST", "/profiles", {
        first_name: p.first_name,
        last_name: p.last_name,
        email: p.email,
        mobile_phone: p.mobile.e164,
        identities: [
          { handle: "loyalty-card", identifier: p.loyaltyCard, is_primary: true },
          { handle: "shopify", identifier: p.shopify },
        ],
      });
      if (res.status === 422 && res.body.errors?.mobile_phone && attempt < 3) {
        p.mobile = newMobile();
        continue;
      }
      expect(res.status, `POST /profiles: ${JSON.stringify(res.body)}`).toBe(201);
      return res.body.data!;
    }
  }

  async getProfile(id: string): Promise<ProfileJson> {
    const res = await this.request<ProfileJson>("GET", `/profiles/${id}`);
    expect(res.status, `GET /profiles/${id}: ${JSON.stringify(res.body)}`).toBe(200);
    return res.body.data!;
  }

  /** A mobile no profile holds yet (checked through the search, which matches mobiles exactly). */
  async freeMobile(): Promise<TestMobile> {
    for (let attempt = 0; ; attempt++) {
      const m = newMobile();
      const res = await this.request<ProfileJson[]>("GET", `/profiles?search=${encodeURIComponent(m.e164)}`);
      expect(res.status, `GET /profiles?search=: ${JSON.stringify(res.body)}`).toBe(200);
      if (!res.body.data?.some((p) => p.mobile_phone === m.e164) || attempt >= 3) return m;
    }
  }

  async products(size: number): Promise<ProductJson[]> {
    const res = await this.request<ProductJson[]>("GET", `/products?page[size]=${size}`);
    expect(res.status, `GET /products: ${JSON.stringify(res.body)}`).toBe(200);
    return res.body.data!;
  }

  async createTransaction(input: Record<string, unknown>): Promise<TransactionJson> {
    const res = await this.request<TransactionJson>("POST", "/transactions", input);
    expect(res.status, `POST /transactions: ${JSON.stringify(res.body)}`).toBe(201);
    return res.body.data!;
  }
}
