// The rate calculator: a basket (up to three lines or a total), a location, a time and profile tags in;
// the points each definition would earn out, from the same service method as POST /rates/calculate.
import { useFetcher } from "@remix-run/react";
import { FormError, InlineError } from "~/components/commerce/shared";
import { Button } from "~/components/ui/button";
import { Card } from "~/components/ui/card";
import { Field, Input, Select } from "~/components/ui/input";
import { Table, TBody, Td, Th, THead, Tr } from "~/components/ui/table";
import { formatMoney } from "~/components/profiles/format";

const ROWS = 3;

type Result =
  | { ok: true; intent: "calculate"; message: string; results: Array<{ point_definition_id: string; name: string; handle: string; rate_id: string; points: number; eligible_spend: number }> }
  | { ok: false; intent?: string; formError?: string; errors: Record<string, string[]> };

export function RateCalculator({ locations, rates }: { locations: Array<{ value: string; label: string }>; rates: Array<{ id: string; name: string }> }) {
  const fetcher = useFetcher<Result>();
  const data = fetcher.data;
  const errors = data && !data.ok ? data.errors : {};
  const rateName = (id: string) => rates.find((r) => r.id === id)?.name ?? id;
  return (
    <Card title="Rate calculator" description="What a purchase would earn now under the live rates. Nothing is recorded." className="mt-8">
      <fetcher.Form method="post" className="space-y-4" data-testid="rate-calculator">
        <input type="hidden" name="intent" value="calculate" />
        {data && !data.ok ? <FormError>{data.formError ?? "Check the basket: see the messages below."}</FormError> : null}
        <div className="grid gap-4 sm:grid-cols-3">
          <Field label="Location" errors={errors["transaction.location_id"]}>
            {(p) => (
              <Select {...p} name="location_id" defaultValue="">
                <option value="">Anywhere / online</option>
                {locations.map((l) => (
                  <option key={l.value} value={l.value}>
                    {l.label}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <Field label="When (UTC)" hint="Empty: now" errors={errors["transaction.transacted_at"]}>
            {(p) => <Input {...p} type="datetime-local" name="transacted_at" />}
          </Field>
          <Field label="Profile tags" hint="Comma separated, e.g. vip">
            {(p) => <Input {...p} name="profile_tags" />}
          </Field>
        </div>
        <div className="space-y-2">
          <div className="grid grid-cols-[5rem_8rem_1fr_1fr] gap-3 text-xs font-medium uppercase tracking-wide text-slate-500" aria-hidden>
            <span>Qty</span>
            <span>Price $</span>
            <span>Category</span>
            <span>Brand</span>
          </div>
          {Array.from({ length: ROWS }, (_, i) => (
            <div key={i} className="grid grid-cols-[5rem_8rem_1fr_1fr] gap-3">
              <Input name={`items.${i}.quantity`} aria-label={`Line ${i + 1} quantity`} placeholder="Qty" defaultValue={i === 0 ? "1" : ""} inputMode="numeric" />
              <Input name={`items.${i}.price_sell`} aria-label={`Line ${i + 1} price`} placeholder="0.00" defaultValue={i === 0 ? "100.00" : ""} inputMode="decimal" />
              <Input name={`items.${i}.category`} aria-label={`Line ${i + 1} category`} placeholder="e.g. shoes" />
              <Input name={`items.${i}.brand`} aria-label={`Line ${i + 1} brand`} placeholder="optional" />
            </div>
          ))}
          <InlineError errors={Object.entries(errors).filter(([k]) => k.startsWith("transaction.items") || k === "transaction.total").flatMap(([, v]) => v)} />
        </div>
        <div className="flex justify-end">
          <Button type="submit" variant="secondary" disabled={fetcher.state !== "idle"} data-testid="calculate">
            {fetcher.state !== "idle" ? "Calculating…" : "Calculate points"}
          </Button>
        </div>
      </fetcher.Form>
      {data?.ok ? (
        data.results.length ? (
          <Table data-testid="calculator-results" className="mt-4">
            <THead>
              <tr>
                <Th>Points definition</Th>
                <Th>Rate</Th>
                <Th>Eligible spend</Th>
                <Th>Points</Th>
              </tr>
            </THead>
            <TBody>
              {data.results.map((r) => (
                <Tr key={r.point_definition_id} data-testid="calculator-result" data-handle={r.handle}>
                  <Td>{r.name}</Td>
                  <Td>{rateName(r.rate_id)}</Td>
                  <Td>{formatMoney(r.eligible_spend)}</Td>
                  <Td className="font-semibold">{r.points.toLocaleString("en-AU")}</Td>
                </Tr>
              ))}
            </TBody>
          </Table>
        ) : (
          <p className="mt-4 text-sm text-slate-500" data-testid="calculator-empty">
            No rate applies to this basket.
          </p>
        )
      ) : null}
    </Card>
  );
}
