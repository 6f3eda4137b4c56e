// GET /identities answers the paginator meta Omneo's SDK reads (IdentityResponse: from, to, path, links
// beside the page numbers and total).
import { beforeAll, describe, expect, it } from "vitest";
import { api, makeToken } from "../helpers";

type Json = Record<string, any>;
let token: string;
beforeAll(async () => {
  token = (await makeToken(["*"])).token;
});

describe("GET /identities paginator meta", () => {
  it("gives from, to, path and links for a page, and null from/to for an empty one", async () => {
    const handle = `pm_${crypto.randomUUID().slice(0, 8)}`;
    const p = ((await (await api("/profiles", { method: "POST", token, json: { email: `pm-${crypto.randomUUID()}@example.com` } })).json()) as Json).data;
    for (const identifier of ["a1", "a2", "a3"]) {
      expect((await api(`/profiles/${p.id}/identities`, { method: "POST", token, json: { handle, identifier: `${identifier}-${handle}` } })).status).toBe(201);
    }
    const res = (await (await api(`/identities?filter[handle]=${handle}&page[size]=2&page[number]=2&include=profile`, { token })).json()) as Json;
    expect(res.data).toHaveLength(1);
    expect(res.meta).toMatchObject({ current_page: 2, per_page: 2, total: 3, last_page: 2, from: 3, to: 3, path: "https://console.test/api/v3/identities" });
    expect(res.meta.links.map((l: Json) => [l.label, l.active])).toEqual([["&laquo; Previous", false], ["2", true], ["Next &raquo;", false]]);
    expect(res.meta.links[0].url).toBe(res.links.prev);
    expect(res.data[0].profile.id).toBe(p.id);

    const none = (await (await api(`/identities?filter[handle]=none_${handle}`, { token })).json()) as Json;
    expect(none.meta).toMatchObject({ total: 0, from: null, to: null });
  });
});
