// The cron trigger: re-send outbox events a crash left unsent, and clear expired sessions,
// idempotency keys and old login attempts.
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
}

/** The daily cron (wrangler.toml): tier anniversaries, after the brand's night. */
export const DAILY_CRON = "30 16 * * *";

export async function runScheduled(services: Services, cron?: string): Promise<ScheduledReport> {
  const now = services.clock.now();
  const resentEvents = await services.outbox.sweep();
  await services.db.batch([
    services.db.delete(sessions).where(lt(sessions.expiresAt, now)),
    services.db.delete(loginAttempts).where(lt(loginAttempts.at, new Date(now.getTime() - 24 * LOGIN_WINDOW_MS))),
  ]);
  await services.idempotency.purgeExpired();
  await services.ledger.kickQueuedBackfills();
  let tierChanges: number | null = null;
  if (cron === DAILY_CRON) {
    // each run takes up to 200 due profiles; the projection moves past each anniversary, so a backlog
    // drains over the next runs (the 5-minute cron also picks up what is left)
    tierChanges = 0;
    for (let i = 0; i < 10; i++) {
      const n = await services.ledger.maintainDueTiers(200);
      tierChanges += n;
      if (n === 0) break;
    }
  } else {
    tierChanges = await services.ledger.maintainDueTiers(50);
  }
  const automationsStarted = await services.automations.startDue();
  return { resentEvents, tierChanges, automationsStarted };
}
