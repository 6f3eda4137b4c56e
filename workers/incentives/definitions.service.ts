// Incentive definitions: rewards, points (+ earn rates), benefits, tiers and achievements. Admin-only
// to change; every change is versioned (definition_versions) and audited. engineConfig() hands the
// ledger DO what is live.
import type { Db } from "../../db/client";
import type { AuditService } from "../access/audit";
import type { Clock } from "../platform/clock";
import type { EngineConfig } from "./engine-types";

export class DefinitionsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly opts: { timezone: string },
  ) {}

  /** Everything live a transaction can touch (see EngineConfig). */
  async engineConfig(): Promise<EngineConfig> {
    return { timezone: this.opts.timezone, pointDefinitions: [], rates: [], tiers: [], achievements: [], benefits: [] };
  }
}
