// GET /settings/audit/export.csv: the audit log as filtered on the page, streamed as CSV.
import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { auditFilterFrom } from "~/lib/audit-filter.server";
import { requireUser } from "~/lib/auth.server";
import { exportAudit } from "../../workers/imports/exports";

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(request, context, "audit:view");
  const { actor } = await requireUser(request, context, "data:export");
  return exportAudit(context.services, auditFilterFrom(new URL(request.url).searchParams), actor);
}
