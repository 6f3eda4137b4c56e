// The Incentives tab's write dialogs for Admins and Managers: issue a reward, award points, issue a
// benefit, progress an achievement, assign a tier, void an instance. Each posts one intent to the
// profile page's action; refusals come back per field and are shown here, a success closes the dialog,
// toasts, and the page's loaders run again.
import { useFetcher } from "@remix-run/react";
import { useState, type ReactNode } from "react";
import type { ProfileActionResult } from "~/components/profiles/types";
import { errorsFor, formErrorFor, useResultToast } from "~/components/profiles/use-action-result";
import { Button } from "~/components/ui/button";
import { Dialog } from "~/components/ui/dialog";
import { Field, Input, Select } from "~/components/ui/input";
import { Textarea } from "~/components/ui/textarea";
import type { IssueOptions } from "~/lib/incentives.server";
import { formatMoney } from "~/components/profiles/format";

type Errors = Record<string, string[]>;

/** A dialog holding one intent's form: its own fetcher, inline errors, closed and toasted on success. */
function IntentDialog({
  intent,
  title,
  description,
  trigger,
  submit,
  danger,
  testId,
  open: controlledOpen,
  onOpenChange,
  children,
}: {
  intent: string;
  title: string;
  description?: ReactNode;
  trigger?: ReactNode;
  submit: string;
  danger?: boolean;
  testId: string;
  open?: boolean;
  onOpenChange?: (open: boolean) => void;
  children: (errors: Errors) => ReactNode;
}) {
  const [ownOpen, setOwnOpen] = useState(false);
  const open = controlledOpen ?? ownOpen;
  const setOpen = onOpenChange ?? setOwnOpen;
  const fetcher = useFetcher<ProfileActionResult>();
  const errors = errorsFor(fetcher.data, intent);
  const formError = formErrorFor(fetcher.data, intent);
  useResultToast(fetcher.data, (r) => r.intent === intent && setOpen(false));
  const busy = fetcher.state !== "idle";
  return (
    <Dialog open={open} onOpenChange={setOpen} title={title} description={description} trigger={trigger}>
      {/* a new key per opening: the form starts empty and the last refusal is not shown again */}
      <fetcher.Form method="post" className="space-y-4" noValidate data-testid={`${testId}-form`} key={open ? "open" : "closed"}>
        <input type="hidden" name="intent" value={intent} />
        {children(errors)}
        {formError ? (
          <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 ring-1 ring-red-200" data-testid="form-error">
            {formError}
          </p>
        ) : null}
        <div className="flex justify-end gap-2">
          <Button variant="ghost" onClick={() => setOpen(false)}>
            Cancel
          </Button>
          <Button type="submit" variant={danger ? "danger" : "primary"} disabled={busy} data-testid={`${testId}-submit`}>
            {busy ? "Saving…" : submit}
          </Button>
        </div>
      </fetcher.Form>
    </Dialog>
  );
}

function ReasonField({ errors, required = true }: { errors: Errors; required?: boolean }) {
  return (
    <Field label={required ? "Reason" : "Reason (optional)"} hint="Kept in the ledger and the audit log beside this change" errors={errors.reason}>
      {(p) => <Textarea {...p} name="reason" rows={2} maxLength={500} />}
    </Field>
  );
}

function DefinitionSelect({ name, label, options, errors, empty }: { name: string; label: string; options: Array<{ id: string; label: string }>; errors: Errors; empty: string }) {
  return (
    <Field label={label} errors={errors[name]} hint={options.length ? undefined : empty}>
      {(p) => (
        <Select {...p} name={name} defaultValue="">
          <option value="" disabled>
            Choose…
          </option>
          {options.map((o) => (
            <option key={o.id} value={o.id}>
              {o.label}
            </option>
          ))}
        </Select>
      )}
    </Field>
  );
}

const trigger = (label: string, testId: string) => (
  <Button variant="secondary" size="sm" data-testid={testId}>
    {label}
  </Button>
);

