// Earning: a transaction's points per the best rate for each definition (a return claws back), tier
// points and tiers, achievements and what their levels unlock; a voided transaction gives back what its
// lots still hold. Each once per transaction id.
import type { PointDefinitionConfig } from "../../engine-types";
import { calculateEarn, clawBackReturn, conditionHolds, expiresAt as expiryFor, spendableAt } from "../../rules";
import {
  ok,
  type ApplyTransactionArgs,
  type EarnResult,
  type LedgerResult,
  type LedgerSource,
  type LedgerTransaction,
  type TransactionOutcome,
  type VoidTransactionArgs,
  type VoidTransactionResult,
} from "../contract";
import { balancesOf } from "../reads";
import { CAUSATION_KEY, type LedgerStore, type LotRow } from "../storage";
import { iso } from "../views";
import { progress } from "./achievements";
import { evaluateTier } from "./tiers";

/**
 * A receipt's own event (commerce's `transaction.created`, already in D1 unsent), handed to the ledger so
 * that its flush sends it first, with what the receipt earned: one D1 batch and one queue send for both.
 */
export interface HandedEvent {
  id: string;
  type: string;
  occurredAt: number;
  data: Record<string, unknown>;
  causation: unknown;
}

export type ApplyTransactionInput = ApplyTransactionArgs & { handOff?: HandedEvent };

/** A transaction's earn and the balances after (a replay reports today's balances beside the first outcome). */
export function applyTransaction(store: LedgerStore, input: ApplyTransactionInput): LedgerResult<EarnResult> {
  const result = earn(store, input);
  return result.ok ? ok({ ...result.value, balances: balancesOf(store, input.profileId, store.now()) }) : result;
}

/** A member's receipts in one call (an import's, a backfill's): the shared context, the receipts in the order to earn them. */
export interface ApplyTransactionsArgs extends Omit<ApplyTransactionArgs, "transaction" | "source"> {
  /** oldest first: each earns as of its own date, so tiers and expiry replay as they happened */
  transactions: LedgerTransaction[];
  /** the causing request's namespace, as each receipt's source carries it (see applyTransaction) */
  causation?: LedgerSource["causation"];
}

/** What a member's receipts earned, each as applyTransaction's outcome (a replay: the first), and the balances after the last. */
export interface EarnManyResult {
  outcomes: Array<LedgerResult<TransactionOutcome>>;
  balances: EarnResult["balances"] | null;
}

/**
 * Earns for several receipts of one member, in the order given, each once per transaction id exactly as
 * applyTransaction would one by one (one operation each: a refused one does not stop the rest), with the
 * balances read once at the end.
 */
export function applyTransactions(store: LedgerStore, input: ApplyTransactionsArgs): EarnManyResult {
  const { transactions, causation, ...shared } = input;
  const outcomes = transactions.map((tx) => earn(store, { ...shared, transaction: tx, source: { type: "transaction", id: tx.id, label: tx.externalId, causation: causation ?? null } }));
  return { outcomes, balances: outcomes.some((o) => o.ok) ? balancesOf(store, input.profileId, store.now()) : null };
}

