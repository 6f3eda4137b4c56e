// Issue 14, races: two requests at once on the same profiles. Merge and purge are check-then-write;
// each test runs the two writes concurrently and asserts exactly one effect, nothing lost, nothing doubled.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { systemActor } from "../../../workers/access/actor";
import { EVENT_HANDLERS } from "../../../workers/events/consumer";
import type { ProfileLifecycleHooks } from "../../../workers/profiles/context";
import { api, makeToken, services } from "../helpers";
import { ledgerStub, pointsProgramme } from "../incentives/ledger-support";

type Json = Record<string, any>;  

async function createProfile(token: string, extra: Json = {}): Promise<Json> {
  const res = await api("/profiles", { method: "POST", token, json: { email: `race-${crypto.randomUUID()}@ex.com`, ...extra } });
  expect(res.status).toBe(201);
  return ((await res.json()) as { data: Json }).data;
}

async function addReceipt(profileId: string) {
  await env.DB.prepare(
    `INSERT INTO transactions (id, external_id, request_hash, profile_id, transacted_at, currency, subtotal, discount, tax, total, created_at) VALUES (?, ?, 'h', ?, ?, 'AUD', 2500, 0, 0, 2500, 1)`,
  )
    .bind(crypto.randomUUID(), `r-${crypto.randomUUID()}`, profileId, Date.now() - 86_400_000)
    .run();
}

async function row(id: string) {
  return env.DB.prepare(`SELECT id, type, merged_into FROM profiles WHERE id = ?`).bind(id).first<{ id: string; type: string; merged_into: string | null }>();
}

const count = async (sql: string, ...binds: unknown[]) => (await env.DB.prepare(sql).bind(...binds).first<{ n: number }>())!.n;

function merge(token: string, winner: string, loser: string) {
  return api(`/profiles/${winner}/merge`, { method: "POST", token, json: { loser_id: loser } });
}

describe("two merges of one loser at once", () => {
  it("into two winners: one wins, the loser's receipts and identities go to that one only, one event", async () => {
    const { token } = await makeToken(["*"]);
    const [w1, w2] = [await createProfile(token), await createProfile(token)];
    const loser = await createProfile(token, { identities: [{ handle: "shopify", identifier: `s-${crypto.randomUUID()}` }] });
    await addReceipt(loser.id);

    const statuses = (await Promise.all([merge(token, w1.id, loser.id), merge(token, w2.id, loser.id)])).map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 422 || s === 409)).toHaveLength(1);

    const winner = statuses[0] === 200 ? w1 : w2;
    const other = statuses[0] === 200 ? w2 : w1;
    expect(await row(loser.id)).toMatchObject({ type: "deleted", merged_into: winner.id });
    expect(await count(`SELECT count(*) AS n FROM transactions WHERE profile_id = ?`, winner.id)).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM identities WHERE profile_id = ?`, winner.id)).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM transactions WHERE profile_id IN (?, ?)`, other.id, loser.id)).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM events WHERE type = 'profile.merged' AND profile_id IN (?, ?)`, w1.id, w2.id)).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM audit_log WHERE action = 'profile.merged' AND entity_id IN (?, ?)`, w1.id, w2.id)).toBe(1);
  });

  it("A into B racing B into A: one merge happens, one profile stays alive with both receipts", async () => {
    const { token } = await makeToken(["*"]);
    const [a, b] = [await createProfile(token), await createProfile(token)];
    await addReceipt(a.id);
    await addReceipt(b.id);

    const statuses = (await Promise.all([merge(token, a.id, b.id), merge(token, b.id, a.id)])).map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    const [alive, gone] = statuses[0] === 200 ? [a, b] : [b, a];
    expect(await row(alive.id)).toMatchObject({ type: "active", merged_into: null });
    expect(await row(gone.id)).toMatchObject({ type: "deleted", merged_into: alive.id });
    expect(await count(`SELECT count(*) AS n FROM transactions WHERE profile_id = ?`, alive.id)).toBe(2);
    expect(await count(`SELECT count(*) AS n FROM events WHERE type = 'profile.merged' AND profile_id IN (?, ?)`, a.id, b.id)).toBe(1);
  });
});

describe("a merged profile stays merged", () => {
  it("update-type to active cannot revive it past restore's guard", async () => {
    const { token } = await makeToken(["*"]);
    const [w, l] = [await createProfile(token), await createProfile(token)];
    expect((await merge(token, w.id, l.id)).status).toBe(200);
    expect((await api(`/profiles/${l.id}/restore`, { method: "POST", token })).status).toBe(409);
    const revive = await api(`/profiles/${l.id}/update-type`, { method: "PUT", token, json: { type: "active" } });
    expect(revive.status).toBe(409);
    expect(await row(l.id)).toMatchObject({ type: "deleted", merged_into: w.id });
  });
});

