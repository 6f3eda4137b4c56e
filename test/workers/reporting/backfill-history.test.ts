// Back-dated reward issues and redemptions: history a ledger backfill replays (the seeded demo's year) is
// written as of its own time, so the reward's expiry, the ledger entries, the events, the daily rollups (both
// ways) and the redemptions page all date it then, not on the day the backfill ran.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { systemActor } from "../../../workers/access/actor";
import { historyByProfile, type HistoryRecord } from "../../../workers/incentives/history";
import type { LedgerResult } from "../../../workers/incentives/profile-ledger/contract";
import { localDate } from "../../../workers/platform/time";
import { ROLLUP_EVENT_TYPES } from "../../../workers/reporting/rules";
import { api, makeToken, services } from "../helpers";
import { json, ledgerStub, makeProfile, rewardDef, uid } from "../incentives/ledger-support";

let token: string;
beforeAll(async () => {
  token = (await makeToken(["*"])).token;
});

const DAY = 86_400_000;

async function settled(): Promise<void> {
  const types = ROLLUP_EVENT_TYPES.map((t) => `'${t}'`).join(", ");
  await vi.waitFor(
    async () => {
      const r = await env.DB.prepare(
        `SELECT COUNT(*) AS n FROM events e WHERE e.type IN (${types})
         AND NOT EXISTS (SELECT 1 FROM event_receipts r WHERE r.event_id = e.id AND r.consumer = 'report-rollups')`,
      ).first<{ n: number }>();
      expect(r?.n).toBe(0);
    },
    { timeout: 20_000, interval: 100 },
  );
}

async function rollupRows(): Promise<string[]> {
  const { results } = await env.DB.prepare(`SELECT * FROM report_daily WHERE value != 0 ORDER BY day, metric, location_id, dimension`).all<{ day: string; metric: string; location_id: string; dimension: string; value: number }>();
  return results.map((r) => `${r.day} ${r.metric} ${r.location_id} ${r.dimension} = ${r.value}`);
}

