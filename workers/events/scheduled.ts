// The cron trigger: re-send outbox events a crash left unsent, and clear expired sessions,
// idempotency keys and old login attempts. Each task runs on its own: one that throws is logged and
// reported, and the tasks after it still run.
import { lt } from "drizzle-orm";
import { loginAttempts, sessions } from "../../db/schema";
import { LOGIN_WINDOW_MS } from "../access/rules";
import type { Services } from "../services";

export interface ScheduledReport {
  resentEvents: number;
  /** tier changes made by the anniversary job (the daily cron only) */
  tierChanges: number | null;
  /** automation runs started (each due automation once per scheduled time) */
  automationsStarted: number;
  /** the tasks that threw, by name (each is logged) */
  failed: string[];
}

/** The daily cron (wrangler.toml): tier anniversaries, after the brand's night. */
export const DAILY_CRON = "30 16 * * *";

export async function runScheduled(services: Services, cron?: string): Promise<ScheduledReport> {
  const now = services.clock.now();
  const failed: string[] = [];
  async function task<T>(name: string, run: () => Promise<T>, fallback: T): Promise<T> {
    try {
      return await run();
    } catch (err) {
      failed.push(name);
      console.error(`cron task ${name} failed`, err);
      return fallback;
    }
  }
  const resentEvents = await task("outbox-sweep", () => services.outbox.sweep(), 0);
  await task("housekeeping", () =>
    services.db.batch([
      services.db.delete(sessions).where(lt(sessions.expiresAt, now)),
      services.db.delete(loginAttempts).where(lt(loginAttempts.at, new Date(now.getTime() - 24 * LOGIN_WINDOW_MS))),
    ]), null);
  await task("idempotency-purge", () => services.idempotency.purgeExpired(), undefined);
  await task("ledger-backfills", () => services.ledger.kickQueuedBackfills(), undefined);
  const tierChanges = await task<number | null>("tier-maintenance", async () => {
    if (cron !== DAILY_CRON) return services.ledger.maintainDueTiers(50);
    // each run takes up to 200 due profiles; the projection moves past each anniversary, so a backlog
    // drains over the next runs (the 5-minute cron also picks up what is left)
    let changes = 0;
    for (let i = 0; i < 10; i++) {
      const n = await services.ledger.maintainDueTiers(200);
      changes += n;
      if (n === 0) break;
    }
    return changes;
  }, null);
  const automationsStarted = await task("automations", () => services.automations.startDue(), 0);
  return { resentEvents, tierChanges, automationsStarted, failed };
}
