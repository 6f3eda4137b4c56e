// Webhook `queue` priority is honoured: each webhook's deliveries (first attempt, retries, replays) travel
// on the delivery queue of its priority (high, default, low; wrangler.toml gives each its own consumer
// settings); a test send goes on high; a target's notice on default. The real worker consumes all three.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { systemActor } from "../../../workers/access/actor";
import type { DeliveryMessage, DeliveryQueue } from "../../../workers/delivery/deliveries.service";
import { fanOutWebhooks } from "../../../workers/delivery/fan-out";
import { WebhookInput } from "../../../workers/delivery/schema";
import { fixedClock } from "../../../workers/platform/clock";
import { toMessage } from "../../../workers/platform/outbox";
import { createServices } from "../../../workers/services";
import { uid } from "../commerce/support";

function recorder() {
  const sent: DeliveryMessage[] = [];
  const q: DeliveryQueue = {
    async sendBatch(msgs) {
      for (const m of msgs) sent.push(m.body);
    },
    async send(body) {
      sent.push(body);
    },
  };
  return { q, sent };
}

describe("webhook queue priority", () => {
  it("sends each webhook's deliveries, their retries and replays on the queue of its priority", async () => {
    const high = recorder();
    const normal = recorder();
    const low = recorder();
    const clock = fixedClock("2026-03-01T00:00:00Z");
    const s = createServices(env, null, { clock, deliveriesQueue: { high: high.q, default: normal.q, low: low.q } });
    const trigger = `transaction.created`;
    const bucket = uid("prio");
    const hooks = {
      high: (await s.webhooks.create(WebhookInput.parse({ trigger, url: `https://receiver.test/${bucket}-h/error`, queue: "high" }), systemActor("test"))).webhook,
      default: (await s.webhooks.create(WebhookInput.parse({ trigger, url: `https://receiver.test/${bucket}-d/ok`, queue: "default" }), systemActor("test"))).webhook,
      low: (await s.webhooks.create(WebhookInput.parse({ trigger, url: `https://receiver.test/${bucket}-l/ok`, queue: "whenever" }), systemActor("test"))).webhook,
    };
    expect(hooks.low.queue).toBe("low");
    await fanOutWebhooks(toMessage(s.outbox.event(trigger, { transaction: { id: uid("t"), total: 1 } })), s);
    const byWebhook = async (msgs: DeliveryMessage[]) => Promise.all(msgs.map(async (m) => (await s.deliveries.require(m.delivery_id)).webhookId));
    const ours = (ids: Array<string | null>) => ids.filter((id) => Object.values(hooks).some((h) => h.id === id));
    expect(ours(await byWebhook(high.sent))).toEqual([hooks.high.id]);
    expect(ours(await byWebhook(normal.sent))).toEqual([hooks.default.id]);
    expect(ours(await byWebhook(low.sent))).toEqual([hooks.low.id]);

    // the high webhook's receiver fails: its retry goes back on high
    const first = high.sent.shift()!;
    expect(await s.deliveries.attempt(first)).toBe("retrying");
    expect(high.sent.map((m) => m.delivery_id)).toEqual([first.delivery_id]);

    // a test send goes on high, whatever the webhook's own priority
    await s.webhooks.sendTest(hooks.default.id, systemActor("test"));
    expect(high.sent).toHaveLength(2);
  });

  it("the worker's queue handler consumes the high and low delivery queues too", async () => {
    const { default: worker } = await import("../../../workers/app");
    const acked: string[] = [];
    for (const queue of ["loyalty-edge-deliveries-high", "loyalty-edge-deliveries-low"]) {
      const batch = {
        queue,
        messages: [{ id: `m-${queue}`, timestamp: new Date(), attempts: 1, body: { kind: "delivery", delivery_id: "msg_nonexistent", attempt: 0 }, ack: () => acked.push(queue), retry: () => {} }],
        ackAll: () => {},
        retryAll: () => {},
      } as unknown as MessageBatch<unknown>;
      await worker.queue!(batch, env, { waitUntil: () => {}, passThroughOnException: () => {}, props: {} } as unknown as ExecutionContext);
    }
    expect(acked).toEqual(["loyalty-edge-deliveries-high", "loyalty-edge-deliveries-low"]);
  });
});
