// Details: the person's own data. Admins and Managers edit it (validated by UpdateProfileInput, with
// the service's duplicate and phone checks shown under their fields); Reporting reads it.
import { useFetcher } from "@remix-run/react";
import { useEffect, useState, type ReactNode } from "react";
import { Button } from "~/components/ui/button";
import { Card } from "~/components/ui/card";
import { Field, Input, Select } from "~/components/ui/input";
import { Time } from "~/components/ui/time";
import { formatBirthday, MONTHS } from "./format";
import type { ProfileActionResult, ProfileJson } from "./types";
import { errorsFor, formErrorFor, useResultToast } from "./use-action-result";

const GENDERS = [
  { value: "female", label: "Female" },
  { value: "male", label: "Male" },
  { value: "non-binary", label: "Non-binary" },
  { value: "other", label: "Other" },
  { value: "prefer-not-to-say", label: "Prefer not to say" },
];

function genderLabel(value: string | null): string {
  return GENDERS.find((g) => g.value === value)?.label ?? value ?? "—";
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="py-3 sm:grid sm:grid-cols-3 sm:gap-4">
      <dt className="text-sm font-medium text-slate-500">{label}</dt>
      <dd className="mt-1 text-sm text-slate-900 sm:col-span-2 sm:mt-0">{children}</dd>
    </div>
  );
}

function ReadOnlyDetails({ profile }: { profile: ProfileJson }) {
  return (
    <dl className="divide-y divide-slate-100" data-testid="profile-details">
      <Row label="First name">{profile.first_name ?? "—"}</Row>
      <Row label="Last name">{profile.last_name ?? "—"}</Row>
      <Row label="Email">{profile.email}</Row>
      <Row label="Mobile">{profile.mobile_phone ?? "—"}</Row>
      <Row label="Gender">{genderLabel(profile.gender)}</Row>
      <Row label="Birthday">{formatBirthday(profile.birth_day, profile.birth_month, profile.birth_year)}</Row>
      <Row label="Company">{profile.company ?? "—"}</Row>
      <Row label="Tags">{profile.tags.length ? profile.tags.join(", ") : "—"}</Row>
    </dl>
  );
}

