// Targets in workerd: the /targets API (Omneo's shape, secret headers never returned, template errors
// as a 422 with the line, preview) and sendTarget, the service reactions call, delivering the rendered
// template with its headers through the deliveries pipeline, once per key.
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { deliveries, targets } from "../../../db/schema/delivery";
import type { DeliveryMessage, DeliveryQueue } from "../../../workers/delivery/deliveries.service";
import { sampleContext } from "../../../workers/events/context";
import { createServices } from "../../../workers/services";
import { uid } from "../commerce/support";
import { api, countRows, makeToken, problem } from "../helpers";

afterEach(async () => {
  const db = createServices(env).db;
  await db.batch([db.delete(targets), db.delete(deliveries)]);
});

const TEMPLATE = '{\n  "email": {{ email|json_encode|raw }},\n  "total": "{{ transaction.total|number_format(2) }}",\n  "balance": "{{ reward_balance|currency }}"\n}';

describe("/targets", () => {
  it("creates, hides secret header values, previews, and sendTarget delivers the rendered body once per key", async () => {
    const { token } = await makeToken(["*"]);
    const bucket = uid("tgt");
    const res = await api("/targets", {
      method: "POST",
      token,
      json: { name: "Klaviyo", handle: "Klaviyo-Events", url: `https://receiver.test/${bucket}/ok`, template: TEMPLATE, headers: [{ name: "Authorization", value: "Klaviyo-API-Key pk_secret", is_secret: true }, { name: "X-Brand", value: "demo" }], condition: '{">": [{"var": "transaction.total"}, 10]}' },
    });
    expect(res.status).toBe(201);
    const t = ((await res.json()) as { data: Record<string, unknown> }).data;
    expect(t).toMatchObject({ handle: "klaviyo-events", method: "POST", condition: '{">":[{"var":"transaction.total"},10]}', headers: [{ name: "Authorization", value: null, is_secret: true }, { name: "X-Brand", value: "demo", is_secret: false }] });
    expect(JSON.stringify(await createServices(env).db.select().from(targets))).not.toContain("pk_secret");

    const preview = (await (await api(`/targets/${t.id}/preview`, { method: "POST", token, json: {} })).json()) as { data: { body: string; condition_passed: boolean } };
    expect(JSON.parse(preview.data.body)).toEqual({ email: "jane.citizen@example.com", total: "120.00", balance: "$10.00" });
    expect(preview.data.condition_passed).toBe(true);

    const sent: DeliveryMessage[] = [];
    const queue: DeliveryQueue = { sendBatch: async (m) => void sent.push(...[...m].map((x) => x.body)), send: async (b) => void sent.push(b) };
    const services = createServices(env, null, { deliveriesQueue: queue });
    const context = sampleContext("transaction.created", { transaction: { id: "t1", total: 42 } });
    const first = await services.targets.sendTarget("klaviyo-events", context, { key: "event-1:trigger-1:action-1" });
    const again = await services.targets.sendTarget("klaviyo-events", context, { key: "event-1:trigger-1:action-1" });
    expect(again.delivery!.id).toBe(first.delivery!.id);
    expect(sent).toHaveLength(1);
    expect((await services.targets.sendTarget("klaviyo-events", sampleContext("transaction.created", { transaction: { total: 3 } }))).skipped).toBe("condition");

    expect(await services.deliveries.attempt(sent[0]!)).toBe("delivered");
    const [got] = (await (await fetch(`https://receiver.test/__log/${bucket}`)).json()) as Array<{ headers: Record<string, string>; body: string }>;
    expect(got!.headers.authorization).toBe("Klaviyo-API-Key pk_secret");
    expect(got!.headers["x-brand"]).toBe("demo");
    expect(got!.headers["content-type"]).toBe("application/json");
    expect(got!.headers["idempotency-key"]).toBe(first.delivery!.id);
    expect(JSON.parse(got!.body)).toMatchObject({ total: "42.00", email: "jane.citizen@example.com" });

    // updating other fields keeps the secret header (sent as null)
    const put = await api(`/targets/${t.id}`, { method: "PUT", token, json: { headers: [{ name: "Authorization", value: null, is_secret: true }], notes: "moved" } });
    expect(put.status).toBe(200);
    const row = await services.db.query.targets.findFirst({ where: eq(targets.id, t.id as string) });
    expect(row!.headers).toHaveLength(1);
    expect(row!.headers[0]!.value).not.toBe("Klaviyo-API-Key pk_secret");
    expect((await api(`/targets/${t.id}`, { method: "DELETE", token })).status).toBe(204);
  });

  it("a template that does not render is a 422 naming its line, and nothing is saved", async () => {
    const { token } = await makeToken(["*"]);
    const before = await countRows(targets);
    const res = await api("/targets", { method: "POST", token, json: { name: "Broken", handle: uid("broken"), url: "https://receiver.test/x/ok", template: '{\n  "a": 1,\n  "b": {{ email|shout }}\n}' } });
    expect(res.status).toBe(422);
    expect((await problem(res)).errors?.template?.[0]).toMatch(/^line 3: .*shout/);
    expect(await countRows(targets)).toBe(before);
    const draft = await api("/targets/preview", { method: "POST", token, json: { template: "ok\n{% if x %}" } });
    expect(draft.status).toBe(422);
    expect((await problem(draft)).errors?.template?.[0]).toMatch(/^line 2/);
  });

  it("refuses private URLs and unknown methods", async () => {
    const { token } = await makeToken(["*"]);
    for (const [over, field] of [[{ url: "https://10.0.0.8/hook" }, "url"], [{ method: "TRACE" }, "method"]] as const) {
      const res = await api("/targets", { method: "POST", token, json: { name: "X", handle: uid("x"), template: "{}", ...(Object.assign({ url: "https://receiver.test/x/ok" }, over) as Record<string, unknown>) } });
      expect(res.status).toBe(422);
      expect(Object.keys((await problem(res)).errors ?? {})).toContain(field);
    }
  });
});
