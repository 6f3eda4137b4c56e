// A profile's aggregations (spend, visits, at-risk date) over its transactions: computed by the pure
// computeAggregations, stored with a guard so a concurrent change of the transactions is never lost.
import { eq, inArray, sql, type SQLWrapper } from "drizzle-orm";
import type { Db } from "../../db/client";
import { profileAggregations, transactions } from "../../db/schema";
import type { Clock } from "../platform/clock";
import { computeAggregations, type Aggregations, type TransactionFact } from "./rules";

/** What computeAggregations reads of each of a profile's transactions. */
const FACT_FIELDS = { transactedAt: transactions.transactedAt, total: transactions.total, locationId: transactions.locationId, timezone: transactions.timezone, isVoid: transactions.isVoid };

export class ProfileAggregations {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** The read behind a profile's aggregations. */
  factsQuery(profileId: string) {
    return this.db.select(FACT_FIELDS).from(transactions).where(eq(transactions.profileId, profileId));
  }

  /** The facts of the profiles an id subquery selects (the facade's aggregationFactsByRefQuery). */
  factsForIdsQuery(ids: SQLWrapper) {
    return this.db.select(FACT_FIELDS).from(transactions).where(inArray(transactions.profileId, ids));
  }

  /**
   * One statement for a write batch: the profile's aggregations over `facts` (its transactions as a
   * pre-read saw them, plus the one the batch inserts), stored only if those are still its transactions:
   * as many rows, as many of them voided (receipts are immutable; only new, claimed, merged-in or voided
   * ones change the facts, and each changes a count). Zero rows changed means something else changed
   * them meanwhile: recomputeAggregations then.
   */
  upsertIfUnchanged(profileId: string, facts: TransactionFact[]) {
    return this.guarded(profileId, facts).statement;
  }

  private guarded(profileId: string, facts: TransactionFact[]) {
    const now = this.clock.now();
    const agg = computeAggregations(facts, now);
    const [factCount, voidCount] = [facts.length, facts.filter((f) => f.isVoid).length];
    const excluded = (column: string) => sql.raw(`excluded.${column}`);
    const statement = this.db
      .insert(profileAggregations)
      .select(
        sql`SELECT ${profileId}, ${agg.spend12m}, ${agg.spendAll}, ${agg.spendAtv12m}, ${agg.shopCount}, ${agg.firstShopDate}, ${agg.latestShopDate}, ${agg.averageShopDays}, ${agg.atRiskDate}, ${agg.mostTransactedLocationId}, ${now.getTime()}
            WHERE (SELECT COUNT(*) || ':' || COUNT(CASE WHEN is_void THEN 1 END) FROM transactions WHERE profile_id = ${profileId}) = ${`${factCount}:${voidCount}`}`,
      )
      .onConflictDoUpdate({
        target: profileAggregations.profileId,
        set: {
          spend12m: excluded("spend_12m"),
          spendAll: excluded("spend_all"),
          spendAtv12m: excluded("spend_atv_12m"),
          shopCount: excluded("shop_count"),
          firstShopDate: excluded("first_shop_date"),
          latestShopDate: excluded("latest_shop_date"),
          averageShopDays: excluded("average_shop_days"),
          atRiskDate: excluded("at_risk_date"),
          mostTransactedLocationId: excluded("most_transacted_location_id"),
          updatedAt: excluded("updated_at"),
        },
      });
    return { statement, aggregations: agg };
  }

  /**
   * Recompute a profile's aggregations from its transactions (called on each of its transactions). The
   * write only lands if the transactions are still those that were read, so two concurrent recomputes
   * cannot leave the older view behind; the loser reads again.
   */
  async recompute(profileId: string): Promise<Aggregations> {
    for (let attempt = 1; ; attempt++) {
      const { statement, aggregations } = this.guarded(profileId, await this.factsQuery(profileId));
      if (this.stored(await statement) || attempt === 5) return aggregations;
    }
  }

  /** Whether a statement of aggregationsUpsertIfUnchanged wrote (its D1 result, from a batch or awaited alone). */
  stored(result: unknown): boolean {
    return ((result as D1Result).meta?.changes ?? 0) > 0;
  }

  /** The stored aggregations, or those of no transactions when none are stored yet. */
  async read(profileId: string): Promise<Aggregations> {
    const row = await this.db.query.profileAggregations.findFirst({ where: eq(profileAggregations.profileId, profileId) });
    if (row) return row;
    return computeAggregations([], this.clock.now());
  }
}
