// A realistic demo brand, generated with faker and deterministic by seed: locations, a product
// catalogue with variants, profiles with identities and attributes, a year of transactions with returns
// (and a few anonymous ones), interactions, and each profile's aggregations computed by the same rule
// the worker uses. Rows are produced in chunks so 100k profiles and 1M transactions fit in memory.
import { faker } from "@faker-js/faker";
import { computeAggregations, type TransactionFact } from "../../workers/profiles/rules";
import type { Row } from "./bulk";

export interface BrandOptions {
  seed: number;
  profiles: number;
  /** mean transactions per profile over the last year */
  transactionsPerProfile: number;
  now: Date;
  chunk?: number;
  interactions?: boolean;
}

export type Sink = (table: string, rows: Row[]) => Promise<void>;

const DAY = 86_400_000;

export const DEMO_LOCATIONS = [
  { ext: "S001", name: "Sydney CBD", city: "Sydney", state: "NSW", tz: "Australia/Sydney", type: "store" },
  { ext: "S002", name: "Melbourne Central", city: "Melbourne", state: "VIC", tz: "Australia/Melbourne", type: "store" },
  { ext: "S003", name: "Brisbane Queen St", city: "Brisbane", state: "QLD", tz: "Australia/Brisbane", type: "store" },
  { ext: "S004", name: "Perth Murray St", city: "Perth", state: "WA", tz: "Australia/Perth", type: "store" },
  { ext: "S005", name: "Adelaide Rundle Mall", city: "Adelaide", state: "SA", tz: "Australia/Adelaide", type: "store" },
  { ext: "WEB", name: "Online store", city: null, state: null, tz: "Australia/Sydney", type: "online" },
] as const;

const CATEGORIES = ["Tops", "Knitwear", "Denim", "Dresses", "Outerwear", "Footwear", "Accessories"] as const;
const SIZES = ["XS", "S", "M", "L", "XL"];

function id(): string {
  return faker.string.uuid();
}

function hours(): Record<string, Array<[string, string]>> {
  const weekday: Array<[string, string]> = [["09:00", "17:30"]];
  return { mon: weekday, tue: weekday, wed: weekday, thu: [["09:00", "21:00"]], fri: weekday, sat: [["09:00", "17:00"]], sun: [["10:00", "16:00"]] };
}

