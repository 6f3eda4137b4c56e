import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { inZone, titleCase } from "~/components/commerce/format";
import { BackLink } from "~/components/commerce/shared";
import { CustomerCard, ItemsTable, RedemptionsCard, SpendBreakdown, VoidDialog } from "~/components/commerce/transaction-detail";
import { customerRef, itemRow } from "~/components/commerce/transactions.server";
import { Badge } from "~/components/ui/badge";
import { Card } from "~/components/ui/card";
import { requireUser } from "~/lib/auth.server";
import { failure, invalid, parseWith } from "~/lib/forms.server";
import { can } from "../../workers/access/rules";
import { VoidInput } from "../../workers/commerce/schema";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data ? `Receipt ${data.t.receipt}` : "Transaction"} · Loyalty Edge` }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { user } = await requireUser(request, context, "transactions:view");
  const { services } = context;
  const t = await services.transactions.find(params.id ?? "");
  if (!t) throw new Response("Not found", { status: 404 });
  const originalReceipt = typeof t.meta?.original_external_id === "string" ? t.meta.original_external_id : null;
  const [profile, location, original] = await Promise.all([
    t.profileId ? services.profiles.find(t.profileId) : undefined,
    t.locationId ? services.locations.find(t.locationId) : undefined,
    originalReceipt ? services.transactions.findByExternalId(originalReceipt) : undefined,
  ]);
  const tz = t.timezone ?? location?.timezone ?? null;
  const when = inZone(t.transactedAt, tz);
  const units = t.items.reduce((n, i) => n + i.quantity, 0);
  const { meta: extra } = t;
  return {
    canVoid: can(user.role, "profiles:edit"),
    t: {
      id: t.id,
      receipt: t.externalId,
      when,
      timezone: tz,
      timezoneGiven: Boolean(t.timezone),
      staff: t.staffId,
      channel: t.channel,
      currency: t.currency,
      subtotal: t.subtotal,
      discount: t.discount,
      tax: t.tax,
      rounding: t.rounding,
      total: t.total,
      payments: (t.payments ?? []).map((p) => ({ method: p.method, amount: p.amount, reference: p.reference ?? null })),
      redemptionId: t.redemptionId,
      tags: t.tags ?? [],
      meta: extra ? Object.entries(extra).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)] as [string, string]) : [],
      isVoid: t.isVoid,
      isReturn: t.total < 0 || (units < 0 && t.total <= 0),
      voided: t.isVoid ? { at: t.voidedAt ? inZone(t.voidedAt, tz) : null, reason: t.voidReason } : null,
      recordedAt: inZone(t.createdAt, tz),
      items: t.items.map(itemRow),
    },
    customer: profile
      ? {
          ...customerRef(profile),
          type: profile.type,
          joined: profile.joinedAt.toLocaleDateString("en-AU", { day: "numeric", month: "short", year: "numeric", timeZone: tz ?? "UTC" }),
        }
      : null,
    missingCustomer: t.profileId && !profile ? t.profileId : null,
    location: location
      ? { id: location.id, name: location.name, type: location.type, placeholder: location.isPlaceholder, externalId: location.externalId }
      : null,
    missingLocation: t.locationId && !location ? t.locationId : null,
    original: original ? { id: original.id, receipt: original.externalId } : originalReceipt ? { id: null, receipt: originalReceipt } : null,
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, context, "profiles:edit");
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  try {
    if (intent === "void") {
      const parsed = parseWith(VoidInput, { reason: form.get("reason") ?? "" });
      if (!parsed.ok) return invalid(parsed.errors, { intent });
      const voided = await context.services.receipts.void(params.id ?? "", parsed.data.reason, actor);
      return { ok: true as const, intent, message: `Receipt ${voided.externalId} is voided` };
    }
    return invalid({ intent: ["Unknown action"] }, { intent });
  } catch (err) {
    return failure(err, { intent });
  }
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="mt-1 truncate text-sm font-medium text-slate-900">{children}</dd>
    </div>
  );
}

export default function TransactionPage() {
  const { t, customer, missingCustomer, location, missingLocation, original, canVoid } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <>
      <div className="mb-6">
        <BackLink to="/transactions">Transactions</BackLink>
        <div className="mt-3 flex flex-wrap items-start justify-between gap-4">
          <div className="min-w-0">
            <div className="flex flex-wrap items-center gap-2">
              <h1 className="text-2xl font-semibold tracking-tight text-slate-900" data-testid="transaction-receipt">
                Receipt <span className="font-mono">{t.receipt}</span>
              </h1>
              {t.isReturn ? <Badge tone="warning">Return</Badge> : <Badge tone="success">Sale</Badge>}
              {t.isVoid ? (
                <Badge tone="danger" className="uppercase">
                  Voided
                </Badge>
              ) : null}
            </div>
            {original ? (
              <p className="mt-1 text-sm text-slate-500">
                Return against receipt{" "}
                {original.id ? (
                  <Link to={`/transactions/${original.id}`} className="font-mono font-medium text-brand-700 hover:underline">
                    {original.receipt}
                  </Link>
                ) : (
                  <span className="font-mono">{original.receipt}</span>
                )}
              </p>
            ) : null}
          </div>
          {canVoid && !t.isVoid ? <VoidDialog receipt={t.receipt} result={result} /> : null}
        </div>
        <dl
          className="mt-5 grid grid-cols-2 gap-x-6 gap-y-4 rounded-xl bg-white px-5 py-4 shadow-sm ring-1 ring-slate-200 lg:grid-cols-4"
          data-testid="transaction-facts"
        >
          <Fact label="Date">
            <span title={t.when.full}>
              {t.when.date}, {t.when.time} <span className="font-normal text-slate-500">{t.when.zone}</span>
            </span>
          </Fact>
          <Fact label="Location">
            {location ? (
              <span className="flex min-w-0 items-center gap-1.5">
                <Link to={`/configuration/locations/${location.id}`} className="truncate hover:text-brand-700 hover:underline">
                  {location.name}
                </Link>
                {location.placeholder ? <Badge tone="warning">Placeholder</Badge> : null}
              </span>
            ) : missingLocation ? (
              <span className="font-normal text-slate-500">Removed location</span>
            ) : (
              <span className="font-normal text-slate-400">Not given</span>
            )}
          </Fact>
          <Fact label="Staff">
            {t.staff ? <span className="font-mono text-xs">{t.staff}</span> : <span className="font-normal text-slate-400">Not given</span>}
          </Fact>
          <Fact label="Channel">{t.channel ? titleCase(t.channel) : <span className="font-normal text-slate-400">Not given</span>}</Fact>
        </dl>
        {t.voided ? (
          <div className="mt-4 rounded-xl bg-red-50 px-5 py-4 text-sm text-red-800 ring-1 ring-red-200" role="status" data-testid="void-banner">
            <p className="font-semibold">Voided{t.voided.at ? ` on ${t.voided.at.date} at ${t.voided.at.time} ${t.voided.at.zone}` : ""}</p>
            <p className="mt-1">
              <span className="text-red-700">Reason:</span> <span data-testid="void-reason">{t.voided.reason ?? "No reason recorded"}</span>
            </p>
            <p className="mt-1 text-xs text-red-700">Kept for the record; it no longer counts towards the customer's spend or aggregations.</p>
          </div>
        ) : null}
      </div>

      <div className="grid gap-6 md:grid-cols-2 lg:grid-cols-3">
        <CustomerCard customer={customer} missingId={missingCustomer} joined={customer?.joined ?? null} />
        <SpendBreakdown t={t} />
        <div className="md:col-span-2 lg:col-span-1">
          <RedemptionsCard redemptionId={t.redemptionId} />
        </div>
      </div>

      <section className="mt-8" aria-labelledby="items-heading">
        <div className="mb-3 flex items-baseline justify-between gap-4">
          <h2 id="items-heading" className="text-base font-semibold text-slate-900">
            Line items
          </h2>
          <p className="text-xs text-slate-500">Prices per unit, tax included; returned items have negative quantities.</p>
        </div>
        <ItemsTable items={t.items} currency={t.currency} isVoid={t.isVoid} />
      </section>

      <Card title="Record" className="mt-8" description="How this transaction reached Loyalty Edge.">
        <dl className="grid gap-x-8 gap-y-4 text-sm sm:grid-cols-2 lg:grid-cols-3">
          <div>
            <dt className="text-slate-500">Transaction id</dt>
            <dd className="mt-0.5 break-all font-mono text-xs text-slate-800">{t.id}</dd>
          </div>
          <div>
            <dt className="text-slate-500">Recorded</dt>
            <dd className="mt-0.5 text-slate-800" title={t.recordedAt.full}>
              {t.recordedAt.date}, {t.recordedAt.time} {t.recordedAt.zone}
            </dd>
          </div>
          <div>
            <dt className="text-slate-500">Time zone</dt>
            <dd className="mt-0.5 text-slate-800">
              {t.timezone ?? "UTC"}
              {!t.timezoneGiven ? <span className="text-slate-500"> {t.timezone ? "(the location's)" : "(none given)"}</span> : null}
            </dd>
          </div>
          <div>
            <dt className="text-slate-500">Currency</dt>
            <dd className="mt-0.5 text-slate-800">{t.currency}</dd>
          </div>
          <div>
            <dt className="text-slate-500">Tags</dt>
            <dd className="mt-1 flex flex-wrap gap-1">
              {t.tags.length ? t.tags.map((tag) => <Badge key={tag}>{tag}</Badge>) : <span className="text-slate-400">None</span>}
            </dd>
          </div>
          {location?.externalId ? (
            <div>
              <dt className="text-slate-500">Location external id</dt>
              <dd className="mt-0.5 font-mono text-xs text-slate-800">{location.externalId}</dd>
            </div>
          ) : null}
          {t.meta.map(([k, v]) => (
            <div key={k}>
              <dt className="text-slate-500">
                <span className="font-mono text-xs">meta.{k}</span>
              </dt>
              <dd className="mt-0.5 break-all text-slate-800">{v}</dd>
            </div>
          ))}
        </dl>
      </Card>
    </>
  );
}
