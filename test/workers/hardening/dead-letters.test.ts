// Issue 14: what the queue dead-letters is kept as identifiers only. A profile's event carries its email,
// names, mobile, address and meta; a queued receipt may name its customer by email. Neither the log line nor
// the dead_letters row may hold any of it.
import { createMessageBatch } from "cloudflare:test";
import { eq, inArray } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { events } from "../../../db/schema";
import { deadLetters } from "../../../db/schema/delivery";
import { systemActor } from "../../../workers/access/actor";
import { TransactionInput } from "../../../workers/commerce/schema";
import { TRANSACTION_MESSAGE } from "../../../workers/commerce/transactions.service";
import { consumeDeadLetters } from "../../../workers/events/deliveries";
import { toMessage } from "../../../workers/platform/outbox";
import { api, makeToken, services } from "../helpers";
import { simpleReceipt } from "../commerce/support";

afterEach(() => vi.restoreAllMocks());

describe("the dead-letter consumer", () => {
  it("logs and keeps only identifiers: no email, name, mobile, address or meta", async () => {
    const { token } = await makeToken(["profiles:write"]);
    const tag = crypto.randomUUID().slice(0, 8);
    const email = `dl-${tag}@secret.example`;
    const personal = [email, `Zebedee${tag}`, `Quixote${tag}`, "+61412345678", "0412345678", `${tag} Secret Street`, `meta-${tag}`];
    const res = await api("/profiles", {
      method: "POST",
      token,
      json: { email, first_name: `Zebedee${tag}`, last_name: `Quixote${tag}`, mobile_phone: "0412345678", addresses: [{ address_line_1: `${tag} Secret Street`, city: "Sydney", country: "AU" }] },
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const profileId = ((await res.json()) as { data: { id: string } }).data.id;
    const s = services();
    const [row] = await s.db.select().from(events).where(eq(events.profileId, profileId));
    // an interaction's event carries its meta too
    const real = toMessage(row!);
    const event = { ...real, data: { ...real.data, meta: { note: `meta-${tag}` } } };
    // the event really carries the personal data this test looks for
    expect(JSON.stringify(event)).toContain(email);
    expect(JSON.stringify(event)).toContain(`Zebedee${tag}`);

    const receipt = { kind: TRANSACTION_MESSAGE, input: TransactionInput.parse(simpleReceipt(10, { profile_id: email, profile_id_handle: "email" })), actor: systemActor("dlq test"), queued_at: new Date().toISOString() };
    const ids = [`dl-ev-${tag}`, `dl-tx-${tag}`];
    const logged: string[] = [];
    vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(" ")));
    await consumeDeadLetters(
      createMessageBatch("loyalty-edge-dlq", [
        { id: ids[0]!, timestamp: new Date(), attempts: 4, body: event },
        { id: ids[1]!, timestamp: new Date(), attempts: 4, body: receipt },
      ]),
      s,
    );
    const rows = await s.db.select().from(deadLetters).where(inArray(deadLetters.messageId, ids));
    expect(rows).toHaveLength(2);
    expect(logged).toHaveLength(2);
    const kept = [...logged, ...rows.map((r) => r.body)].join("\n");
    for (const value of personal) expect(kept, value).not.toContain(value);
    // what is kept names the message well enough to look it up
    const byId = Object.fromEntries(rows.map((r) => [r.messageId, JSON.parse(r.body) as Record<string, unknown>]));
    expect(byId[ids[0]!]).toEqual({ queue: "loyalty-edge-dlq", message_id: ids[0], attempts: 4, kind: "event", event_id: event.id, event_type: event.type, profile_id: profileId, occurred_at: event.occurred_at });
    expect(byId[ids[1]!]).toEqual({ queue: "loyalty-edge-dlq", message_id: ids[1], attempts: 4, kind: TRANSACTION_MESSAGE, external_id: receipt.input.external_id, profile_id: null, actor_type: "system", actor_id: null });
  });
});
