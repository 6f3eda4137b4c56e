// The location form (create and edit): identity, time zone, address, contact, opening hours per
// weekday and publishing. Errors come back per field from LocationInput and the service; a day's
// hours are edited as intervals (a split shift is a second interval).
import { Form, useNavigation } from "@remix-run/react";
import { useId, useMemo, useState, type ReactNode } from "react";
import { Button } from "~/components/ui/button";
import { Card } from "~/components/ui/card";
import { cn } from "~/components/ui/cn";
import { Field, Input, Select } from "~/components/ui/input";
import { Switch } from "~/components/ui/switch";
import type { LocationJson } from "./locations.server";
import { FormError, InlineError } from "./shared";

export const LOCATION_TYPES = [
  { value: "store", label: "Store" },
  { value: "online", label: "Online" },
  { value: "popup", label: "Pop-up" },
  { value: "warehouse", label: "Warehouse" },
  { value: "other", label: "Other" },
] as const;

const DAYS = [
  { key: "mon", label: "Monday" },
  { key: "tue", label: "Tuesday" },
  { key: "wed", label: "Wednesday" },
  { key: "thu", label: "Thursday" },
  { key: "fri", label: "Friday" },
  { key: "sat", label: "Saturday" },
  { key: "sun", label: "Sunday" },
] as const;

const KNOWN = new Set([
  "name",
  "handle",
  "type",
  "external_id",
  "timezone",
  "phone",
  "email",
  "is_published",
  "address",
  "opening_hours",
  "address.address_line_1",
  "address.address_line_2",
  "address.city",
  "address.state",
  "address.postcode",
  "address.country",
]);
/** Field errors this form shows next to a control (everything else goes to the banner). */
export function isLocationField(key: string): boolean {
  return KNOWN.has(key) || key.startsWith("opening_hours.");
}

function Section({ title, description, children }: { title: string; description: string; children: ReactNode }) {
  return (
    <Card title={title} description={description}>
      {children}
    </Card>
  );
}

function ZoneSelect({ zones, value, ...p }: { zones: string[]; value: string; id: string; invalid: boolean; "aria-describedby"?: string }) {
  const groups = useMemo(() => {
    const out = new Map<string, string[]>();
    for (const z of zones) {
      const region = z.includes("/") ? z.slice(0, z.indexOf("/")) : "Other";
      out.set(region, [...(out.get(region) ?? []), z]);
    }
    return [...out.entries()];
  }, [zones]);
  return (
    <Select {...p} name="timezone" defaultValue={value}>
      {groups.map(([region, list]) => (
        <optgroup key={region} label={region}>
          {list.map((z) => (
            <option key={z} value={z}>
              {z.replaceAll("_", " ")}
            </option>
          ))}
        </optgroup>
      ))}
    </Select>
  );
}

interface Interval {
  key: number;
  from: string;
  to: string;
}
type Week = Record<string, { open: boolean; intervals: Interval[] }>;

let nextKey = 1;
function initialWeek(hours: LocationJson["opening_hours"]): Week {
  const week: Week = {};
  for (const { key } of DAYS) {
    const given = hours?.[key] ?? [];
    week[key] = {
      open: given.length > 0,
      intervals: given.length
        ? given.map(([from, to]) => ({ key: nextKey++, from: from ?? "", to: to ?? "" }))
        : [{ key: nextKey++, from: "09:00", to: "17:00" }],
    };
  }
  return week;
}

