// Reading transactions: by id and external id, filters and both paginations on GET /transactions,
// and a profile's transactions.
import { describe, expect, it } from "vitest";
import { api, makeToken, problem } from "../helpers";
import { body, makeProfile, postTx, simpleReceipt, uid, type Tx } from "./support";

type List = { data: Tx[]; links: { first: string; prev: string | null; next: string | null; last: string | null }; meta: Record<string, unknown> };

async function list(token: string, query: string): Promise<List> {
  const res = await api(`/transactions?${query}`, { token });
  expect(res.status, await res.clone().text()).toBe(200);
  return body<List>(res);
}

/** Five receipts from one staff member (unique per test), on 1–5 May 2024, totalling 10, 20 … 50. */
async function history(token: string) {
  const staff = uid("staff-");
  const ext = uid("LOC-");
  const rows: Tx[] = [];
  for (let i = 1; i <= 5; i++) {
    const { data } = await postTx(
      token,
      simpleReceipt(i * 10, { staff_id: staff, transacted_at: `2024-05-0${i}T10:00:00Z`, location_id: i % 2 ? ext : undefined }),
      201,
    );
    rows.push(data);
  }
  return { staff, ext, rows };
}

describe("GET /transactions/{id} and /transactions/external/{external_id}", () => {
  it("reads a transaction both ways and 404s for unknown ones", async () => {
    const { token } = await makeToken(["transactions:read", "transactions:write"]);
    const ext = `POS/1 #${uid()}`;
    const { data } = await postTx(token, simpleReceipt(10, { external_id: ext }), 201);
    const byExternal = await api(`/transactions/external/${encodeURIComponent(ext)}`, { token });
    expect(byExternal.status).toBe(200);
    expect((await body<{ data: Tx }>(byExternal)).data).toEqual(data);
    const missing = await api(`/transactions/external/nope-${uid()}`, { token });
    expect(missing.status).toBe(404);
    expect((await problem(missing)).code).toBe("not_found");
    expect((await api(`/transactions/${crypto.randomUUID()}`, { token })).status).toBe(404);
  });
});

