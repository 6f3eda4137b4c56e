// The public face of imports: what a batch submission accepts and what a job looks like on the wire.
import { z } from "@hono/zod-openapi";

/**
 * Receipts in one POST /transactions/batch. A job keeps its records in one D1 row until it completes
 * (D1 caps a row at 2 MB); the API's 1 MB body limit keeps any accepted batch well inside it.
 */
export const TRANSACTION_BATCH_MAX = 500;
export const TransactionBatchInput = z
  .object({
    transactions: z
      .array(z.unknown())
      .min(1, "transactions must not be empty")
      .max(TRANSACTION_BATCH_MAX, `A batch holds at most ${TRANSACTION_BATCH_MAX} transactions`)
      .openapi({ description: `Up to ${TRANSACTION_BATCH_MAX} transactions, each in the body shape of POST /transactions` }),
  })
  .strict()
  .openapi("TransactionBatchInput");

export const JobError = z
  .object({
    index: z.number().int().openapi({ description: "Position of the record in the submitted list, from 0" }),
    external_id: z.string().nullable().openapi({ description: "The record's external_id, when it had one" }),
    field: z.string().openapi({ description: 'The field at fault ("record" when the record as a whole failed)' }),
    message: z.string(),
  })
  .openapi("JobError");

export const JobResult = z
  .object({
    index: z.number().int(),
    status: z.enum(["created", "updated", "replayed", "invalid", "failed"]),
    external_id: z.string().nullable().optional(),
    profile_id: z.string().nullable().optional(),
    transaction_id: z.string().nullable().optional(),
    errors: z.record(z.string(), z.array(z.string())).optional(),
  })
  .openapi("JobResult");

export const JobSchema = z
  .object({
    id: z.string(),
    type: z.string().openapi({ description: '"profiles.batch" or "transactions.batch"' }),
    status: z.enum(["queued", "processing", "completed", "failed"]),
    total: z.number().int(),
    done: z.number().int().openapi({ description: "Records processed so far, failed ones included" }),
    failed: z.number().int(),
    processed: z.number().int().openapi({ description: "Same as done (kept for the profiles batch's first clients)" }),
    succeeded: z.number().int(),
    errors: z.array(JobError).openapi({ description: "One entry per failed field of each failed record" }),
    results: z.array(JobResult).nullable().openapi({ description: "Each record's outcome, once the job has completed" }),
    created_at: z.string(),
    completed_at: z.string().nullable(),
  })
  .openapi("Job");
