// Transactions: the member's purchases and returns, newest first, once the transactions service is
// wired in (see the seam in routes/_console.profiles.$id.tsx); until then, and when there are none,
// the empty state says where they come from.
import { Badge } from "~/components/ui/badge";
import { EmptyState } from "~/components/ui/card";
import { Table, TBody, Td, Th, THead, Tr } from "~/components/ui/table";
import { Time } from "~/components/ui/time";
import { formatMoney } from "./format";
import type { TransactionRow } from "./types";

export function TransactionsTab({ rows, total }: { available: boolean; rows: TransactionRow[]; total: number }) {
  if (!rows.length) {
    return (
      <EmptyState title="No transactions yet">
        Transactions appear here as they are posted by a POS, a storefront or the API, newest first, with returns and voids. Each one also updates this
        member's aggregations.
      </EmptyState>
    );
  }
  return (
    <>
      <Table data-testid="transactions-table">
        <THead>
          <tr>
            <Th>Date</Th>
            <Th>Receipt</Th>
            <Th className="hidden md:table-cell">Location</Th>
            <Th className="hidden sm:table-cell text-right">Items</Th>
            <Th className="text-right">Total</Th>
            <Th>Status</Th>
          </tr>
        </THead>
        <TBody>
          {rows.map((t) => (
            <Tr key={t.id} data-testid="transaction-row">
              <Td>
                <Time value={t.transacted_at} format="datetime" />
              </Td>
              <Td className="font-mono text-xs">{t.external_id ?? "—"}</Td>
              <Td className="hidden max-w-48 truncate md:table-cell">{t.location ?? "—"}</Td>
              <Td className="hidden sm:table-cell text-right tabular-nums">{t.items ?? "—"}</Td>
              <Td className={t.total < 0 ? "text-right tabular-nums text-red-700" : "text-right tabular-nums"}>{formatMoney(t.total, t.currency)}</Td>
              <Td>{t.is_void ? <Badge tone="danger">Void</Badge> : t.total < 0 ? <Badge tone="warning">Return</Badge> : <Badge tone="success">Sale</Badge>}</Td>
            </Tr>
          ))}
        </TBody>
      </Table>
      {total > rows.length ? <p className="mt-2 text-xs text-slate-500">Showing the latest {rows.length} of {total.toLocaleString("en-AU")}.</p> : null}
    </>
  );
}
