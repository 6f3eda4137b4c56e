// The profiles list at any size: its total read from profile_counts (kept by triggers, exact for Omneo
// clients, instead of count(*) over the table on every first page: 155 ms at 1M) and keyset paging by
// created_at (page[cursor]), which costs the same however deep (an offset page at 500k read 10 s at 1M).
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../../db/client";
import { ProfileSearch } from "../../../workers/profiles/search";
import { api, makeToken } from "../helpers";

let token: string;
beforeAll(async () => {
  token = (await makeToken(["*"])).token;
});

type Page = { data: Array<{ id: string }>; links: { next: string | null; last: string | null }; meta: { total?: number; next_cursor?: string | null; per_page: number } };
const get = async (path: string, status = 200): Promise<Page> => {
  const res = await api(path, { token });
  expect(res.status, `${path}: ${res.status}`).toBe(status);
  return (await res.json()) as Page;
};
const uid = () => crypto.randomUUID().slice(0, 8);
async function createProfiles(n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await api("/profiles", { method: "POST", token, json: { first_name: "Page", last_name: `Walker${uid()}`, email: `walker-${uid()}@example.test` } });
    expect(res.status).toBe(201);
    ids.push(((await res.json()) as { data: { id: string } }).data.id);
  }
  return ids;
}
const countOf = async (where: string) => (await env.DB.prepare(`SELECT COUNT(*) AS n FROM profiles WHERE ${where}`).first<{ n: number }>())!.n;

describe("GET /profiles total", () => {
  it("equals count(*) for each type filter after creates, type changes, soft deletes, restores and purges", async () => {
    const [a, b, c, d] = await createProfiles(4);
    expect((await api(`/profiles/${a}`, { method: "DELETE", token })).status).toBeLessThan(300);
    expect((await api(`/profiles/${b}/update-type`, { method: "PUT", token, json: { type: "pending" } })).status).toBeLessThan(300);
    expect((await api(`/profiles/${c}`, { method: "DELETE", token })).status).toBeLessThan(300);
    expect((await api(`/profiles/${c}/restore`, { method: "POST", token })).status).toBeLessThan(300);
    expect((await api(`/profiles/${d}/purge`, { method: "POST", token })).status).toBe(204);
    const cases: Array<[string, string]> = [
      ["", "type <> 'deleted'"],
      ["?filter[type]=all", "1"],
      ["?filter[type]=deleted", "type = 'deleted'"],
      ["?filter[type]=pending", "type = 'pending'"],
      ["?filter[profile_type]=active", "type = 'active'"],
    ];
    for (const [query, where] of cases) expect((await get(`/profiles${query}`)).meta.total, query || "(no filter)").toBe(await countOf(where));
    // the counter the total is read from is what the triggers keep, type by type
    const { results } = await env.DB.prepare(
      `SELECT p.type, COUNT(*) AS n, (SELECT n FROM profile_counts c WHERE c.type = p.type) AS counted FROM profiles p GROUP BY p.type`,
    ).all<{ type: string; n: number; counted: number }>();
    for (const r of results) expect(r.counted, r.type).toBe(r.n);
  });

  it("counts a filtered list exactly below the cap", async () => {
    const [id] = await createProfiles(1);
    const { data } = (await (await api(`/profiles/${id}`, { token })).json()) as { data: { last_name: string } };
    const page = await get(`/profiles?filter[last_name]=${data.last_name}`);
    expect(page.meta.total).toBe(1);
    expect(page.data.map((p) => p.id)).toEqual([id]);
    expect(page.meta).not.toHaveProperty("total_is_lower_bound");
  });
});

describe("GET /profiles?page[cursor]", () => {
  it("walks every profile once, newest first, in the order of the numbered pages; oldest first with sort=created_at", async () => {
    await createProfiles(5);
    const numbered = (await get(`/profiles?filter[type]=all&page[size]=100`)).data.map((p) => p.id);
    expect(numbered.length).toBeGreaterThanOrEqual(5);
    const walk = async (sort: string) => {
      const seen: string[] = [];
      let next: string | null = `/profiles?filter[type]=all&page[size]=2&page[cursor]=${sort}`;
      while (next) {
        const page = await get(next.replace(/^https?:\/\/[^/]+\/api\/v3/, ""));
        expect(page.data.length).toBeLessThanOrEqual(2);
        expect(page.meta).not.toHaveProperty("total");
        expect(page.links.last).toBeNull();
        seen.push(...page.data.map((p) => p.id));
        next = page.links.next;
        if (next) expect(page.meta.next_cursor).toBeTruthy();
      }
      return seen;
    };
    expect(await walk("")).toEqual(numbered);
    const oldestFirst = await walk("&sort=created_at");
    expect(new Set(oldestFirst)).toEqual(new Set(numbered));
    expect(oldestFirst).toHaveLength(numbered.length);
    const created = await env.DB.prepare(`SELECT id, created_at FROM profiles`).all<{ id: string; created_at: number }>();
    const at = new Map(created.results.map((r) => [r.id, r.created_at]));
    expect(oldestFirst.map((id) => at.get(id)!)).toEqual([...oldestFirst.map((id) => at.get(id)!)].sort((x, y) => x - y));
  });

  it("refuses a cursor it did not give out, one with a search, and one with another sort, naming page[cursor]", async () => {
    for (const q of ["page[cursor]=not-ours!", "page[cursor]=" + btoa("12:"), "page[cursor]=&search=walker", "page[cursor]=&sort=last_name"]) {
      const res = await api(`/profiles?${q}`, { token });
      expect(res.status, q).toBeGreaterThanOrEqual(400);
      expect(res.status, q).toBeLessThan(500);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(Object.keys(((await res.json()) as { errors: Record<string, string[]> }).errors)).toEqual(["page[cursor]"]);
    }
  });

  it("reads the page after a cursor along the created_at index, without sorting the older profiles", async () => {
    const query = new ProfileSearch(getDb(env.DB), "AU")
      .cursorPageQuery({}, { after: { at: Date.UTC(2026, 0, 1), id: "00000000-0000-4000-a000-000000000000" }, size: 15 })
      .toSQL();
    const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${query.sql}`)
      .bind(...query.params)
      .all<{ detail: string }>();
    const details = plan.results.map((r) => r.detail).join("\n");
    expect(details).toMatch(/SEARCH profiles USING INDEX profiles_(created|type)_idx \(.*created_at<\?\)/);
    expect(details).not.toMatch(/MULTI-INDEX OR|TEMP B-TREE FOR ORDER BY/);
  });
});
