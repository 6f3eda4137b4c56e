// An import job's progress reaches the console over the live channel (the profiles feed's socket): a
// message when it starts, at its checkpoints, and when it completes, with the counts GET /jobs/{id} gives.
import { beforeAll, describe, expect, it } from "vitest";
import { batchJobs } from "../../../db/schema";
import { processJob } from "../../../workers/imports/jobs";
import { TRANSACTIONS_JOB } from "../../../workers/imports/transactions-batch";
import { fetchWorker, makeToken, services, signedInAs } from "../helpers";
import { makeProfile, simpleReceipt } from "../commerce/support";

type Json = Record<string, any>;
let token: string;
beforeAll(async () => {
  token = (await makeToken(["*"])).token;
});

/** Every `{type: "job"}` message the socket hears, in order. */
async function openFeed() {
  const { cookie } = await signedInAs("admin");
  const res = await fetchWorker("/parties/live-feed/signups", { cookie, headers: { Upgrade: "websocket" } });
  expect(res.status).toBe(101);
  const ws = res.webSocket!;
  const heard: Json[] = [];
  const waiters: Array<() => void> = [];
  const snapshot = new Promise<void>((resolve) => waiters.push(resolve));
  ws.addEventListener("message", (e) => {
    const m = JSON.parse(String(e.data));
    if (m.type === "snapshot") waiters.shift()?.();
    if (m.type === "job") heard.push(m.item);
  });
  ws.accept();
  await snapshot;
  return { ws, heard };
}

async function until(check: () => boolean, what: string) {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 50));
  if (!check()) throw new Error(`no live message: ${what}`);
}

describe("an import job's progress over the live channel", () => {
  it("is pushed when the job starts, at each checkpoint and when it completes", async () => {
    const { ws, heard } = await openFeed();
    const profile = await makeProfile(token);
    // 30 good records and one that fails when recorded (an unknown profile): one checkpoint (every 25) on the way
    const records: unknown[] = Array.from({ length: 30 }, (_, i) => simpleReceipt(10 + i, { profile_id: profile.id }));
    records.push(simpleReceipt(5, { profile_id: crypto.randomUUID() }));
    const s = services();
    const job = { id: crypto.randomUUID(), kind: TRANSACTIONS_JOB, status: "queued" as const, total: 31, payload: records, processed: 0, succeeded: 0, failed: 0, results: [], createdBy: "test", actor: null, createdAt: new Date(), completedAt: null };
    await s.db.insert(batchJobs).values(job);
    await processJob(s, job.id);

    const mine = () => heard.filter((m) => m.id === job.id);
    await until(() => mine().some((m) => m.status === "completed"), "completed");
    const seen = mine();
    expect(seen[0]).toMatchObject({ type: TRANSACTIONS_JOB, status: "processing", total: 31, done: 0 });
    expect(seen.some((m) => m.status === "processing" && m.done >= 25 && m.done < 31)).toBe(true);
    expect(seen.at(-1)).toEqual({ id: job.id, type: TRANSACTIONS_JOB, status: "completed", total: 31, done: 31, failed: 1 });
    ws.close();
  });
});
