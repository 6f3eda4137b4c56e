// The transaction list: who, when (in the transaction's own time zone), which receipt, where, who
// served, how many items and the total. Returns are negative and red; voided ones are struck through.
import { Link } from "@remix-run/react";
import { Badge } from "~/components/ui/badge";
import { cn } from "~/components/ui/cn";
import { Table, TBody, Td, Th, THead, Tr } from "~/components/ui/table";
import { money } from "./format";
import type { TransactionRow } from "./transactions.server";

export function Customer({ row }: { row: Pick<TransactionRow, "customer" | "missingCustomer"> }) {
  if (row.customer) {
    return (
      <div className="min-w-0 max-w-[15rem]">
        <Link
          to={`/profiles/${row.customer.id}`}
          className="block truncate font-medium text-slate-900 hover:text-brand-700 hover:underline"
          data-testid="transaction-customer"
        >
          {row.customer.name}
        </Link>
        <span className="block truncate text-xs text-slate-500">{row.customer.email}</span>
      </div>
    );
  }
  if (row.missingCustomer) {
    return (
      <span className="text-slate-500" title={`Profile ${row.missingCustomer} no longer exists`}>
        Removed profile
      </span>
    );
  }
  return (
    <span className="inline-flex items-center gap-1.5 text-slate-500" data-testid="transaction-customer">
      <span className="grid h-5 w-5 place-items-center rounded-full bg-slate-100 text-[10px] text-slate-400" aria-hidden>
        ?
      </span>
      Anonymous
    </span>
  );
}

/** Red when negative, grey and struck through when voided; otherwise the parent's colour (pass none in className). */
export function Amount({
  cents,
  currency,
  isVoid,
  className,
  testId,
}: {
  cents: number;
  currency: string;
  isVoid?: boolean;
  className?: string;
  testId?: string;
}) {
  return (
    <span
      className={cn("tabular-nums", cents < 0 && !isVoid && "text-red-600", isVoid && "text-slate-400 line-through", className)}
      data-testid={testId}
      aria-label={isVoid ? `${money(cents, currency)} (voided)` : undefined}
    >
      {money(cents, currency)}
    </span>
  );
}

export function TransactionsTable({ rows }: { rows: TransactionRow[] }) {
  return (
    <Table data-testid="transactions-table">
      <THead>
        <tr>
          <Th>Customer</Th>
          <Th>Date</Th>
          <Th>Receipt</Th>
          <Th className="hidden lg:table-cell">Location</Th>
          <Th className="hidden xl:table-cell">Staff</Th>
          <Th className="hidden sm:table-cell text-right">Items</Th>
          <Th className="text-right">Total</Th>
        </tr>
      </THead>
      <TBody>
        {rows.map((t) => (
          <Tr
            key={t.id}
            data-testid="transaction-row"
            data-receipt={t.receipt}
            data-void={t.isVoid ? "true" : undefined}
            className={t.isVoid ? "bg-slate-50/70" : undefined}
          >
            <Td className="py-2.5">
              <Customer row={t} />
            </Td>
            <Td className="py-2.5" title={t.full}>
              <span className="block text-slate-900">{t.date}</span>
              <span className="block text-xs text-slate-500">
                {t.time} <span className="text-slate-400">{t.zone}</span>
              </span>
            </Td>
            <Td className="py-2.5">
              <Link to={`/transactions/${t.id}`} className="font-mono text-xs font-medium text-brand-700 hover:underline" data-testid="transaction-link">
                {t.receipt}
              </Link>
              {t.isReturn ? (
                <Badge tone="warning" className="ml-2">
                  Return
                </Badge>
              ) : null}
              {t.location ? <span className="mt-0.5 block max-w-[12rem] truncate text-xs text-slate-500 lg:hidden">{t.location.name}</span> : null}
            </Td>
            <Td className="hidden max-w-[12rem] py-2.5 lg:table-cell">
              {t.location ? (
                <span className="flex min-w-0 items-center gap-1.5">
                  <span className="truncate">{t.location.name}</span>
                  {t.location.placeholder ? <Badge tone="warning">Placeholder</Badge> : null}
                </span>
              ) : (
                <span className="text-slate-400">—</span>
              )}
            </Td>
            <Td className="hidden py-2.5 font-mono text-xs xl:table-cell">{t.staff ?? <span className="font-sans text-slate-400">—</span>}</Td>
            <Td className="hidden py-2.5 text-right tabular-nums sm:table-cell" title={`${t.lines} line${t.lines === 1 ? "" : "s"}`}>
              <span className={t.units < 0 ? "text-red-600" : undefined}>{t.units}</span>
            </Td>
            <Td className="py-2.5 text-right">
              <div className="flex items-center justify-end gap-2 text-slate-900">
                {t.isVoid ? <Badge tone="danger">Voided</Badge> : null}
                <Amount cents={t.total} currency={t.currency} isVoid={t.isVoid} className="font-medium" testId="transaction-row-total" />
              </div>
            </Td>
          </Tr>
        ))}
      </TBody>
    </Table>
  );
}
