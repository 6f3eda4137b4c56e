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

  /** Void a receipt; the call that voids it also takes back what it earned. Voiding twice changes nothing. */
  async void(id: string, reason: string, actor: Actor): Promise<TransactionView> {
    const { transaction, voided } = await this.transactions.markVoid(id, reason, actor);
    if (voided && transaction.profileId) await this.ledger.onVoid(transaction);
    return transaction;
  }

  /** Attach an anonymous receipt to a profile; the call that attaches it earns for it (unless it is void). */
  async claim(profileId: string, ref: { externalId?: string; transactionId?: string }, actor: Actor): Promise<TransactionView> {
    const { transaction, claimed } = await this.transactions.attach(profileId, ref, actor);
    if (claimed && !transaction.isVoid) await this.ledger.onTransaction(transaction);
    return transaction;
  }
}
