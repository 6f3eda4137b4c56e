// Factories for the reactions tests: triggers through the real API, and events handled the way the
// queue consumer handles them (the outbox row read back from D1, then handleEvent).
import { and, asc, eq } from "drizzle-orm";
import { expect } from "vitest";
import { events } from "../../../db/schema";
import { handleEvent } from "../../../workers/events/consumer";
import { toMessage, type DomainEvent } from "../../../workers/platform/outbox";
import { api, services } from "../helpers";
import { ledgerStub } from "../incentives/ledger-support";

export async function createTrigger(token: string, body: Record<string, unknown>) {
  const res = await api("/triggers", { method: "POST", token, json: body });
  const text = await res.text();
  expect(res.status, text).toBe(201);
  return (JSON.parse(text) as { data: { id: string; actions: Array<{ id: string }> } }).data;
}

/** A profile's events of one type, oldest first (the ledger's are flushed to D1 first). */
export async function eventsOf(profileId: string, type: string): Promise<DomainEvent[]> {
  await ledgerStub(profileId).flush();
  const rows = await services().db.select().from(events).where(and(eq(events.profileId, profileId), eq(events.type, type))).orderBy(asc(events.occurredAt));
  return rows.map(toMessage);
}

export async function deliver(event: DomainEvent): Promise<string[]> {
  return handleEvent(event, services());
}

export const rewardTrigger = (eventType: string, definition: string, extra: Array<Record<string, unknown>> = []) => ({
  name: `Reward on ${eventType}`,
  trigger: eventType,
  is_active: true,
  actions: [
    ...extra,
    {
      uuid: "reward.create",
      name: "Give a reward",
      arguments: [
        { name: "profile_id", value: { var: "profile_id" }, is_dynamic: true },
        { name: "definition", value: definition, is_dynamic: false },
      ],
    },
  ],
});
