// The parts of a transaction's page: its customer, the line items, the spend breakdown with payments,
// the redemptions applied, and the void confirmation (a reason is required).
import { Form, Link, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Card } from "~/components/ui/card";
import { cn } from "~/components/ui/cn";
import { Dialog } from "~/components/ui/dialog";
import { Field } from "~/components/ui/input";
import { Table, TBody, Td, Th, THead, Tr } from "~/components/ui/table";
import { Textarea } from "~/components/ui/textarea";
import { money, titleCase } from "./format";
import { errorsOf, FormError, formErrorOf, Row, useResultToast, type ActionResult } from "./shared";
import { Amount } from "./transactions-table";
import type { CustomerRef, ItemRow } from "./transactions.server";

export function CustomerCard({
  customer,
  missingId,
  joined,
}: {
  customer: (CustomerRef & { type: string }) | null;
  missingId: string | null;
  joined: string | null;
}) {
  return (
    <Card title="Customer" className="h-full">
      {customer ? (
        <div className="flex items-start gap-3" data-testid="transaction-customer-card">
          <span className="grid h-10 w-10 shrink-0 place-items-center rounded-full bg-brand-100 text-sm font-semibold text-brand-700" aria-hidden>
            {customer.name.slice(0, 1).toUpperCase()}
          </span>
          <div className="min-w-0">
            <Link to={`/profiles/${customer.id}`} className="block truncate font-medium text-slate-900 hover:text-brand-700 hover:underline">
              {customer.name}
            </Link>
            <p className="truncate text-sm text-slate-500">{customer.email}</p>
            <div className="mt-2 flex flex-wrap items-center gap-2 text-xs text-slate-500">
              {customer.type !== "active" ? <Badge tone={customer.type === "deleted" ? "danger" : "warning"}>{titleCase(customer.type)}</Badge> : null}
              {joined ? <span>Member since {joined}</span> : null}
            </div>
            <Link to={`/profiles/${customer.id}?tab=transactions`} className="mt-3 inline-block text-sm font-medium text-brand-700 hover:underline">
              All of their transactions →
            </Link>
          </div>
        </div>
      ) : missingId ? (
        <p className="text-sm text-slate-600" data-testid="transaction-customer-card">
          This transaction belonged to profile <span className="font-mono text-xs">{missingId}</span>, which no longer exists.
        </p>
      ) : (
        <div className="flex items-start gap-3" data-testid="transaction-customer-card">
          <span className="grid h-10 w-10 shrink-0 place-items-center rounded-full bg-slate-100 text-sm font-semibold text-slate-400" aria-hidden>
            ?
          </span>
          <div>
            <p className="font-medium text-slate-900">Anonymous — not claimed yet</p>
            <p className="mt-1 text-sm text-slate-500">
              No member was identified at the till. When the customer shows this receipt, it can be claimed onto their profile through the API.
            </p>
          </div>
        </div>
      )}
    </Card>
  );
}

export interface TotalsJson {
  currency: string;
  subtotal: number;
  discount: number;
  tax: number;
  rounding: number;
  total: number;
  isVoid: boolean;
  payments: Array<{ method: string; amount: number; reference: string | null }>;
}

