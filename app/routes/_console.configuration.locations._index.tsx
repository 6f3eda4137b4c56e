import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { titleCase } from "~/components/commerce/format";
import { LOCATION_TYPES } from "~/components/commerce/location-form";
import { deleteLocation } from "~/components/commerce/locations.server";
import { ConfirmDelete, StatusDot, useNotice } from "~/components/commerce/shared";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { EmptyState, PageHeader } from "~/components/ui/card";
import { cn } from "~/components/ui/cn";
import { Input, Select } from "~/components/ui/input";
import { Pagination } from "~/components/ui/pagination";
import { Table, TBody, Td, Th, THead, Tr } from "~/components/ui/table";
import { requireUser } from "~/lib/auth.server";
import { invalid } from "~/lib/forms.server";
import { CONFIG_SECTIONS } from "~/lib/navigation";
import { can } from "../../workers/access/rules";
import { LOCATION_TYPES as TYPES, type LocationType } from "../../workers/commerce/schema";

export const meta: MetaFunction = () => [{ title: "Locations · Loyalty Edge" }];

const PAGE_SIZE = 25;

function pageNumber(raw: string | null): number {
  const n = raw && /^\d{1,6}$/.test(raw) ? Number(raw) : 1;
  return n >= 1 ? n : 1;
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = await requireUser(request, context, "config:view");
  const url = new URL(request.url);
  const q = (url.searchParams.get("q") ?? "").trim().slice(0, 100);
  const rawType = url.searchParams.get("type") ?? "";
  const type = (TYPES as readonly string[]).includes(rawType) ? (rawType as LocationType) : undefined;
  const page = pageNumber(url.searchParams.get("page"));
  const { rows, total } = await context.services.locations.list({ search: q || undefined, type }, { number: page, size: PAGE_SIZE });
  return {
    canEdit: can(user.role, "config:edit"),
    q,
    type: type ?? "",
    page,
    total,
    lastPage: Math.max(1, Math.ceil(total / PAGE_SIZE)),
    rows: rows.map((l) => ({
      id: l.id,
      name: l.name,
      handle: l.handle,
      type: l.type,
      externalId: l.externalId,
      timezone: l.timezone,
      city: l.address?.city ?? null,
      state: l.address?.state ?? null,
      published: l.isPublished,
      placeholder: l.isPlaceholder,
    })),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, context, "config:edit");
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  if (intent === "delete") return deleteLocation(context, actor, String(form.get("id") ?? ""));
  return invalid({ intent: ["Unknown action"] }, { intent });
}

const NOTICES = { created: "Location created", deleted: "Location deleted" };

