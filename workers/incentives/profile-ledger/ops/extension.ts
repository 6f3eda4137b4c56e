// Extending a reward or a benefit: the same rule for both.
import { expiresAt as expiryFor } from "../../rules";
import { fail, ok, type LedgerResult } from "../contract";

/**
 * Whether a reward or benefit can be extended (active, extendable, not extended before, with an
 * expiry) and its new expiry: `days` (default: its definition's period) after the current one.
 */
export function extensionOf(
  kind: "reward" | "benefit",
  row: { status: string; is_extendable: number; extended_at: number | null; expires_at: number | null; period_days: number | null },
  days: number | null | undefined,
  timezone: string,
): LedgerResult<number> {
  if (row.status !== "active") return fail("conflict", `This ${kind} is ${row.status}; only an active ${kind} can be extended`);
  if (!row.is_extendable) return fail("conflict", `This ${kind}'s definition does not allow extending it`);
  if (row.extended_at !== null) return fail("conflict", `This ${kind} has already been extended once`);
  if (row.expires_at === null) return fail("conflict", `This ${kind} never expires; there is nothing to extend`);
  const n = days ?? row.period_days;
  if (!n || !Number.isSafeInteger(n) || n < 1 || n > 3650) return fail("validation_failed", "days must be a whole number from 1 to 3650", { days: ["days must be a whole number from 1 to 3650 (the definition has no period to default to)"] });
  return ok(expiryFor({ periodDays: n }, new Date(row.expires_at), timezone)!.getTime());
}
