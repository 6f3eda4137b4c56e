// POST /transactions/queue: accepted with 202, processed by the events-queue consumer through the same
// service method, polled at GET /transactions/external/{external_id}.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { and, eq } from "drizzle-orm";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { auditLog, transactions } from "../../../db/schema";
import { systemActor } from "../../../workers/access/actor";
import { TransactionInput } from "../../../workers/commerce/schema";
import { TRANSACTION_MESSAGE, type TransactionMessage } from "../../../workers/commerce/transactions.service";
import { consumeEvents } from "../../../workers/events/consumer";
import { api, countRows, makeToken, problem, services } from "../helpers";
import { body, makeProfile, simpleReceipt, type Tx } from "./support";

function message(json: unknown, label = "queue test"): TransactionMessage {
  return { kind: TRANSACTION_MESSAGE, input: TransactionInput.parse(json), actor: systemActor(label), queued_at: new Date().toISOString() };
}

async function consume(...bodies: TransactionMessage[]) {
  const batch = createMessageBatch("loyalty-edge-events", bodies.map((b, i) => ({ id: `msg-${i}-${crypto.randomUUID()}`, timestamp: new Date(), attempts: 1, body: b })));
  const ctx = createExecutionContext();
  await consumeEvents(batch, services());
  return getQueueResult(batch, ctx);
}

describe("POST /transactions/queue", () => {
  it("accepts with 202 and the external_id to poll; the consumer records it", async () => {
    const { token } = await makeToken(["transactions:write", "transactions:read"]);
    const profile = await makeProfile((await makeToken(["profiles:write"])).token);
    const json = simpleReceipt(44, { profile_id: profile.email, profile_id_handle: "email" });
    const res = await api("/transactions/queue", { method: "POST", token, json });
    expect(res.status).toBe(202);
    const poll = `/api/v3/transactions/external/${encodeURIComponent(json.external_id)}`;
    expect(res.headers.get("Location")).toBe(poll);
    expect((await body<{ data: unknown }>(res)).data).toEqual({ external_id: json.external_id, status: "queued", poll });

    // the events queue delivers it to the consumer within a few seconds
    let found: Tx | null = null;
    for (let i = 0; i < 60 && !found; i++) {
      const r = await api(`/transactions/external/${encodeURIComponent(json.external_id)}`, { token });
      if (r.status === 200) found = (await body<{ data: Tx }>(r)).data;
      else await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(found).toMatchObject({ external_id: json.external_id, profile_id: profile.id, total: 44 });
  });

  it("refuses what can be checked at once with a 422, and queues nothing", async () => {
    // the producer itself is watched, so "queued nothing" is a fact rather than a sleep hoping a consumer
    // would have run by now (the consumer refuses such a receipt too, so no row would prove nothing)
    const send = vi.spyOn(env.EVENTS, "send");
    const sendBatch = vi.spyOn(env.EVENTS, "sendBatch");
    try {
      const { token } = await makeToken(["transactions:write"]);
      const mismatch = simpleReceipt(10, { total: 11 });
      const res = await api("/transactions/queue", { method: "POST", token, json: mismatch });
      expect(res.status).toBe(422);
      expect((await problem(res)).errors).toEqual({ total: ["Items add up to 10.00 but total is 11.00"] });
      const shape = await api("/transactions/queue", { method: "POST", token, json: simpleReceipt(10, { items: [{ sku: "X", quantity: 0, price_sell: 10 }] }) });
      expect(shape.status).toBe(422);
      expect(send).not.toHaveBeenCalled();
      expect(sendBatch).not.toHaveBeenCalled();
      expect(await countRows(transactions, eq(transactions.externalId, mismatch.external_id))).toBe(0);
      // and the watch sees an accepted receipt, exactly once
      const ok = simpleReceipt(10);
      expect((await api("/transactions/queue", { method: "POST", token, json: ok })).status).toBe(202);
      expect(send).toHaveBeenCalledTimes(1);
      expect((send.mock.calls[0]![0] as TransactionMessage).input.external_id).toBe(ok.external_id);
    } finally {
      send.mockRestore();
      sendBatch.mockRestore();
    }
  });

  it("needs transactions:write", async () => {
    const { token } = await makeToken(["transactions:read"]);
    expect((await api("/transactions/queue", { method: "POST", token, json: simpleReceipt(10) })).status).toBe(403);
  });
});

describe("the consumer's transaction branch", () => {
  it("records a queued transaction, acks it, and acks a redelivery without a second row", async () => {
    const json = simpleReceipt(12.5);
    const msg = message(json, "token pos (queued)");
    const result = await consume(msg);
    expect(result.explicitAcks).toHaveLength(1);
    expect(result.retryMessages).toHaveLength(0);
    const row = await services().db.query.transactions.findFirst({ where: eq(transactions.externalId, json.external_id) });
    expect(row).toMatchObject({ total: 1250 });
    expect(await countRows(auditLog, and(eq(auditLog.action, "transaction.created"), eq(auditLog.entityId, row!.id), eq(auditLog.actorLabel, "system: token pos (queued)")))).toBe(1);

    const again = await consume(msg);
    expect(again.explicitAcks).toHaveLength(1);
    expect(await countRows(transactions, eq(transactions.externalId, json.external_id))).toBe(1);
  });

  it("drops (acks) a request that turns out wrong, writing nothing", async () => {
    const json = simpleReceipt(10, { profile_id: crypto.randomUUID() });
    const result = await consume(message(json));
    expect(result.explicitAcks).toHaveLength(1);
    expect(result.retryMessages).toHaveLength(0);
    expect(await countRows(transactions, eq(transactions.externalId, json.external_id))).toBe(0);
  });

  it("tells whoever polls a rejected receipt why, instead of a 404 forever", async () => {
    const { token } = await makeToken(["transactions:read"]);
    const json = simpleReceipt(10, { profile_id: crypto.randomUUID() });
    await consume(message(json));
    const res = await api(`/transactions/external/${encodeURIComponent(json.external_id)}`, { token });
    expect(res.status).toBe(422);
    const p = await problem(res);
    expect(p.detail).toContain(json.external_id);
    expect(Object.keys(p.errors ?? {})).toContain("profile_id");
    expect((await api(`/transactions/external/never-sent-${crypto.randomUUID()}`, { token })).status).toBe(404);
  });
});
