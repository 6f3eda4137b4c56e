// Settings → Imports: upload profiles or transactions as CSV, map columns to fields with a preview,
// validate every row before anything is written, then import as batch jobs with a progress bar (fed by the
// live channel: components/imports/live-progress.ts) and a downloadable report of the rows that failed. The file is parsed in the browser as a stream
// (papaparse); records go to the server in chunks of 500.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { useLoaderData } from "@remix-run/react";
import { useMemo, useState } from "react";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Card, PageHeader } from "~/components/ui/card";
import { Field, Select } from "~/components/ui/input";
import { Table, TBody, Td, Th, THead, Tr } from "~/components/ui/table";
import { buildRecords, errorReport, guessMapping, headerProblems, IMPORT_FIELDS, missingFields, type ImportKind, type Mapping } from "~/components/imports/mapping";
import { IMPORT_CHUNK, IMPORT_MAX_BYTES } from "~/components/imports/limits";
import { JobFollower } from "~/components/imports/live-progress";
import { requireUser } from "~/lib/auth.server";

export const meta: MetaFunction = () => [{ title: "Imports · Loyalty Edge" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(request, context, "settings:view");
  return { chunk: IMPORT_CHUNK };
}

type Phase = "choose" | "mapped" | "validating" | "validated" | "importing" | "done";
interface JobState {
  id: string;
  total: number;
  done: number;
  failed: number;
  status: string;
}
interface ServerError {
  index: number;
  field: string;
  message: string;
}

interface ServerJob extends JobState {
  errors: ServerError[];
}
interface Reply {
  ok?: boolean;
  formError?: string;
  errors?: unknown;
  job?: ServerJob;
}

/** Call the import endpoint; a refusal becomes an Error with the server's words. */
async function call(url: string, body?: Record<string, string>): Promise<{ errors: ServerError[]; job?: ServerJob }> {
  const res = await fetch(url, { method: body ? "POST" : "GET", body: body ? new URLSearchParams(body) : undefined, headers: { Accept: "application/json" } });
  const json = (await res.json().catch(() => null)) as Reply | null;
  if (!res.ok || !json?.ok) {
    const fields = json?.errors && !Array.isArray(json.errors) ? Object.entries(json.errors as Record<string, string[]>).map(([f, m]) => `${f}: ${m.join(" ")}`) : [];
    throw new Error(json?.formError ?? (fields.join("; ") || `The server answered ${res.status}`));
  }
  return { errors: Array.isArray(json.errors) ? (json.errors as ServerError[]) : [], job: json.job };
}
const post = (body: Record<string, string>) => call("/settings/imports/run", body);

export default function ImportsPage() {
  useLoaderData<typeof loader>();
  const [kind, setKind] = useState<ImportKind>("transactions");
  const [phase, setPhase] = useState<Phase>("choose");
  const [fileError, setFileError] = useState<string[]>([]);
  const [fileName, setFileName] = useState("");
  const [headers, setHeaders] = useState<string[]>([]);
  const [rows, setRows] = useState<Array<Record<string, string>>>([]);
  const rowCount = rows.length;
  const [mapping, setMapping] = useState<Mapping>({});
  const [rowErrors, setRowErrors] = useState<Map<number, string[]>>(new Map());
  const [jobs, setJobs] = useState<JobState[]>([]);
  const [runError, setRunError] = useState("");

  const built = useMemo(() => (phase === "choose" ? null : buildRecords(kind, rows, mapping)), [kind, mapping, phase, rows]);
  const missing = missingFields(kind, mapping);
  const progress = jobs.reduce((a, j) => ({ total: a.total + j.total, done: a.done + j.done, failed: a.failed + j.failed }), { total: 0, done: 0, failed: 0 });

  function reset(nextKind = kind) {
    setKind(nextKind);
    setPhase("choose");
    setHeaders([]);
    setRows([]);
    setRowErrors(new Map());
    setJobs([]);
    setRunError("");
    setFileError([]);
    setFileName("");
  }

  async function onFile(file: File | undefined) {
    reset();
    if (!file) return;
    setFileName(file.name);
    if (file.size > IMPORT_MAX_BYTES) return setFileError([`The file is ${(file.size / 1024 / 1024).toFixed(1)} MB; the limit is ${IMPORT_MAX_BYTES / 1024 / 1024} MB. Split it.`]);
    const Papa = (await import("papaparse")).default;
    const collected: Array<Record<string, string>> = [];
    let fields: string[] = [];
    let renamed: Record<string, string> | undefined;
    const problems: string[] = [];
    await new Promise<void>((resolve) => {
      Papa.parse<Record<string, string>>(file, {
        header: true,
        skipEmptyLines: "greedy",
        step: (result) => {
          if (!fields.length) {
            fields = result.meta.fields ?? [];
            renamed = (result.meta as { renamedHeaders?: Record<string, string> }).renamedHeaders;
          }
          for (const e of result.errors) if (problems.length < 5) problems.push(`Row ${e.row ?? "?"}: ${e.message}`);
          collected.push(result.data);
        },
        complete: () => resolve(),
        error: (err) => {
          problems.push(err.message);
          resolve();
        },
      });
    });
    // papaparse renames a repeated header ("email" → "email_1"); a file with one is refused, not guessed at
    const repeated = Object.values(renamed ?? {}).map((h) => `The header "${h}" appears more than once`);
    const issues = [...headerProblems(fields), ...repeated, ...problems, ...(collected.length ? [] : ["The file has no rows under its header."])];
    if (issues.length) return setFileError(issues);
    setRows(collected);
    setHeaders(fields);
    setMapping(guessMapping(kind, fields));
    setPhase("mapped");
  }

  function chunks(): Array<{ offset: number; records: unknown[] }> {
    const out: Array<{ offset: number; records: unknown[] }> = [];
    const records = built?.records ?? [];
    for (let i = 0; i < records.length; i += IMPORT_CHUNK) out.push({ offset: i, records: records.slice(i, i + IMPORT_CHUNK) });
    return out;
  }

  /** Server errors by record index → by source row, for the table and the report. */
  function toRowErrors(errors: Array<ServerError & { offset: number }>, into = new Map<number, string[]>()) {
    for (const e of errors) for (const row of built!.rowsOf[e.offset + e.index] ?? []) into.set(row, [...(into.get(row) ?? []), `${e.field}: ${e.message}`]);
    return into;
  }

  async function validate() {
    setPhase("validating");
    setRunError("");
    try {
      const found: Array<ServerError & { offset: number }> = [];
      for (const c of chunks()) {
        const res = await post({ intent: "validate", kind, records: JSON.stringify(c.records) });
        for (const e of res.errors) found.push({ ...e, offset: c.offset });
      }
      setRowErrors(toRowErrors(found));
      setPhase("validated");
    } catch (err) {
      setRunError((err as Error).message);
      setPhase("mapped");
    }
  }

  async function runImport() {
    setPhase("importing");
    setRunError("");
    const bad = new Set(rowErrors.keys());
    // only records none of whose rows failed validation are sent
    const recordIndexes = built!.records.map((_, i) => i).filter((i) => !built!.rowsOf[i].some((r) => bad.has(r)));
    const started: Array<JobState & { indexes: number[] }> = [];
    // opened before the first submit, so no message about these jobs is missed
    const follower = new JobFollower((p) => {
      const job = started.find((j) => j.id === p.id);
      if (!job || job.status === "completed") return;
      Object.assign(job, { done: p.done, failed: p.failed, status: p.status, total: p.total });
      setJobs(started.map((j) => ({ ...j })));
    });
    try {
      for (let i = 0; i < recordIndexes.length; i += IMPORT_CHUNK) {
        const indexes = recordIndexes.slice(i, i + IMPORT_CHUNK);
        const res = await post({ intent: "submit", kind, records: JSON.stringify(indexes.map((x) => built!.records[x])) });
        started.push({ ...res.job!, indexes });
        setJobs(started.map((j) => ({ ...j })));
      }
      // follow each job to its end: its progress arrives over the live channel; the server is read when the
      // channel says it completed (for the rows that failed) or has been silent for a while
      const errors = new Map(rowErrors);
      for (const job of started) {
        for (;;) {
          const polled = (await call(`/settings/imports/run?job=${job.id}`)).job!;
          Object.assign(job, { done: polled.done, failed: polled.failed, status: polled.status, total: polled.total });
          setJobs(started.map((j) => ({ ...j })));
          if (polled.status === "completed") {
            for (const e of polled.errors) {
              for (const row of built!.rowsOf[job.indexes[e.index]] ?? []) errors.set(row, [...(errors.get(row) ?? []), `${e.field}: ${e.message}`]);
            }
            break;
          }
          await follower.completedOrAfter(job.id);
        }
      }
      setRowErrors(errors);
      setPhase("done");
    } catch (err) {
      setRunError((err as Error).message);
      setPhase("validated");
    } finally {
      follower.close();
    }
  }

  function downloadReport() {
    const blob = new Blob([errorReport(headers, rows, rowErrors)], { type: "text/csv;charset=utf-8" });
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = `${fileName.replace(/\.csv$/i, "") || "import"}-errors.csv`;
    a.click();
    URL.revokeObjectURL(a.href);
  }

  const failedRows = rowErrors.size;
  const pct = progress.total ? Math.round((progress.done / progress.total) * 100) : 0;
  return (
    <>
      <PageHeader title="Imports" description="Bring members and purchase history in from a CSV file: map its columns, check every row, then import with progress and a report of what failed." />
      <div className="space-y-6">
        <Card title="1. File">
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="What the file holds">
              {(p) => (
                <Select {...p} value={kind} onChange={(e) => reset(e.target.value as ImportKind)} data-testid="import-kind" disabled={phase === "importing"}>
                  <option value="transactions">Transactions (one row per item line; lines of a receipt share its number)</option>
                  <option value="profiles">Profiles (one row per member)</option>
                </Select>
              )}
            </Field>
            <Field label="CSV file" errors={fileError.length ? fileError : undefined} hint={`UTF-8 CSV with a header row, up to ${IMPORT_MAX_BYTES / 1024 / 1024} MB.`}>
              {(p) => <input {...p} type="file" accept=".csv,text/csv" data-testid="import-file" disabled={phase === "importing"} onChange={(e) => onFile(e.target.files?.[0])} className="block w-full text-sm" />}
            </Field>
          </div>
        </Card>

        {phase !== "choose" && built ? (
          <Card title="2. Columns" description={`${rowCount} rows, ${built.records.length} ${kind === "transactions" ? "receipts" : "profiles"}. Map each field to a column of the file.`}>
            <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
              {IMPORT_FIELDS[kind].map((f) => (
                <Field key={f.key} label={`${f.label}${f.required ? " *" : ""}`} errors={missing.some((m) => m.key === f.key) ? ["Required: choose its column"] : undefined}>
                  {(p) => (
                    <Select {...p} value={mapping[f.key] ?? ""} data-testid={`map-${f.key}`} disabled={phase === "importing" || phase === "done"} onChange={(e) => {
                      setMapping({ ...mapping, [f.key]: e.target.value });
                      setRowErrors(new Map());
                      setPhase("mapped");
                    }}>
                      <option value="">(not imported)</option>
                      {headers.map((h) => (
                        <option key={h} value={h}>
                          {h}
                        </option>
                      ))}
                    </Select>
                  )}
                </Field>
              ))}
            </div>
            <h3 className="mt-6 mb-2 text-sm font-medium text-slate-700">Preview of the first records</h3>
            <pre className="max-h-64 overflow-auto rounded-md bg-slate-50 p-3 text-xs text-slate-700" data-testid="import-preview">
              {JSON.stringify(built.records.slice(0, 3), null, 2)}
            </pre>
          </Card>
        ) : null}

        {phase !== "choose" ? (
          <Card title="3. Check and import">
            {runError ? (
              <p role="alert" className="mb-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 ring-1 ring-red-200" data-testid="import-error">
                {runError}
              </p>
            ) : null}
            <div className="flex flex-wrap items-center gap-3">
              <Button onClick={validate} disabled={missing.length > 0 || phase === "validating" || phase === "importing"} variant="secondary" data-testid="import-validate">
                {phase === "validating" ? "Checking…" : "Check every row"}
              </Button>
              <Button onClick={runImport} disabled={phase !== "validated" || failedRows === rowCount} data-testid="import-run">
                {failedRows ? `Import the ${rowCount - failedRows} good rows` : "Import"}
              </Button>
              {phase === "validated" || phase === "done" ? (
                <span className="text-sm text-slate-600" data-testid="import-summary">
                  {failedRows ? <Badge tone="danger">{failedRows} rows with errors</Badge> : <Badge tone="success">No errors found</Badge>}
                </span>
              ) : null}
              {failedRows && (phase === "validated" || phase === "done") ? (
                <Button variant="ghost" onClick={downloadReport} data-testid="import-report">
                  Download the error report
                </Button>
              ) : null}
            </div>
            {jobs.length ? (
              <div className="mt-5">
                <div className="mb-1 flex justify-between text-sm text-slate-600">
                  <span>{phase === "done" ? "Finished" : "Importing…"}</span>
                  <span data-testid="import-progress-text">
                    {progress.done} of {progress.total} records{progress.failed ? `, ${progress.failed} failed` : ""}
                  </span>
                </div>
                <div className="h-2 overflow-hidden rounded-full bg-slate-100" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} data-testid="import-progress">
                  <div className="h-full bg-brand-600 transition-all" style={{ width: `${pct}%` }} />
                </div>
              </div>
            ) : null}
            {failedRows ? (
              <div className="mt-5">
                <Table>
                  <THead>
                    <Tr>
                      <Th>Row</Th>
                      <Th>Errors</Th>
                    </Tr>
                  </THead>
                  <TBody>
                    {[...rowErrors.entries()].slice(0, 20).map(([row, messages]) => (
                      <Tr key={row}>
                        <Td>{row + 2}</Td>
                        <Td className="text-red-700">{messages.join("; ")}</Td>
                      </Tr>
                    ))}
                  </TBody>
                </Table>
                {failedRows > 20 ? <p className="mt-2 text-xs text-slate-500">The first 20 of {failedRows}; the report has them all.</p> : null}
              </div>
            ) : null}
          </Card>
        ) : null}
      </div>
    </>
  );
}