function earn(store: LedgerStore, input: ApplyTransactionInput): LedgerResult<TransactionOutcome> {
  const { transaction: tx, config } = input;
  store.rememberTimezone(config.timezone);
  return store.run(input.profileId, `tx:${tx.id}`, () => {
    // first in the outbox, so it is sent before the events of what it earned (kept only if the earn is)
    if (input.handOff) adopt(store, input.handOff);
    store.rememberDefinitions(config.pointDefinitions);
    const now = store.now();
    const at = new Date(now);
    const defs = new Map(config.pointDefinitions.map((d) => [d.id, d]));
    const earnAt = new Date(tx.transactedAt);
    const earned = calculateEarn({ locationId: tx.locationId, timezone: tx.timezone, totalCents: tx.totalCents, items: tx.items }, input.profile, config.rates, earnAt);
    const outcome: TransactionOutcome = { transaction_id: tx.id, points: [], shortfall: 0, tiers: [], achievements: [] };
    // the void got here first (a void racing its receipt's earn): the receipt earns nothing, for good
    if (store.rows(`SELECT 1 FROM ops WHERE key = ?`, `void-tx:${tx.id}`).length) return ok(outcome);
    const earnedAt = Math.min(now, tx.transactedAt);
    const source: LedgerSource = { type: "transaction", id: tx.id, label: tx.externalId };
    const touchedLadders = new Set<string>();
    for (const e of earned) {
      const def = defs.get(e.pointDefinitionId);
      if (!def || e.points === 0) continue;
      if (e.points > 0) {
        // earned when it was bought (a receipt posted late, or history backfilled, expires on its own clock)
        addLot(store, def, e.points, { source, reason: null, transactionExternalId: tx.externalId, earnedAt: earnedAt, occurredAt: tx.transactedAt, action: "earn", timezone: config.timezone });
        outcome.points.push({ point_definition_id: def.id, handle: def.handle, kind: def.kind, rate_id: e.rateId, points: e.points });
      } else {
        const claw = clawBackReturn(store.lots(def.id), -e.points, tx.originalExternalId, at);
        store.applyLots(claw.allocations, -1);
        for (const a of claw.allocations) {
          store.entry({ kind: "points", action: "clawback", definitionId: def.id, instanceId: a.lotId, delta: -a.points, source, occurredAt: tx.transactedAt });
        }
        if (claw.shortfall > 0) {
          store.entry({
            kind: "points",
            action: "clawback_shortfall",
            definitionId: def.id,
            delta: 0,
            source,
            reason: `${claw.shortfall} points could not be clawed back: the balance had run out`,
            occurredAt: tx.transactedAt,
          });
        }
        outcome.shortfall += claw.shortfall;
        outcome.points.push({ point_definition_id: def.id, handle: def.handle, kind: def.kind, rate_id: e.rateId, points: -claw.clawedBack, shortfall: claw.shortfall });
        if (claw.clawedBack > 0) {
          store.emit("points.clawed_back", {
            point_definition_id: def.id,
            handle: def.handle,
            points: claw.clawedBack,
            shortfall: claw.shortfall,
            transaction_id: tx.id,
            transaction_external_id: tx.externalId,
            occurred_at: iso(tx.transactedAt),
          });
        }
      }
      if (def.kind === "tier") touchedLadders.add(def.id);
    }
    for (const ladderId of touchedLadders) {
      // attained at the purchase that crossed the line, judged on the window as it stood then
      const change = evaluateTier(store, ladderId, config, earnedAt);
      if (change) outcome.tiers.push(change);
    }
    if (tx.totalCents > 0) {
      const context = transactionContext(tx);
      for (const def of config.achievements) {
        if (def.trigger !== "transaction") continue;
        if (def.condition && !conditionHolds(def.condition, context)) continue;
        outcome.achievements.push(progress(store, def, 1, config, { type: "transaction", id: tx.id, label: tx.externalId }, null));
      }
    }
    return ok(outcome);
  }, input.source.causation ?? null);
}

/**
 * A voided transaction: the lots it earned give back what is left in them (points already spent stay
 * spent; the shortfall is written down), once per transaction. A transaction that earned nothing here
 * changes nothing now, and nothing later: its earn, arriving after, earns nothing.
 */
