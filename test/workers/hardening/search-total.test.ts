// Issue 14, correctness: a profile search's total. It used to stop at the 100 best matches and say
// `total: 100`; now it counts up to 1000 ranked matches exactly (after the filters) and pages through all
// of them, and past 1000 it says the total is a lower bound.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { chunk } from "../../../workers/platform/sql";
import { api, makeToken } from "../helpers";

interface ListBody {
  data: Array<{ id: string; first_name: string | null }>;
  meta: { total: number; last_page: number; total_is_lower_bound?: boolean };
}

async function insertNamed(lastName: string, n: number, type = "active"): Promise<string[]> {
  const now = Date.now();
  const ids = Array.from({ length: n }, () => crypto.randomUUID());
  const stmts = ids.map((id, i) =>
    env.DB.prepare("INSERT INTO profiles (id, email, first_name, last_name, type, joined_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)").bind(
      id,
      `${lastName.toLowerCase()}-${i}-${id}@ex.com`,
      `First${i}`,
      lastName,
      type,
      now,
      now,
      now,
    ),
  );
  for (const part of chunk(stmts, 500)) await env.DB.batch(part);
  return ids;
}

async function list(token: string, query: string): Promise<ListBody> {
  const res = await api(`/profiles?${query}`, { token });
  expect(res.status).toBe(200);
  return (await res.json()) as ListBody;
}

describe("a profile search's total", () => {
  it("pages through every match exactly once, and the filters count inside the search", async () => {
    const { token } = await makeToken(["profiles:read"]);
    const ids = await insertNamed("Pagewise", 130);
    await insertNamed("Pagewise", 4, "deleted");

    const seen: string[] = [];
    for (let n = 1; n <= 6; n++) {
      const body = await list(token, `search=Pagewise&page[size]=25&page[number]=${n}`);
      expect(body.meta).toMatchObject({ total: 130, last_page: 6 });
      seen.push(...body.data.map((p) => p.id));
    }
    expect(seen).toHaveLength(130);
    expect([...seen].sort()).toEqual([...ids].sort());

    expect((await list(token, "search=Pagewise&filter[type]=deleted")).meta.total).toBe(4);
    expect((await list(token, "search=Pagewise&filter[type]=all&page[size]=10")).meta.total).toBe(134);
    const one = await list(token, "search=Pagewise&filter[first_name]=first7");
    expect(one.meta.total).toBe(1);
    expect(one.data.map((p) => p.first_name)).toEqual(["First7"]);
  });

  it("past 1000 matches says the total is a lower bound, and the pages stop there", async () => {
    const { token } = await makeToken(["profiles:read"]);
    await insertNamed("Multitudinous", 1005);
    const first = await list(token, "search=Multitudinous&page[size]=100");
    expect(first.meta).toEqual(expect.objectContaining({ total: 1000, last_page: 10, total_is_lower_bound: true }));
    expect(first.data).toHaveLength(100);
    expect((await list(token, "search=Multitudinous&page[size]=100&page[number]=10")).data).toHaveLength(100);
    expect((await list(token, "search=Multitudinous&page[size]=100&page[number]=11")).data).toHaveLength(0);
  });
});
