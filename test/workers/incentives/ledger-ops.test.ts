// The ledger's operations as functions of a store (profile-ledger/ops): called directly on a LedgerStore
// over a Durable Object's SQLite with a clock the test moves, without the DO's RPC methods, alarms or
// flush. What they leave in the local outbox is what the flush would send.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { RewardDefinitionConfig } from "../../../workers/incentives/engine-types";
import type { LedgerSource } from "../../../workers/incentives/profile-ledger/contract";
import { nextDue, processDue } from "../../../workers/incentives/profile-ledger/ops/expiry";
import { issueReward } from "../../../workers/incentives/profile-ledger/ops/issue";
import { redeem } from "../../../workers/incentives/profile-ledger/ops/redeem";
import { eventRows, readFlush } from "../../../workers/incentives/profile-ledger/projection";
import { balancesOf } from "../../../workers/incentives/profile-ledger/reads";
import { LedgerStore } from "../../../workers/incentives/profile-ledger/storage";

const T0 = Date.UTC(2026, 0, 14, 1, 0, 0);
const staff: LedgerSource = { type: "staff", id: "u1", label: "staff@example.test" };
const voucher = (o: Partial<RewardDefinitionConfig> = {}): RewardDefinitionConfig => ({
  id: "rd-1",
  handle: "voucher",
  name: "Voucher",
  type: "voucher",
  value: 1000,
  periodDays: 10,
  absoluteExpiry: null,
  isExtendable: false,
  notificationOffsets: [],
  version: 1,
  ...o,
});

/** Runs `fn` with a fresh store (its own profile's SQLite) and a clock it can move. */
async function withStore<R>(fn: (store: LedgerStore, clock: { ms: number }, profileId: string) => R): Promise<R> {
  const profileId = crypto.randomUUID();
  return runInDurableObject(env.PROFILE_LEDGER.getByName(profileId), (_instance, state) => {
    const clock = { ms: T0 };
    const store = new LedgerStore(state.storage, () => clock.ms);
    store.migrate();
    return fn(store, clock, profileId);
  });
}

const outboxTypes = (store: LedgerStore) => store.rows<{ type: string }>(`SELECT type FROM outbox ORDER BY seq`).map((r) => r.type);

describe("ledger operations over a store", () => {
  it("redeem spends once per key, and a refusal writes nothing and is not remembered", async () => {
    await withStore((store, _clock, profileId) => {
      const issued = issueReward(store, { profileId, key: "issue-1", definition: voucher(), reason: "welcome", source: staff, timezone: "UTC" });
      expect(issued.ok).toBe(true);
      const args = { profileId, key: "redeem-1", strategy: "rewards", amountCents: 400, transactionExternalId: null, source: staff, pointDefinitions: [] };
      const first = redeem(store, args);
      const again = redeem(store, args);
      expect(first.ok && again.ok && again.value.redemption.id === first.value.redemption.id).toBe(true);
      expect(balancesOf(store, profileId, T0).reward_balance).toBe(6);

      const before = outboxTypes(store);
      const refused = redeem(store, { ...args, key: "redeem-2", amountCents: 700 });
      expect(refused).toMatchObject({ ok: false, error: { code: "validation_failed", detail: { available: 6, shortfall: 1 } } });
      expect(outboxTypes(store)).toEqual(before);
      expect(store.count(`SELECT COUNT(*) AS n FROM ops WHERE key = 'redeem-2'`)).toBe(0);
      expect(before).toEqual(["reward.issued", "reward.redeemed", "redemption.created"]);
    });
  });

  it("expires a reward on the store's clock and says so once; nothing is due after", async () => {
    await withStore((store, clock, profileId) => {
      issueReward(store, { profileId, key: "issue-1", definition: voucher({ periodDays: 2 }), reason: "welcome", source: staff, timezone: "UTC" });
      const due = nextDue(store);
      expect(due).toBeGreaterThan(T0);
      processDue(store);
      expect(balancesOf(store, profileId, clock.ms).reward_balance).toBe(10);
      clock.ms = due! + 1;
      processDue(store);
      processDue(store);
      expect(outboxTypes(store).filter((t) => t === "reward.expired")).toHaveLength(1);
      expect(balancesOf(store, profileId, clock.ms).reward_balance).toBe(0);
      expect(nextDue(store)).toBeNull();
    });
  });

  it("a reaction's causation travels on the events it emits and leaves their data in the flush", async () => {
    await withStore((store, _clock, profileId) => {
      const causation = { eventId: "ev-1", depth: 1 };
      issueReward(store, { profileId, key: "issue-1", definition: voucher(), reason: "automation", source: { type: "reaction", id: "r1", causation }, timezone: "UTC" });
      const batch = readFlush(store)!;
      const [event] = eventRows(batch);
      expect(event).toMatchObject({ type: "reward.issued", profileId, causation, attempts: 1 });
      expect(event!.data).not.toHaveProperty("__causation");
      expect(batch.state?.balances.reward_balance).toBe(10);
    });
  });
});
