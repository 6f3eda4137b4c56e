// Jobs on the wire: one shape for every kind of batch job (GET /jobs/{id}).
import type { z } from "@hono/zod-openapi";
import type { batchJobs } from "../../db/schema";
import type { JobResult } from "./schema";

export type BatchJobRow = typeof batchJobs.$inferSelect;
export type JobResultRow = NonNullable<BatchJobRow["results"]>[number];

/** Flatten the failed records' field errors into `{index, external_id, field, message}` rows. */
export function jobErrors(results: JobResultRow[]): Array<{ index: number; external_id: string | null; field: string; message: string }> {
  const out: Array<{ index: number; external_id: string | null; field: string; message: string }> = [];
  for (const r of results) {
    if (r.status !== "invalid" && r.status !== "failed") continue;
    const errors = r.errors && Object.keys(r.errors).length ? r.errors : { record: ["failed"] };
    for (const [field, messages] of Object.entries(errors)) {
      for (const message of messages) out.push({ index: r.index, external_id: r.external_id ?? null, field, message });
    }
  }
  return out.sort((a, b) => a.index - b.index);
}

export function serializeJob(job: BatchJobRow) {
  const results = job.results ?? [];
  return {
    id: job.id,
    type: job.kind,
    status: job.status,
    total: job.total,
    done: job.processed,
    failed: job.failed,
    processed: job.processed,
    succeeded: job.succeeded,
    errors: jobErrors(results),
    // statuses are written only by the job runners, from JobResult's list
    results: job.status === "completed" ? (results as Array<z.infer<typeof JobResult>>) : null,
    created_at: job.createdAt.toISOString(),
    completed_at: job.completedAt?.toISOString() ?? null,
  };
}
