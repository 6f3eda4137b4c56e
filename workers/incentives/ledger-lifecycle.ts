// The ledger's side of a profile's lifecycle: a merge moves the loser's ledger into the winner's, a purge
// erases it. It needs only the ledger DOs and D1 (never the profiles service), so the composition root
// builds it before ProfilesService and hands it in as one of its lifecycle hooks.
import { eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { incentiveInstances, incentiveLedger, profileIncentiveState } from "../../db/schema";
import { DomainError } from "../platform/errors";
import type { ProfileLifecycleHooks } from "../profiles/service";
import type { LedgerResult, MoveSnapshot } from "./profile-ledger/contract";
import type { ProfileLedger } from "./profile-ledger/ledger.do";

/** A profile's ProfileLedger DO (one per profile, named by its id). */
export function ledgerStub(env: Env, profileId: string): DurableObjectStub<ProfileLedger> {
  return env.PROFILE_LEDGER.get(env.PROFILE_LEDGER.idFromName(profileId));
}

/** A ledger refusal as the DomainError the API and console answer with. */
export function unwrapLedger<T>(r: LedgerResult<T>): T {
  if (r.ok) return r.value;
  const e = r.error;
  throw new DomainError(e.code, e.message, { errors: e.errors });
}

export class LedgerLifecycle implements Required<ProfileLifecycleHooks> {
  constructor(
    private readonly env: Env,
    private readonly db: Db,
  ) {}

  /** Moves the loser's ledger into the winner's; each step is idempotent, so a retry resumes. */
  async onMerge(winnerId: string, loserId: string): Promise<void> {
    const loser = ledgerStub(this.env, loserId);
    const snapshot = unwrapLedger((await loser.beginMoveOut({ profileId: loserId, winnerId })) as LedgerResult<MoveSnapshot>);
    unwrapLedger(await ledgerStub(this.env, winnerId).moveIn({ profileId: winnerId, snapshot }));
    unwrapLedger(await loser.completeMoveOut({ profileId: loserId, winnerId }));
  }

  async onPurge(profileId: string): Promise<void> {
    await ledgerStub(this.env, profileId).purge();
    await this.db.batch([
      this.db.delete(incentiveInstances).where(eq(incentiveInstances.profileId, profileId)),
      this.db.delete(incentiveLedger).where(eq(incentiveLedger.profileId, profileId)),
      this.db.delete(profileIncentiveState).where(eq(profileIncentiveState.profileId, profileId)),
    ]);
  }
}
