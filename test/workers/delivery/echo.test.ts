// Echo suppression for what the ledger Durable Object emits: points earned by a namespaced token's receipt
// and a reward it issues carry the token's namespace on their events (the DO stamps it at flush), so a
// webhook of that namespace is not sent them while another webhook is. And Omneo's webhook event names
// (`profiles.create`) accepted as aliases, echoed as sent, and delivered the events they name.
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { deliveries, webhooks } from "../../../db/schema/delivery";
import { systemActor } from "../../../workers/access/actor";
import { fanOutWebhooks } from "../../../workers/delivery/fan-out";
import { WebhookInput } from "../../../workers/delivery/schema";
import { createServices } from "../../../workers/services";
import { api, countRows, makeToken, makeUser, problem, services } from "../helpers";
import { toMessage } from "../../../workers/platform/outbox";
import { issueReward, makeProfile, pointsProgramme, purchase, rewardDef, uid } from "../incentives/ledger-support";
import { postTx } from "../commerce/support";
import { eventsOf } from "../reactions/support";

afterEach(async () => {
  const db = createServices(env).db;
  await db.batch([db.delete(webhooks), db.delete(deliveries)]);
});

async function namespacedToken(namespace: string): Promise<string> {
  const owner = await makeUser("machine");
  const { token } = await services().tokens.create({ name: uid("ns "), scopes: ["*"], user_id: owner.id, expires_at: null, namespace }, systemActor("test"));
  return token;
}

describe("events the ledger emits carry the causing token's namespace", () => {
  it("a namespaced token's receipt: points.awarded carries the namespace and is not echoed to its webhook", async () => {
    const { token: admin } = await makeToken(["*"], { role: "admin" });
    await pointsProgramme(admin);
    const token = await namespacedToken("shopify");
    const s = services();
    const mine = await s.webhooks.create(WebhookInput.parse({ trigger: "points.awarded", url: `https://receiver.test/${uid("b")}/ok`, namespace: "shopify" }), systemActor("test"));
    const other = await s.webhooks.create(WebhookInput.parse({ trigger: "points.awarded", url: `https://receiver.test/${uid("b")}/ok` }), systemActor("test"));

    const profile = await makeProfile(token);
    await postTx(token, purchase(profile.id, 20), 201);
    const [awarded] = await eventsOf(profile.id, "points.awarded");
    expect(awarded!.causation).toEqual({ depth: 0, namespace: "shopify" });

    await fanOutWebhooks(awarded!, s);
    const sentTo = (await s.db.select({ webhookId: deliveries.webhookId }).from(deliveries).where(eq(deliveries.eventId, awarded!.id))).map((r) => r.webhookId);
    expect(sentTo).toEqual([other.webhook.id]);
    expect(sentTo).not.toContain(mine.webhook.id);
  });

  it("a reward a namespaced token issues by hand carries the namespace; another token's does not", async () => {
    const { token: admin } = await makeToken(["*"], { role: "admin" });
    const def = await rewardDef(admin);
    const token = await namespacedToken("crm");
    const profile = await makeProfile(admin);
    await issueReward(token, profile.id, def.id);
    await issueReward(admin, profile.id, def.id);
    const issued = await eventsOf(profile.id, "reward.issued");
    expect(issued.map((e) => e.causation)).toEqual(expect.arrayContaining([{ depth: 0, namespace: "crm" }, null]));
    expect(issued).toHaveLength(2);
  });
});

describe("Omneo's webhook event names", () => {
  it("profiles.create is accepted, echoed as sent, found by its own filter, and delivered profile.created events", async () => {
    const { token } = await makeToken(["*"]);
    const url = `https://receiver.test/${uid("b")}/ok`;
    const res = await api("/webhooks", { method: "POST", token, json: { trigger: "profiles.create", url, queue: "low", namespace: "sdk", condition: null } });
    const text = await res.text();
    expect(res.status, text).toBe(201);
    const created = (JSON.parse(text) as { data: { id: string; trigger: string } }).data;
    expect(created.trigger).toBe("profiles.create");
    const other = await api("/webhooks", { method: "POST", token, json: { trigger: "profile.created", url: `https://receiver.test/${uid("b")}/ok` } });
    expect(other.status).toBe(201);

    const list = (await (await api("/webhooks?filter[trigger]=profiles.create&filter[is_active]=1&filter[namespace]=sdk", { token })).json()) as { data: Array<{ id: string; trigger: string }> };
    expect(list.data.map((w) => w.id)).toEqual([created.id]);

    const put = await api(`/webhooks/${created.id}`, { method: "PUT", token, json: { trigger: "transactions.create" } });
    expect(((await put.json()) as { data: { trigger: string } }).data.trigger).toBe("transactions.create");
    await api(`/webhooks/${created.id}`, { method: "PUT", token, json: { trigger: "profiles.create" } });

    const s = services();
    const event = toMessage(s.outbox.event("profile.created", { profile: { id: "p" } }));
    await fanOutWebhooks(event, s);
    const sentTo = (await s.db.select({ webhookId: deliveries.webhookId }).from(deliveries).where(eq(deliveries.eventId, event.id))).map((r) => r.webhookId);
    expect(sentTo).toContain(created.id);
    expect(sentTo).toHaveLength(2);
  });

  it("profiles.create and profile.created to one url are one webhook; an unknown Omneo name is a 422", async () => {
    const { token } = await makeToken(["*"]);
    const url = `https://receiver.test/${uid("b")}/ok`;
    expect((await api("/webhooks", { method: "POST", token, json: { trigger: "profile.created", url } })).status).toBe(201);
    const before = await countRows(webhooks);
    const dup = await api("/webhooks", { method: "POST", token, json: { trigger: "profiles.create", url } });
    expect(dup.status).toBe(422);
    expect((await problem(dup)).errors?.url?.[0]).toMatch(/already exists/);
    const unknown = await api("/webhooks", { method: "POST", token, json: { trigger: "regions.created", url } });
    expect(unknown.status).toBe(422);
    expect(JSON.stringify((await problem(unknown)).errors)).toContain("regions.created");
    expect(await countRows(webhooks)).toBe(before);
  });
});
