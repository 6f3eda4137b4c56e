import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, makeToken } from "../helpers";

describe("profiles API", () => {
  it("creates, reads, searches and updates a profile", async () => {
    const { token } = await makeToken(["*"]);
    const res = await api("/profiles", {
      method: "POST",
      token,
      json: { first_name: "Ada", last_name: "Lovelace", email: "Ada@Example.com", mobile_phone: "0412 345 678", identities: [{ handle: "shopify", identifier: "123" }] },
    });
    expect(res.status).toBe(201);
    const { data } = (await res.json()) as { data: { id: string; email: string; mobile_phone: string; full_name: string } };
    expect(data).toMatchObject({ email: "ada@example.com", mobile_phone: "+61412345678", full_name: "Ada Lovelace" });

    const byIdentity = await api(`/profiles/123?identity[handle]=shopify`, { token });
    expect(byIdentity.status).toBe(200);
    expect(((await byIdentity.json()) as { data: { id: string } }).data.id).toBe(data.id);

    for (const q of ["ada@example.com", "ada@exam", "+61 412 345 678", "123", "lovel", "ada"]) {
      const found = (await (await api(`/profiles?search=${encodeURIComponent(q)}`, { token })).json()) as { data: Array<{ id: string }> };
      expect(found.data.map((p) => p.id), q).toContain(data.id);
    }

    const upd = await api(`/profiles/${data.id}`, { method: "PUT", token, json: { last_name: "King", attributes: { comms: { email: true } } } });
    expect(upd.status).toBe(200);
    const updated = (await upd.json()) as { data: { full_name: string; attributes: { comms: { email: boolean; consent_at: Record<string, string> } } } };
    expect(updated.data.full_name).toBe("Ada King");
    expect(updated.data.attributes.comms.email).toBe(true);
    expect(updated.data.attributes.comms.consent_at.email).toBeTruthy();

    const dup = await api("/profiles", { method: "POST", token, json: { email: "ADA@example.com" } });
    expect(dup.status).toBe(422);
    expect(((await dup.json()) as { errors: Record<string, string[]> }).errors.email).toBeTruthy();

    const badPhone = await api("/profiles", { method: "POST", token, json: { email: "x@example.com", mobile_phone: "12" } });
    expect(badPhone.status).toBe(422);
    expect(((await badPhone.json()) as { errors: Record<string, string[]> }).errors.mobile_phone).toBeTruthy();
  });
});

describe("profile search at volume", () => {
  it("a name shared by more than 100 profiles still answers (D1 allows 100 bound parameters per statement)", async () => {
    const { token } = await makeToken(["profiles:read"]);
    const now = Date.now();
    const stmts = Array.from({ length: 105 }, (_, i) =>
      env.DB.prepare("INSERT INTO profiles (id, email, first_name, last_name, joined_at, created_at, updated_at) VALUES (?, ?, ?, 'Volumetric', ?, ?, ?)").bind(
        crypto.randomUUID(),
        `vol-${i}-${crypto.randomUUID()}@ex.com`,
        `First${i}`,
        now,
        now,
        now,
      ),
    );
    await env.DB.batch(stmts);
    const res = await api("/profiles?search=Volumetric&page[size]=10", { token });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: unknown[]; meta: { total: number; last_page: number; total_is_lower_bound?: boolean } };
    expect(body.data).toHaveLength(10);
    // every match is counted (it said 100 before) and the last page holds the 101st to 105th
    expect(body.meta).toMatchObject({ total: 105, last_page: 11 });
    expect(body.meta.total_is_lower_bound).toBeUndefined();
    const last = (await (await api("/profiles?search=Volumetric&page[size]=10&page[number]=11", { token })).json()) as { data: Array<{ id: string }> };
    expect(last.data).toHaveLength(5);
  });
});
