// The transaction list's filters: a GET form, so every filtered view is a link. Errors (an unknown
// profile, a malformed amount) are shown under their field; the reader's time zone rides along so
// "from"/"to" mean the days on their calendar (or the chosen location's).
import { Form, Link, useNavigation } from "@remix-run/react";
import { useEffect, useState } from "react";
import { Button } from "~/components/ui/button";
import { Field, Input, Select } from "~/components/ui/input";
import { STATUS_FILTERS } from "./format";
import type { LocationRef, TransactionFilterValues } from "./transactions.server";

export function TransactionFilters({
  values,
  errors,
  locations,
  zone,
  active,
}: {
  values: TransactionFilterValues;
  errors: Record<string, string[]>;
  locations: LocationRef[];
  zone: { name: string; source: "location" | "reader" | "utc" };
  active: boolean;
}) {
  const busy = useNavigation().state === "loading";
  const [tz, setTz] = useState(values.tz);
  useEffect(() => {
    try {
      setTz(Intl.DateTimeFormat().resolvedOptions().timeZone);
    } catch {
      // keep what the URL had
    }
  }, []);
  const stores = locations.filter((l) => !l.placeholder);
  const placeholders = locations.filter((l) => l.placeholder);
  // the form is keyed on the query so "Clear" and back/forward reset what the inputs show
  const key = JSON.stringify(values);

  return (
    <Form
      method="get"
      role="search"
      aria-label="Filter transactions"
      key={key}
      className="mb-5 rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200"
      data-testid="transaction-filters"
    >
      <input type="hidden" name="tz" value={tz} />
      <div className="grid gap-x-4 gap-y-3 sm:grid-cols-2 md:grid-cols-4">
        <Field label="Receipt" errors={errors.receipt}>
          {(p) => <Input {...p} name="receipt" defaultValue={values.receipt} placeholder="e.g. R10234" autoComplete="off" />}
        </Field>
        <Field label="Customer" errors={errors.profile}>
          {(p) => <Input {...p} name="profile" defaultValue={values.profile} placeholder="Email or profile id" autoComplete="off" />}
        </Field>
        <Field label="Location" errors={errors.location}>
          {(p) => (
            <Select {...p} name="location" defaultValue={values.location}>
              <option value="">All locations</option>
              {stores.map((l) => (
                <option key={l.id} value={l.id}>
                  {l.name}
                </option>
              ))}
              {placeholders.length ? (
                <optgroup label="Placeholders (from transactions)">
                  {placeholders.map((l) => (
                    <option key={l.id} value={l.id}>
                      {l.name}
                    </option>
                  ))}
                </optgroup>
              ) : null}
            </Select>
          )}
        </Field>
        <Field label="Staff id" errors={errors.staff}>
          {(p) => <Input {...p} name="staff" defaultValue={values.staff} placeholder="e.g. staff-12" autoComplete="off" />}
        </Field>
        <Field label="From" errors={errors.from}>
          {(p) => <Input {...p} name="from" type="date" defaultValue={values.from} />}
        </Field>
        <Field label="To" errors={errors.to}>
          {(p) => <Input {...p} name="to" type="date" defaultValue={values.to} />}
        </Field>
        <div className="grid grid-cols-2 gap-3">
          <Field label="Total min" errors={errors.min}>
            {(p) => <Input {...p} name="min" inputMode="decimal" defaultValue={values.min} placeholder="0.00" autoComplete="off" />}
          </Field>
          <Field label="Total max" errors={errors.max}>
            {(p) => <Input {...p} name="max" inputMode="decimal" defaultValue={values.max} placeholder="Any" autoComplete="off" />}
          </Field>
        </div>
        <Field label="Status" errors={errors.status}>
          {(p) => (
            <Select {...p} name="status" defaultValue={values.status}>
              {STATUS_FILTERS.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </Select>
          )}
        </Field>
      </div>
      <div className="mt-4 flex flex-wrap items-center justify-between gap-3 border-t border-slate-100 pt-3">
        <p className="text-xs text-slate-500" data-testid="filter-zone">
          {values.from || values.to ? (
            <>
              Days are counted in <span className="font-medium text-slate-700">{zone.name}</span>
              {zone.source === "location" ? " (the location's time zone)" : zone.source === "reader" ? " (your time zone)" : ""}. Times in the table are each
              transaction's local time.
            </>
          ) : (
            "Times are each transaction's local time, in the time zone of the till or store that recorded it."
          )}
        </p>
        <div className="flex gap-2">
          {active ? (
            <Link
              to="/transactions"
              className="inline-flex h-9 items-center rounded-md px-3 text-sm font-medium text-slate-600 hover:bg-slate-100 hover:text-slate-900"
            >
              Clear filters
            </Link>
          ) : null}
          <Button type="submit" disabled={busy}>
            {busy ? "Filtering…" : "Apply filters"}
          </Button>
        </div>
      </div>
    </Form>
  );
}
