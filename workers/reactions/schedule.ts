// When an automation runs: its cron expression (given, or made from frequency and slot) read in the
// brand's time zone with croner, or a single local date. Pure: no I/O.
import { Cron } from "croner";
import { parseTimeOfDay, zonedInstant } from "../platform/time";

export interface Schedule {
  type: "date" | "scheduled";
  frequency: "daily" | "weekly" | "fortnightly" | "monthly" | null;
  slot: string | null;
  cron: string | null;
  date: string | null;
}

const DEFAULT_SLOT = "09:00";
const FORTNIGHT_MS = 14 * 86_400_000;

/** The cron expression a scheduled automation runs on: its own, or daily/weekly (Mondays)/monthly (the 1st) at its slot. */
export function cronOf(s: Schedule): string | null {
  if (s.type !== "scheduled") return null;
  if (s.cron) return s.cron.trim();
  const minutes = parseTimeOfDay(s.slot ?? DEFAULT_SLOT) ?? 9 * 60;
  const hm = `${minutes % 60} ${Math.floor(minutes / 60)}`;
  switch (s.frequency) {
    case "weekly":
    case "fortnightly":
      return `${hm} * * 1`;
    case "monthly":
      return `${hm} 1 * *`;
    default:
      return `${hm} * * *`;
  }
}

/** Why a schedule cannot run, per field, or an empty object. */
export function scheduleErrors(s: Schedule, timezone: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (s.type === "date") {
    if (!s.date) out.date = ["a date automation needs date (YYYY-MM-DD)"];
    if (s.cron) out.cron = ["cron is for scheduled automations; a date automation runs once on its date (at its slot)"];
    return out;
  }
  if (s.cron && (s.frequency || s.slot)) out.cron = ["send cron, or frequency and slot, not both"];
  if (!s.cron && !s.frequency) out.frequency = ["a scheduled automation needs frequency (daily, weekly, fortnightly, monthly) or cron"];
  if (s.cron) {
    try {
      new Cron(s.cron, { timezone, paused: true });
    } catch (err) {
      out.cron = [`the cron expression does not parse: ${err instanceof Error ? err.message : String(err)}`];
    }
  }
  return out;
}

/**
 * The next time a schedule is due strictly after `after` (a date automation: its date at its slot, if
 * that is still ahead), or null when it will not run again. Fortnightly runs every other Monday,
 * counted from the last run.
 */
export function nextRunAt(s: Schedule, after: Date, timezone: string, lastRunAt: Date | null = null): Date | null {
  if (s.type === "date") {
    if (!s.date) return null;
    const [year, month, day] = s.date.split("-").map(Number) as [number, number, number];
    const minutes = parseTimeOfDay(s.slot ?? DEFAULT_SLOT) ?? 9 * 60;
    const at = zonedInstant({ year, month, day, hour: Math.floor(minutes / 60), minute: minutes % 60, second: 0, millisecond: 0 }, timezone);
    return at.getTime() > after.getTime() ? at : null;
  }
  const expr = cronOf(s);
  if (!expr) return null;
  const cron = new Cron(expr, { timezone, paused: true });
  let next = cron.nextRun(after);
  if (s.frequency === "fortnightly" && !s.cron && lastRunAt && next) {
    while (next && next.getTime() - lastRunAt.getTime() < FORTNIGHT_MS - 86_400_000) next = cron.nextRun(next);
  }
  return next ?? null;
}