export default function LocationsPage() {
  const { rows, q, type, page, lastPage, total, canEdit } = useLoaderData<typeof loader>();
  const stale = useNavigation().state === "loading";
  useNotice(NOTICES);
  const filtered = Boolean(q || type);
  const placeholders = rows.filter((r) => r.placeholder).length;
  return (
    <>
      <PageHeader
        title="Locations"
        description={CONFIG_SECTIONS.locations.blurb}
        actions={
          canEdit ? (
            <Link
              to="/configuration/locations/new"
              className="inline-flex h-9 items-center rounded-md bg-brand-600 px-4 text-sm font-medium text-white shadow-sm hover:bg-brand-700"
              data-testid="new-location"
            >
              New location
            </Link>
          ) : null
        }
      />
      <Form method="get" role="search" key={`${q}|${type}`} className="mb-4 flex flex-wrap items-center gap-3">
        <Input name="q" defaultValue={q} placeholder="Search by name" aria-label="Search locations by name" className="w-full sm:w-72" />
        <Select name="type" defaultValue={type} aria-label="Type" className="w-full sm:w-44">
          <option value="">All types</option>
          {LOCATION_TYPES.map((t) => (
            <option key={t.value} value={t.value}>
              {t.label}
            </option>
          ))}
        </Select>
        <Button type="submit" variant="secondary">
          Search
        </Button>
        {filtered ? (
          <Link to="/configuration/locations" className="text-sm font-medium text-slate-600 hover:text-slate-900">
            Clear
          </Link>
        ) : null}
      </Form>
      {placeholders > 0 ? (
        <p className="mb-4 rounded-lg bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-amber-200" data-testid="placeholder-notice">
          {placeholders === 1 ? "One location on this page was" : `${placeholders} locations on this page were`} created automatically because a transaction
          named a store code we did not know. {canEdit ? "Open it to give it a name, time zone and address." : "An Admin can complete it."}
        </p>
      ) : null}
      {rows.length === 0 ? (
        filtered ? (
          <EmptyState title="No locations match">Try another name or type.</EmptyState>
        ) : (
          <EmptyState
            title="No locations yet"
            action={
              canEdit ? (
                <Link to="/configuration/locations/new" className="text-sm font-medium text-brand-700 hover:underline">
                  Add the first location
                </Link>
              ) : null
            }
          >
            Add your stores, online channels and pop-ups so transactions can name them. A transaction naming an unknown store code also creates a placeholder
            here.
          </EmptyState>
        )
      ) : (
        <div className={cn("transition-opacity", stale && "opacity-60")}>
          <Table data-testid="locations-table">
            <THead>
              <tr>
                <Th>Name</Th>
                <Th className="hidden sm:table-cell">Type</Th>
                <Th className="whitespace-nowrap">External id</Th>
                <Th className="hidden whitespace-nowrap xl:table-cell">Time zone</Th>
                <Th className="hidden xl:table-cell">City</Th>
                <Th>Status</Th>
                <Th className="relative text-right">
                  <span className="sr-only">Actions</span>
                </Th>
              </tr>
            </THead>
            <TBody>
              {rows.map((l) => (
                <Tr key={l.id} data-testid="location-row" data-handle={l.handle}>
                  <Td className="max-w-[18rem]">
                    <div className="flex min-w-0 items-center gap-2">
                      <Link to={`/configuration/locations/${l.id}`} className="truncate font-medium text-slate-900 hover:text-brand-700 hover:underline">
                        {l.name}
                      </Link>
                      {l.placeholder ? (
                        <Badge tone="warning" className="shrink-0">
                          Placeholder
                        </Badge>
                      ) : null}
                    </div>
                    <span className="block truncate text-xs text-slate-500">
                      {l.handle}
                      <span className="xl:hidden">
                        {l.city ? ` · ${l.city}` : ""} · {l.timezone}
                      </span>
                    </span>
                  </Td>
                  <Td className="hidden sm:table-cell">{titleCase(l.type)}</Td>
                  <Td className="font-mono text-xs">{l.externalId ?? <span className="font-sans text-slate-400">—</span>}</Td>
                  <Td className="hidden xl:table-cell">{l.timezone}</Td>
                  <Td className="hidden xl:table-cell">{l.city ? `${l.city}${l.state ? `, ${l.state}` : ""}` : <span className="text-slate-400">—</span>}</Td>
                  <Td>
                    <StatusDot on={l.published} onLabel="Published" offLabel="Not published" />
                  </Td>
                  <Td className="text-right">
                    <div className="flex justify-end gap-1">
                      <Link
                        to={`/configuration/locations/${l.id}`}
                        className="hidden h-8 items-center rounded-md px-3 text-sm font-medium text-slate-600 hover:bg-slate-100 hover:text-slate-900 lg:inline-flex"
                      >
                        {canEdit ? "Edit" : "View"}
                      </Link>
                      {canEdit ? (
                        <ConfirmDelete
                          id={l.id}
                          title={`Delete ${l.name}?`}
                          description="Only a location no transaction names can be deleted; otherwise unpublish it. This cannot be undone."
                          trigger={
                            <Button size="sm" variant="ghost" className="text-red-600" data-testid="delete-location">
                              Delete
                            </Button>
                          }
                          confirmLabel="Delete location"
                        />
                      ) : null}
                    </div>
                  </Td>
                </Tr>
              ))}
            </TBody>
          </Table>
          <Pagination page={page} lastPage={lastPage} total={total} />
        </div>
      )}
    </>
  );
}
