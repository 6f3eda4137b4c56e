// Import speed: a generated file of receipts through the batch API (POST /api/v3/transactions/batch, 500 a
// request), every job polled through GET /api/v3/jobs/{id} until it is completed, and the receipts per
// second from the first submit to the last completion. The bench runs it beside a no-op run of the same
// length just before, so the number is read against the worker's floor like every other scenario.
//
// A poll is given POLL_TIMEOUT_MS and, if it gets no answer, asked again at the next round: under
// `wrangler dev` one workerd thread runs the job and the API, and a GET sent while a job runs may wait
// many seconds or never be answered (seen: a poll sent 3 s into a 42 s job still unanswered at 120 s).
// With the old 120 s timeout that one lost poll was the "fixed ~2 minutes" every import run measured
// (122–124 s for 500 receipts whatever the work). The jobs' own created_at → completed_at (the worker's
// clock) is printed beside it, so a slow poll can no longer pass for a slow import.

const BATCH = 500;
/** A poll that gets no answer in this long is dropped and asked again next round (see above). */
const POLL_TIMEOUT_MS = 10_000;
const DAY_MS = 86_400_000;

/**
 * `receipts` receipts of `members` sampled profiles (about receipts ÷ members each, like 1M receipts of
 * 100k members), dated over the last year and sent in date order, as a till system's export is: one
 * batch holds receipts of many members. Each receipt has two lines at the flagship store.
 */
export function generateImport(ctx, { receipts, members, runId }) {
  const profiles = ctx.sample.profileIds.slice(0, members);
  if (profiles.length < members) throw new Error(`import bench: ${members} members wanted, the sample has ${profiles.length} profiles`);
  const now = Date.now();
  // a small deterministic generator, so two runs import the same shape of file
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const rows = Array.from({ length: receipts }, (_, i) => {
    const quantity = 1 + Math.floor(rand() * 3);
    // whole cents, and the total summed in cents: the API refuses a third decimal
    const cents = 1000 + Math.floor(rand() * 9000);
    const price = cents / 100;
    const total = (quantity * cents + 1995) / 100;
    return {
      external_id: `IMPORT-${runId}-${i}`,
      profile_id: profiles[i % profiles.length],
      location_id: "S001",
      transacted_at: new Date(now - DAY_MS - Math.floor(rand() * 364 * DAY_MS)).toISOString(),
      items: [
        { sku: "SKU-1000-M", name: "Import tee M", quantity, price_sell: price },
        { sku: "SKU-1006", name: "Import cap", quantity: 1, price_sell: 19.95 },
      ],
      total,
    };
  });
  rows.sort((a, b) => a.transacted_at.localeCompare(b.transacted_at));
  const batches = [];
  for (let i = 0; i < rows.length; i += BATCH) batches.push(rows.slice(i, i + BATCH));
  return batches;
}

/** fetch (a GET retried a few times on a connection error (the worker's one thread may be busy with a job), with the cause in the message). */
async function call(url, init, what, attempts = 3, timeoutMs = 120_000) {
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
      return { status: res.status, ok: res.ok, text: await res.text() };
    } catch (err) {
      if (attempt >= attempts) throw new Error(`import bench: ${what}: ${err.message}${err.cause ? ` (${err.cause.code ?? ""} ${err.cause.message ?? err.cause})` : ""}`, { cause: err });
      await new Promise((r) => setTimeout(r, 1000 * attempt));
    }
  }
}

/** Submits every batch (one at a time, as a client would), then polls the jobs until all are completed. */
export async function runImport(ctx, batches, { timeoutMs = 30 * 60_000 } = {}) {
  const headers = { authorization: `Bearer ${ctx.token}`, "content-type": "application/json", accept: "application/json" };
  const started = performance.now();
  const jobs = [];
  for (const transactions of batches) {
    const { status, text } = await call(new URL("/api/v3/transactions/batch", ctx.baseUrl), { method: "POST", headers, body: JSON.stringify({ transactions }) }, "POST /transactions/batch", 1); // not retried: a second submit would be a second job
    if (status !== 202) throw new Error(`import bench: POST /transactions/batch → ${status} ${text.slice(0, 300)}`);
    jobs.push(JSON.parse(text).data.id);
  }
  const submittedMs = performance.now() - started;
  const done = new Map();
  let unanswered = 0;
  let slowestPollMs = 0;
  while (done.size < jobs.length) {
    if (performance.now() - started > timeoutMs) throw new Error(`import bench: ${jobs.length - done.size} of ${jobs.length} jobs not completed after ${timeoutMs / 1000} s`);
    for (const id of jobs) {
      if (done.has(id)) continue;
      const asked = performance.now();
      let res;
      try {
        res = await call(new URL(`/api/v3/jobs/${id}`, ctx.baseUrl), { headers }, `GET /jobs/${id}`, 1, POLL_TIMEOUT_MS);
      } catch {
        unanswered++; // asked again next round: a lost poll is not a lost job
        continue;
      } finally {
        slowestPollMs = Math.max(slowestPollMs, performance.now() - asked);
      }
      if (!res.ok) throw new Error(`import bench: GET /jobs/${id} → ${res.status} ${res.text.slice(0, 300)}`);
      const job = JSON.parse(res.text).data;
      if (job.status === "completed") done.set(id, job);
    }
    if (done.size < jobs.length) await new Promise((r) => setTimeout(r, 250));
  }
  const seconds = (performance.now() - started) / 1000;
  const all = [...done.values()];
  const failed = all.reduce((n, j) => n + j.failed, 0);
  const receipts = all.reduce((n, j) => n + j.total, 0);
  // the worker's own clock: first job created → last job completed
  const jobSeconds = (Math.max(...all.map((j) => Date.parse(j.completed_at))) - Math.min(...all.map((j) => Date.parse(j.created_at)))) / 1000;
  console.log(
    `  jobs: ${receipts} receipts in ${jobSeconds.toFixed(1)} s on the worker's clock (${(receipts / jobSeconds).toFixed(1)} receipts/s); polls unanswered within ${POLL_TIMEOUT_MS / 1000} s: ${unanswered}, slowest poll ${(slowestPollMs / 1000).toFixed(1)} s`,
  );
  return { receipts, failed, seconds, jobSeconds, unansweredPolls: unanswered, submitSeconds: submittedMs / 1000, perSecond: receipts / seconds, example: all.find((j) => j.failed)?.errors?.[0] ?? null };
}
