// Local scripts share the local D1 (one SQLite file) with `wrangler dev`: while the worker writes (the
// start-up backfill right after `npm start`), a script's statement can fail with SQLITE_BUSY. Such a
// statement wrote nothing, so the script's step is retried with backoff, a bounded number of times.
// Pure (no Node or wrangler imports), so the workers lane tests it.

/**
 * Whether `err` (or any error in its `cause` chain: Drizzle and D1 wrap the driver's) is SQLite's "database is
 * locked". The local D1 of getPlatformProxy does not say so to JavaScript: workerd logs "database is locked:
 * SQLITE_BUSY" on stderr and the query fails with `D1_ERROR: … internal error; reference = …`, so that counts too
 * (seen when a write lock was held on the local D1 file while `npm run token` ran).
 */
export function isBusy(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    const message = e instanceof Error ? e.message : String(e);
    if (/SQLITE_BUSY|database is locked/i.test(message)) return true;
    if (/D1_ERROR\b.*\binternal error; reference = /i.test(message)) return true;
  }
  return false;
}

export interface BusyRetryOptions {
  /** tries in all, the first included (default 8) */
  attempts?: number;
  /** the first wait in ms, doubled each time up to maxDelayMs (defaults 100 and 2,000: about 8 s in all) */
  baseDelayMs?: number;
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  onRetry?: (attempt: number, delayMs: number) => void;
}

/** Runs `fn`, again after a growing pause while it fails with SQLITE_BUSY; any other error, or the last BUSY, is thrown. */
export async function retryOnBusy<T>(fn: () => Promise<T>, opts: BusyRetryOptions = {}): Promise<T> {
  const attempts = Math.max(1, opts.attempts ?? 8);
  const base = opts.baseDelayMs ?? 100;
  const max = opts.maxDelayMs ?? 2000;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= attempts || !isBusy(err)) throw err;
      const delay = Math.min(max, base * 2 ** (attempt - 1));
      opts.onRetry?.(attempt, delay);
      await sleep(delay);
    }
  }
}