export function SpendBreakdown({ t }: { t: TotalsJson }) {
  const paid = t.payments.reduce((s, p) => s + p.amount, 0);
  return (
    <Card title="Spend breakdown" className="h-full">
      <dl className="divide-y divide-slate-100" data-testid="transaction-breakdown">
        <Row label="Subtotal">
          <Amount cents={t.subtotal} currency={t.currency} />
        </Row>
        <Row label="Discounts">
          {t.discount ? <span className="tabular-nums">{money(-t.discount, t.currency)}</span> : <span className="text-slate-400">{money(0, t.currency)}</span>}
        </Row>
        <Row label={<span title="Prices are tax inclusive: the tax is part of the total, not added to it">Tax (included)</span>}>
          <span className="font-normal text-slate-600 tabular-nums">{money(t.tax, t.currency)}</span>
        </Row>
        <Row label="Rounding">
          {t.rounding ? <Amount cents={t.rounding} currency={t.currency} /> : <span className="text-slate-400">{money(0, t.currency)}</span>}
        </Row>
        <div className="flex items-baseline justify-between gap-4 pt-3 pb-1">
          <dt className="text-sm font-semibold text-slate-900">Total</dt>
          <dd className="text-lg font-semibold text-slate-900">
            <Amount cents={t.total} currency={t.currency} isVoid={t.isVoid} testId="transaction-total" />
          </dd>
        </div>
      </dl>
      <h3 className="mt-4 text-xs font-semibold uppercase tracking-wide text-slate-500">Payments</h3>
      {t.payments.length ? (
        <ul className="mt-2 divide-y divide-slate-100 text-sm" data-testid="transaction-payments">
          {t.payments.map((p, i) => (
            <li key={i} className="flex items-baseline justify-between gap-4 py-2">
              <span className="min-w-0">
                <span className="text-slate-800">{titleCase(p.method)}</span>
                {p.reference ? <span className="ml-2 font-mono text-xs text-slate-400">{p.reference}</span> : null}
              </span>
              <Amount cents={p.amount} currency={t.currency} className="font-medium" />
            </li>
          ))}
        </ul>
      ) : (
        <p className="mt-2 text-sm text-slate-500">No payments were sent with this transaction.</p>
      )}
      {t.payments.length && paid !== t.total ? (
        <p className="mt-2 text-xs text-amber-700">
          Payments add up to {money(paid, t.currency)}, {money(Math.abs(t.total - paid), t.currency)} {paid < t.total ? "short of" : "more than"} the total.
        </p>
      ) : null}
    </Card>
  );
}

function Price({ cents, currency, muted }: { cents: number | null; currency: string; muted?: boolean }) {
  if (cents === null) return <span className="text-slate-300">—</span>;
  return <span className={cn("tabular-nums", muted && "text-slate-500")}>{money(cents, currency)}</span>;
}

export function ItemsTable({ items, currency, isVoid }: { items: ItemRow[]; currency: string; isVoid: boolean }) {
  const units = items.reduce((n, i) => n + i.quantity, 0);
  const sum = items.reduce((n, i) => n + i.lineTotal, 0);
  return (
    <Table data-testid="transaction-items">
      <THead>
        <tr>
          <Th>SKU</Th>
          <Th>Item</Th>
          <Th className="text-right">Qty</Th>
          <Th className="hidden text-right lg:table-cell">Original</Th>
          <Th className="hidden text-right lg:table-cell">Current</Th>
          <Th className="text-right">Sell</Th>
          <Th className="hidden text-right lg:table-cell">Tax</Th>
          <Th className="hidden lg:table-cell">Discounts</Th>
          <Th className="whitespace-nowrap text-right">Line total</Th>
        </tr>
      </THead>
      <TBody>
        {items.map((i) => (
          <Tr key={i.id} data-testid="transaction-item">
            <Td className="font-mono text-xs">
              {i.sku ?? <span className="font-sans text-slate-400">—</span>}
              {i.sku && !i.productId ? (
                <Link to="/configuration/products?tab=validation" className="ml-2 font-sans" title="This SKU is not in the product catalogue">
                  <Badge tone="warning">Not in catalogue</Badge>
                </Link>
              ) : null}
            </Td>
            <Td className="max-w-[18rem] truncate" title={i.name ?? undefined}>
              {i.productId ? (
                <Link to={`/configuration/products/${i.productId}`} className="text-slate-900 hover:text-brand-700 hover:underline">
                  {i.name ?? "Unnamed item"}
                </Link>
              ) : (
                <span className="text-slate-900">{i.name ?? "Unnamed item"}</span>
              )}
              {i.discounts.length ? (
                <span className="block truncate text-xs text-slate-500 lg:hidden">
                  {i.discounts.map((d) => `${d.name ?? "Discount"} ${money(d.amount, currency)}`).join(", ")}
                </span>
              ) : null}
            </Td>
            <Td className={cn("text-right tabular-nums", i.quantity < 0 && "font-medium text-red-600")} data-testid="item-quantity">
              {i.quantity}
            </Td>
            <Td className="hidden text-right lg:table-cell">
              <Price cents={i.priceOriginal} currency={currency} muted />
            </Td>
            <Td className="hidden text-right lg:table-cell">
              <Price cents={i.priceCurrent} currency={currency} muted />
            </Td>
            <Td className="text-right">
              <Price cents={i.priceSell} currency={currency} />
            </Td>
            <Td className="hidden text-right lg:table-cell">
              <Price cents={i.priceTax} currency={currency} muted />
            </Td>
            <Td className="hidden whitespace-normal lg:table-cell">
              {i.discounts.length ? (
                <ul className="space-y-0.5 text-xs">
                  {i.discounts.map((d, n) => (
                    <li key={n}>
                      <span className="text-slate-600">{d.name ?? "Discount"}</span>{" "}
                      <span className="tabular-nums text-slate-900">{money(d.amount, currency)}</span>
                    </li>
                  ))}
                </ul>
              ) : (
                <span className="text-slate-300">—</span>
              )}
            </Td>
            <Td className="text-right font-medium text-slate-900">
              <Amount cents={i.lineTotal} currency={currency} isVoid={isVoid} />
            </Td>
          </Tr>
        ))}
      </TBody>
      <tfoot className="border-t border-slate-200 bg-slate-50/60 text-sm">
        <tr>
          <td className="px-4 py-2.5 font-medium text-slate-600" colSpan={2}>
            {items.length} line{items.length === 1 ? "" : "s"}
          </td>
          <td className={cn("px-4 py-2.5 text-right font-medium tabular-nums", units < 0 ? "text-red-600" : "text-slate-900")}>{units}</td>
          <td className="hidden lg:table-cell" colSpan={2} />
          <td />
          <td className="hidden lg:table-cell" colSpan={2} />
          <td className="px-4 py-2.5 text-right font-semibold text-slate-900">
            <Amount cents={sum} currency={currency} isVoid={isVoid} />
          </td>
        </tr>
      </tfoot>
    </Table>
  );
}