function EditDetails({ profile }: { profile: ProfileJson }) {
  const fetcher = useFetcher<ProfileActionResult>();
  const errors = errorsFor(fetcher.data, "update");
  const formError = formErrorFor(fetcher.data, "update");
  const busy = fetcher.state !== "idle";
  useResultToast(fetcher.data);
  // after each successful save, once the profile has reloaded, the form starts again from the saved
  // (normalised) values, even when nothing changed; a refused save keeps what was typed
  const [saved, setSaved] = useState(0);
  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data?.ok) setSaved((n) => n + 1);
  }, [fetcher.state, fetcher.data]);
  const genderKnown = !profile.gender || GENDERS.some((g) => g.value === profile.gender);
  const other = Object.entries(errors).filter(([k]) => !["first_name", "last_name", "email", "mobile_phone", "gender", "company", "birth_day", "birth_month", "birth_year", "tags"].includes(k));

  return (
    <fetcher.Form method="post" noValidate key={`${profile.updated_at}#${saved}`} data-testid="profile-edit-form" className="space-y-5">
      <input type="hidden" name="intent" value="update" />
      {formError || other.length ? (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 ring-1 ring-red-200" data-testid="form-error">
          {formError ?? other.map(([, v]) => v.join(" ")).join(" ")}
        </p>
      ) : null}
      <div className="grid gap-5 sm:grid-cols-2">
        <Field label="First name" errors={errors.first_name}>
          {(p) => <Input {...p} name="first_name" defaultValue={profile.first_name ?? ""} autoComplete="off" />}
        </Field>
        <Field label="Last name" errors={errors.last_name}>
          {(p) => <Input {...p} name="last_name" defaultValue={profile.last_name ?? ""} autoComplete="off" />}
        </Field>
        <Field label="Email" errors={errors.email}>
          {(p) => <Input {...p} name="email" type="email" defaultValue={profile.email} autoComplete="off" />}
        </Field>
        <Field label="Mobile" hint="Any format, e.g. 0412 345 678 or +61 412 345 678; numbers without a country code are taken as local." errors={errors.mobile_phone}>
          {(p) => <Input {...p} name="mobile_phone" type="tel" defaultValue={profile.mobile_phone ?? ""} autoComplete="off" />}
        </Field>
        <Field label="Gender" errors={errors.gender}>
          {(p) => (
            <Select {...p} name="gender" defaultValue={profile.gender ?? ""}>
              <option value="">Not given</option>
              {GENDERS.map((g) => (
                <option key={g.value} value={g.value}>
                  {g.label}
                </option>
              ))}
              {genderKnown ? null : <option value={profile.gender ?? ""}>{profile.gender}</option>}
            </Select>
          )}
        </Field>
        <Field label="Company" errors={errors.company}>
          {(p) => <Input {...p} name="company" defaultValue={profile.company ?? ""} autoComplete="off" />}
        </Field>
      </div>
      <fieldset>
        <legend className="text-sm font-medium text-slate-700">Birthday</legend>
        <div className="mt-1.5 grid grid-cols-3 gap-3 sm:max-w-md">
          <Field label="Day" errors={errors.birth_day} className="[&>label]:sr-only">
            {(p) => (
              <Select {...p} name="birth_day" defaultValue={profile.birth_day ?? ""} aria-label="Birth day">
                <option value="">Day</option>
                {Array.from({ length: 31 }, (_, i) => i + 1).map((d) => (
                  <option key={d} value={d}>
                    {d}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <Field label="Month" errors={errors.birth_month} className="[&>label]:sr-only">
            {(p) => (
              <Select {...p} name="birth_month" defaultValue={profile.birth_month ?? ""} aria-label="Birth month">
                <option value="">Month</option>
                {MONTHS.map((m, i) => (
                  <option key={m} value={i + 1}>
                    {m}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <Field label="Year" errors={errors.birth_year} className="[&>label]:sr-only">
            {(p) => <Input {...p} name="birth_year" inputMode="numeric" placeholder="Year" defaultValue={profile.birth_year ?? ""} aria-label="Birth year" autoComplete="off" />}
          </Field>
        </div>
      </fieldset>
      <Field label="Tags" hint="Comma-separated, e.g. vip, wholesale" errors={errors.tags}>
        {(p) => <Input {...p} name="tags" defaultValue={profile.tags.join(", ")} autoComplete="off" />}
      </Field>
      <div className="flex flex-wrap items-center justify-between gap-3 border-t border-slate-100 pt-4">
        <p className="text-xs text-slate-500">
          Last updated <Time value={profile.updated_at} format="datetime" />
        </p>
        <div className="flex gap-2">
          <Button type="reset" variant="ghost">
            Reset
          </Button>
          <Button type="submit" disabled={busy} data-testid="profile-save">
            {busy ? "Saving…" : "Save changes"}
          </Button>
        </div>
      </div>
    </fetcher.Form>
  );
}

function Addresses({ profile }: { profile: ProfileJson }) {
  if (!profile.addresses.length) return <p className="text-sm text-slate-500">No addresses recorded. Addresses arrive with the profile through the API.</p>;
  return (
    <ul className="grid gap-3 sm:grid-cols-2">
      {profile.addresses.map((a) => {
        const line = (k: string) => (typeof a[k as keyof typeof a] === "string" ? (a[k as keyof typeof a] as string) : null);
        return (
          <li key={a.id} className="rounded-lg p-3 text-sm ring-1 ring-slate-200">
            <p className="text-xs font-semibold uppercase tracking-wide text-slate-500">
              {a.type}
              {a.is_default ? " · default" : ""}
            </p>
            <p className="mt-1 text-slate-800">{[line("address_line_1"), line("address_line_2")].filter(Boolean).join(", ") || "—"}</p>
            <p className="text-slate-600">{[line("city"), line("state"), line("postcode"), line("country")].filter(Boolean).join(" ")}</p>
          </li>
        );
      })}
    </ul>
  );
}

export function DetailsTab({ profile, canEdit }: { profile: ProfileJson; canEdit: boolean }) {
  return (
    <div className="grid gap-6 lg:grid-cols-3">
      <Card
        className="lg:col-span-2"
        title="Personal details"
        description={
          canEdit ? "Changes are audited and sent to integrations as profile.updated." : profile.type === "deleted" ? "Read-only while the profile is deleted." : "Read-only for your role."
        }
      >
        {canEdit ? <EditDetails profile={profile} /> : <ReadOnlyDetails profile={profile} />}
      </Card>
      <div className="space-y-6">
        <Card title="Record">
          <dl className="space-y-3 text-sm">
            <div>
              <dt className="text-slate-500">Profile id</dt>
              <dd className="mt-0.5 break-all font-mono text-xs text-slate-800" data-testid="profile-id">
                {profile.id}
              </dd>
            </div>
            <div className="flex justify-between gap-4">
              <dt className="text-slate-500">Joined</dt>
              <dd className="text-slate-800">
                <Time value={profile.joined_at} format="datetime" />
              </dd>
            </div>
            <div className="flex justify-between gap-4">
              <dt className="text-slate-500">Created</dt>
              <dd className="text-slate-800">
                <Time value={profile.created_at} format="datetime" />
              </dd>
            </div>
            <div className="flex justify-between gap-4">
              <dt className="text-slate-500">Currency</dt>
              <dd className="text-slate-800">{profile.currency ?? "Brand default"}</dd>
            </div>
          </dl>
        </Card>
        <Card title="Addresses">
          <Addresses profile={profile} />
        </Card>
      </div>
    </div>
  );
}
