// POST /transactions/batch: up to 500 receipts accepted at once, checked record by record before the
// 202, then recorded by the events queue in date order and earned per member in one ledger call each, in
// date order (so a member's history replays tiers and expiry as it happened), and polled through GET /jobs/{id}
// (its progress is also pushed over the live channel: progress.ts). Every record is idempotent by its external_id: a
// job resubmitted after a failure replays what it already wrote and creates nothing twice.
import { eq } from "drizzle-orm";
import { batchJobs } from "../../db/schema";
import type { Actor } from "../access/actor";
import { TransactionInput } from "../commerce/schema";
import type { TransactionView } from "../commerce/transactions.service";
import { newId } from "../platform/crypto";
import type { EventRow } from "../platform/outbox";
import { DomainError, fieldErrorsFromIssues, isDomainError, type FieldErrors } from "../platform/errors";
import type { CoreServices } from "../services";
import { pushProgress } from "./progress";
import { TRANSACTION_BATCH_MAX } from "./schema";
import type { BatchJobRow, JobResultRow } from "./views";

export const TRANSACTIONS_JOB = "transactions.batch";

/** Records are checkpointed this often, so a redelivered message resumes instead of starting over. */
const CHECKPOINT_EVERY = 25;
/** Receipts a job records at once (each its own D1 round trips; earning, which is ordered, runs after). */
const RECORD_CONCURRENCY = 8;

interface Checked {
  index: number;
  input?: TransactionInput;
  result?: JobResultRow;
}

function externalIdOf(record: unknown): string | null {
  const id = record && typeof record === "object" ? (record as { external_id?: unknown }).external_id : undefined;
  return typeof id === "string" ? id.slice(0, 191) : null;
}

/**
 * Check every record as POST /transactions would before writing anything: its shape, and an
 * external_id not repeated inside the batch. The failures become the job's first results.
 */
export function checkRecords(services: CoreServices, records: unknown[]): Checked[] {
  const seen = new Map<string, number>();
  return records.map((record, index): Checked => {
    const external_id = externalIdOf(record);
    const parsed = TransactionInput.safeParse(record);
    if (!parsed.success) return { index, result: { index, status: "invalid", external_id, errors: fieldErrorsFromIssues(parsed.error.issues) } };
    const errors: FieldErrors = services.transactions.validateShape(parsed.data);
    const first = seen.get(parsed.data.external_id);
    if (first !== undefined) errors.external_id = [`external_id repeats record ${first} of this batch`];
    else seen.set(parsed.data.external_id, index);
    if (Object.keys(errors).length) return { index, result: { index, status: "invalid", external_id, errors } };
    return { index, input: parsed.data };
  });
}

/** Date order (oldest first), submission order among equals; receipts without a date go last, as they are dated on arrival. */
export function processingOrder(checked: Array<{ index: number; input?: TransactionInput }>): number[] {
  const dated = checked.filter((c) => c.input).map((c) => ({ index: c.index, at: c.input!.transacted_at ? Date.parse(String(c.input!.transacted_at)) : Number.POSITIVE_INFINITY }));
  return dated.sort((a, b) => a.at - b.at || a.index - b.index).map((d) => d.index);
}

export async function createTransactionsJob(services: CoreServices, records: unknown[], actor: Actor): Promise<BatchJobRow> {
  if (records.length > TRANSACTION_BATCH_MAX) throw DomainError.field("transactions", `A batch holds at most ${TRANSACTION_BATCH_MAX} transactions`);
  const checked = checkRecords(services, records);
  const invalid = checked.flatMap((c) => (c.result ? [c.result] : []));
  const job: BatchJobRow = {
    id: newId(),
    kind: TRANSACTIONS_JOB,
    status: invalid.length === records.length ? "completed" : "queued",
    total: records.length,
    payload: invalid.length === records.length ? null : records,
    processed: invalid.length,
    succeeded: 0,
    failed: invalid.length,
    results: invalid,
    createdBy: actor.label,
    actor: { type: actor.type, id: actor.id, label: actor.label, userId: actor.userId, role: actor.role, ...(actor.scopes ? { scopes: actor.scopes } : {}) },
    createdAt: services.clock.now(),
    completedAt: invalid.length === records.length ? services.clock.now() : null,
  };
  await services.db.batch([
    services.db.insert(batchJobs).values(job),
    services.audit.entry(actor, { action: "transaction.batch_submitted", entityType: "batch_job", entityId: job.id, newValues: { total: job.total, invalid: invalid.length } }),
  ]);
  if (job.status === "queued") await services.env.EVENTS.send({ kind: "job", job: TRANSACTIONS_JOB, job_id: job.id }, { contentType: "json" });
  return job;
}

