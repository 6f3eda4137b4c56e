// The import page's endpoint: validate writes nothing and names each bad record's field; submit starts
// a job; the job is read back; only Admins reach it.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { fetchWorker, signedInAs } from "../helpers";
import { simpleReceipt } from "../commerce/support";

async function run(cookie: string, fields: Record<string, string>) {
  const res = await fetchWorker("/settings/imports/run", { method: "POST", cookie, body: new URLSearchParams(fields), headers: { Origin: "https://console.test" } });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

describe("Settings → Imports endpoint", () => {
  it("validates without writing, then submits a job an Admin can follow", async () => {
    const { cookie } = await signedInAs("admin");
    const good = simpleReceipt(12.5);
    const records = [good, { ...simpleReceipt(3), total: "abc" }, { ...good }];
    const before = (await env.DB.prepare("SELECT count(*) AS n FROM batch_jobs").first<{ n: number }>())!.n;
    const checked = await run(cookie, { intent: "validate", kind: "transactions", records: JSON.stringify(records) });
    expect(checked.status).toBe(200);
    expect(checked.body.errors).toEqual([
      { index: 1, field: "total", message: expect.any(String) },
      { index: 2, field: "external_id", message: expect.stringContaining("record 0") },
    ]);
    expect((await env.DB.prepare("SELECT count(*) AS n FROM batch_jobs").first<{ n: number }>())!.n).toBe(before);

    const submitted = await run(cookie, { intent: "submit", kind: "transactions", records: JSON.stringify([good]) });
    expect(submitted.status).toBe(200);
    const id = submitted.body.job.id as string;
    let job: Record<string, any> = {};
    for (let i = 0; i < 50 && job.status !== "completed"; i++) {
      await new Promise((r) => setTimeout(r, 100));
      job = ((await (await fetchWorker(`/settings/imports/run?job=${id}`, { cookie })).json()) as { job: Record<string, any> }).job;
    }
    expect(job).toMatchObject({ status: "completed", total: 1, done: 1, failed: 0 });
  });

  it("checks profiles for bad fields and emails repeated in the file", async () => {
    const { cookie } = await signedInAs("admin");
    const checked = await run(cookie, { intent: "validate", kind: "profiles", records: JSON.stringify([{ email: "a@x.test" }, { email: "nope" }, { email: "A@x.test" }]) });
    expect(checked.body.errors.map((e: { index: number; field: string }) => [e.index, e.field])).toEqual([
      [1, "email"],
      [2, "email"],
    ]);
  });

  it("refuses what it cannot read, and every role but Admin", async () => {
    const { cookie } = await signedInAs("admin");
    expect((await run(cookie, { intent: "validate", kind: "orders", records: "[{}]" })).status).toBe(422);
    expect((await run(cookie, { intent: "validate", kind: "profiles", records: "{not json" })).status).toBe(422);
    expect((await run(cookie, { intent: "validate", kind: "profiles", records: JSON.stringify(Array.from({ length: 501 }, () => ({}))) })).status).toBe(422);
    expect((await run(cookie, { intent: "launch", kind: "profiles", records: "[{}]" })).status).toBe(400);
    const manager = await signedInAs("manager");
    expect((await fetchWorker("/settings/imports/run", { method: "POST", cookie: manager.cookie, body: new URLSearchParams({ intent: "validate", kind: "profiles", records: "[{}]" }) })).status).toBe(403);
    expect((await fetchWorker("/settings/imports", { cookie: manager.cookie })).status).toBe(403);
  });
});
