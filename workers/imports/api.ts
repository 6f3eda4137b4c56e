// API routes of imports: the transactions batch and the job any batch is polled through.
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { requireAnyScope, requireScope } from "../access/guards";
import { hasScope } from "../access/rules";
import { IdempotencyHeader, IdParam, json, notFoundResponse, ok, problemResponses, single } from "../platform/api-schemas";
import { DomainError } from "../platform/errors";
import type { AppEnv } from "../api-env";
import { getJob } from "./jobs";
import { JobSchema, TransactionBatchInput } from "./schema";
import { createTransactionsJob, TRANSACTIONS_JOB } from "./transactions-batch";
import { serializeJob } from "./views";

const tags = ["Imports"];

export function registerImportRoutes(api: OpenAPIHono<AppEnv>) {
  api.openapi(
    createRoute({
      method: "post",
      path: "/transactions/batch",
      tags,
      summary: "Record up to 500 transactions in the background, in date order; poll the job",
      description:
        "Each record takes the body of POST /transactions. Records that fail its checks are reported in the job at once (by index, external_id, field) and the rest are recorded; each is idempotent by its external_id, so resubmitting a batch creates nothing twice.",
      middleware: [requireScope("transactions:write")] as const,
      request: { headers: IdempotencyHeader, body: json(TransactionBatchInput) },
      responses: { 202: ok(single(JobSchema), "Accepted"), ...problemResponses },
    }),
    async (c) => {
      const job = await createTransactionsJob(c.get("services"), c.req.valid("json").transactions, c.get("auth").actor);
      c.header("Location", `/api/v3/jobs/${job.id}`);
      return c.json({ data: serializeJob(job) }, 202);
    },
  );

  api.openapi(
    createRoute({
      method: "get",
      path: "/jobs/{id}",
      tags,
      summary: "A batch job's progress (total, done, failed), its per-record errors and, when completed, each record's outcome",
      description: "Needs the read scope of what the job writes: transactions:read for a transactions batch, profiles:read for a profiles batch.",
      middleware: [requireAnyScope(["transactions:read", "profiles:read"])] as const,
      request: { params: IdParam },
      responses: { 200: ok(single(JobSchema), "The job"), ...problemResponses, ...notFoundResponse },
    }),
    async (c) => {
      const job = await getJob(c.get("services"), c.req.valid("param").id);
      const scope = job.kind === TRANSACTIONS_JOB ? "transactions:read" : "profiles:read";
      if (!hasScope(c.get("auth").token.scopes, scope)) throw new DomainError("forbidden", `This token lacks the "${scope}" scope`);
      return c.json({ data: serializeJob(job) }, 200);
    },
  );
}
