// The pages every definition section shares: the list (table with key fields, version and status, an
// archive button), the new page and the edit page (form, archive, recent versions). Route modules pass
// their section and render these.
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import type { ReactNode } from "react";
import { BackLink, ConfirmDelete, errorsOf, formErrorOf, useNotice, useResultToast, type ActionResult } from "~/components/commerce/shared";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { EmptyState, PageHeader } from "~/components/ui/card";
import { cn } from "~/components/ui/cn";
import { Input } from "~/components/ui/input";
import { Pagination } from "~/components/ui/pagination";
import { Table, TBody, Td, Th, THead, Tr } from "~/components/ui/table";
import { Form } from "@remix-run/react";
import { CONFIG_SECTIONS } from "~/lib/navigation";
import { DefinitionForm, type Options } from "./definition-form";
import { formDefaults, isFormField, type SectionKey } from "./fields";
import { formatMoney } from "~/components/profiles/format";

type Row = Record<string, unknown> & { id: string; name: string; handle?: string; version: number; archived_at: string | null; is_published?: boolean; is_active?: boolean };

const LABELS: Record<SectionKey, { one: string; many: string; blurb: string }> = {
  rewards: { one: "reward", many: "Rewards", blurb: CONFIG_SECTIONS.rewards.blurb },
  points: { one: "points definition", many: "Points", blurb: CONFIG_SECTIONS.points.blurb },
  rates: { one: "earn rate", many: "Earn rates", blurb: "Rules that turn spend into points; the most specific matching rate wins, ties go to the higher priority." },
  benefits: { one: "benefit", many: "Benefits", blurb: CONFIG_SECTIONS.benefits.blurb },
  tiers: { one: "tier", many: "Tiers", blurb: CONFIG_SECTIONS.tiers.blurb },
  achievements: { one: "achievement", many: "Achievements", blurb: CONFIG_SECTIONS.achievements.blurb },
};

export const BASE: Record<SectionKey, string> = {
  rewards: "/configuration/rewards",
  points: "/configuration/points",
  rates: "/configuration/points/rates",
  benefits: "/configuration/benefits",
  tiers: "/configuration/tiers",
  achievements: "/configuration/achievements",
};

const dash = <span className="text-slate-400">—</span>;
const money = (v: unknown) => (typeof v === "number" ? formatMoney(v) : dash);
const expiry = (r: Row) => (r.period !== null && r.period !== undefined ? `${r.period} days` : r.absolute_expiry ? String(r.absolute_expiry).slice(0, 10) : "Never");

function levelsText(l: { kind: string; every?: number; thresholds?: number[] }): string {
  return l.kind === "on_off" ? "On / off" : l.kind === "every" ? `Every ${l.every}` : `At ${l.thresholds?.join(", ")}`;
}

export const COLUMNS: Record<SectionKey, Array<{ label: string; cell: (r: Row) => ReactNode }>> = {
  rewards: [
    { label: "Type", cell: (r) => String(r.type).replaceAll("_", " ") },
    { label: "Value", cell: (r) => money(r.value) },
    { label: "Expiry", cell: expiry },
  ],
  points: [
    { label: "Kind", cell: (r) => String(r.kind) },
    { label: "Points per $1", cell: (r) => (r.points_per_dollar ? String(r.points_per_dollar) : dash) },
    { label: "Expiry", cell: (r) => (r.expiry_days ? `${r.expiry_days} days` : "Never") },
    { label: "Pending", cell: (r) => (r.pending_days ? `${r.pending_days} days` : "None") },
  ],
  rates: [
    { label: "Multiplier", cell: (r) => `${r.multiplier}×` },
    {
      label: "Scope",
      cell: (r) =>
        [r.location_ids ? `${(r.location_ids as string[]).length} location(s)` : null, r.days_of_week ? (r.days_of_week as string[]).join(" ") : null, r.hours ? "hours" : null, r.starts_at || r.ends_at ? "dates" : null, r.profile_condition ? "profile" : null, r.product_condition ? "products" : null]
          .filter(Boolean)
          .join(", ") || "Everywhere, always",
    },
    { label: "Priority", cell: (r) => String(r.priority) },
  ],
  benefits: [
    { label: "Redemptions", cell: (r) => String(r.max_redemptions) },
    { label: "Expiry", cell: expiry },
    { label: "Claimable", cell: (r) => (r.is_claimable ? "Yes" : "No") },
  ],
  tiers: [
    { label: "Attain", cell: (r) => String(r.value_min) },
    { label: "Keep", cell: (r) => String(r.value_maintain) },
    { label: "Rules", cell: (r) => [r.is_floor ? "floor" : null, r.credit_enabled ? "credit" : null].filter(Boolean).join(", ") || dash },
  ],
  achievements: [
    { label: "Levels", cell: (r) => levelsText(r.levels as never) },
    { label: "Counts", cell: (r) => (r.trigger === "transaction" ? "Purchases" : "Manual") },
    { label: "Visibility", cell: (r) => String(r.visibility) },
    { label: "Unlocks", cell: (r) => String((r.unlocks as unknown[]).length) },
  ],
};