export function voidTransaction(store: LedgerStore, input: VoidTransactionArgs): LedgerResult<VoidTransactionResult> {
  // run (and remembered) even on a ledger that has earned nothing yet: a void that overtook its
  // receipt's earn must still be here when that earn arrives
  return store.run(input.profileId, `void-tx:${input.transactionId}`, () => {
    const source: LedgerSource = { type: "transaction", id: input.transactionId, label: input.externalId };
    const lots = store.rows<LotRow>(`SELECT * FROM lots WHERE source_type = 'transaction' AND source_id = ? AND status = 'active'`, input.transactionId);
    let points = 0;
    let shortfall = 0;
    const byDef = new Map<string, number>();
    for (const l of lots) {
      const taken = l.points_remaining;
      shortfall += l.points_initial - taken;
      if (taken > 0) {
        store.exec(`UPDATE lots SET points_remaining = 0, status = 'void' WHERE id = ?`, l.id);
        // dated like the earn it undoes, so the rolling tier window loses exactly what it gained
        const earnedOn = store.rows<{ occurred_at: number }>(`SELECT occurred_at FROM ledger WHERE instance_id = ? AND action = 'earn' LIMIT 1`, l.id)[0]?.occurred_at ?? l.earned_at;
        store.entry({ kind: "points", action: "void", definitionId: l.definition_id, instanceId: l.id, delta: -taken, source, reason: input.reason, occurredAt: earnedOn });
        byDef.set(l.definition_id, (byDef.get(l.definition_id) ?? 0) + taken);
        points += taken;
      }
      if (l.points_initial > taken) {
        store.entry({ kind: "points", action: "void_shortfall", definitionId: l.definition_id, instanceId: l.id, delta: 0, source, reason: `${l.points_initial - taken} points of this lot were already spent or clawed back` });
      }
    }
    for (const [definitionId, n] of byDef) store.emit("points.voided", { point_definition_id: definitionId, points: n, transaction_id: input.transactionId, transaction_external_id: input.externalId, reason: input.reason });
    return ok({ points, shortfall });
  }, input.causation ?? null);
}

/** Puts a handed-off event into the local outbox as it is (its id, time and causation). */
function adopt(store: LedgerStore, e: HandedEvent): void {
  const data = e.causation ? { ...e.data, [CAUSATION_KEY]: e.causation } : e.data;
  store.exec(`INSERT OR IGNORE INTO outbox (id, type, data, occurred_at) VALUES (?, ?, ?, ?)`, e.id, e.type, JSON.stringify(data), e.occurredAt);
}

/** Writes a new points lot, its entry and event (inside an operation); returns its id. */
export function addLot(
  store: LedgerStore,
  def: PointDefinitionConfig,
  points: number,
  o: { source: LedgerSource; reason: string | null; transactionExternalId: string | null; earnedAt: number; occurredAt: number; action: string; timezone: string },
): string {
  const id = crypto.randomUUID();
  const earnedAt = new Date(o.earnedAt);
  const expires = def.expiryDays !== null && def.expiryDays !== undefined ? expiryFor({ periodDays: def.expiryDays }, earnedAt, o.timezone) : null;
  const spendable = spendableAt(earnedAt, def.pendingDays ?? 0, o.timezone);
  store.exec(
    `INSERT INTO lots (id, definition_id, points_initial, points_remaining, earned_at, expires_at, spendable_at, source_type, source_id, source_label, source_transaction, reason)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    id,
    def.id,
    points,
    points,
    o.earnedAt,
    expires?.getTime() ?? null,
    spendable.getTime(),
    o.source.type,
    o.source.id,
    o.source.label ?? null,
    o.transactionExternalId,
    o.reason,
  );
  store.entry({ kind: "points", action: o.action, definitionId: def.id, instanceId: id, delta: points, source: o.source, reason: o.reason, occurredAt: o.occurredAt });
  store.emit("points.awarded", {
    point_definition_id: def.id,
    handle: def.handle,
    kind: def.kind,
    points,
    lot_id: id,
    expires_at: iso(expires?.getTime()),
    spendable_at: spendable.toISOString(),
    // when the points were earned (the receipt's time, which a backfill or late receipt puts in the past)
    occurred_at: iso(o.occurredAt),
    source: o.source,
    reason: o.reason,
  });
  return id;
}

/** What an achievement's condition sees of a transaction. */
export function transactionContext(tx: LedgerTransaction): Record<string, unknown> {
  return {
    total: tx.totalCents / 100,
    location_id: tx.locationId,
    channel: tx.channel,
    item_count: tx.items.reduce((s, i) => s + i.quantity, 0),
    items: tx.items.map((i) => ({ sku: i.sku ?? null, category: i.category ?? null, brand: i.brand ?? null, quantity: i.quantity, price: i.priceSell / 100, tags: i.tags ?? [] })),
  };
}
