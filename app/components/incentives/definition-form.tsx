// The definition form of every section (create and edit), rendered from fields.ts: each control shows
// its inline errors from the API schema or the service; read-only for roles without config:edit.
import { Form, useNavigation } from "@remix-run/react";
import { useId, useState } from "react";
import { FormError, InlineError } from "~/components/commerce/shared";
import { Button } from "~/components/ui/button";
import { Card } from "~/components/ui/card";
import { cn } from "~/components/ui/cn";
import { Field, Input, Select } from "~/components/ui/input";
import { Switch } from "~/components/ui/switch";
import { Textarea } from "~/components/ui/textarea";
import { DAYS, MAX_UNLOCK_ROWS, SECTION_FIELDS, type FieldSpec, type FormDefaults, type SectionKey } from "./fields";

type Option = { value: string; label: string };
export type Options = Partial<Record<NonNullable<FieldSpec["optionsFrom"]>, Option[]>>;

/** Errors of a field and everything under it ("levels", "unlocks.0.level" …). */
function errorsFor(errors: Record<string, string[]>, name: string): string[] | undefined {
  const out = Object.entries(errors)
    .filter(([k]) => k === name || k.startsWith(`${name}.`))
    .flatMap(([, v]) => v);
  return out.length ? out : undefined;
}

function SwitchControl({ spec, initial }: { spec: FieldSpec; initial: boolean }) {
  const [on, setOn] = useState(initial);
  const id = useId();
  return (
    <div className="flex items-center gap-3">
      <Switch id={id} checked={on} onCheckedChange={setOn} data-testid={`switch-${spec.name}`} />
      <label htmlFor={id} className="text-sm font-medium text-slate-700">
        {spec.label}
      </label>
      <input type="hidden" name={spec.name} value={on ? "true" : "false"} />
    </div>
  );
}

function LevelsControl({ initial, errors }: { initial: { kind: string; every?: number; thresholds?: number[] } | null; errors?: string[] }) {
  const [kind, setKind] = useState(initial?.kind ?? "thresholds");
  return (
    <div className="grid gap-4 sm:grid-cols-3">
      <Field label="Levels" errors={errors}>
        {(p) => (
          <Select {...p} name="levels.kind" value={kind} onChange={(e) => setKind(e.target.value)}>
            <option value="on_off">On / off (one level)</option>
            <option value="every">A level every N</option>
            <option value="thresholds">At listed counts</option>
          </Select>
        )}
      </Field>
      {kind === "every" ? (
        <Field label="Every (count)">{(p) => <Input {...p} name="levels.every" inputMode="numeric" defaultValue={initial?.every ?? ""} />}</Field>
      ) : null}
      {kind === "thresholds" ? (
        <Field label="Counts" hint="Strictly increasing, e.g. 1, 5, 10, 25" className="sm:col-span-2">
          {(p) => <Input {...p} name="levels.thresholds" defaultValue={initial?.thresholds?.join(", ") ?? "1, 5, 10, 25"} />}
        </Field>
      ) : null}
    </div>
  );
}

function UnlocksControl({ initial, benefits, errors }: { initial: Array<{ level: number; benefit_definition_id: string }>; benefits: Option[]; errors: Record<string, string[]> }) {
  const [rows, setRows] = useState(Math.max(1, initial.length));
  return (
    <div className="space-y-2">
      <p className="text-sm font-medium text-slate-700">Unlocks a benefit at a level</p>
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} className="flex flex-wrap items-start gap-3">
          <Input name={`unlocks.${i}.level`} aria-label={`Unlock ${i + 1} level`} placeholder="Level" inputMode="numeric" defaultValue={initial[i]?.level ?? ""} className="w-24" invalid={Boolean(errors[`unlocks.${i}.level`])} />
          <Select name={`unlocks.${i}.benefit_definition_id`} aria-label={`Unlock ${i + 1} benefit`} defaultValue={initial[i]?.benefit_definition_id ?? ""} className="w-72" invalid={Boolean(errors[`unlocks.${i}.benefit_definition_id`])}>
            <option value="">No benefit</option>
            {benefits.map((b) => (
              <option key={b.value} value={b.value}>
                {b.label}
              </option>
            ))}
          </Select>
          <div className="basis-full">
            <InlineError errors={[...(errors[`unlocks.${i}.level`] ?? []), ...(errors[`unlocks.${i}.benefit_definition_id`] ?? [])]} />
          </div>
        </div>
      ))}
      {rows < MAX_UNLOCK_ROWS ? (
        <Button size="sm" variant="ghost" onClick={() => setRows(rows + 1)}>
          Add an unlock
        </Button>
      ) : null}
      <InlineError errors={errors.unlocks} />
    </div>
  );
}

