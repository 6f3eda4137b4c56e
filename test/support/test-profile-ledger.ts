// The ProfileLedger the workers lane runs (test/support/worker.ts binds PROFILE_LEDGER to it): the
// production class plus two seams set through runInDurableObject, so alarms, expiry and flush failures
// can be exercised without waiting and without test-only code in the production class.
import { ProfileLedger } from "../../workers/incentives/profile-ledger/ledger.do";

export class TestProfileLedger extends ProfileLedger {
  /** The next N flushes (of a ledger that has a profile) fail before writing anything. */
  flushFailures = 0;
  /** Milliseconds added to the wall clock, so alarms and expiry can be exercised without waiting. */
  clockOffsetMs = 0;

  protected override now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  protected override async flushOnce(): Promise<{ events: number; entries: number; instances: number }> {
    if (this.profileId() && this.flushFailures > 0) {
      this.flushFailures -= 1;
      throw new Error("simulated flush failure");
    }
    return super.flushOnce();
  }
}
