// ProfileLedger: one SQLite-backed Durable Object per profile (idFromName(profile_id)). It will own that
// profile's points lots, reward and benefit instances, tier state and append-only ledger (see
// ARCHITECTURE.md). For now it sets up its storage and reports its schema version; the incentive
// engine builds on this class.
import { DurableObject } from "cloudflare:workers";

export const LEDGER_SCHEMA_VERSION = 1;

export class ProfileLedger extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
      ctx.storage.sql.exec(`INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)`, String(LEDGER_SCHEMA_VERSION));
    });
  }

  /** The object's storage version; used by health checks and migrations. */
  schemaVersion(): number {
    return Number(this.ctx.storage.sql.exec<{ value: string }>(`SELECT value FROM meta WHERE key = 'schema_version'`).one().value);
  }
}
