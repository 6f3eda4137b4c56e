// Batch jobs of every kind: read one, and run one from the events queue.
import { eq } from "drizzle-orm";
import { batchJobs } from "../../db/schema";
import { DomainError } from "../platform/errors";
import { processBatchJob } from "../profiles/batch";
import type { CoreServices } from "../services";
import { pushProgress } from "./progress";
import { processTransactionsJob, TRANSACTIONS_JOB } from "./transactions-batch";
import type { BatchJobRow } from "./views";

export interface JobMessage {
  kind: "job";
  job: string;
  job_id: string;
}

export function isJobMessage(body: unknown): body is JobMessage {
  return !!body && typeof body === "object" && (body as JobMessage).kind === "job" && typeof (body as JobMessage).job_id === "string";
}

export async function getJob(services: CoreServices, id: string): Promise<BatchJobRow> {
  const job = await services.db.query.batchJobs.findFirst({ where: eq(batchJobs.id, id) });
  if (!job) throw new DomainError("not_found", `No job with id ${id}`);
  return job;
}

/** Run a queued job (a redelivered message resumes it; a completed one is left alone). */
export async function processJob(services: CoreServices, jobId: string): Promise<BatchJobRow | null> {
  const job = await services.db.query.batchJobs.findFirst({ where: eq(batchJobs.id, jobId) });
  if (!job) return null;
  if (job.kind === TRANSACTIONS_JOB) return processTransactionsJob(services, job);
  const done = await processBatchJob(services, jobId);
  // a profiles batch pushes its end (its progress in between is read from GET /jobs/{id})
  if (done) await pushProgress(services, done);
  return done;
}