describe("GET /transactions", () => {
  it("lists newest first with the list envelope and page[number]/page[size]", async () => {
    const { token } = await makeToken(["transactions:read", "transactions:write"]);
    const { staff, rows } = await history(token);
    const page1 = await list(token, `filter[staff_id]=${staff}&page[size]=2`);
    expect(page1.data.map((t) => t.total)).toEqual([50, 40]);
    expect(page1.meta).toEqual({ current_page: 1, per_page: 2, total: 5, last_page: 3 });
    expect(page1.links.prev).toBeNull();
    expect(page1.links.next).toContain("page%5Bnumber%5D=2");
    expect(page1.links.next).toContain(`filter%5Bstaff_id%5D=${staff}`);
    const page3 = await list(token, `filter[staff_id]=${staff}&page[size]=2&page[number]=3`);
    expect(page3.data.map((t) => t.id)).toEqual([rows[0]!.id]);
    expect(page3.links.next).toBeNull();
    // items come with each transaction
    expect(page3.data[0]!.items).toHaveLength(1);
  });

  it("filters by date, location, staff, profile, receipt and total", async () => {
    const { token } = await makeToken(["*"]);
    const { staff, ext, rows } = await history(token);
    const totals = async (q: string) => (await list(token, `filter[staff_id]=${staff}&${q}`)).data.map((t) => t.total);

    expect(await totals("filter[date_from]=2024-05-02&filter[date_to]=2024-05-04")).toEqual([40, 30, 20]);
    expect(await totals("filter[date_from]=2024-05-04T10:00:00Z")).toEqual([50, 40]);
    expect(await totals("filter[date_to]=2024-05-01T09:59:59Z")).toEqual([]);
    expect(await totals(`filter[location_id]=${ext}`)).toEqual([50, 30, 10]);
    expect(await totals(`filter[location_id]=${rows[0]!.location_id}`)).toEqual([50, 30, 10]);
    expect(await totals(`filter[external_id]=${rows[1]!.external_id}`)).toEqual([20]);
    expect(await totals("filter[total_min]=20&filter[total_max]=40.00")).toEqual([40, 30, 20]);
    expect(await totals("filter[total_min]=40.01")).toEqual([50]);
    expect((await list(token, `filter[staff_id]=${uid("nobody-")}`)).meta.total).toBe(0);

    const profile = await makeProfile(token);
    const mine = await postTx(token, simpleReceipt(7, { profile_id: profile.id }), 201);
    expect((await list(token, `filter[profile_id]=${profile.id}`)).data.map((t) => t.id)).toEqual([mine.data.id]);
  });

  it("refuses bad filter values with a 422 naming each", async () => {
    const { token } = await makeToken(["transactions:read"]);
    const res = await api("/transactions?filter[date_from]=yesterday&filter[total_min]=1.234&filter[total_max]=abc&page[size]=500", { token });
    expect(res.status).toBe(422);
    const p = await problem(res);
    expect(Object.keys(p.errors ?? {}).sort()).toEqual(["filter[date_from]", "filter[total_max]", "filter[total_min]"]);
    const size = await api("/transactions?page[size]=500", { token });
    expect((await problem(size)).errors).toHaveProperty(["page[size]"]);
    const order = await api("/transactions?filter[date_from]=2024-05-02&filter[date_to]=2024-05-01", { token });
    expect((await problem(order)).errors).toHaveProperty(["filter[date_to]"]);
  });

  it("pages by cursor, newest first by transacted_at then id, with meta.next_cursor", async () => {
    const { token } = await makeToken(["transactions:read", "transactions:write"]);
    const { staff } = await history(token);
    // two more at the same instant as the newest, so the id breaks the tie
    const same = "2024-05-05T10:00:00Z";
    await postTx(token, simpleReceipt(51, { staff_id: staff, transacted_at: same }), 201);
    await postTx(token, simpleReceipt(52, { staff_id: staff, transacted_at: same }), 201);

    const all = (await list(token, `filter[staff_id]=${staff}&page[size]=100`)).data;
    expect(all).toHaveLength(7);
    const expected = [...all].sort((a, b) => b.transacted_at.localeCompare(a.transacted_at) || (b.id < a.id ? -1 : b.id > a.id ? 1 : 0)).map((t) => t.id);
    expect(all.map((t) => t.id)).toEqual(expected);

    const seen: string[] = [];
    let cursor = "";
    for (let pages = 0; pages < 10; pages++) {
      const page = await list(token, `filter[staff_id]=${staff}&page[size]=3&page[cursor]=${cursor}`);
      expect(page.meta.per_page).toBe(3);
      seen.push(...page.data.map((t) => t.id));
      const next = page.meta.next_cursor as string | null;
      if (!next) {
        expect(page.links.next).toBeNull();
        break;
      }
      expect(page.links.next).toContain(`page%5Bcursor%5D=${next}`);
      cursor = next;
    }
    expect(seen).toEqual(expected);

    // a transaction arriving mid-way does not shift the pages after the cursor
    const first = await list(token, `filter[staff_id]=${staff}&page[size]=3&page[cursor]=`);
    await postTx(token, simpleReceipt(99, { staff_id: staff, transacted_at: "2024-06-01T00:00:00Z" }), 201);
    const second = await list(token, `filter[staff_id]=${staff}&page[size]=3&page[cursor]=${first.meta.next_cursor}`);
    expect(second.data.map((t) => t.id)).toEqual(expected.slice(3, 6));

    const bad = await api("/transactions?page[cursor]=garbage!", { token });
    expect(bad.status).toBe(422);
    expect((await problem(bad)).errors).toHaveProperty(["page[cursor]"]);
  });
});

describe("GET /profiles/{id}/transactions", () => {
  it("lists a profile's transactions newest first, and 404s for an unknown profile", async () => {
    const { token } = await makeToken(["*"]);
    const profile = await makeProfile(token);
    const older = await postTx(token, simpleReceipt(10, { profile_id: profile.id, transacted_at: "2024-01-01T00:00:00Z" }), 201);
    const newer = await postTx(token, simpleReceipt(20, { profile_id: profile.id, transacted_at: "2024-02-01T00:00:00Z" }), 201);
    await postTx(token, simpleReceipt(30), 201);
    const res = await api(`/profiles/${profile.id}/transactions`, { token });
    expect(res.status).toBe(200);
    const page = await body<List>(res);
    expect(page.data.map((t) => t.id)).toEqual([newer.data.id, older.data.id]);
    expect(page.meta.total).toBe(2);
    expect((await api(`/profiles/${crypto.randomUUID()}/transactions`, { token })).status).toBe(404);
  });

  it("needs transactions:read", async () => {
    const { token } = await makeToken(["profiles:read"]);
    expect((await api(`/profiles/${crypto.randomUUID()}/transactions`, { token })).status).toBe(403);
    expect((await api(`/transactions/${crypto.randomUUID()}`, { token })).status).toBe(403);
  });
});
