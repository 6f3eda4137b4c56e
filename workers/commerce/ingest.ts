// A receipt's way into the incentive ledger, as one use case over two areas: commerce records it, then
// the ledger earns on it (a void gives back what it earned; a receipt claimed later earns then, once).
// Neither service calls the other; the API, the console, the events queue and batch imports all come here.
import type { Actor } from "../access/actor";
import type { TransactionIncentives } from "../incentives/ledger.schema";
import { isDomainError } from "../platform/errors";
import type { EventRow } from "../platform/outbox";
import type { Profile } from "../profiles/service";
import type { TransactionInput } from "./schema";
import type { TransactionsService, TransactionView } from "./transactions.service";

/** What the use case needs of the ledger (LedgerService): earn on a receipt, and give it back. */
export interface ReceiptLedger {
  /** once per transaction, however often asked; null for an anonymous or voided one */
  onTransaction(t: TransactionView, profile?: Profile | null, event?: EventRow): Promise<TransactionIncentives | null>;
  onVoid(t: TransactionView): Promise<unknown>;
  /** a member's receipts in one ledger call, in the order given; each once */
  onTransactions(profileId: string, ts: readonly TransactionView[]): Promise<number>;
}

/** How many members' ledgers earnMany asks at once (their objects work in parallel; the isolate waits on them). */
const EARN_CONCURRENCY = 4;

/** What POST /transactions answers: the receipt, whether this call recorded it, and what it earned. */
export interface IngestResult {
  transaction: TransactionView;
  created: boolean;
  /** null for an anonymous or voided receipt */
  incentives: TransactionIncentives | null;
}

export class Receipts {
  constructor(
    private readonly transactions: TransactionsService,
    private readonly ledger: ReceiptLedger,
  ) {}

  /**
   * Record a receipt once per external_id, then earn for it. The ledger is idempotent per transaction,
   * so a replay that finds earning unfinished completes it and returns the same outcome.
   */
  async ingest(input: TransactionInput, actor: Actor): Promise<IngestResult> {
    // a new receipt's event travels with the earn: the ledger's flush sends it with what it earned
    const { transaction, created, profile, event } = await this.transactions.record(input, actor, { handOff: true });
    if (!transaction.profileId || transaction.isVoid) {
      if (event) this.transactions.publishLater(event);
      return { transaction, created, incentives: null };
    }
    try {
      return { transaction, created, incentives: await this.ledger.onTransaction(transaction, profile, event) };
    } catch (err) {
      // refused (nothing was kept) or failed: send it from here; were it sent twice, the consumers' receipts drop the second
      if (event) this.transactions.publishLater(event);
      throw err;
    }
  }

  /**
   * Record a receipt without earning yet: the first half of an import, whose receipts then earn per member
   * through earnMany. Until then the receipt has earned nothing; earnMany (or a replay through ingest) completes it.
   * A new member's receipt returns its `transaction.created` event unsent (`event`, in D1 with the receipt):
   * the caller sends many in one outbox publish (a queue send and a D1 update per 100 instead of per receipt);
   * if it never does, the outbox sweep sends them. Any other event is sent here, as before.
   */
  async record(input: TransactionInput, actor: Actor): Promise<{ transaction: TransactionView; created: boolean; event?: EventRow }> {
    const { transaction, created, event } = await this.transactions.record(input, actor, { handOff: true });
    return { transaction, created, ...(event ? { event } : {}) };
  }

  /**
   * Earn for recorded receipts, one ledger call per member with that member's receipts in the order given
   * (date order, so history replays tiers and expiry as it happened). Each receipt earns once, however often
   * asked. Returns the error of each member whose ledger refused (a merged-away profile), by profile id;
   * anything else throws.
   */
  async earnMany(ts: readonly TransactionView[]): Promise<Map<string, unknown>> {
    const byProfile = new Map<string, TransactionView[]>();
    for (const t of ts) if (t.profileId && !t.isVoid) byProfile.set(t.profileId, [...(byProfile.get(t.profileId) ?? []), t]);
    const members = [...byProfile.entries()];
    const refused = new Map<string, unknown>();
    const worker = async () => {
      for (let next = members.pop(); next; next = members.pop()) {
        const [profileId, list] = next;
        try {
          await this.ledger.onTransactions(profileId, list);
        } catch (err) {
          if (!isDomainError(err)) throw err;
          refused.set(profileId, err);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(EARN_CONCURRENCY, members.length) }, worker));
    return refused;
  }

  /** Void a receipt and take back what it earned. Voiding twice changes nothing (a retry finishes a crashed one). */
  async void(id: string, reason: string, actor: Actor): Promise<TransactionView> {
    const { transaction } = await this.transactions.markVoid(id, reason, actor);
    // also when D1 was already void: a void whose ledger step crashed is finished by its retry (the
    // ledger's void runs once per transaction, so a repeat changes nothing)
    if (transaction.isVoid && transaction.profileId) await this.ledger.onVoid(transaction);
    return transaction;
  }

  /** Attach an anonymous receipt to a profile and earn for it (unless it is void); a retry finishes a crashed one. */
  async claim(profileId: string, ref: { externalId?: string; transactionId?: string }, actor: Actor): Promise<TransactionView> {
    const { transaction } = await this.transactions.attach(profileId, ref, actor);
    // also for a receipt already this member's: a claim whose earn crashed is finished by its retry (the
    // ledger earns once per transaction, so a repeat replays the first outcome)
    if (transaction.profileId === profileId && !transaction.isVoid) await this.ledger.onTransaction(transaction);
    return transaction;
  }
}