function Control({ spec, value, errors, options, mode }: { spec: FieldSpec; value: unknown; errors: Record<string, string[]>; options: Options; mode: "create" | "edit" }) {
  const fieldErrors = errorsFor(errors, spec.name);
  const wide = spec.wide ? "sm:col-span-2" : undefined;
  switch (spec.kind) {
    case "switch":
      return (
        <div className={wide}>
          <SwitchControl spec={spec} initial={Boolean(value)} />
          <InlineError errors={fieldErrors} />
        </div>
      );
    case "levels":
      return (
        <div className="sm:col-span-2">
          <LevelsControl initial={value as never} errors={fieldErrors} />
        </div>
      );
    case "unlocks":
      return (
        <div className="sm:col-span-2">
          <UnlocksControl initial={(value as never) ?? []} benefits={options.benefits ?? []} errors={errors} />
        </div>
      );
    case "days":
      return (
        <fieldset className={cn("space-y-1.5", wide)}>
          <legend className="text-sm font-medium text-slate-700">{spec.label}</legend>
          <div className="flex flex-wrap gap-3">
            {DAYS.map((d) => (
              <label key={d.value} className="inline-flex items-center gap-1.5 text-sm text-slate-700">
                <input type="checkbox" name={spec.name} value={d.value} defaultChecked={(value as string[]).includes(d.value)} className="rounded border-slate-300" />
                {d.label}
              </label>
            ))}
          </div>
          {spec.hint && !fieldErrors ? <p className="text-xs text-slate-500">{spec.hint}</p> : null}
          <InlineError errors={fieldErrors} />
        </fieldset>
      );
    case "hours": {
      const h = value as { from: string; to: string } | null;
      return (
        <Field label={spec.label} hint={spec.hint} errors={fieldErrors}>
          {(p) => (
            <div className="flex items-center gap-2">
              <Input {...p} type="time" name={`${spec.name}.from`} aria-label="From" defaultValue={h?.from ?? ""} />
              <span className="text-sm text-slate-500">to</span>
              <Input type="time" name={`${spec.name}.to`} aria-label="To" defaultValue={h?.to ?? ""} invalid={p.invalid} />
            </div>
          )}
        </Field>
      );
    }
    case "select": {
      const list = spec.options ?? (spec.optionsFrom ? options[spec.optionsFrom] : []) ?? [];
      return (
        <Field label={spec.label} hint={spec.hint} errors={fieldErrors} className={wide}>
          {(p) => (
            <Select {...p} name={spec.name} defaultValue={String(value ?? "")} disabled={spec.createOnly && mode === "edit"}>
              {spec.optionsFrom ? <option value="">Choose…</option> : null}
              {list.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </Select>
          )}
        </Field>
      );
    }
    case "textarea":
    case "json":
      return (
        <Field label={spec.label} hint={spec.hint} errors={fieldErrors} className={wide}>
          {(p) => <Textarea {...p} name={spec.name} defaultValue={String(value ?? "")} placeholder={spec.placeholder} className={spec.kind === "json" ? "font-mono text-xs" : undefined} />}
        </Field>
      );
    default:
      return (
        <Field label={spec.label} hint={spec.hint} errors={fieldErrors} className={wide}>
          {(p) => (
            <Input
              {...p}
              name={spec.name}
              defaultValue={String(value ?? "")}
              placeholder={spec.placeholder}
              inputMode={spec.kind === "number" || spec.kind === "money" ? "decimal" : undefined}
            />
          )}
        </Field>
      );
  }
}

export function DefinitionForm({
  section,
  defaults,
  options,
  errors,
  formError,
  canEdit,
  mode,
  submitLabel,
}: {
  section: SectionKey;
  defaults: FormDefaults;
  options: Options;
  errors: Record<string, string[]>;
  formError?: string;
  canEdit: boolean;
  mode: "create" | "edit";
  submitLabel: string;
}) {
  const busy = useNavigation().state === "submitting";
  return (
    <Form method="post" noValidate className="space-y-6" data-testid="definition-form">
      <input type="hidden" name="intent" value="save" />
      <FormError>{formError}</FormError>
      <fieldset disabled={!canEdit} className="[&_input:disabled]:cursor-not-allowed [&_input:disabled]:bg-slate-50 [&_select:disabled]:bg-slate-50 [&_textarea:disabled]:bg-slate-50">
        <Card>
          <div className="grid gap-5 sm:grid-cols-2">
            {SECTION_FIELDS[section].map((spec) => (
              <Control key={spec.name} spec={spec} value={defaults[spec.name]} errors={errors} options={options} mode={mode} />
            ))}
          </div>
        </Card>
      </fieldset>
      {canEdit ? (
        <div className="flex justify-end">
          <Button type="submit" disabled={busy} data-testid="definition-save">
            {busy ? "Saving…" : submitLabel}
          </Button>
        </div>
      ) : null}
    </Form>
  );
}
