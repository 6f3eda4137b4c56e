// The import page's server side, called by the page's script (JSON in and out, forms only as the
// console requires): validate a chunk of records without writing, submit a chunk as a batch job, read
// a job's progress. Admin only, as the page is.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/cloudflare";
import { requireUser } from "~/lib/auth.server";
import { isDomainError } from "../../workers/platform/errors";
import type { ImportKind } from "../../workers/imports/checks";
import { serializeJob } from "../../workers/imports/views";
import { IMPORT_CHUNK } from "~/components/imports/limits";

/** JSON out, always (a resource route: the page's script reads it with fetch). */
const reply = (body: Record<string, unknown>, status = 200) => Response.json(body, { status, headers: { "Cache-Control": "no-store" } });

function refused(err: unknown): Response {
  if (!isDomainError(err)) throw err;
  return reply({ ok: false, formError: err.message, errors: err.errors }, err.status);
}

function kindOf(raw: FormDataEntryValue | null): ImportKind | null {
  return raw === "profiles" || raw === "transactions" ? raw : null;
}

function recordsOf(raw: FormDataEntryValue | null): unknown[] | null {
  if (typeof raw !== "string") return null;
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) && parsed.length >= 1 && parsed.length <= IMPORT_CHUNK ? parsed : null;
  } catch {
    return null;
  }
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(request, context, "settings:view");
  const id = new URL(request.url).searchParams.get("job") ?? "";
  if (!/^[0-9a-f-]{36}$/i.test(id)) return reply({ ok: false, formError: "Name a job by its id" }, 400);
  try {
    return reply({ ok: true, job: serializeJob(await context.services.imports.job(id)) });
  } catch (err) {
    return refused(err);
  }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, context, "settings:view");
  const form = await request.formData();
  const kind = kindOf(form.get("kind"));
  const records = recordsOf(form.get("records"));
  if (!kind) return reply({ ok: false, errors: { kind: ["Choose profiles or transactions"] } }, 422);
  if (!records) return reply({ ok: false, errors: { records: [`Send between 1 and ${IMPORT_CHUNK} records as a JSON list`] } }, 422);
  const intent = form.get("intent");
  try {
    if (intent === "validate") return reply({ ok: true, errors: context.services.imports.check(kind, records) });
    if (intent === "submit") {
      const job = await context.services.imports.submit(kind, records, actor);
      return reply({ ok: true, job: serializeJob(job) });
    }
  } catch (err) {
    return refused(err);
  }
  return reply({ ok: false, errors: { intent: ['intent must be "validate" or "submit"'] } }, 400);
}