export function StatusBadge({ row }: { row: Row }) {
  if (row.archived_at) return <Badge tone="danger">Archived</Badge>;
  const live = row.is_published ?? row.is_active ?? true;
  return live ? <Badge tone="success">{row.is_active !== undefined ? "Active" : "Published"}</Badge> : <Badge>{row.is_active !== undefined ? "Inactive" : "Draft"}</Badge>;
}

const linkButton = "inline-flex h-9 items-center rounded-md bg-brand-600 px-4 text-sm font-medium text-white shadow-sm hover:bg-brand-700";

/** A table of one section's definitions, with edit links and (for editors) an archive button. */
export function DefinitionTable({ section, rows, canEdit, action, extra }: { section: SectionKey; rows: Row[]; canEdit: boolean; action?: (r: Row) => string; extra?: { label: string; cell: (r: Row) => ReactNode } }) {
  const columns = extra ? [extra, ...COLUMNS[section]] : COLUMNS[section];
  return (
    <Table data-testid={`${section}-table`}>
      <THead>
        <tr>
          <Th>Name</Th>
          {columns.map((c) => (
            <Th key={c.label}>{c.label}</Th>
          ))}
          <Th>Version</Th>
          <Th>Status</Th>
          <Th className="relative text-right">
            <span className="sr-only">Actions</span>
          </Th>
        </tr>
      </THead>
      <TBody>
        {rows.map((r) => (
          <Tr key={r.id} data-testid="definition-row" data-handle={r.handle ?? r.id}>
            <Td className="max-w-[18rem]">
              <Link to={`${BASE[section]}/${r.id}`} className="block truncate font-medium text-slate-900 hover:text-brand-700 hover:underline">
                {r.name}
              </Link>
              {r.handle ? <span className="block truncate text-xs text-slate-500">{r.handle}</span> : null}
            </Td>
            {columns.map((c) => (
              <Td key={c.label}>{c.cell(r)}</Td>
            ))}
            <Td className="text-xs text-slate-500">v{r.version}</Td>
            <Td>
              <StatusBadge row={r} />
            </Td>
            <Td className="text-right">
              {canEdit && !r.archived_at ? (
                <ConfirmDelete
                  id={r.id}
                  action={action?.(r)}
                  title={`Archive ${r.name}?`}
                  description="An archived definition issues nothing new and leaves the engine; what was already issued stays valid. It is kept, with its versions."
                  trigger={
                    <Button size="sm" variant="ghost" className="text-red-600" data-testid="archive-definition">
                      Archive
                    </Button>
                  }
                  confirmLabel="Archive"
                />
              ) : null}
            </Td>
          </Tr>
        ))}
      </TBody>
    </Table>
  );
}

interface ListData {
  rows: Row[];
  canEdit: boolean;
  page: number;
  lastPage: number;
  total: number;
  q: string;
  archived: boolean;
}

const NOTICES = { created: "Created", archived: "Archived" };

export function DefinitionListPage({ section, children, before }: { section: SectionKey; children?: ReactNode; before?: ReactNode }) {
  const { rows, canEdit, page, lastPage, total, q, archived } = useLoaderData() as unknown as ListData;
  const stale = useNavigation().state === "loading";
  useNotice(NOTICES);
  const label = LABELS[section];
  return (
    <>
      <PageHeader
        title={label.many}
        description={label.blurb}
        actions={
          canEdit ? (
            <Link to={`${BASE[section]}/new`} className={linkButton} data-testid={`new-${section}`}>
              New {label.one}
            </Link>
          ) : null
        }
      />
      {before}
      <Form method="get" role="search" className="mb-4 flex flex-wrap items-center gap-3" key={`${q}|${archived}`}>
        <Input name="q" defaultValue={q} placeholder="Search by name or handle" aria-label={`Search ${label.many.toLowerCase()}`} className="w-full sm:w-72" />
        <label className="inline-flex items-center gap-2 text-sm text-slate-600">
          <input type="checkbox" name="archived" value="1" defaultChecked={archived} className="rounded border-slate-300" />
          Include archived
        </label>
        <Button type="submit" variant="secondary">
          Search
        </Button>
      </Form>
      {rows.length === 0 ? (
        <EmptyState title={`No ${label.many.toLowerCase()} yet`}>{canEdit ? `Create the first ${label.one}.` : `An Admin can create ${label.many.toLowerCase()}.`}</EmptyState>
      ) : (
        <div className={cn("transition-opacity", stale && "opacity-60")}>
          <DefinitionTable section={section} rows={rows} canEdit={canEdit} />
          <Pagination page={page} lastPage={lastPage} total={total} />
        </div>
      )}
      {children}
    </>
  );
}

