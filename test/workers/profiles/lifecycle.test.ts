import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, makeToken, services } from "../helpers";

type Json = Record<string, any>;

async function createProfile(token: string, body: Json): Promise<Json> {
  const res = await api("/profiles", { method: "POST", token, json: body });
  expect(res.status, JSON.stringify(await res.clone().json())).toBe(201);
  return ((await res.json()) as { data: Json }).data;
}

async function countWhere(table: string, column: string, value: string): Promise<number> {
  const row = await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${column} = ?`).bind(value).first<{ n: number }>();
  return row?.n ?? 0;
}

describe("identities", () => {
  it("are unique across profiles and route lookups; a low-scope token never learns who holds a clash", async () => {
    const admin = await makeToken(["*"]);
    const writer = await makeToken(["profiles:write"]);
    const a = await createProfile(admin.token, { email: `a-${crypto.randomUUID()}@ex.com`, identities: [{ handle: "loyalty-card", identifier: "9001" }] });
    const b = await createProfile(admin.token, { email: `b-${crypto.randomUUID()}@ex.com` });

    const clash = await api(`/profiles/${b.id}/identities`, { method: "POST", token: writer.token, json: { handle: "loyalty-card", identifier: "9001" } });
    expect(clash.status).toBe(422);
    const body = (await clash.json()) as Json;
    expect(JSON.stringify(body)).not.toContain(a.id);
    expect(body.errors.identifier[0]).toContain("another profile");

    const adminClash = await api(`/profiles/${b.id}/identities`, { method: "POST", token: admin.token, json: { handle: "loyalty-card", identifier: "9001" } });
    expect(JSON.stringify(await adminClash.json())).toContain(a.id);
    expect(await countWhere("identities", "profile_id", b.id)).toBe(0);

    const added = await api(`/profiles/${b.id}/identities`, { method: "POST", token: writer.token, json: { handle: "Shopify", identifier: "777", is_primary: true } });
    expect(added.status).toBe(201);
    const identity = ((await added.json()) as { data: Json }).data;
    expect(identity.handle).toBe("shopify");

    const search = (await (await api("/identities/search?handle=shopify&identifier=777", { token: admin.token })).json()) as Json;
    expect(search.data).toHaveLength(1);
    expect(search.data[0].profile_id).toBe(b.id);
    expect((await api("/identities/search", { token: admin.token })).status).toBe(422);

    const removed = await api(`/profiles/${b.id}/identities/${identity.id}`, { method: "DELETE", token: writer.token });
    expect(removed.status).toBe(204);
    expect((await api(`/profiles/777?identity[handle]=shopify`, { token: admin.token })).status).toBe(404);
  });
});

describe("sync", () => {
  it("matches on email, then mobile, and creates otherwise", async () => {
    const { token } = await makeToken(["*"]);
    const email = `sync-${crypto.randomUUID()}@ex.com`;
    const first = await api("/profiles/sync", { method: "POST", token, json: { email, first_name: "Sam", mobile_phone: "+61 400 111 222" } });
    expect(first.status).toBe(201);
    const id = ((await first.json()) as { data: Json }).data.id;
    const byEmail = await api("/profiles/sync", { method: "POST", token, json: { email: email.toUpperCase(), last_name: "Jones" } });
    expect(byEmail.status).toBe(200);
    expect(((await byEmail.json()) as { data: Json }).data).toMatchObject({ id, first_name: "Sam", last_name: "Jones" });
    const byMobile = await api("/profiles/sync", { method: "POST", token, json: { email: `new-${email}`, mobile_phone: "0400111222" } });
    expect(byMobile.status).toBe(200);
    expect(((await byMobile.json()) as { data: Json }).data.id).toBe(id);
  });
});

describe("lifecycle", () => {
  it("soft-deletes and restores; update-type changes the type", async () => {
    const { token } = await makeToken(["*"]);
    const p = await createProfile(token, { email: `life-${crypto.randomUUID()}@ex.com` });
    const del = await api(`/profiles/${p.id}`, { method: "DELETE", token });
    expect(((await del.json()) as { data: Json }).data).toMatchObject({ type: "deleted" });
    const list = (await (await api(`/profiles?search=${encodeURIComponent(p.email)}`, { token })).json()) as Json;
    expect(list.data).toHaveLength(0);
    const restored = await api(`/profiles/${p.id}/restore`, { method: "POST", token });
    expect(((await restored.json()) as { data: Json }).data).toMatchObject({ type: "active", deleted_at: null });
    const typed = await api(`/profiles/${p.id}/update-type`, { method: "PUT", token, json: { type: "pending" } });
    expect(((await typed.json()) as { data: Json }).data.type).toBe("pending");
    const searchAs = async (type: string) =>
      ((await (await api(`/profiles?search=${encodeURIComponent(p.email)}&filter[type]=${type}`, { token })).json()) as Json).data.map((x: Json) => x.id);
    expect(await searchAs("pending")).toEqual([p.id]);
    expect(await searchAs("active")).toEqual([]);
    expect((await api(`/profiles/${p.id}/update-type`, { method: "PUT", token, json: { type: "ghost" } })).status).toBe(422);
  });

  it("purge leaves nothing behind and is audited without personal data", async () => {
    const { token } = await makeToken(["*"]);
    const email = `purge-${crypto.randomUUID()}@ex.com`;
    const p = await createProfile(token, {
      email,
      first_name: "Pat",
      identities: [{ handle: "loyalty-card", identifier: `card-${crypto.randomUUID()}` }],
      addresses: [{ city: "Sydney", country: "AU" }],
    });
    expect((await api(`/profiles/${p.id}/interactions`, { method: "POST", token, json: { action: "visit", channel: "location" } })).status).toBe(201);
    await env.DB.prepare(
      `INSERT INTO transactions (id, external_id, request_hash, profile_id, transacted_at, currency, subtotal, discount, tax, total, created_at) VALUES (?, ?, 'h', ?, 1, 'AUD', 100, 0, 0, 100, 1)`,
    )
      .bind(crypto.randomUUID(), `r-${crypto.randomUUID()}`, p.id)
      .run();
    await services().profiles.recomputeAggregations(p.id);

    const scoped = await makeToken(["profiles:write"]);
    expect((await api(`/profiles/${p.id}/purge`, { method: "POST", token: scoped.token })).status).toBe(403);
    const res = await api(`/profiles/${p.id}/purge`, { method: "POST", token });
    expect(res.status).toBe(204);

    for (const [table, column] of [
      ["profiles", "id"],
      ["identities", "profile_id"],
      ["addresses", "profile_id"],
      ["interactions", "profile_id"],
      ["transactions", "profile_id"],
      ["profile_aggregations", "profile_id"],
    ] as const) {
      expect(await countWhere(table, column, p.id), table).toBe(0);
    }
    const events = await env.DB.prepare(`SELECT data FROM events WHERE profile_id = ?`).bind(p.id).all<{ data: string }>();
    for (const e of events.results) expect(e.data).not.toContain(email);
    const audit = await env.DB.prepare(`SELECT action, old_values, new_values FROM audit_log WHERE entity_id = ?`).bind(p.id).all<Json>();
    expect(audit.results.map((r) => r.action)).toContain("profile.purged");
    expect(JSON.stringify(audit.results)).not.toContain(email);
    expect((await api(`/profiles/${p.id}`, { token })).status).toBe(404);
  });

  it("depersonalise overwrites personal data and keeps the figures", async () => {
    const { token } = await makeToken(["*"]);
    const p = await createProfile(token, { email: `dep-${crypto.randomUUID()}@ex.com`, first_name: "Dee", mobile_phone: "+61 400 999 111" });
    const res = await api(`/profiles/${p.id}/depersonalise`, { method: "POST", token });
    expect(res.status).toBe(200);
    const data = ((await res.json()) as { data: Json }).data;
    expect(data).toMatchObject({ first_name: null, mobile_phone: null, identities: [] });
    expect(data.email).toContain("invalid");
  });
});

describe("merge", () => {
  it("moves identities, transactions and interactions to the winner and deletes the loser", async () => {
    const { token } = await makeToken(["*"]);
    const winner = await createProfile(token, { email: `w-${crypto.randomUUID()}@ex.com`, first_name: "Win", tags: ["vip"] });
    const loser = await createProfile(token, {
      email: `l-${crypto.randomUUID()}@ex.com`,
      first_name: "Lose",
      last_name: "Er",
      mobile_phone: "+61 411 000 222",
      tags: ["new"],
      identities: [{ handle: "shopify", identifier: `s-${crypto.randomUUID()}` }],
      attributes: { comms: { sms: true } },
    });
    await env.DB.prepare(
      `INSERT INTO transactions (id, external_id, request_hash, profile_id, transacted_at, currency, subtotal, discount, tax, total, created_at) VALUES (?, ?, 'h', ?, ?, 'AUD', 2500, 0, 0, 2500, 1)`,
    )
      .bind(crypto.randomUUID(), `r-${crypto.randomUUID()}`, loser.id, Date.now() - 86_400_000)
      .run();
    await api(`/profiles/${loser.id}/interactions`, { method: "POST", token, json: { action: "view", channel: "web" } });

    expect((await api(`/profiles/${winner.id}/merge`, { method: "POST", token, json: { loser_id: winner.id } })).status).toBe(422);
    const res = await api(`/profiles/${winner.id}/merge`, { method: "POST", token, json: { loser_id: loser.id } });
    expect(res.status).toBe(200);
    const merged = ((await res.json()) as { data: Json }).data;
    expect(merged).toMatchObject({ id: winner.id, first_name: "Win", last_name: "Er", mobile_phone: "+61411000222" });
    expect(merged.tags).toEqual(["vip", "new"]);
    expect(merged.attributes.comms.sms).toBe(true);
    expect(merged.identities).toHaveLength(1);
    expect(await countWhere("transactions", "profile_id", winner.id)).toBe(1);
    expect(await countWhere("interactions", "profile_id", winner.id)).toBe(1);
    const agg = ((await (await api(`/profiles/${winner.id}/aggregations`, { token })).json()) as { data: Json }).data;
    expect(agg).toMatchObject({ spend_all: 25, shop_count: 1 });
    const gone = ((await (await api(`/profiles/${loser.id}`, { token })).json()) as { data: Json }).data;
    expect(gone.type).toBe("deleted");
    // the same merge again is idempotent (it resumes an interrupted ledger move): 200, nothing doubled
    const again = await api(`/profiles/${winner.id}/merge`, { method: "POST", token, json: { loser_id: loser.id } });
    expect(again.status).toBe(200);
    expect(((await again.json()) as { data: Json }).data.identities).toHaveLength(1);
    expect(await countWhere("transactions", "profile_id", winner.id)).toBe(1);
    const ev = await env.DB.prepare(`SELECT count(*) AS n FROM events WHERE type = 'profile.merged' AND profile_id = ?`).bind(winner.id).first<{ n: number }>();
    expect(ev?.n).toBe(1);
  });
});

describe("batch", () => {
  it("accepts up to 1,000 records, processes them on the queue and reports each outcome", async () => {
    const { token } = await makeToken(["*"]);
    const existing = await createProfile(token, { email: `batch-${crypto.randomUUID()}@ex.com` });
    const fresh = `fresh-${crypto.randomUUID()}@ex.com`;
    const res = await api("/profiles/batch", {
      method: "POST",
      token,
      json: { profiles: [{ email: fresh, first_name: "New" }, { email: existing.email, last_name: "Updated" }, { email: "not-an-email" }, { email: `p-${fresh}`, mobile_phone: "1" }] },
    });
    expect(res.status).toBe(202);
    const job = ((await res.json()) as { data: Json }).data;
    let done: Json | null = null;
    for (let i = 0; i < 50 && !done; i++) {
      await new Promise((r) => setTimeout(r, 200));
      const polled = ((await (await api(`/profiles/batch/${job.id}`, { token })).json()) as { data: Json }).data;
      if (polled.status === "completed") done = polled;
    }
    expect(done).not.toBeNull();
    expect(done!).toMatchObject({ total: 4, succeeded: 2, failed: 2 });
    expect(done!.results.map((r: Json) => r.status)).toEqual(["created", "updated", "invalid", "invalid"]);
    expect(done!.results[2].errors.email).toBeTruthy();
    expect(done!.results[3].errors.mobile_phone).toBeTruthy();
    expect(((await (await api(`/profiles/${existing.id}`, { token })).json()) as { data: Json }).data.last_name).toBe("Updated");

    const tooMany = await api("/profiles/batch", { method: "POST", token, json: { profiles: Array.from({ length: 1001 }, (_, i) => ({ email: `${i}@x.com` })) } });
    expect(tooMany.status).toBe(422);
    expect(((await tooMany.json()) as Json).errors.profiles).toBeTruthy();
  });
});

describe("bad input writes nothing", () => {
  it.each([
    ["wrong types", { email: 42 }, "email"],
    ["unknown location", { email: "loc@ex.com", joined_location_id: "nowhere" }, "joined_location_id"],
    ["bad birth month", { email: "b@ex.com", birth_month: 13 }, "birth_month"],
    ["bad custom attribute", { email: "c@ex.com", attributes: { custom: [{ namespace: "x", handle: "y", type: "number", value: "nope" }] } }, "attributes.custom.0.value"],
    ["duplicate identity in one body", { email: "d@ex.com", identities: [{ handle: "a", identifier: "1" }, { handle: "a", identifier: "1" }] }, "identities.1.identifier"],
  ])("%s", async (_name, body, field) => {
    const { token } = await makeToken(["*"]);
    const before = await env.DB.prepare("SELECT count(*) AS n FROM profiles").first<{ n: number }>();
    const res = await api("/profiles", { method: "POST", token, json: body });
    expect(res.status).toBe(422);
    expect(res.headers.get("Content-Type")).toContain("application/problem+json");
    expect(Object.keys(((await res.json()) as Json).errors)).toContain(field);
    const after = await env.DB.prepare("SELECT count(*) AS n FROM profiles").first<{ n: number }>();
    expect(after?.n).toBe(before?.n);
  });
});
