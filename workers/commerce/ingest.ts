// A receipt's way into the incentive ledger, as one use case over two areas: commerce records it, then
// the ledger earns on it (a void gives back what it earned; a receipt claimed later earns then, once).
// Neither service calls the other; the API, the console, the events queue and batch imports all come here.
import type { Actor } from "../access/actor";
import type { TransactionIncentives } from "../incentives/ledger.schema";
import type { Profile } from "../profiles/service";
import type { TransactionInput } from "./schema";
import type { TransactionsService, TransactionView } from "./transactions.service";

/** What the use case needs of the ledger (LedgerService): earn on a receipt, and give it back. */
export interface ReceiptLedger {
  /** once per transaction, however often asked; null for an anonymous or voided one */
  onTransaction(t: TransactionView, profile?: Profile | null): Promise<TransactionIncentives | null>;
  onVoid(t: TransactionView): Promise<unknown>;
}

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
    const { transaction, created, profile } = await this.transactions.record(input, actor);
    const incentives = transaction.profileId && !transaction.isVoid ? await this.ledger.onTransaction(transaction, profile) : null;
    return { transaction, created, incentives };
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
