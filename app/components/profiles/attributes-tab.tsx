// Attributes: communication opt-ins per channel (with when consent last changed), appearance
// preferences, custom attributes and named dates. Admins and Managers switch opt-ins on and off.
import { useFetcher } from "@remix-run/react";
import { Badge } from "~/components/ui/badge";
import { Card } from "~/components/ui/card";
import { Switch } from "~/components/ui/switch";
import { Time } from "~/components/ui/time";
import { COMMS_CHANNELS, humanize, type CommsChannel } from "./format";
import type { ProfileActionResult, ProfileJson } from "./types";
import { errorsFor, useResultToast } from "./use-action-result";

function CommsRow({ channel, label, value, consentAt, canEdit }: { channel: CommsChannel; label: string; value: unknown; consentAt: string | null; canEdit: boolean }) {
  const fetcher = useFetcher<ProfileActionResult>();
  useResultToast(fetcher.data, undefined, true);
  // optimistic: show the submitted state until the revalidated profile arrives
  const pending = fetcher.formData?.get("value");
  const optedIn = pending !== undefined && pending !== null ? pending === "true" : value === true;
  const errors = errorsFor(fetcher.data, "comms")[channel];
  const status = value === true ? "Opted in" : value === false ? "Opted out" : "Not asked";
  return (
    <li className="flex items-center justify-between gap-4 py-3" data-testid={`comms-${channel}`} data-opted-in={value === true ? "true" : value === false ? "false" : "unset"}>
      <div className="min-w-0">
        <p className="text-sm font-medium text-slate-900" id={`comms-${channel}-label`}>
          {label}
        </p>
        <p className="text-xs text-slate-500">
          <Badge tone={value === true ? "success" : value === false ? "danger" : "neutral"} className="mr-1.5">
            {status}
          </Badge>
          {consentAt ? (
            <>
              {value === true ? "consent given " : "changed "}
              <Time value={consentAt} format="datetime" />
            </>
          ) : (
            "no consent recorded"
          )}
        </p>
        {errors ? (
          <p role="alert" className="mt-1 text-xs font-medium text-red-600" data-testid="field-error">
            {errors.join(" ")}
          </p>
        ) : null}
      </div>
      <Switch
        checked={optedIn}
        disabled={!canEdit || fetcher.state !== "idle"}
        aria-labelledby={`comms-${channel}-label`}
        data-testid={`comms-${channel}-switch`}
        onCheckedChange={(on) => fetcher.submit({ intent: "comms", channel, value: String(on) }, { method: "post" })}
      />
    </li>
  );
}

function KeyValues({ entries, empty, testId }: { entries: Array<[string, string]>; empty: string; testId: string }) {
  if (!entries.length) return <p className="text-sm text-slate-500">{empty}</p>;
  return (
    <dl className="divide-y divide-slate-100" data-testid={testId}>
      {entries.map(([k, v]) => (
        <div key={k} className="flex justify-between gap-4 py-2 text-sm">
          <dt className="text-slate-500">{humanize(k)}</dt>
          <dd className="text-right font-medium text-slate-900">{v}</dd>
        </div>
      ))}
    </dl>
  );
}

function customValue(type: string, value: unknown): string {
  if (type === "json") return JSON.stringify(value);
  if (type === "boolean") return value ? "Yes" : "No";
  return String(value ?? "");
}

export function AttributesTab({ profile, canEdit }: { profile: ProfileJson; canEdit: boolean }) {
  const comms = profile.attributes.comms;
  const consent = (comms.consent_at ?? {}) as Record<string, string>;
  const { appearance, custom, dates } = profile.attributes;
  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <Card
        title="Communication preferences"
        description={canEdit ? "Switching a channel records the time consent was given or withdrawn." : "Opt-ins per channel, with when they last changed."}
        className="lg:row-span-2"
      >
        <ul className="-my-3 divide-y divide-slate-100" data-testid="comms">
          {COMMS_CHANNELS.map((c) => (
            <CommsRow key={c.key} channel={c.key} label={c.label} value={comms[c.key]} consentAt={consent[c.key] ?? null} canEdit={canEdit} />
          ))}
        </ul>
      </Card>
      <Card title="Appearance" description="Sizes and style preferences.">
        <KeyValues entries={Object.entries(appearance)} empty="No appearance preferences recorded." testId="appearance" />
      </Card>
      <Card title="Dates" description="Named dates such as an anniversary.">
        <KeyValues
          entries={dates.map((d) => [d.relationship ? `${d.name} (${d.relationship})` : d.name, new Date(`${d.date}T00:00:00Z`).toLocaleDateString("en-AU", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" })])}
          empty="No dates recorded."
          testId="dates"
        />
      </Card>
      <Card title="Custom attributes" description="Brand-defined fields, by namespace." className="lg:col-span-2">
        {custom.length ? (
          <div className="overflow-x-auto">
            <table className="min-w-full text-sm" data-testid="custom-attributes">
              <thead>
                <tr className="text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
                  <th className="py-2 pr-4">Namespace</th>
                  <th className="py-2 pr-4">Attribute</th>
                  <th className="py-2 pr-4">Type</th>
                  <th className="py-2">Value</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {custom.map((a) => (
                  <tr key={`${a.namespace}/${a.handle}`}>
                    <td className="py-2 pr-4 font-mono text-xs text-slate-600">{a.namespace}</td>
                    <td className="py-2 pr-4 font-medium text-slate-900">{a.handle}</td>
                    <td className="py-2 pr-4 text-slate-500">{a.type}</td>
                    <td className="max-w-md truncate py-2 font-mono text-xs text-slate-800">{customValue(a.type, a.value)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="text-sm text-slate-500">No custom attributes. Integrations set them through the API under their own namespace.</p>
        )}
      </Card>
    </div>
  );
}