/** The tab's row of issue buttons, each opening its dialog. */
export function IssueActions({ options }: { options: IssueOptions }) {
  return (
    <div className="flex flex-wrap gap-2" data-testid="incentive-issue-actions">
      <IntentDialog
        intent="reward-issue"
        title="Issue reward"
        description="A reward from a definition, at its value unless you give another. It expires as the definition says."
        trigger={trigger("Issue reward", "reward-issue-open")}
        submit="Issue reward"
        testId="reward-issue"
      >
        {(errors) => (
          <>
            <DefinitionSelect
              name="reward_definition_id"
              label="Reward"
              options={options.rewards.map((r) => ({ id: r.id, label: `${r.label} · ${formatMoney(r.value)}` }))}
              errors={errors}
              empty="No reward definitions yet: create one under Configuration."
            />
            <Field label="Value override ($, optional)" hint="Leave empty for the definition's value" errors={errors.value}>
              {(p) => <Input {...p} name="value" inputMode="decimal" placeholder="e.g. 15.00" autoComplete="off" />}
            </Field>
            <ReasonField errors={errors} />
          </>
        )}
      </IntentDialog>
      <IntentDialog
        intent="points-issue"
        title="Award points"
        description="A new lot of points, with the definition's pending period and expiry."
        trigger={trigger("Award points", "points-issue-open")}
        submit="Award points"
        testId="points-issue"
      >
        {(errors) => (
          <>
            <DefinitionSelect name="point_definition_id" label="Points" options={options.points} errors={errors} empty="No points definitions yet." />
            <Field label="Points" hint="A whole number greater than 0" errors={errors.value}>
              {(p) => <Input {...p} name="value" inputMode="numeric" autoComplete="off" />}
            </Field>
            <ReasonField errors={errors} />
          </>
        )}
      </IntentDialog>
      <IntentDialog intent="benefit-issue" title="Issue benefit" trigger={trigger("Issue benefit", "benefit-issue-open")} submit="Issue benefit" testId="benefit-issue">
        {(errors) => (
          <>
            <DefinitionSelect name="benefit_definition_id" label="Benefit" options={options.benefits} errors={errors} empty="No benefit definitions yet." />
            <ReasonField errors={errors} />
          </>
        )}
      </IntentDialog>
      <IntentDialog
        intent="achievement-progress"
        title="Progress achievement"
        description="Count progress toward an achievement by hand; any level it reaches unlocks its benefits."
        trigger={trigger("Progress achievement", "achievement-progress-open")}
        submit="Progress"
        testId="achievement-progress"
      >
        {(errors) => (
          <>
            <DefinitionSelect name="achievement_definition_id" label="Achievement" options={options.achievements} errors={errors} empty="No achievement definitions yet." />
            <Field label="By" hint="A whole number greater than 0" errors={errors.count}>
              {(p) => <Input {...p} name="count" inputMode="numeric" defaultValue="1" autoComplete="off" />}
            </Field>
            <ReasonField errors={errors} required={false} />
          </>
        )}
      </IntentDialog>
      <IntentDialog
        intent="tier-assign"
        title="Assign tier"
        description="Set the member's tier on a ladder by hand, or take it away. The tier's anniversary starts again today."
        trigger={trigger("Assign tier", "tier-assign-open")}
        submit="Assign tier"
        testId="tier-assign"
      >
        {(errors) => (
          <>
            <Field label="Tier" errors={errors.tier} hint={options.ladders.length ? undefined : "No tier ladders yet."}>
              {(p) => (
                <Select {...p} name="tier" defaultValue="">
                  <option value="" disabled>
                    Choose…
                  </option>
                  {options.ladders.map((l) => (
                    <optgroup key={l.id} label={l.name}>
                      {l.tiers.map((t) => (
                        <option key={t.id} value={t.id}>
                          {t.name} (from {t.value_min.toLocaleString("en-AU")})
                        </option>
                      ))}
                      <option value={`none:${l.id}`}>No tier on {l.name}</option>
                    </optgroup>
                  ))}
                </Select>
              )}
            </Field>
            <ReasonField errors={errors} />
          </>
        )}
      </IntentDialog>
    </div>
  );
}

export interface VoidTarget {
  kind: "reward" | "benefit" | "points";
  id: string;
  label: string;
}

/** The confirm step of a Void button: one dialog for the tab, opened with the row to void. */
export function VoidDialog({ target, onClose }: { target: VoidTarget | null; onClose: () => void }) {
  return (
    <IntentDialog
      intent="incentive-void"
      title={target ? `Void ${target.kind === "points" ? "points lot" : target.kind}?` : "Void"}
      description="It stays on record, marked void; whatever is left of it can no longer be used."
      submit="Void"
      danger
      testId="incentive-void"
      open={target !== null}
      onOpenChange={(o) => !o && onClose()}
    >
      {(errors) =>
        target ? (
          <>
            <input type="hidden" name="kind" value={target.kind} />
            <input type="hidden" name="instance_id" value={target.id} />
            <p className="text-sm text-slate-700">
              Void <span className="font-medium">{target.label}</span>?
            </p>
            {errors.instance_id || errors.kind ? (
              <p role="alert" className="text-xs font-medium text-red-600" data-testid="field-error">
                {[...(errors.instance_id ?? []), ...(errors.kind ?? [])].join(" ")}
              </p>
            ) : null}
            <ReasonField errors={errors} />
          </>
        ) : null
      }
    </IntentDialog>
  );
}
