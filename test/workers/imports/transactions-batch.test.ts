// POST /transactions/batch: records checked before the 202, the good ones recorded by the queue and the
// bad ones reported by index; resubmitting creates nothing twice; one member's receipts earn in date order.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { batchJobs } from "../../../db/schema";
import type { Actor } from "../../../workers/access/actor";
import { TransactionInput } from "../../../workers/commerce/schema";
import { processJob } from "../../../workers/imports/jobs";
import { processTransactionsJob, TRANSACTIONS_JOB } from "../../../workers/imports/transactions-batch";
import { api, makeToken, services } from "../helpers";
import { daysAgo, makeProfile, simpleReceipt, uid } from "../commerce/support";
import { create, rateBody, tierBody, tierPointsBody } from "../incentives/support";

type Json = Record<string, any>;
let token: string;
beforeAll(async () => {
  token = (await makeToken(["*"])).token;
});

async function submit(transactions: unknown[], t = token): Promise<{ res: Response; job: Json }> {
  const res = await api("/transactions/batch", { method: "POST", token: t, json: { transactions } });
  const body = (await res.clone().json()) as Json;
  return { res, job: body.data };
}

async function finished(id: string): Promise<Json> {
  for (let i = 0; i < 100; i++) {
    const polled = ((await (await api(`/jobs/${id}`, { token })).json()) as { data: Json }).data;
    if (polled.status === "completed") return polled;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`job ${id} did not complete`);
}

const count = async (externalIds: string[]) =>
  (await env.DB.prepare(`SELECT count(*) AS n FROM transactions WHERE external_id IN (${externalIds.map(() => "?").join(",")})`).bind(...externalIds).first<{ n: number }>())!.n;

