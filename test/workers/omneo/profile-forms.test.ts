// Omneo's body forms on the profile routes: sync {updated_at} and the batch's match_criteria.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { api, makeToken, problem } from "../helpers";

type Json = Record<string, any>;
const json = async (res: Response) => (await res.json()) as Json;
let token: string;
beforeAll(async () => {
  token = (await makeToken(["*"])).token;
});
const jobs = async () => (await env.DB.prepare("SELECT count(*) AS n FROM batch_jobs").first<{ n: number }>())!.n;
const profileCount = async () => (await env.DB.prepare("SELECT count(*) AS n FROM profiles").first<{ n: number }>())!.n;

describe("POST /profiles/sync {updated_at}", () => {
  it("answers Omneo's message for a past date and queues nothing (no connected systems here)", async () => {
    const before = await profileCount();
    const res = await api("/profiles/sync", { method: "POST", token, json: { updated_at: new Date(Date.now() - 86_400_000).toISOString() } });
    expect(res.status).toBe(200);
    expect((await json(res)).data).toMatchObject({ message: "Profiles queued for sync.", queued: 0 });
    expect(await profileCount()).toBe(before);
  });

  it.each([
    ["an invalid date", { updated_at: "Invalid Date" }, "updated_at", "Invalid date"],
    ["a date after tomorrow", { updated_at: new Date(Date.now() + 5 * 86_400_000).toISOString() }, "updated_at", "Date must be before tomorrow"],
    ["an extra field beside updated_at", { updated_at: "2026-01-01", email: "x@example.test" }, "email", "Unknown field"],
  ])("refuses %s with a 422 naming the field", async (_name, body, field, text) => {
    const res = await api("/profiles/sync", { method: "POST", token, json: body });
    expect(res.status).toBe(422);
    const p = await problem(res);
    expect(p.errors?.[field]?.join(" ")).toContain(text);
  });

  it("a profile body is still our sync (upsert by email)", async () => {
    const email = `sync-${crypto.randomUUID()}@example.test`;
    const res = await api("/profiles/sync", { method: "POST", token, json: { email, first_name: "Sync" } });
    expect(res.status).toBe(201);
    expect((await json(res)).data.email).toBe(email);
  });
});

describe("POST /profiles/batch with Omneo's match_criteria", () => {
  it("answers data.message, and an identity handle matches the profile carrying that identity", async () => {
    const card = `card-${crypto.randomUUID()}`;
    const existing = (await json(await api("/profiles", { method: "POST", token, json: { email: `held-${crypto.randomUUID()}@example.test`, identities: [{ handle: "loyalty_card", identifier: card }] } }))).data;
    const res = await api("/profiles/batch", {
      method: "POST",
      token,
      json: {
        match_criteria: "loyalty_card",
        profiles: [{ email: `other-${crypto.randomUUID()}@example.test`, last_name: "Matched", identities: [{ handle: "pos", identifier: `p-${card}` }, { handle: "loyalty_card", identifier: card }] }],
      },
    });
    expect(res.status).toBe(202);
    const job = (await json(res)).data;
    expect(job.message).toBe("Profiles queued for batch import.");
    let done: Json | null = null;
    for (let i = 0; i < 50 && !done; i++) {
      await new Promise((r) => setTimeout(r, 200));
      const polled = (await json(await api(`/profiles/batch/${job.id}`, { token }))).data;
      if (polled.status === "completed") done = polled;
    }
    expect(done?.results).toEqual([{ index: 0, status: "updated", profile_id: existing.id }]);
    expect((await json(await api(`/profiles/${existing.id}`, { token }))).data.last_name).toBe("Matched");
  });

  it("refuses a batch whose records lack the match_criteria identity, naming them, and queues nothing", async () => {
    const before = await jobs();
    const res = await api("/profiles/batch", {
      method: "POST",
      token,
      json: { match_criteria: "loyalty_card", profiles: [{ email: "a@example.test", identities: [{ handle: "loyalty_card", identifier: "1" }] }, { email: "b@example.test" }] },
    });
    expect(res.status).toBe(422);
    expect(Object.keys((await problem(res)).errors ?? {})).toEqual(["profiles.1.identities"]);
    expect(await jobs()).toBe(before);
  });
});
