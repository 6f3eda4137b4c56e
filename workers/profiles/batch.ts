// POST /profiles/batch: up to 1,000 profiles, accepted at once and processed by the events queue.
// Each record is matched by email, then by any identity it carries; matched profiles are updated,
// the rest created. The job records a per-record outcome, and only valid records are written.
import { strictDeep } from "../platform/strict-body";
import { eq } from "drizzle-orm";
import { batchJobs } from "../../db/schema";
import { systemActor, type Actor } from "../access/actor";
import { newId } from "../platform/crypto";
import { DomainError, fieldErrorsFromIssues, isDomainError } from "../platform/errors";
import type { CoreServices } from "../services";
import type { JobMessage } from "../imports/jobs";
import { BATCH_MAX, CreateProfileInput } from "./schema";

export const JOB_MESSAGE = "profiles.batch";

export type BatchJob = typeof batchJobs.$inferSelect;

export function serializeJob(job: BatchJob) {
  return {
    id: job.id,
    status: job.status,
    total: job.total,
    processed: job.processed,
    succeeded: job.succeeded,
    failed: job.failed,
    results: job.status === "completed" ? (job.results ?? []) : null,
    created_at: job.createdAt.toISOString(),
    completed_at: job.completedAt?.toISOString() ?? null,
  };
}

/**
 * Omneo's `match_criteria`: "email" is our order already; an identity handle must be carried by every record,
 * and that identity is put first among the record's identities, so it is the one matched after email.
 */
export function applyMatchCriteria(records: unknown[], criteria: string | undefined): unknown[] {
  const handle = criteria?.toLowerCase();
  if (!handle || handle === "email") return records;
  const errors: Record<string, string[]> = {};
  const out = records.map((r, i) => {
    const ids = (r as { identities?: unknown })?.identities;
    const list = Array.isArray(ids) ? (ids as Array<{ handle?: unknown }>) : [];
    const at = list.findIndex((x) => typeof x?.handle === "string" && x.handle.toLowerCase() === handle);
    if (at < 0) {
      errors[`profiles.${i}.identities`] = [`match_criteria is "${criteria}": the record must carry an identity with that handle`];
      return r;
    }
    return { ...(r as object), identities: [list[at], ...list.filter((_, j) => j !== at)] };
  });
  if (Object.keys(errors).length) throw new DomainError("validation_failed", `Records without a "${criteria}" identity`, { errors });
  return out;
}

export async function createBatchJob(services: CoreServices, records: unknown[], actor: Actor): Promise<BatchJob> {
  if (records.length > BATCH_MAX) throw DomainError.field("profiles", `A batch holds at most ${BATCH_MAX} profiles`);
  const job: BatchJob = {
    id: newId(),
    kind: JOB_MESSAGE,
    status: "queued",
    total: records.length,
    payload: records,
    processed: 0,
    succeeded: 0,
    failed: 0,
    results: null,
    createdBy: actor.label,
    actor: null,
    createdAt: services.clock.now(),
    completedAt: null,
  };
  await services.db.batch([
    services.db.insert(batchJobs).values(job),
    services.audit.entry(actor, { action: "profile.batch_submitted", entityType: "batch_job", entityId: job.id, newValues: { total: job.total } }),
  ]);
  // the job runner (imports/jobs) reads this message for every kind of batch job
  const message: JobMessage = { kind: "job", job: JOB_MESSAGE, job_id: job.id };
  await services.env.EVENTS.send(message, { contentType: "json" });
  return job;
}

export async function getBatchJob(services: CoreServices, id: string): Promise<BatchJob> {
  const job = await services.db.query.batchJobs.findFirst({ where: eq(batchJobs.id, id) });
  if (!job) throw new DomainError("not_found", `No batch job with id ${id}`);
  return job;
}

/** Process a queued job; safe to run again (a completed job is left alone, a half-done one resumes). */
export async function processBatchJob(services: CoreServices, jobId: string): Promise<BatchJob | null> {
  const job = await services.db.query.batchJobs.findFirst({ where: eq(batchJobs.id, jobId) });
  if (!job || job.status === "completed") return job ?? null;
  const records = job.payload ?? [];
  const results = [...(job.results ?? [])];
  const actor = systemActor(`batch job ${job.id} (${job.createdBy ?? "unknown"})`);
  await services.db.update(batchJobs).set({ status: "processing" }).where(eq(batchJobs.id, jobId));
  for (let index = results.length; index < records.length; index++) {
    const parsed = strictDeep(CreateProfileInput).safeParse(records[index]);
    if (!parsed.success) {
      results.push({ index, status: "invalid", errors: fieldErrorsFromIssues(parsed.error.issues) });
      continue;
    }
    try {
      const input = parsed.data;
      let match = await services.profiles.findByEmail(input.email);
      for (const ident of input.identities ?? []) {
        if (match) break;
        match = await services.profiles.findByIdentity(ident.handle, ident.identifier);
      }
      if (match) {
        const { identities: _i, type: _t, ...rest } = input;
        await services.profiles.update(match.id, rest, actor);
        results.push({ index, status: "updated", profile_id: match.id });
      } else {
        const created = await services.profiles.create(input, actor);
        results.push({ index, status: "created", profile_id: created.id });
      }
    } catch (err) {
      if (!isDomainError(err)) throw err;
      results.push({ index, status: "invalid", errors: err.errors ?? { record: [err.message] } });
    }
    // checkpoint every 50 records so a retried message resumes instead of starting over
    if (index % 50 === 49) await services.db.update(batchJobs).set({ results, processed: results.length }).where(eq(batchJobs.id, jobId));
  }
  const succeeded = results.filter((r) => r.status !== "invalid").length;
  const done = { status: "completed" as const, results, processed: results.length, succeeded, failed: results.length - succeeded, payload: null, completedAt: services.clock.now() };
  await services.db.update(batchJobs).set(done).where(eq(batchJobs.id, jobId));
  return { ...job, ...done };
}