describe("two purges of one profile at once", () => {
  it("one purges, the other finds nothing; nothing of the member is left", async () => {
    const { token } = await makeToken(["*"]);
    const p = await createProfile(token, { identities: [{ handle: "shopify", identifier: `s-${crypto.randomUUID()}` }] });
    await addReceipt(p.id);
    const statuses = (await Promise.all([1, 2].map(() => api(`/profiles/${p.id}/purge`, { method: "POST", token })))).map((r) => r.status).sort();
    expect(statuses[0]).toBeLessThan(300);
    expect([404, statuses[0]]).toContain(statuses[1]);
    expect(await row(p.id)).toBeNull();
    expect(await count(`SELECT count(*) AS n FROM transactions WHERE profile_id = ?`, p.id)).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM identities WHERE profile_id = ?`, p.id)).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM audit_log WHERE action = 'profile.purged' AND entity_id = ?`, p.id)).toBe(1);
  });
});

describe("a purge that crashes after its D1 commit", () => {
  it("has already emptied the member's ledger (a retry would find no profile to purge)", async () => {
    const { token } = await makeToken(["*"]);
    const { def } = await pointsProgramme(token);
    const p = await createProfile(token);
    expect((await api(`/profiles/${p.id}/points`, { method: "POST", token, json: { point_definition_id: def.id, value: 500, reason: "welcome" } })).status).toBe(201);
    await ledgerStub(p.id).flush();
    expect(await count(`SELECT count(*) AS n FROM incentive_ledger WHERE profile_id = ?`, p.id)).toBe(1);

    const s = services();
    // the crash: the first thing to run once the profile is gone from D1 throws
    const hooks = (s.profiles as unknown as { hooks: ProfileLifecycleHooks[] }).hooks;
    hooks.unshift({ onPurge: async (id) => { if (!(await row(id))) throw new Error("crashed after the D1 commit"); } });
    await expect(s.profiles.purge(p.id, systemActor("test"))).rejects.toThrow("crashed after the D1 commit");

    expect(await row(p.id)).toBeNull();
    expect(await count(`SELECT count(*) AS n FROM incentive_ledger WHERE profile_id = ?`, p.id)).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM profile_incentive_state WHERE profile_id = ?`, p.id)).toBe(0);
    expect(await ledgerStub(p.id).flush()).toEqual({ events: 0, entries: 0, instances: 0 });
    expect(await count(`SELECT count(*) AS n FROM incentive_ledger WHERE profile_id = ?`, p.id)).toBe(0);
  });
});

describe("a merge whose ledger move crashes after its D1 commit", () => {
  async function crashedMerge(token: string) {
    const { def } = await pointsProgramme(token);
    const [w, l] = [await createProfile(token), await createProfile(token)];
    expect((await api(`/profiles/${l.id}/points`, { method: "POST", token, json: { point_definition_id: def.id, value: 40, reason: "welcome" } })).status).toBe(201);
    const s = services();
    const hooks = (s.profiles as unknown as { hooks: ProfileLifecycleHooks[] }).hooks;
    const crash: ProfileLifecycleHooks = { onMerge: async () => { throw new Error("crashed before the ledger move"); } };
    hooks.unshift(crash);
    try {
      await expect(s.profiles.merge(w.id, l.id, systemActor("test"))).rejects.toThrow("crashed before the ledger move");
    } finally {
      hooks.splice(hooks.indexOf(crash), 1);
    }
    expect(await row(l.id)).toMatchObject({ type: "deleted", merged_into: w.id });
    // the crash left the points on the loser
    const points = async (id: string) => (await ledgerStub(id).balances())?.point_balance ?? 0;
    expect(await points(l.id)).toBe(40);
    return { w, l, points };
  }

  it("a retry of the same merge finishes the move and answers 200, with one event and one audit entry", async () => {
    const { token } = await makeToken(["*"]);
    const { w, l, points } = await crashedMerge(token);
    const retry = await merge(token, w.id, l.id);
    expect(retry.status, await retry.clone().text()).toBe(200);
    expect(((await retry.json()) as { data: Json }).data.id).toBe(w.id);
    expect(await points(w.id)).toBe(40);
    expect(await points(l.id)).toBe(0);
    // once more: nothing moves twice
    expect((await merge(token, w.id, l.id)).status).toBe(200);
    expect(await points(w.id)).toBe(40);
    expect(await count(`SELECT count(*) AS n FROM events WHERE type = 'profile.merged' AND profile_id = ?`, w.id)).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM audit_log WHERE action = 'profile.merged' AND entity_id = ?`, w.id)).toBe(1);
    // merging the loser into someone else is still refused
    const other = await createProfile(token);
    expect((await merge(token, other.id, l.id)).status).toBe(422);
  });

  it("without a retry, the profile.merged event's consumer finishes the move", async () => {
    const { token } = await makeToken(["*"]);
    const { w, l, points } = await crashedMerge(token);
    const ev = await env.DB.prepare(`SELECT id, type, data FROM events WHERE type = 'profile.merged' AND profile_id = ?`).bind(w.id).first<{ id: string; type: string; data: string }>();
    expect(ev).not.toBeNull();
    const handler = EVENT_HANDLERS["ledger-merge"];
    expect(handler.types).toContain("profile.merged");
    await handler.run({ id: ev!.id, type: ev!.type, data: JSON.parse(ev!.data), occurred_at: new Date().toISOString(), profile_id: w.id, causation: null }, services());
    expect(await points(w.id)).toBe(40);
    expect(await points(l.id)).toBe(0);
  });
});