export async function generateBrand(opts: BrandOptions, sink: Sink): Promise<{ profiles: number; transactions: number; items: number; locations: number; products: number }> {
  faker.seed(opts.seed);
  const now = opts.now.getTime();
  const chunk = opts.chunk ?? 2_000;

  // ── locations ──
  const locations = DEMO_LOCATIONS.map((l) => ({
    id: id(),
    name: l.name,
    handle: l.name.toLowerCase().replace(/[^a-z0-9]+/g, "-"),
    type: l.type,
    external_id: l.ext,
    timezone: l.tz,
    address: l.city ? { address_line_1: faker.location.streetAddress(), city: l.city, state: l.state, postcode: faker.location.zipCode("####"), country: "AU" } : null,
    opening_hours: l.type === "store" ? hours() : null,
    phone: l.type === "store" ? `+61 2 ${faker.string.numeric(4)} ${faker.string.numeric(4)}` : null,
    email: `${l.ext.toLowerCase()}@demo.loyaltyedge.dev`,
    is_published: true,
    is_placeholder: false,
    created_at: now - 800 * DAY,
    updated_at: now - 800 * DAY,
  }));
  await sink("locations", locations);

  // ── products and variants ──
  const products: Row[] = [];
  const variants: Row[] = [];
  const sellable: Array<{ sku: string; name: string; productId: string; price: number }> = [];
  for (let i = 0; i < 48; i++) {
    const category = CATEGORIES[i % CATEGORIES.length]!;
    const name = `${faker.commerce.productAdjective()} ${faker.commerce.productMaterial()} ${category === "Footwear" ? "Sneaker" : category.replace(/s$/, "")}`;
    const price = faker.number.int({ min: 19, max: 249 }) * 100 + 95;
    const pid = id();
    const sku = `SKU-${String(1000 + i)}`;
    products.push({ id: pid, sku, name, brand: faker.helpers.arrayElement(["Edge Label", "Harbour & Co", "Northside"]), category, price, external_id: `P${1000 + i}`, is_active: true, created_at: now - 700 * DAY, updated_at: now - 700 * DAY });
    if (category === "Accessories") {
      sellable.push({ sku, name, productId: pid, price });
    } else {
      for (const size of SIZES) {
        const vsku = `${sku}-${size}`;
        variants.push({ id: id(), product_id: pid, sku: vsku, name: `${name} ${size}`, price, options: { size } });
        sellable.push({ sku: vsku, name: `${name} ${size}`, productId: pid, price });
      }
    }
  }
  await sink("products", products);
  await sink("product_variants", variants);
  // A few SKUs sold but missing from the catalogue, for the products validation view.
  const unknownSkus = ["LEGACY-001", "LEGACY-002", "GIFTCARD-50"].map((sku) => ({ sku, name: `Legacy item ${sku}`, productId: null as string | null, price: 4_995 }));

  // ── profiles, identities, addresses, interactions, transactions, aggregations ──
  let txCount = 0;
  let itemCount = 0;
  let receipt = 100_000;
  for (let start = 0; start < opts.profiles; start += chunk) {
    const end = Math.min(opts.profiles, start + chunk);
    const profiles: Row[] = [];
    const identities: Row[] = [];
    const addresses: Row[] = [];
    const interactions: Row[] = [];
    const transactions: Row[] = [];
    const items: Row[] = [];
    const aggregations: Row[] = [];
    for (let n = start; n < end; n++) {
      const first = faker.person.firstName();
      const last = faker.person.lastName();
      const pid = id();
      const joinedAt = now - faker.number.int({ min: 1, max: 730 }) * DAY - faker.number.int({ min: 0, max: DAY });
      const home = faker.helpers.arrayElement(locations);
      const emailLocal = `${first}.${last}`.toLowerCase().replace(/[^a-z0-9.]/g, "");
      profiles.push({
        id: pid,
        first_name: first,
        last_name: last,
        email: `${emailLocal}.${n}@example.com`,
        mobile_phone: n % 10 < 8 ? `+614${String(10_000_000 + n).slice(-8)}` : null,
        gender: faker.helpers.arrayElement(["female", "male", "non-binary", null]),
        birth_day: faker.number.int({ min: 1, max: 28 }),
        birth_month: faker.number.int({ min: 1, max: 12 }),
        birth_year: faker.number.int({ min: 1955, max: 2006 }),
        company: null,
        currency: "AUD",
        type: "active",
        joined_at: joinedAt,
        joined_location_id: home.id,
        preferred_location_id: home.id,
        tags: faker.helpers.arrayElements(["vip", "newsletter", "staff", "wholesale", "birthday-club"], { min: 0, max: 2 }),
        comms: { email: faker.datatype.boolean(0.8), sms: faker.datatype.boolean(0.5), push: faker.datatype.boolean(0.3), consent_at: { email: new Date(joinedAt).toISOString() } },
        appearance: { top_size: faker.helpers.arrayElement(SIZES), shoe_size: String(faker.number.int({ min: 5, max: 12 })) },
        custom_attributes: [{ namespace: "crm", handle: "segment", type: "string", value: faker.helpers.arrayElement(["core", "lapsed", "new", "high-value"]) }],
        dates: {},
        deleted_at: null,
        merged_into: null,
        created_at: joinedAt,
        updated_at: joinedAt,
      });
      if (n % 10 < 7) identities.push({ id: id(), profile_id: pid, handle: "loyalty-card", identifier: String(6_000_000_000 + n), is_primary: true, is_active: true, created_at: joinedAt });
      if (n % 5 < 2) identities.push({ id: id(), profile_id: pid, handle: "shopify", identifier: String(7_000_000 + n), is_primary: false, is_active: true, created_at: joinedAt });
      if (opts.interactions) {
        addresses.push({ id: id(), profile_id: pid, type: "home", is_default: true, address_line_1: faker.location.streetAddress(), address_line_2: null, city: home.address?.city ?? "Sydney", state: home.address?.state ?? "NSW", postcode: faker.location.zipCode("####"), country: "AU", created_at: joinedAt });
        for (let k = faker.number.int({ min: 0, max: 3 }); k > 0; k--) {
          interactions.push({ id: id(), profile_id: pid, action: faker.helpers.arrayElement(["visit", "view", "feedback", "service"]), channel: faker.helpers.arrayElement(["app", "email", "location", "web"]), signal: faker.helpers.arrayElement([1, 0, -1]), name: null, interacted_at: now - faker.number.int({ min: 1, max: 300 }) * DAY, location_id: null, meta: null, created_at: now });
        }
      }

      // a year of purchases, some of them returned within 30 days
      const facts: TransactionFact[] = [];
      const count = faker.number.int({ min: 0, max: Math.max(0, Math.round(opts.transactionsPerProfile * 2)) });
      const earliest = Math.max(joinedAt, now - 365 * DAY);
      for (let t = 0; t < count; t++) {
        const at = faker.number.int({ min: earliest, max: now - 3_600_000 });
        const loc = faker.helpers.weightedArrayElement([
          { weight: 5, value: home },
          { weight: 2, value: locations[5]! },
          { weight: 1, value: faker.helpers.arrayElement(locations) },
        ]);
        const lines = faker.helpers.arrayElements([...sellable, ...(n % 50 === 0 ? unknownSkus : [])], { min: 1, max: 3 });
        const txId = id();
        let subtotal = 0;
        let discount = 0;
        let tax = 0;
        let total = 0;
        const txItems: Row[] = [];
        lines.forEach((p, position) => {
          const quantity = faker.number.int({ min: 1, max: 2 });
          const current = p.price;
          const sell = faker.datatype.boolean(0.2) ? Math.round(current * 0.8) : current;
          const unitTax = Math.round(sell / 11);
          subtotal += quantity * current;
          discount += quantity * (current - sell);
          tax += quantity * unitTax;
          total += quantity * sell;
          txItems.push({ id: id(), transaction_id: txId, position, sku: p.sku, name: p.name, product_id: p.productId, quantity, price_original: p.price, price_current: current, price_sell: sell, price_tax: unitTax, discounts: current > sell ? [{ name: "Sale", amount: (current - sell) * quantity }] : null });
        });
        const anonymous = faker.datatype.boolean(0.03);
        transactions.push({ id: txId, external_id: `R${receipt++}`, request_hash: "seed", profile_id: anonymous ? null : pid, location_id: loc.id, staff_id: loc.type === "store" ? `staff-${faker.number.int({ min: 1, max: 24 })}` : null, transacted_at: at, timezone: loc.timezone, currency: "AUD", subtotal, discount, tax, rounding: 0, total, payments: [{ method: loc.type === "online" ? "card-online" : faker.helpers.arrayElement(["card", "cash", "eftpos"]), amount: total }], redemption_id: null, tags: null, meta: null, channel: loc.type === "online" ? "online" : "store", is_void: false, voided_at: null, void_reason: null, created_at: at });
        items.push(...txItems);
        if (!anonymous) facts.push({ transactedAt: new Date(at), total, locationId: loc.id, timezone: loc.timezone, isVoid: false });

        // 8% of purchases come back (one line, whole quantity) within 30 days
        const returnedAt = at + faker.number.int({ min: 1, max: 30 }) * DAY + faker.number.int({ min: 0, max: 8 * 3_600_000 });
        if (!anonymous && faker.datatype.boolean(0.08) && returnedAt < now) {
          const line = txItems[0]!;
          const retId = id();
          const qty = -(line.quantity as number);
          const retTotal = qty * (line.price_sell as number);
          transactions.push({ id: retId, external_id: `R${receipt++}`, request_hash: "seed", profile_id: pid, location_id: loc.id, staff_id: null, transacted_at: returnedAt, timezone: loc.timezone, currency: "AUD", subtotal: qty * (line.price_current as number), discount: qty * ((line.price_current as number) - (line.price_sell as number)), tax: qty * (line.price_tax as number), rounding: 0, total: retTotal, payments: [{ method: "refund", amount: retTotal }], redemption_id: null, tags: ["return"], meta: { original_external_id: `R${receipt - 2}` }, channel: loc.type === "online" ? "online" : "store", is_void: false, voided_at: null, void_reason: null, created_at: returnedAt });
          items.push({ ...line, id: id(), transaction_id: retId, position: 0, quantity: qty, discounts: null });
          facts.push({ transactedAt: new Date(returnedAt), total: retTotal, locationId: loc.id, timezone: loc.timezone, isVoid: false });
        }
      }
      if (facts.length) {
        const a = computeAggregations(facts, opts.now);
        aggregations.push({ profile_id: pid, spend_12m: a.spend12m, spend_all: a.spendAll, spend_atv_12m: a.spendAtv12m, shop_count: a.shopCount, first_shop_date: a.firstShopDate, latest_shop_date: a.latestShopDate, average_shop_days: a.averageShopDays, at_risk_date: a.atRiskDate, most_transacted_location_id: a.mostTransactedLocationId, updated_at: now });
      }
    }
    await sink("profiles", profiles);
    await sink("identities", identities);
    await sink("addresses", addresses);
    await sink("interactions", interactions);
    await sink("transactions", transactions);
    await sink("transaction_items", items);
    await sink("profile_aggregations", aggregations);
    txCount += transactions.length;
    itemCount += items.length;
  }
  return { profiles: opts.profiles, transactions: txCount, items: itemCount, locations: locations.length, products: products.length };
}