/**
 * Record a queued job's receipts, then earn: first every receipt is recorded (several at once, taken in
 * date order; checkpointed, so a redelivered message resumes), then each member's receipts earn in one ledger call, in date order.
 * Safe to run again: a completed job is left alone, a half-done one resumes, and the earning of receipts
 * recorded by an earlier attempt is completed (the ledger earns each receipt once).
 */
export async function processTransactionsJob(services: CoreServices, job: BatchJobRow): Promise<BatchJobRow> {
  if (job.status === "completed") return job;
  const records = job.payload ?? [];
  const results = [...(job.results ?? [])];
  const finished = new Set(results.map((r) => r.index));
  const actor: Actor = job.actor ?? { type: "system", id: null, label: `system: batch job ${job.id}`, userId: null, role: null };
  const checked = checkRecords(services, records);
  await services.db.update(batchJobs).set({ status: "processing" }).where(eq(batchJobs.id, job.id));
  await pushProgress(services, { ...job, ...progress([...results]), status: "processing" });
  const order = processingOrder(checked);
  const recorded = new Map<string, TransactionView>();
  // Recording is a few D1 round trips a receipt and nothing in it depends on the order (earning does, and
  // comes after), so RECORD_CONCURRENCY receipts are in flight at once: the job waits on D1 in parallel.
  const queue = order.filter((index) => !finished.has(index)).reverse();
  let sinceCheckpoint = 0;
  // the receipts' transaction.created events, sent together at each checkpoint (written to D1 with each
  // receipt, so the outbox sweep sends them if this attempt dies first)
  let unsent: EventRow[] = [];
  // checkpoints one after another, each with everything recorded so far (never an older list after a newer one)
  let checkpoint: Promise<unknown> = Promise.resolve();
  const sendEvents = async () => {
    const rows = unsent;
    unsent = [];
    if (rows.length) await services.outbox.publish(rows);
  };
  const worker = async () => {
    for (let index = queue.pop(); index !== undefined; index = queue.pop()) {
      const input = checked[index].input!;
      try {
        const { transaction, created, event } = await services.receipts.record(input, actor);
        if (event) unsent.push(event);
        recorded.set(transaction.id, transaction);
        results.push({ index, status: created ? "created" : "replayed", external_id: input.external_id, transaction_id: transaction.id, profile_id: transaction.profileId ?? undefined });
      } catch (err) {
        if (!isDomainError(err)) throw err;
        results.push({ index, status: "failed", external_id: input.external_id, errors: err.errors ?? { record: [err.message] } });
      }
      if (++sinceCheckpoint >= CHECKPOINT_EVERY) {
        sinceCheckpoint = 0;
        const snapshot = progress([...results]);
        checkpoint = checkpoint.then(() =>
          Promise.all([services.db.update(batchJobs).set(snapshot).where(eq(batchJobs.id, job.id)), sendEvents(), pushProgress(services, { ...job, ...snapshot, status: "processing" })]),
        );
        await checkpoint;
      }
    }
  };
  await Promise.all(Array.from({ length: RECORD_CONCURRENCY }, worker));
  await checkpoint;
  await sendEvents();
  await earnRecorded(services, results, order, recorded);
  const done = { ...progress(results), status: "completed" as const, results: results.sort((a, b) => a.index - b.index), payload: null, completedAt: services.clock.now() };
  await services.db.update(batchJobs).set(done).where(eq(batchJobs.id, job.id));
  await pushProgress(services, { ...job, ...done });
  return { ...job, ...done };
}

/**
 * Every recorded receipt of the job (this attempt's, and an earlier attempt's read back) earns, each
 * member's in one ledger call in date order. A member whose ledger refuses (merged away meanwhile) has
 * those records marked failed with the reason, as a single ingest would answer it.
 */
async function earnRecorded(services: CoreServices, results: JobResultRow[], order: number[], recorded: Map<string, TransactionView>): Promise<void> {
  const byIndex = new Map(results.map((r) => [r.index, r]));
  const ids = order.flatMap((i) => {
    const r = byIndex.get(i);
    return r && (r.status === "created" || r.status === "replayed") && r.transaction_id && r.profile_id ? [r.transaction_id] : [];
  });
  const missing = ids.filter((id) => !recorded.has(id));
  for (const t of missing.length ? await services.transactions.findMany(missing) : []) recorded.set(t.id, t);
  const refused = await services.receipts.earnMany(ids.flatMap((id) => recorded.get(id) ?? []));
  if (!refused.size) return;
  for (const r of results) {
    const err = r.profile_id ? refused.get(r.profile_id) : undefined;
    if (!err || !(r.status === "created" || r.status === "replayed")) continue;
    const e = err as DomainError;
    Object.assign(r, { status: "failed", errors: e.errors ?? { record: [e.message] } });
  }
}

function progress(results: JobResultRow[]) {
  const failed = results.filter((r) => r.status === "invalid" || r.status === "failed").length;
  return { results, processed: results.length, failed, succeeded: results.length - failed };
}