describe("history replayed by a backfill", () => {
  it("issues and redeems as of each step's time: entries, expiry, rollups both ways and the redemptions page", async () => {
    const def = await rewardDef(token, { value: "10.00", period: 30 });
    const profile = await makeProfile(token);
    const issuedAt = Date.now() - 100 * DAY;
    const redeemedAt = issuedAt + 5 * DAY;
    const history: HistoryRecord[] = [
      // out of order on purpose: the replay sorts by time
      { kind: "redeem", profile_id: profile.id, key: uid("r-"), at: redeemedAt, amount: 400, transaction_external_id: null },
      { kind: "reward.issue", profile_id: profile.id, key: uid("i-"), at: issuedAt, reward_definition_id: def.id, reason: "birthday" },
    ];
    const mine = historyByProfile(history).get(profile.id)!;
    await services().ledger.backfillProfile(profile.id, mine);
    // again: each step once
    await services().ledger.backfillProfile(profile.id, mine);

    const rewards = await json<Array<{ issued_at: string; expires_at: string; value_remaining: number; status: string }>>(await api(`/profiles/${profile.id}/rewards`, { token }), 200);
    expect(rewards).toHaveLength(1);
    expect(rewards[0]!.issued_at).toBe(new Date(issuedAt).toISOString());
    // its 30 days counted from when it was issued: long expired now
    expect(new Date(rewards[0]!.expires_at).getTime()).toBeLessThan(Date.now() - 60 * DAY);
    expect(rewards[0]!.value_remaining).toBe(6);

    await settled();
    await vi.waitFor(async () => {
      const { results } = await env.DB.prepare(`SELECT kind, action, created_at FROM incentive_ledger WHERE profile_id = ? ORDER BY seq`).bind(profile.id).all<{ kind: string; action: string; created_at: number }>();
      expect(results.map((r) => `${r.kind} ${r.action} ${r.created_at}`)).toEqual([`reward issue ${issuedAt}`, `reward redeem ${redeemedAt}`]);
    });
    await settled();

    const tz = services().reporting.timezone;
    const issuedDay = localDate(new Date(issuedAt), tz);
    const redeemedDay = localDate(new Date(redeemedAt), tz);
    const incremental = await rollupRows();
    expect(incremental).toContain(`${issuedDay} rewards_issued  ${def.id} = 1`);
    expect(incremental.some((r) => r.startsWith(`${redeemedDay} rewards_redeemed_value   = `))).toBe(true);
    await services().reporting.rebuild(systemActor("test"));
    expect(await rollupRows()).toEqual(incremental);

    const page = await services().reporting.redemptions({ from: redeemedDay, to: redeemedDay, page: 1 });
    const entry = page.entries.find((e) => e.profile_id === profile.id);
    expect(entry).toMatchObject({ kind: "reward", action: "redeem", amount: 4, at: new Date(redeemedAt).toISOString() });
  }, 30_000);

  it("a replayed reward that expired long ago expires as of its expiry: entry, event and rollups on that day, both ways", async () => {
    const def = await rewardDef(token, { value: "10.00", period: 30 });
    const profile = await makeProfile(token);
    const issuedAt = Date.now() - 100 * DAY;
    const records = historyByProfile([{ kind: "reward.issue", profile_id: profile.id, key: uid("x-"), at: issuedAt, reward_definition_id: def.id, reason: "birthday" }]).get(profile.id)!;
    await services().ledger.backfillProfile(profile.id, records);
    // the alarm's work (expire what is due), as the backfill's next alarm runs it
    expect(await ledgerStub(profile.id).tick()).toBe(true);

    const rewards = await json<Array<{ expires_at: string; status: string }>>(await api(`/profiles/${profile.id}/rewards`, { token }), 200);
    expect(rewards.map((r) => r.status)).toEqual(["expired"]);
    const expiresAt = new Date(rewards[0]!.expires_at).getTime();
    expect(expiresAt).toBeLessThan(Date.now() - 60 * DAY);

    await vi.waitFor(async () => {
      const { results } = await env.DB.prepare(`SELECT kind, action, created_at FROM incentive_ledger WHERE profile_id = ? ORDER BY seq`).bind(profile.id).all<{ kind: string; action: string; created_at: number }>();
      expect(results.map((r) => `${r.kind} ${r.action} ${r.created_at}`)).toEqual([`reward issue ${issuedAt}`, `reward expire ${expiresAt}`]);
    });
    const event = await env.DB.prepare(`SELECT occurred_at FROM events WHERE profile_id = ? AND type = 'reward.expired'`).bind(profile.id).first<{ occurred_at: number }>();
    expect(event?.occurred_at).toBe(expiresAt);

    await settled();
    const expiredDay = localDate(new Date(expiresAt), services().reporting.timezone);
    const incremental = await rollupRows();
    expect(incremental).toContain(`${expiredDay} rewards_expired_value  ${def.id} = 1000`);
    await services().reporting.rebuild(systemActor("test"));
    expect(await rollupRows()).toEqual(incremental);
  }, 30_000);

  it("refuses a step dated in the future, a redemption before the reward existed, and points in a back-dated redemption", async () => {
    const def = await rewardDef(token, { value: "10.00", period: 30 });
    const profile = await makeProfile(token);
    const config = await services().definitions.engineConfig();
    const definition = await services().definitions.rewardConfig(def.id);
    const source = { type: "system" as const, id: null };
    const issue = (key: string, at: number) => ({ issue: { profileId: profile.id, key, definition, reason: "test", source, timezone: config.timezone, at } });
    const redeem = (key: string, at: number, strategy = "rewards") => ({ redeem: { profileId: profile.id, key, strategy, amountCents: 100, transactionExternalId: null, source, pointDefinitions: config.pointDefinitions, at } });
    const now = Date.now();
    const results = (await ledgerStub(profile.id).replayHistory([
      issue("future", now + DAY),
      redeem("before-any", now - 50 * DAY),
      issue("ok", now - 40 * DAY),
      redeem("before-issue", now - 45 * DAY),
      redeem("points", now - 39 * DAY, "rewards_points"),
      redeem("fine", now - 39 * DAY),
    ])) as unknown as Array<LedgerResult<unknown>>;
    expect(results.map((r) => (r.ok ? "ok" : r.error.message))).toEqual([
      "at must be a time no later than now",
      expect.stringMatching(/^cannot redeem 1\.00: 0\.00 available/),
      "ok",
      expect.stringMatching(/^cannot redeem 1\.00: 0\.00 available/),
      "a back-dated redemption spends rewards only",
      "ok",
    ]);
  });
});