describe("POST /transactions/batch", () => {
  it("records the good records, reports the bad ones by index, external_id and field", async () => {
    const profile = await makeProfile(token);
    const good = [simpleReceipt(10, { profile_id: profile.id }), simpleReceipt(20, { profile_id: profile.id }), simpleReceipt(5)];
    const noItems = { ...simpleReceipt(1), items: [] };
    const dup = { ...simpleReceipt(3), external_id: good[0].external_id };
    const { res, job } = await submit([good[0], noItems, good[1], dup, good[2]]);
    expect(res.status).toBe(202);
    expect(res.headers.get("Location")).toBe(`/api/v3/jobs/${job.id}`);
    // what could be checked before the 202 is in the job at once
    expect(job).toMatchObject({ type: "transactions.batch", total: 5, failed: 2 });
    expect(job.errors).toEqual([
      { index: 1, external_id: noItems.external_id, field: "items", message: expect.any(String) },
      { index: 3, external_id: good[0].external_id, field: "external_id", message: expect.stringContaining("record 0") },
    ]);

    const done = await finished(job.id);
    expect(done).toMatchObject({ total: 5, done: 5, failed: 2, succeeded: 3 });
    expect(done.results.map((r: Json) => r.status)).toEqual(["created", "invalid", "created", "invalid", "created"]);
    expect(done.results[0].profile_id).toBe(profile.id);
    expect(await count(good.map((g) => g.external_id))).toBe(3);
    // the duplicate's body was never written over the first record
    const first = ((await (await api(`/transactions/external/${encodeURIComponent(good[0].external_id)}`, { token })).json()) as { data: Json }).data;
    expect(first.total).toBe(10);
  });

  it("resubmitted after a failure, creates nothing twice", async () => {
    const records = [simpleReceipt(7), simpleReceipt(8)];
    const once = await finished((await submit(records)).job.id);
    expect(once.results.map((r: Json) => r.status)).toEqual(["created", "created"]);
    const extra = simpleReceipt(9);
    const again = await finished((await submit([...records, extra])).job.id);
    expect(again.results.map((r: Json) => r.status)).toEqual(["replayed", "replayed", "created"]);
    expect(again.results[0].transaction_id).toBe(once.results[0].transaction_id);
    expect(await count([...records, extra].map((r) => r.external_id))).toBe(3);
    // the same external_id with a different body is a per-record error, not an overwrite
    const changed = await finished((await submit([{ ...records[0], total: 70, items: [{ sku: uid("S-"), name: "Other", quantity: 1, price_sell: 70 }] }])).job.id);
    expect(changed).toMatchObject({ failed: 1, succeeded: 0 });
    expect(changed.errors[0]).toMatchObject({ index: 0, external_id: records[0].external_id });
  });

  it("earns one member's receipts in date order, so a tier is attained on the receipt that crossed it", async () => {
    const tp = await create(token, "/points/definitions", tierPointsBody());
    await create(token, "/rates", rateBody(tp.id, { multiplier: 1 }));
    const tier = await create(token, "/tiers/definitions", tierBody(tp.id, { name: "Silver", value_min: 100, value_maintain: 80 }));
    const profile = await makeProfile(token);
    const [d3, d2, d1] = [daysAgo(30), daysAgo(20), daysAgo(10)];
    // submitted newest first: in submission order the oldest receipt would cross the threshold
    const records = [d1, d2, d3].map((d) => simpleReceipt(40, { profile_id: profile.id, transacted_at: d.at }));
    const done = await finished((await submit(records)).job.id);
    expect(done).toMatchObject({ succeeded: 3, failed: 0 });
    const tiers = ((await (await api(`/profiles/${profile.id}/tiers`, { token })).json()) as { data: Json[] }).data;
    const ladder = tiers.find((t) => t.point_definition_id === tp.id)!;
    expect(ladder.current.id).toBe(tier.id);
    expect(ladder.achieved_at.slice(0, 10)).toBe(d1.day);
  });

  it("run again after an attempt recorded receipts but stopped before they earned, earns for them, once", async () => {
    const tp = await create(token, "/points/definitions", tierPointsBody());
    await create(token, "/rates", rateBody(tp.id, { multiplier: 1 }));
    const profile = await makeProfile(token);
    const records = [simpleReceipt(40, { profile_id: profile.id, transacted_at: daysAgo(2).at }), simpleReceipt(60, { profile_id: profile.id, transacted_at: daysAgo(1).at })];
    const s = services();
    const actor: Actor = { type: "system", id: null, label: "test: an earlier attempt", userId: null, role: null };
    // the earlier attempt recorded the first receipt and checkpointed it, then stopped (a crash) before the earning step
    const { transaction } = await s.receipts.record(TransactionInput.parse(records[0]), actor);
    const job = { id: crypto.randomUUID(), kind: TRANSACTIONS_JOB, status: "processing" as const, total: 2, payload: records, processed: 1, succeeded: 1, failed: 0, createdBy: actor.label, actor: null, createdAt: new Date(), completedAt: null,
      results: [{ index: 0, status: "created", external_id: transaction.externalId, transaction_id: transaction.id, profile_id: profile.id }] };
    await s.db.insert(batchJobs).values(job);
    const lotsOf = async () => (await s.ledger.stub(profile.id).pointLots()).filter((l) => l.point_definition_id === tp.id).map((l) => l.transaction_external_id).sort();
    expect(await lotsOf()).toEqual([]);

    expect(await processJob(s, job.id)).toMatchObject({ status: "completed", succeeded: 2, failed: 0 });
    const both = records.map((r) => r.external_id).sort();
    expect(await lotsOf()).toEqual(both);
    // the same message delivered again (the job row as it was): nothing earns twice
    await processTransactionsJob(s, job);
    expect(await lotsOf()).toEqual(both);
  });

  it("sends its receipts' transaction.created events in one publish, before the job reads completed", async () => {
    const profile = await makeProfile(token);
    const records = [simpleReceipt(10, { profile_id: profile.id }), simpleReceipt(20, { profile_id: profile.id }), simpleReceipt(30, { profile_id: profile.id })];
    const s = services();
    const job = { id: crypto.randomUUID(), kind: TRANSACTIONS_JOB, status: "queued" as const, total: 3, payload: records, processed: 0, succeeded: 0, failed: 0, results: [], createdBy: "test", actor: null, createdAt: new Date(), completedAt: null };
    await s.db.insert(batchJobs).values(job);
    expect(await processJob(s, job.id)).toMatchObject({ status: "completed", succeeded: 3 });
    const ids = records.map((r) => r.external_id);
    const rows = (
      await env.DB.prepare(`SELECT sent_at FROM events WHERE type = 'transaction.created' AND json_extract(data, '$.transaction.external_id') IN (?, ?, ?)`)
        .bind(...ids)
        .all<{ sent_at: number | null }>()
    ).results;
    expect(rows).toHaveLength(3);
    // all sent, and marked by one publish (one queue send and one update for the three)
    expect(rows.every((r) => r.sent_at !== null)).toBe(true);
    expect(new Set(rows.map((r) => r.sent_at)).size).toBe(1);
  });

  it("refuses a batch over 500 records, an empty one and an unknown field, writing nothing", async () => {
    const before = (await env.DB.prepare("SELECT count(*) AS n FROM batch_jobs").first<{ n: number }>())!.n;
    const over = await api("/transactions/batch", { method: "POST", token, json: { transactions: Array.from({ length: 501 }, () => ({})) } });
    expect(over.status).toBe(422);
    expect(((await over.json()) as Json).errors.transactions).toBeTruthy();
    const empty = await api("/transactions/batch", { method: "POST", token, json: { transactions: [] } });
    expect(empty.status).toBe(422);
    const unknown = await api("/transactions/batch", { method: "POST", token, json: { transactions: [simpleReceipt(1)], match_on: "x" } });
    expect(unknown.status).toBe(422);
    expect(JSON.stringify(await unknown.json())).toContain("match_on");
    expect((await env.DB.prepare("SELECT count(*) AS n FROM batch_jobs").first<{ n: number }>())!.n).toBe(before);
  });

  it("needs transactions:write to submit and the job's read scope to poll", async () => {
    const { token: reader } = await makeToken(["transactions:read"]);
    expect((await submit([simpleReceipt(1)], reader)).res.status).toBe(403);
    const { job } = await submit([simpleReceipt(1)]);
    expect((await api(`/jobs/${job.id}`, { token: reader })).status).toBe(200);
    const { token: profilesOnly } = await makeToken(["profiles:read"]);
    expect((await api(`/jobs/${job.id}`, { token: profilesOnly })).status).toBe(403);
    expect((await api(`/jobs/${crypto.randomUUID()}`, { token })).status).toBe(404);
    await finished(job.id);
  });
});
