// What the modules behind ProfilesService share: their dependencies, the reads they call back into,
// and the types other areas use to name a profile or hook into its lifecycle.
import type { Db } from "../../db/client";
import type { AuditService } from "../access/audit";
import type { Clock } from "../platform/clock";
import type { EventRow, Outbox } from "../platform/outbox";
import type { Profile, ProfileView } from "./views";

/** Other areas hook into the lifecycle (the incentive ledger moves on merge and is erased on purge). */
export interface ProfileLifecycleHooks {
  onMerge?(winnerId: string, loserId: string): Promise<void>;
  onPurge?(profileId: string): Promise<void>;
}

/** How a caller names a profile: our id, or a handle ("email", "mobile", any identity handle) and its value. */
export interface ProfileRef {
  profileId: string;
  handle?: string | null;
}

export interface ProfileDeps {
  db: Db;
  clock: Clock;
  audit: AuditService;
  outbox: Outbox;
  defaultCountry: string;
  /** Hand events already in the outbox to the queue after the response (opts.defer). */
  publish(rows: EventRow[]): void;
}

/** The facade's reads the write modules call back into. */
export interface ProfileReads {
  find(id: string): Promise<Profile | undefined>;
  require(id: string): Promise<Profile>;
  get(id: string): Promise<ProfileView>;
  withRelations(p: Profile): Promise<ProfileView>;
  findByEmail(email: string): Promise<Profile | undefined>;
}
