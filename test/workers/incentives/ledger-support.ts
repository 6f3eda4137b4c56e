// Factories for the ledger tests: a reward-points programme (definition + 1× rate), receipts for a
// profile, and typed reads of balances and instances through the real API.
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { expect } from "vitest";
import type { Balances } from "../../../workers/incentives/profile-ledger/contract";
import type { TestProfileLedger } from "../../support/test-profile-ledger";
import { api } from "../helpers";
import { makeProfile, simpleReceipt, uid } from "../commerce/support";
import { create, pointBody, rateBody, rewardBody, type Def } from "./support";

export { makeProfile, simpleReceipt, uid };

export async function json<T>(res: Response, status: number): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return (JSON.parse(text) as { data: T }).data;
}

/** A reward-points definition (100 points = $1) with a 1× rate: $1 of spend earns 1 point. */
export async function pointsProgramme(token: string, o: Record<string, unknown> = {}, multiplier = 1): Promise<{ def: Def; rate: Def }> {
  const def = await create(token, "/points/definitions", pointBody({ expiry_days: null, ...o }));
  const rate = await create(token, "/rates", rateBody(def.id, { multiplier }));
  return { def, rate };
}

export async function rewardDef(token: string, o: Record<string, unknown> = {}): Promise<Def> {
  return create(token, "/rewards/definitions", rewardBody(o));
}

export async function balances(token: string, profileId: string): Promise<Balances> {
  return json<Balances>(await api(`/profiles/${profileId}/balances`, { token }), 200);
}

export function pointsOf(b: Balances, definitionId: string): number {
  return b.points.find((p) => p.point_definition_id === definitionId)?.balance ?? 0;
}

export async function issueReward(token: string, profileId: string, definitionId: string, extra: Record<string, unknown> = {}) {
  return json<{ id: string; value_remaining: number; expires_at: string | null; status: string }>(
    await api(`/profiles/${profileId}/rewards`, { method: "POST", token, json: { reward_definition_id: definitionId, reason: "test", ...extra } }),
    201,
  );
}

/** A profile's ledger; in this lane PROFILE_LEDGER runs the test subclass (test/support/worker.ts). */
export function ledgerStub(profileId: string): DurableObjectStub<TestProfileLedger> {
  return env.PROFILE_LEDGER.get(env.PROFILE_LEDGER.idFromName(profileId)) as unknown as DurableObjectStub<TestProfileLedger>;
}

/** Moves the DO's clock (test seam): expiry, reminders and the reversal window without waiting. */
export async function shiftClock(profileId: string, ms: number): Promise<void> {
  await runInDurableObject(ledgerStub(profileId), (instance: TestProfileLedger) => {
    instance.clockOffsetMs += ms;
  });
}

/** A receipt of `dollars` for a profile, at `at` (default now). */
export function purchase(profileId: string, dollars: number, o: Record<string, unknown> = {}) {
  return simpleReceipt(dollars, { profile_id: profileId, transacted_at: new Date().toISOString(), ...o });
}

export const uniqueHandle = () => uid("h-");
