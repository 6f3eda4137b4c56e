import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, useLoaderData } from "@remix-run/react";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { EmptyState, PageHeader } from "~/components/ui/card";
import { ExportLink } from "~/components/ui/export-link";
import { Input, Select } from "~/components/ui/input";
import { Pagination } from "~/components/ui/pagination";
import { Table, TBody, Td, Th, THead, Tr } from "~/components/ui/table";
import { auditFilterFrom } from "~/lib/audit-filter.server";
import { requireUser } from "~/lib/auth.server";
import { parsePage } from "../../workers/platform/pagination";

export const meta: MetaFunction = () => [{ title: "Audit log · Loyalty Edge" }];

const PAGE_SIZE = 25;

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(request, context, "audit:view");
  const url = new URL(request.url);
  const q = url.searchParams;
  let page;
  try {
    page = parsePage({ "page[number]": q.get("page") ?? undefined, "page[size]": String(PAGE_SIZE) });
  } catch {
    page = { number: 1, size: PAGE_SIZE };
  }
  const filter = auditFilterFrom(q);
  const [{ rows, total }, actions] = await Promise.all([context.services.audit.list(filter, page), context.services.audit.distinctActions()]);
  return {
    filters: { actor: q.get("actor") ?? "", action: q.get("action") ?? "", entity: q.get("entity") ?? "", from: q.get("from") ?? "", to: q.get("to") ?? "" },
    actions,
    page: page.number,
    lastPage: Math.max(1, Math.ceil(total / PAGE_SIZE)),
    total,
    rows: rows.map((r) => ({
      id: r.id,
      at: r.at.toISOString(),
      actorType: r.actorType,
      actor: r.actorLabel,
      action: r.action,
      entity: r.entityType + (r.entityId ? ` ${r.entityId.slice(0, 8)}` : ""),
      changes: JSON.stringify({ ...(r.oldValues ? { old: r.oldValues } : {}), ...(r.newValues ? { new: r.newValues } : {}) }),
      ip: r.ip,
    })),
  };
}

export default function AuditPage() {
  const { rows, filters, actions, page, lastPage, total } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every change made by a user, an API token or the system: who, what, old and new values, when and from where."
        actions={<ExportLink to="/settings/audit/export.csv" />}
      />
      <Form method="get" className="mb-4 grid gap-3 rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200 sm:grid-cols-2 lg:grid-cols-6" role="search">
        <Input name="actor" placeholder="Actor (email or token)" defaultValue={filters.actor} aria-label="Actor" className="lg:col-span-2" />
        <Select name="action" defaultValue={filters.action} aria-label="Action">
          <option value="">All actions</option>
          {actions.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </Select>
        <Input name="from" type="date" defaultValue={filters.from} aria-label="From" />
        <Input name="to" type="date" defaultValue={filters.to} aria-label="To" />
        <Button type="submit" variant="secondary">
          Filter
        </Button>
      </Form>
      {rows.length === 0 ? (
        <EmptyState title="No audit entries match">Change the filters, or make a change: it shows up here.</EmptyState>
      ) : (
        <>
          <Table data-testid="audit-table">
            <THead>
              <tr>
                <Th>When</Th>
                <Th>Actor</Th>
                <Th>Action</Th>
                <Th>Entity</Th>
                <Th>Changes</Th>
                <Th>IP</Th>
              </tr>
            </THead>
            <TBody>
              {rows.map((r) => (
                <Tr key={r.id}>
                  <Td>{new Date(r.at).toLocaleString()}</Td>
                  <Td>
                    <Badge tone={r.actorType === "system" ? "neutral" : r.actorType === "token" ? "warning" : "brand"}>{r.actorType}</Badge> {r.actor}
                  </Td>
                  <Td className="font-mono text-xs">{r.action}</Td>
                  <Td className="text-xs">{r.entity}</Td>
                  <Td className="max-w-md truncate font-mono text-xs" title={r.changes}>
                    {r.changes === "{}" ? "—" : r.changes}
                  </Td>
                  <Td className="text-xs">{r.ip ?? "—"}</Td>
                </Tr>
              ))}
            </TBody>
          </Table>
          <Pagination page={page} lastPage={lastPage} total={total} />
        </>
      )}
    </>
  );
}
