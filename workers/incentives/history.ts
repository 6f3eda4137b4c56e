// Incentive history a ledger backfill replays: rewards issued and redeemed in the past (the seeded demo
// brand's year; a brand moving its members' history over), each step dated by its `at`. It travels in the
// backfill job's payload and is replayed per profile after that profile's receipts, in one ledger call.
import { z } from "@hono/zod-openapi";
import type { DefinitionsService } from "./definitions.service";
import type { HistoryOp, LedgerResult, LedgerSource } from "./profile-ledger/contract";

export const HistoryRecord = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("reward.issue"), profile_id: z.string(), key: z.string(), at: z.number().int(), reward_definition_id: z.string(), reason: z.string() }),
  z.object({ kind: z.literal("redeem"), profile_id: z.string(), key: z.string(), at: z.number().int(), amount: z.number().int().positive(), transaction_external_id: z.string().nullable() }),
]);
export type HistoryRecord = z.infer<typeof HistoryRecord>;

const SOURCE: LedgerSource = { type: "system", id: null, label: "ledger backfill (history)" };

/** The records a backfill job carries (its payload), by profile; anything unreadable is left out. */
export function historyByProfile(payload: unknown): Map<string, HistoryRecord[]> {
  const out = new Map<string, HistoryRecord[]>();
  for (const raw of Array.isArray(payload) ? payload : []) {
    const r = HistoryRecord.safeParse(raw);
    if (!r.success) continue;
    const list = out.get(r.data.profile_id) ?? [];
    list.push(r.data);
    out.set(r.data.profile_id, list);
  }
  for (const list of out.values()) list.sort((a, b) => a.at - b.at);
  return out;
}

/** Replays one profile's history in time order in one ledger call; returns how many steps were written. */
export async function replayHistory(
  ledger: { replayHistory(ops: HistoryOp[]): Promise<Array<LedgerResult<unknown>>> | Array<LedgerResult<unknown>> },
  definitions: Pick<DefinitionsService, "rewardConfig" | "engineConfig">,
  profileId: string,
  records: readonly HistoryRecord[],
): Promise<number> {
  if (!records.length) return 0;
  const config = await definitions.engineConfig();
  const ops: HistoryOp[] = [];
  for (const r of records) {
    const key = `history:${r.key}`;
    if (r.kind === "reward.issue") {
      const definition = await definitions.rewardConfig(r.reward_definition_id, "reward_definition_id");
      ops.push({ issue: { profileId, key, definition, valueCents: null, expiresAt: null, reason: r.reason, source: SOURCE, timezone: config.timezone, pointDefinitions: config.pointDefinitions, at: r.at } });
    } else {
      ops.push({ redeem: { profileId, key, strategy: "rewards", amountCents: r.amount, transactionExternalId: r.transaction_external_id, source: SOURCE, pointDefinitions: config.pointDefinitions, at: r.at } });
    }
  }
  const results = await ledger.replayHistory(ops);
  const refused = results.filter((x) => !x.ok);
  if (refused.length) console.error(`ledger backfill: ${refused.length} history steps of profile ${profileId} refused`, refused.map((x) => (x.ok ? null : x.error.message)).slice(0, 3));
  return results.length - refused.length;
}