function OpeningHours({ hours, errors, disabled }: { hours: LocationJson["opening_hours"]; errors: Record<string, string[]>; disabled: boolean }) {
  const [week, setWeek] = useState<Week>(() => initialWeek(hours));
  const base = useId();
  const update = (day: string, change: (d: Week[string]) => Week[string]) => setWeek((w) => ({ ...w, [day]: change(w[day]!) }));
  const topError = errors.opening_hours;
  return (
    <div data-testid="opening-hours">
      <InlineError errors={topError} />
      <ul className="divide-y divide-slate-100">
        {DAYS.map(({ key, label }) => {
          const day = week[key]!;
          const dayErrors = [...(errors[`opening_hours.${key}`] ?? []), ...day.intervals.flatMap((_, i) => errors[`opening_hours.${key}.${i}`] ?? [])];
          const labelId = `${base}-${key}`;
          return (
            <li key={key} className="grid gap-2 py-3 sm:grid-cols-[9rem_1fr] sm:items-start" data-testid={`hours-${key}`}>
              <div className="flex items-center gap-3 sm:pt-1.5">
                <Switch
                  checked={day.open}
                  onCheckedChange={(open) => update(key, (d) => ({ ...d, open }))}
                  aria-labelledby={labelId}
                  disabled={disabled}
                  data-testid={`hours-${key}-open`}
                />
                <span id={labelId} className="text-sm font-medium text-slate-700">
                  {label}
                </span>
                {day.open ? <input type="hidden" name={`hours.${key}.open`} value="on" /> : null}
              </div>
              <div>
                {day.open ? (
                  <div className="space-y-2">
                    {day.intervals.map((iv, i) => {
                      const bad = Boolean(errors[`opening_hours.${key}.${i}`] || errors[`opening_hours.${key}`]);
                      return (
                        <div key={iv.key} className="flex flex-wrap items-center gap-2">
                          <div className="w-32">
                            <Input
                              type="time"
                              name={`hours.${key}.${i}.from`}
                              value={iv.from}
                              onChange={(e) =>
                                update(key, (d) => ({ ...d, intervals: d.intervals.map((x) => (x.key === iv.key ? { ...x, from: e.target.value } : x)) }))
                              }
                              aria-label={`${label} opens`}
                              invalid={bad}
                              disabled={disabled}
                            />
                          </div>
                          <span className="text-sm text-slate-400">to</span>
                          <div className="w-32">
                            <Input
                              type="time"
                              name={`hours.${key}.${i}.to`}
                              value={iv.to}
                              onChange={(e) =>
                                update(key, (d) => ({ ...d, intervals: d.intervals.map((x) => (x.key === iv.key ? { ...x, to: e.target.value } : x)) }))
                              }
                              aria-label={`${label} closes`}
                              invalid={bad}
                              disabled={disabled}
                            />
                          </div>
                          {day.intervals.length > 1 && !disabled ? (
                            <Button
                              size="sm"
                              variant="ghost"
                              aria-label={`Remove ${label} interval ${i + 1}`}
                              onClick={() => update(key, (d) => ({ ...d, intervals: d.intervals.filter((x) => x.key !== iv.key) }))}
                            >
                              Remove
                            </Button>
                          ) : null}
                          {i === day.intervals.length - 1 && day.intervals.length < 4 && !disabled ? (
                            <Button
                              size="sm"
                              variant="ghost"
                              className="text-brand-700"
                              onClick={() => update(key, (d) => ({ ...d, intervals: [...d.intervals, { key: nextKey++, from: "", to: "" }] }))}
                            >
                              + Add hours
                            </Button>
                          ) : null}
                        </div>
                      );
                    })}
                  </div>
                ) : (
                  <p className="text-sm text-slate-400 sm:pt-1.5">Closed</p>
                )}
                <InlineError errors={dayErrors.length ? dayErrors : undefined} />
              </div>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

export function LocationForm({
  location,
  zones,
  defaultZone,
  errors,
  formError,
  canEdit,
  submitLabel,
}: {
  location: LocationJson | null;
  zones: string[];
  defaultZone: string;
  errors: Record<string, string[]>;
  formError?: string;
  canEdit: boolean;
  submitLabel: string;
}) {
  const busy = useNavigation().state === "submitting";
  const [published, setPublished] = useState(location?.is_published ?? true);
  const a = location?.address ?? {};
  const publishedId = useId();
  return (
    <Form method="post" noValidate className="space-y-6" data-testid="location-form">
      <input type="hidden" name="intent" value="save" />
      <FormError>{formError}</FormError>
      <fieldset
        disabled={!canEdit}
        className="space-y-6 [&_input:disabled]:cursor-not-allowed [&_input:disabled]:bg-slate-50 [&_input:disabled]:text-slate-600 [&_select:disabled]:cursor-not-allowed [&_select:disabled]:bg-slate-50 [&_select:disabled]:text-slate-600"
      >
        <Section title="Location" description="How staff, receipts and integrations name this location.">
          <div className="grid gap-5 sm:grid-cols-2">
            <Field label="Name" errors={errors.name}>
              {(p) => <Input {...p} name="name" defaultValue={location?.name ?? ""} autoComplete="off" />}
            </Field>
            <Field label="Type" errors={errors.type}>
              {(p) => (
                <Select {...p} name="type" defaultValue={location?.type ?? "store"}>
                  {LOCATION_TYPES.map((t) => (
                    <option key={t.value} value={t.value}>
                      {t.label}
                    </option>
                  ))}
                  {location && !LOCATION_TYPES.some((t) => t.value === location.type) ? <option value={location.type}>{location.type}</option> : null}
                </Select>
              )}
            </Field>
            <Field
              label="Handle"
              hint={location ? "Used in URLs and exports; letters, digits, '-', '_' and '.'" : "Leave empty to derive it from the name"}
              errors={errors.handle}
            >
              {(p) => (
                <Input {...p} name="handle" defaultValue={location?.handle ?? ""} placeholder={location ? undefined : "e.g. sydney-cbd"} autoComplete="off" />
              )}
            </Field>
            <Field label="External id" hint="The store code your POS or storefront sends on transactions (location_id)" errors={errors.external_id}>
              {(p) => (
                <Input {...p} name="external_id" defaultValue={location?.external_id ?? ""} placeholder="e.g. S001" autoComplete="off" className="font-mono" />
              )}
            </Field>
            <Field
              label="Time zone"
              hint="Receipts without a zone take this one, so their day is the store's day"
              errors={errors.timezone}
              className="sm:col-span-2"
            >
              {(p) => <ZoneSelect {...p} zones={zones} value={location?.timezone ?? defaultZone} />}
            </Field>
          </div>
        </Section>

        <Section title="Address and contact" description="Shown to members in apps and emails when the location is published.">
          <div className="grid gap-5 sm:grid-cols-2">
            <Field label="Address line 1" errors={errors["address.address_line_1"]}>
              {(p) => <Input {...p} name="address_line_1" defaultValue={a.address_line_1 ?? ""} autoComplete="off" />}
            </Field>
            <Field label="Address line 2" errors={errors["address.address_line_2"]}>
              {(p) => <Input {...p} name="address_line_2" defaultValue={a.address_line_2 ?? ""} autoComplete="off" />}
            </Field>
            <Field label="City" errors={errors["address.city"]}>
              {(p) => <Input {...p} name="city" defaultValue={a.city ?? ""} autoComplete="off" />}
            </Field>
            <div className="grid grid-cols-3 gap-3">
              <Field label="State" errors={errors["address.state"]}>
                {(p) => <Input {...p} name="state" defaultValue={a.state ?? ""} autoComplete="off" />}
              </Field>
              <Field label="Postcode" errors={errors["address.postcode"]}>
                {(p) => <Input {...p} name="postcode" defaultValue={a.postcode ?? ""} autoComplete="off" />}
              </Field>
              <Field label="Country" errors={errors["address.country"]}>
                {(p) => <Input {...p} name="country" defaultValue={a.country ?? ""} placeholder="AU" maxLength={2} autoComplete="off" className="uppercase" />}
              </Field>
            </div>
            <Field label="Phone" errors={errors.phone}>
              {(p) => <Input {...p} name="phone" type="tel" defaultValue={location?.phone ?? ""} autoComplete="off" />}
            </Field>
            <Field label="Email" errors={errors.email}>
              {(p) => <Input {...p} name="email" type="email" defaultValue={location?.email ?? ""} autoComplete="off" />}
            </Field>
            <InlineError errors={errors.address} />
          </div>
        </Section>

        <Section title="Opening hours" description="Per weekday, in the location's time zone. Switch a day off when the location is closed.">
          <OpeningHours hours={location?.opening_hours ?? null} errors={errors} disabled={!canEdit} />
        </Section>

        <Section
          title="Publishing"
          description="Published locations are offered to members (store pickers, preferred store); drafts are kept for reporting only."
        >
          <div className="flex items-center gap-3">
            <Switch id={publishedId} checked={published} onCheckedChange={setPublished} data-testid="location-published" />
            <label htmlFor={publishedId} className="text-sm font-medium text-slate-700">
              {published ? "Published" : "Not published"}
            </label>
            <input type="hidden" name="is_published" value={published ? "true" : "false"} />
          </div>
          <InlineError errors={errors.is_published} />
        </Section>
      </fieldset>
      {canEdit ? (
        <div
          className={cn(
            "sticky bottom-0 -mx-4 flex justify-end gap-2 border-t border-slate-200 bg-slate-50/95 px-4 py-3 backdrop-blur sm:mx-0 sm:rounded-b-xl",
          )}
        >
          <Button type="submit" disabled={busy} data-testid="location-save">
            {busy ? "Saving…" : submitLabel}
          </Button>
        </div>
      ) : null}
    </Form>
  );
}
