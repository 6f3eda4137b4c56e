import { useEffect } from "react";
import { useToast } from "~/components/ui/toast";
import type { ProfileActionResult } from "./types";

/** The field errors of a failed action, when it was this intent's. */
export function errorsFor(result: ProfileActionResult | undefined, intent: string): Record<string, string[]> {
  return result && !result.ok && result.intent === intent ? result.errors : {};
}

/** A failed action's message that belongs to no field (a conflict, a missing profile). */
export function formErrorFor(result: ProfileActionResult | undefined, intent: string): string | undefined {
  return result && !result.ok && result.intent === intent ? result.formError : undefined;
}

/**
 * Toast a successful action's message once per result; failures are shown inline by the form, except
 * those that name no field (toastFailures) when the form has nowhere to show them.
 */
export function useResultToast(result: ProfileActionResult | undefined, onSuccess?: (r: Extract<ProfileActionResult, { ok: true }>) => void, toastFailures = false) {
  const toast = useToast();
  useEffect(() => {
    if (!result) return;
    if (result.ok) {
      if (result.message) toast({ title: result.message, tone: "success" });
      onSuccess?.(result);
    } else if (toastFailures) {
      toast({ title: "Not changed", description: result.formError ?? Object.values(result.errors).flat().join(" "), tone: "error" });
    }
    // onSuccess is deliberately left out: it is a new closure each render, the result is what changes
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [result, toast]);
}
