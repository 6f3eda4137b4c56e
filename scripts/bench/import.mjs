// Import speed: a generated file of receipts through the batch API (POST /api/v3/transactions/batch, 500 a
// request), every job polled through GET /api/v3/jobs/{id} until it is completed, and the receipts per
// second from the first submit to the last completion. The bench runs it beside a no-op run of the same
// length just before, so the number is read against the worker's floor like every other scenario.

const BATCH = 500;
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
async function call(url, init, what, attempts = 3) {
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(url, { ...init, signal: AbortSignal.timeout(120_000) });
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
  while (done.size < jobs.length) {
    if (performance.now() - started > timeoutMs) throw new Error(`import bench: ${jobs.length - done.size} of ${jobs.length} jobs not completed after ${timeoutMs / 1000} s`);
    for (const id of jobs) {
      if (done.has(id)) continue;
      const res = await call(new URL(`/api/v3/jobs/${id}`, ctx.baseUrl), { headers }, `GET /jobs/${id}`);
      if (!res.ok) throw new Error(`import bench: GET /jobs/${id} → ${res.status} ${res.text.slice(0, 300)}`);
      const text = res.text;
      const job = JSON.parse(text).data;
      if (job.status === "completed") done.set(id, job);
    }
    if (done.size < jobs.length) await new Promise((r) => setTimeout(r, 250));
  }
  const seconds = (performance.now() - started) / 1000;
  const all = [...done.values()];
  const failed = all.reduce((n, j) => n + j.failed, 0);
  const receipts = all.reduce((n, j) => n + j.total, 0);
  return { receipts, failed, seconds, submitSeconds: submittedMs / 1000, perSecond: receipts / seconds, example: all.find((j) => j.failed)?.errors?.[0] ?? null };
}