function backTo(section: SectionKey): { to: string; label: string } {
  return section === "rates" ? { to: "/configuration/points", label: "Points" } : { to: BASE[section], label: LABELS[section].many };
}

export function NewDefinitionPage({ section, description }: { section: SectionKey; description?: string }) {
  const { options } = useLoaderData() as unknown as { options: Options };
  const result = useActionData() as ActionResult | undefined;
  const errors = errorsOf(result, "save");
  const back = backTo(section);
  return (
    <div className="max-w-4xl">
      <div className="mb-4">
        <BackLink to={back.to}>{back.label}</BackLink>
      </div>
      <PageHeader title={`New ${LABELS[section].one}`} description={description ?? LABELS[section].blurb} />
      <DefinitionForm
        section={section}
        defaults={formDefaults(section, null)}
        options={options}
        errors={errors}
        formError={formErrorOf(result, "save", (k) => isFormField(section, k)) ?? (Object.keys(errors).length ? "Some fields need attention: see the messages below." : undefined)}
        canEdit
        mode="create"
        submitLabel={`Create ${LABELS[section].one}`}
      />
    </div>
  );
}

interface EditData {
  definition: Row;
  versions: Array<{ version: number; changedBy: string | null; at: string }>;
  options: Options;
  canEdit: boolean;
}

export function EditDefinitionPage({ section, children }: { section: SectionKey; children?: ReactNode }) {
  const { definition, versions, options, canEdit } = useLoaderData() as unknown as EditData;
  const result = useActionData() as ActionResult | undefined;
  useResultToast(result);
  const errors = errorsOf(result, "save");
  const back = backTo(section);
  const editable = canEdit && !definition.archived_at;
  return (
    <div className="max-w-4xl">
      <div className="mb-4">
        <BackLink to={back.to}>{back.label}</BackLink>
      </div>
      <PageHeader
        title={definition.name}
        description={
          <span className="flex flex-wrap items-center gap-2">
            {definition.handle ? <span className="font-mono text-xs">{definition.handle}</span> : null}
            <span data-testid="definition-version">
              <Badge>Version {definition.version}</Badge>
            </span>
            <StatusBadge row={definition} />
          </span>
        }
        actions={
          editable ? (
            <ConfirmDelete
              id={definition.id}
              title={`Archive ${definition.name}?`}
              description="An archived definition issues nothing new and leaves the engine; what was already issued stays valid. It cannot be changed afterwards."
              trigger={
                <Button variant="secondary" className="text-red-600" data-testid="archive-definition">
                  Archive
                </Button>
              }
              confirmLabel="Archive"
            />
          ) : null
        }
      />
      {!editable ? (
        <p className="mb-6 rounded-lg bg-slate-100 px-4 py-3 text-sm text-slate-600" data-testid="read-only-notice">
          {definition.archived_at ? "This definition is archived: it is kept for the record and cannot change." : "You can view this definition; only Admins can change it."}
        </p>
      ) : null}
      <DefinitionForm
        key={`${definition.version}-${definition.updated_at}`}
        section={section}
        defaults={formDefaults(section, definition)}
        options={options}
        errors={errors}
        formError={formErrorOf(result, "save", (k) => isFormField(section, k)) ?? (Object.keys(errors).length ? "Not saved: some fields need attention, see the messages below." : undefined)}
        canEdit={editable}
        mode="edit"
        submitLabel="Save changes"
      />
      {children}
      {versions.length ? (
        <section className="mt-8" data-testid="definition-versions">
          <h2 className="mb-2 text-sm font-semibold text-slate-700">Versions</h2>
          <ul className="divide-y divide-slate-100 rounded-lg bg-white text-sm ring-1 ring-slate-200">
            {versions.map((v) => (
              <li key={v.version} className="flex justify-between px-4 py-2">
                <span>Version {v.version}</span>
                <span className="text-slate-500">
                  {v.changedBy ?? "unknown"} · {new Date(v.at).toLocaleString("en-AU")}
                </span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
