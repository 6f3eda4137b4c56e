// Imports and exports as one service, so the console reaches them through `context.services.imports` like
// every other use case: check a chunk of records without writing, submit one as a batch job, read a job,
// stream the profiles, transactions or audit log as CSV. The work itself is in checks.ts, jobs.ts,
// transactions-batch.ts, profiles/batch.ts and exports.ts, functions of the other services.
import type { Actor } from "../access/actor";
import type { AuditFilter } from "../access/audit";
import type { TransactionFilter } from "../commerce/transactions.service";
import type { ProfileType } from "../profiles/schema";
import { createBatchJob } from "../profiles/batch";
import type { CoreServices } from "../services";
import { checkImport, type ImportKind, type RecordError } from "./checks";
import { exportAudit, exportProfiles, exportTransactions } from "./exports";
import { getJob } from "./jobs";
import { createTransactionsJob } from "./transactions-batch";
import type { BatchJobRow } from "./views";

export class ImportsService {
  /** `services`: every other service (createServices builds this one last, over them) */
  constructor(private readonly services: CoreServices) {}

  /** Each record's errors, without writing anything. */
  check(kind: ImportKind, records: unknown[]): RecordError[] {
    return checkImport(this.services, kind, records);
  }

  /** Queue the records as a batch job of their kind. */
  submit(kind: ImportKind, records: unknown[], actor: Actor): Promise<BatchJobRow> {
    return kind === "transactions" ? createTransactionsJob(this.services, records, actor) : createBatchJob(this.services, records, actor);
  }

  job(id: string): Promise<BatchJobRow> {
    return getJob(this.services, id);
  }

  exportProfiles(filter: { search?: string; type?: ProfileType | "all" }, actor: Actor): Response {
    return exportProfiles(this.services, filter, actor);
  }

  exportTransactions(filter: TransactionFilter, actor: Actor): Response {
    return exportTransactions(this.services, filter, actor);
  }

  exportAudit(filter: AuditFilter, actor: Actor): Response {
    return exportAudit(this.services, filter, actor);
  }
}