export function RedemptionsCard({ redemptionId }: { redemptionId: string | null }) {
  return (
    <Card title="Redemptions applied" className="h-full">
      {redemptionId ? (
        <div data-testid="transaction-redemptions">
          <p className="text-sm text-slate-700">
            This transaction carries redemption <span className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-800">{redemptionId}</span>.
          </p>
          <p className="mt-2 text-xs text-slate-500">Its reward, amount and balance appear here once the incentive ledger is live.</p>
        </div>
      ) : (
        <p className="text-sm text-slate-500" data-testid="transaction-redemptions">
          None. No reward or points redemption was applied to this transaction. Redemptions are recorded here once incentives are live.
        </p>
      )}
    </Card>
  );
}

export function VoidDialog({ receipt, result }: { receipt: string; result: ActionResult | undefined }) {
  const [open, setOpen] = useState(false);
  const busy = useNavigation().state === "submitting";
  const errors = errorsOf(result, "void");
  const formError = formErrorOf(result, "void", (k) => k === "reason");
  useResultToast(result?.ok && result.intent === "void" ? result : undefined, () => setOpen(false));
  return (
    <Dialog
      open={open}
      onOpenChange={setOpen}
      title={`Void receipt ${receipt}?`}
      description="A voided transaction stays on record but no longer counts towards the customer's spend, visits or aggregations. A void cannot be undone."
      trigger={
        <Button variant="secondary" className="text-red-600" data-testid="void-transaction">
          Void transaction
        </Button>
      }
    >
      <Form method="post" className="space-y-4" noValidate>
        <input type="hidden" name="intent" value="void" />
        <FormError>{formError}</FormError>
        <Field label="Reason" hint="Kept with the transaction and in the audit log, e.g. “Entered twice at the till”." errors={errors.reason}>
          {(p) => <Textarea {...p} name="reason" maxLength={500} rows={3} />}
        </Field>
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={() => setOpen(false)}>
            Cancel
          </Button>
          <Button type="submit" variant="danger" disabled={busy}>
            {busy ? "Voiding…" : "Void transaction"}
          </Button>
        </div>
      </Form>
    </Dialog>
  );
}
