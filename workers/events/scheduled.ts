// The cron trigger: re-send outbox events a crash left unsent, and clear expired sessions,
// idempotency keys and old login attempts.
import { lt } from "drizzle-orm";
import { loginAttempts, sessions } from "../../db/schema";
import { LOGIN_WINDOW_MS } from "../access/rules";
import type { Services } from "../services";

export interface ScheduledReport {
  resentEvents: number;
}

export async function runScheduled(services: Services): Promise<ScheduledReport> {
  const now = services.clock.now();
  const resentEvents = await services.outbox.sweep();
  await services.db.batch([
    services.db.delete(sessions).where(lt(sessions.expiresAt, now)),
    services.db.delete(loginAttempts).where(lt(loginAttempts.at, new Date(now.getTime() - 24 * LOGIN_WINDOW_MS))),
  ]);
  await services.idempotency.purgeExpired();
  return { resentEvents };
}
