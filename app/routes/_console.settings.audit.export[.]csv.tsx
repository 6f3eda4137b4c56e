// GET /settings/audit/export.csv: the audit log as filtered on the page, streamed as CSV.
import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { auditFilterFrom } from "~/lib/audit-filter.server";
import { requireUser } from "~/lib/auth.server";
import { can } from "../../workers/access/rules";

export async function loader({ request, context }: LoaderFunctionArgs) {
  // the audit log's page permission, then the export permission: one session lookup
  const { actor, user } = await requireUser(request, context, "audit:view");
  if (!can(user.role, "data:export")) throw new Response("Your role cannot export data.", { status: 403, statusText: "Forbidden" });
  return context.services.imports.exportAudit(auditFilterFrom(new URL(request.url).searchParams), actor);
}
