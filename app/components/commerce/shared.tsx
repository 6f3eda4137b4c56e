// Pieces the commerce pages share: the action result shape, a form-level error banner, a back link,
// a definition row, toasts for results and one-off notices, and a delete confirmation whose refusal
// (a 409: the location is in use) is shown inside the dialog.
import { Link, useFetcher, useLocation, useNavigate } from "@remix-run/react";
import { useEffect, useState, type ReactNode } from "react";
import { Button } from "~/components/ui/button";
import { cn } from "~/components/ui/cn";
import { Dialog } from "~/components/ui/dialog";
import { useToast } from "~/components/ui/toast";

/** What the commerce actions answer: a success with its message, or the FormFailure of forms.server. */
export type ActionResult =
  | { ok: true; intent: string; message: string }
  | { ok: false; intent?: string; formError?: string; errors: Record<string, string[]>; values?: Record<string, unknown> };

export function errorsOf(result: ActionResult | undefined, intent: string): Record<string, string[]> {
  return result && !result.ok && result.intent === intent ? result.errors : {};
}

/** A failure's message that names no field, or the field errors the form has no control for. */
export function formErrorOf(result: ActionResult | undefined, intent: string, knownFields: (key: string) => boolean = () => true): string | undefined {
  if (!result || result.ok || result.intent !== intent) return undefined;
  if (result.formError) return result.formError;
  const stray = Object.entries(result.errors).filter(([k]) => !knownFields(k));
  return stray.length ? stray.map(([k, v]) => `${k}: ${v.join(" ")}`).join(" ") : undefined;
}

export function FormError({ children, className }: { children?: ReactNode; className?: string }) {
  if (!children) return null;
  return (
    <p role="alert" className={cn("rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 ring-1 ring-red-200", className)} data-testid="form-error">
      {children}
    </p>
  );
}

/** An inline error under a control that is not wrapped in <Field> (same look and test hook). */
export function InlineError({ errors, id }: { errors?: string[]; id?: string }) {
  if (!errors?.length) return null;
  return (
    <p id={id} role="alert" className="mt-1 text-xs font-medium text-red-600" data-testid="field-error">
      {errors.join(" ")}
    </p>
  );
}

export function BackLink({ to, children }: { to: string; children: ReactNode }) {
  return (
    <Link to={to} className="text-sm font-medium text-slate-500 hover:text-slate-800">
      ← {children}
    </Link>
  );
}

/** A label/value row of a definition list. */
export function Row({ label, children, testId }: { label: ReactNode; children: ReactNode; testId?: string }) {
  return (
    <div className="flex items-baseline justify-between gap-4 py-2 text-sm">
      <dt className="text-slate-500">{label}</dt>
      <dd className="min-w-0 text-right font-medium text-slate-900" data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}

/** Toast a successful action's message once per result; call onSuccess too. */
export function useResultToast(result: ActionResult | undefined, onSuccess?: () => void) {
  const toast = useToast();
  useEffect(() => {
    if (result?.ok) {
      toast({ title: result.message, tone: "success" });
      onSuccess?.();
    }
    // onSuccess is a new closure each render: the result is what changes
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [result, toast]);
}

/** A one-off message from a redirect (?notice=), shown once as a toast and then dropped from the URL. */
export function useNotice(notices: Record<string, string>) {
  const toast = useToast();
  const navigate = useNavigate();
  const location = useLocation();
  const notice = new URLSearchParams(location.search).get("notice");
  useEffect(() => {
    if (!notice) return;
    if (notices[notice]) toast({ title: notices[notice]!, tone: "success" });
    const params = new URLSearchParams(location.search);
    params.delete("notice");
    navigate({ pathname: location.pathname, search: params.size ? `?${params}` : "" }, { replace: true, preventScrollReset: true });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [notice]);
}

/**
 * "Delete …?" behind a confirmation. Posts `intent=delete` and `id` to `action` with a fetcher, so a
 * refusal (a 409 when the record is in use) is shown inside the dialog and the page stays as it is.
 */
export function ConfirmDelete({
  id,
  title,
  description,
  action,
  trigger,
  confirmLabel = "Delete",
  testId,
}: {
  id: string;
  title: string;
  description: ReactNode;
  action?: string;
  trigger: ReactNode;
  confirmLabel?: string;
  testId?: string;
}) {
  const fetcher = useFetcher<ActionResult>();
  const [open, setOpen] = useState(false);
  const toast = useToast();
  const result = fetcher.data;
  // on the result itself, not on idle: a deleted row unmounts when the list reloads
  useEffect(() => {
    if (result?.ok) {
      setOpen(false);
      toast({ title: result.message, tone: "success" });
    }
  }, [result, toast]);
  const refusal = result && !result.ok ? result.formError ?? Object.values(result.errors).flat().join(" ") : null;
  return (
    <Dialog open={open} onOpenChange={setOpen} title={title} description={description} trigger={trigger}>
      <fetcher.Form method="post" action={action} className="space-y-4" data-testid={testId}>
        <input type="hidden" name="intent" value="delete" />
        <input type="hidden" name="id" value={id} />
        {refusal ? <FormError>{refusal}</FormError> : null}
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={() => setOpen(false)}>
            Cancel
          </Button>
          <Button type="submit" variant="danger" disabled={fetcher.state !== "idle"}>
            {fetcher.state !== "idle" ? "Deleting…" : confirmLabel}
          </Button>
        </div>
      </fetcher.Form>
    </Dialog>
  );
}

/** A yes/no flag as a pill: Published / Draft, Active / Inactive. */
export function StatusDot({ on, onLabel, offLabel }: { on: boolean; onLabel: string; offLabel: string }) {
  return (
    <span className={cn("inline-flex items-center gap-1.5 text-xs font-medium", on ? "text-emerald-700" : "text-slate-500")}>
      <span className={cn("h-1.5 w-1.5 rounded-full", on ? "bg-emerald-500" : "bg-slate-300")} aria-hidden />
      {on ? onLabel : offLabel}
    </span>
  );
}
