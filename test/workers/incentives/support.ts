// Factories for the definitions tests: valid bodies per kind (unique handles per call) and typed
// create/read helpers through the real API.
import { expect } from "vitest";
import { api } from "../helpers";

export function uid(prefix = ""): string {
  return `${prefix}${crypto.randomUUID().slice(0, 8)}`;
}

export type Def = Record<string, unknown> & { id: string; handle: string; name: string; version: number; archived_at: string | null };

export async function create(token: string, path: string, json: Record<string, unknown>): Promise<Def> {
  const res = await api(path, { method: "POST", token, json });
  const text = await res.clone().text();
  expect(res.status, text).toBe(201);
  return ((await res.json()) as { data: Def }).data;
}

export async function read(token: string, path: string): Promise<Def> {
  const res = await api(path, { token });
  expect(res.status, await res.clone().text()).toBe(200);
  return ((await res.json()) as { data: Def }).data;
}

export const rewardBody = (o: Record<string, unknown> = {}) => ({ name: `Birthday ${uid()}`, handle: uid("bday-"), type: "birthday", value: "10.00", period: 30, ...o });
export const pointBody = (o: Record<string, unknown> = {}) => ({ name: `Reward points ${uid()}`, handle: uid("pts-"), kind: "reward", points_per_dollar: 100, expiry_days: 365, ...o });
export const tierPointsBody = (o: Record<string, unknown> = {}) => ({ name: `Tier points ${uid()}`, handle: uid("tp-"), kind: "tier", ...o });
export const benefitBody = (o: Record<string, unknown> = {}) => ({ name: `Free alteration ${uid()}`, handle: uid("alt-"), max_redemptions: 3, period: 90, ...o });
export const tierBody = (pointDefinitionId: string, o: Record<string, unknown> = {}) => ({
  name: `Gold ${uid()}`,
  handle: uid("gold-"),
  point_definition_id: pointDefinitionId,
  value_min: 500,
  value_maintain: 400,
  ...o,
});
export const achievementBody = (o: Record<string, unknown> = {}) => ({
  name: `Regular ${uid()}`,
  handle: uid("regular-"),
  levels: { kind: "thresholds", thresholds: [1, 5, 10, 25] },
  trigger: "transaction",
  ...o,
});
export const rateBody = (pointDefinitionId: string, o: Record<string, unknown> = {}) => ({ point_definition_id: pointDefinitionId, name: `Base ${uid()}`, multiplier: 1, ...o });
