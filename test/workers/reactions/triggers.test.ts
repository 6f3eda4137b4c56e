// Triggers end to end: validation before save (nothing written on a refusal), event → trigger →
// reward issued through the ledger, redelivery running nothing twice, the loop stop at depth 5,
// dry runs without side effects, and the action history with retry.
import { and, eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, deliveries, reactionRuns, targets, triggers } from "../../../db/schema";
import { api, countRows, makeToken, problem, services } from "../helpers";
import { makeProfile, purchase, rewardDef } from "../incentives/ledger-support";
import { postTx } from "../commerce/support";
import { createTrigger, deliver, eventsOf, rewardTrigger } from "./support";

async function rewardsOf(profileId: string) {
  return services().ledger.rewards(profileId);
}

describe("triggers: validation before save", () => {
  it("refuses bad bodies with a 422 naming each field path, and saves nothing", async () => {
    const { token } = await makeToken(["config:read", "config:write"]);
    const before = await countRows(triggers);
    const res = await api("/triggers", {
      method: "POST",
      token,
      json: {
        name: "Broken",
        trigger: "transaction.exploded",
        actions: [
          { uuid: "reward.teleport", arguments: [] },
          { type: "filter", arguments: [{ name: "condition", value: { "===": [1] }, is_dynamic: false }] },
          { uuid: "reward.create", arguments: [{ name: "profile_id", value: { var: "profile_id" }, is_dynamic: true }] },
          { uuid: "benefit.create", arguments: [{ name: "profile_id", value: { var: "profile_id" }, is_dynamic: true }, { name: "definition", value: "no-such-benefit" }] },
        ],
      },
    });
    expect(res.status).toBe(422);
    const p = await problem(res);
    expect(Object.keys(p.errors!).sort()).toEqual(["actions.0.uuid", "actions.1.arguments.0.value", "actions.2.arguments", "actions.3.arguments.1.value", "trigger"]);
    expect(p.errors!.trigger![0]).toContain("transaction.exploded");
    expect(p.errors!["actions.2.arguments"]![0]).toContain('"definition"');
    expect(p.errors!["actions.3.arguments.1.value"]![0]).toContain("no-such-benefit");
    expect(await countRows(triggers)).toBe(before);

    // unknown fields are named too
    const extra = await api("/triggers", { method: "POST", token, json: { name: "x", trigger: "transaction.created", colour: "red" } });
    expect(extra.status).toBe(422);
    expect(JSON.stringify((await problem(extra)).errors)).toContain("colour");
  });

  it("stores Omneo's shape: type as alias of uuid, reward.created as reward.issued; /actions lists and adds", async () => {
    const { token } = await makeToken(["config:read", "config:write"]);
    const def = await rewardDef(token);
    const t = await createTrigger(token, { ...rewardTrigger("reward.created", def.handle), actions: [{ type: "profile.tag", arguments: [{ name: "profile_id", value: { var: "profile_id" }, is_dynamic: true }, { name: "tag", value: "vip" }] }] });
    const got = await (await api(`/triggers/${t.id}`, { token })).json<{ data: { trigger: string; actions: Array<{ uuid: string; type: string }> } }>();
    expect(got.data.trigger).toBe("reward.issued");
    expect(got.data.actions[0]!.uuid).toBe("profile.tag");
    const added = await api(`/triggers/${t.id}/actions`, { method: "POST", token, json: { uuid: "points.award", arguments: [{ name: "profile_id", value: { var: "profile_id" }, is_dynamic: true }, { name: "definition", value: "nope" }, { name: "points", value: 10 }] } });
    expect(added.status).toBe(422);
    expect(Object.keys((await problem(added)).errors!)).toEqual(["arguments.1.value"]);
    const list = await (await api(`/triggers/${t.id}/actions`, { token })).json<{ data: unknown[] }>();
    expect(list.data).toHaveLength(1);
    const del = await api(`/triggers/${t.id}`, { method: "DELETE", token });
    expect(del.status).toBe(204);
    // an unknown filter is named, not ignored
    const unknown = await api("/triggers?filter[colour]=red", { token });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify((await problem(unknown)).errors)).toContain("filter[colour]");
  });

  it("the OpenAPI document lists the reactions routes", async () => {
    const doc = (await (await api("/openapi.json")).json()) as { paths: Record<string, Record<string, unknown>> };
    const ops = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    expect(ops).toEqual(
      expect.arrayContaining([
        "GET /triggers",
        "POST /triggers",
        "POST /triggers/dry-run",
        "PUT /triggers/{id}",
        "DELETE /triggers/{id}",
        "GET /triggers/{id}/actions",
        "POST /triggers/{id}/actions",
        "POST /triggers/{id}/dry-run",
        "GET /action-history",
        "POST /action-history/{id}/retry",
        "GET /automations",
        "POST /automations",
        "POST /automations/{id}/trigger",
        "GET /automations/{id}/runs",
        "POST /automations/queries/samples",
      ]),
    );
  });
});

describe("triggers: runs", () => {
  it("a transaction over $50 issues the reward once, even when its event is delivered again", async () => {
    const { token } = await makeToken(["*"] as never);
    const def = await rewardDef(token, { value: "5.00" });
    const trigger = await createTrigger(
      token,
      rewardTrigger("transaction.created", def.handle, [{ uuid: "filter", name: "Big baskets", arguments: [{ name: "condition", value: { ">": [{ var: "transaction.total" }, 50] } }] }]),
    );
    const big = await makeProfile(token);
    const small = await makeProfile(token);
    await postTx(token, purchase(big.id, 80), 201);
    await postTx(token, purchase(small.id, 20), 201);

    const [bigEvent] = await eventsOf(big.id, "transaction.created");
    const [smallEvent] = await eventsOf(small.id, "transaction.created");
    await deliver(bigEvent!);
    await deliver(smallEvent!);
    // a redelivery, and the runner called again past the receipts: still one reward
    await deliver(bigEvent!);
    await services().reactions.onEvent(bigEvent!);

    const rewards = (await rewardsOf(big.id)).filter((r) => r.reward_definition_id === def.id);
    expect(rewards).toHaveLength(1);
    expect((await rewardsOf(small.id)).filter((r) => r.reward_definition_id === def.id)).toHaveLength(0);

    const ofTheseTwo = inArray(reactionRuns.eventId, [bigEvent!.id, smallEvent!.id]);
    await expect.poll(async () => (await services().db.select().from(reactionRuns).where(and(eq(reactionRuns.triggerId, trigger.id), ofTheseTwo))).map((r) => r.status).sort(), { timeout: 10_000 }).toEqual(["filtered", "succeeded"]);
    // audited as the reaction
    const audits = await services().db.select().from(auditLog).where(eq(auditLog.entityId, big.id));
    expect(audits.some((a) => a.action === "reward.issued" && a.actorLabel.startsWith("system: reaction"))).toBe(true);

    const history = await (await api(`/action-history?filter[trigger_id]=${trigger.id}&filter[status]=succeeded`, { token })).json<{ data: Array<{ event: { id: string }; actions: Array<{ status: string }> }> }>();
    expect(history.data).toHaveLength(1);
    expect(history.data[0]!.event.id).toBe(bigEvent!.id);
    expect(history.data[0]!.actions.map((a) => a.status)).toEqual(["passed", "succeeded"]);
  });

  it("a chain of triggers that would loop stops at depth 5, and the stop is recorded", async () => {
    const { token } = await makeToken(["*"] as never);
    const def = await rewardDef(token, { value: "1.00" });
    const profile = await makeProfile(token);
    // every reward of this definition issues another: a loop
    const trigger = await createTrigger(
      token,
      rewardTrigger("reward.issued", def.handle, [{ uuid: "filter", arguments: [{ name: "condition", value: { "==": [{ var: "reward.reward_definition_id" }, def.id] } }] }]),
    );
    const first = await api(`/profiles/${profile.id}/rewards`, { method: "POST", token, json: { reward_definition_id: def.id, reason: "start" } });
    expect(first.status).toBe(201);
    // deliver each new reward.issued as it appears (the queue's own consumer may take some first)
    const handled = new Set<string>();
    const round = async () => {
      for (const e of (await eventsOf(profile.id, "reward.issued")).filter((x) => !handled.has(x.id))) {
        handled.add(e.id);
        await deliver(e);
      }
      const runs = await services().db.select().from(reactionRuns).where(and(eq(reactionRuns.triggerId, trigger.id), eq(reactionRuns.profileId, profile.id)));
      return runs.filter((r) => r.status !== "running").length;
    };
    await expect.poll(round, { timeout: 20_000, interval: 100 }).toBe(6);
    const rewards = (await rewardsOf(profile.id)).filter((r) => r.reward_definition_id === def.id);
    expect(rewards).toHaveLength(6); // the first, then one per depth 1..5
    // the trigger hears every profile's reward.issued (other tests' too): this profile's runs
    const runs = await services().db.select().from(reactionRuns).where(and(eq(reactionRuns.triggerId, trigger.id), eq(reactionRuns.profileId, profile.id)));
    expect(runs.filter((r) => r.status === "succeeded").map((r) => r.depth).sort()).toEqual([1, 2, 3, 4, 5]);
    const stopped = runs.filter((r) => r.status === "stopped");
    expect(stopped).toHaveLength(1);
    expect(stopped[0]!.depth).toBe(6);
    expect(stopped[0]!.error).toContain("depth 6");
  });

  it("dry runs say what would happen and write nothing; a failed run is retried", async () => {
    const { token } = await makeToken(["*"] as never);
    const def = await rewardDef(token);
    const profile = await makeProfile(token);
    await postTx(token, purchase(profile.id, 30), 201);
    const [event] = await eventsOf(profile.id, "transaction.created");
    const body = rewardTrigger("transaction.created", def.handle, [{ uuid: "filter", arguments: [{ name: "condition", value: { ">": [{ var: "transaction.total" }, 50] } }] }]);

    const dry = await api("/triggers/dry-run", { method: "POST", token, json: { event_id: event!.id, trigger: body } });
    expect(dry.status, await dry.clone().text()).toBe(200);
    const plan = (await dry.json<{ data: { would_run: boolean; actions: Array<{ outcome: string; passes?: boolean }> } }>()).data;
    expect(plan.would_run).toBe(false);
    expect(plan.actions[0]!.passes).toBe(false);
    const pasted = await api("/triggers/dry-run", { method: "POST", token, json: { event: { type: "transaction.created", profile_id: profile.id, data: { transaction: { total: 99 } } }, trigger: body } });
    const plan2 = (await pasted.json<{ data: { would_run: boolean; actions: Array<{ outcome: string }> } }>()).data;
    expect(plan2.would_run).toBe(true);
    expect(plan2.actions[1]!.outcome).toContain("would issue");
    // no run recorded for the pasted event, and nothing issued (other tests' active triggers do run on real events meanwhile)
    expect(await countRows(reactionRuns, eq(reactionRuns.eventId, "dry-run"))).toBe(0);
    expect((await rewardsOf(profile.id)).filter((r) => r.reward_definition_id === def.id)).toHaveLength(0);

    // a run that fails (its definition archived after the save), then succeeds on retry once it is back.
    // The queue may deliver this event too while the trigger is new: whichever delivery runs the trigger,
    // the run ends failed (the other sees it in progress and leaves it), so wait for it to end.
    const t = await createTrigger(token, rewardTrigger("transaction.created", def.handle));
    const archived = await api(`/rewards/definitions/${def.id}`, { method: "DELETE", token });
    expect(archived.status).toBeLessThan(300);
    await services().reactions.onEvent(event!);
    const runOf = async () => (await services().db.select().from(reactionRuns).where(and(eq(reactionRuns.triggerId, t.id), eq(reactionRuns.eventId, event!.id))))[0];
    await expect.poll(async () => (await runOf())?.status, { timeout: 10_000 }).toBe("failed");
    const run = await runOf();
    expect(run!.outcomes[0]!.error).toContain(def.handle);
    const def2 = await rewardDef(token);
    await api(`/triggers/${t.id}`, { method: "PUT", token, json: { ...rewardTrigger("transaction.created", def2.handle), actions: [{ ...rewardTrigger("transaction.created", def2.handle).actions[0], id: t.actions[0]!.id }] } });
    const retried = await api(`/action-history/${encodeURIComponent(run!.id)}/retry`, { method: "POST", token });
    expect(retried.status, await retried.clone().text()).toBe(200);
    expect((await retried.json<{ data: { status: string; attempts: number } }>()).data).toMatchObject({ status: "succeeded", attempts: 2 });
    expect((await rewardsOf(profile.id)).filter((r) => r.reward_definition_id === def2.id)).toHaveLength(1);
    const again = await api(`/action-history/${encodeURIComponent(run!.id)}/retry`, { method: "POST", token });
    expect(again.status).toBe(409);
  }, 30_000);

  it("target.send names a real target at save, and sends once per (event, trigger, action)", async () => {
    const { token } = await makeToken(["*"] as never);
    const sendArgs = (target: string) => [{ name: "target", value: target }, { name: "profile_id", value: { var: "profile_id" }, is_dynamic: true }];
    const refused = await api("/triggers", { method: "POST", token, json: { name: "Notify", trigger: "transaction.created", actions: [{ uuid: "target.send", arguments: sendArgs("no-such-target") }] } });
    expect(refused.status).toBe(422);
    expect(Object.keys((await problem(refused)).errors!)).toEqual(["actions.0.arguments.0.value"]);

    const handle = `notify-${crypto.randomUUID().slice(0, 8)}`;
    const made = await api("/targets", { method: "POST", token, json: { name: "Notify", handle, url: `https://receiver.test/${handle}/ok`, template: '{"total": {{ transaction.total }}}' } });
    expect(made.status, await made.clone().text()).toBe(201);
    const trigger = await createTrigger(token, { name: "Notify", trigger: "transaction.created", is_active: true, actions: [{ uuid: "target.send", arguments: sendArgs(handle) }] });
    const profile = await makeProfile(token);
    await postTx(token, purchase(profile.id, 12), 201);
    const [event] = await eventsOf(profile.id, "transaction.created");
    await deliver(event!);
    await services().reactions.onEvent(event!);
    // the queue's own consumer may be the one running it: wait for the run to end
    const thisRun = and(eq(reactionRuns.triggerId, trigger.id), eq(reactionRuns.eventId, event!.id));
    await expect.poll(async () => (await services().db.select().from(reactionRuns).where(thisRun))[0]?.status, { timeout: 10_000 }).toBe("succeeded");
    const [target] = await services().db.select().from(targets).where(eq(targets.handle, handle));
    // the trigger hears other tests' transactions too: this event's deliveries
    const sent = await services().db.select().from(deliveries).where(and(eq(deliveries.targetId, target!.id), eq(deliveries.eventId, event!.id)));
    expect(sent).toHaveLength(1);
    expect(sent[0]!.body).toContain('"total": 12');
  });

  it("a run another worker holds is left alone; one left running past its lease is taken over", async () => {
    const { token } = await makeToken(["*"] as never);
    const def = await rewardDef(token);
    const trigger = await createTrigger(token, rewardTrigger("profile.updated", def.handle));
    const profile = await makeProfile(token);
    const event = { id: crypto.randomUUID(), type: "profile.updated", occurred_at: new Date().toISOString(), profile_id: profile.id, data: {}, causation: null };
    const s = services();
    const held = { id: `${event.id}:${trigger.id}`, triggerId: trigger.id, triggerName: "x", eventId: event.id, eventType: event.type, profileId: profile.id, depth: 1, status: "running" as const, outcomes: [], error: null, attempts: 1, finishedAt: null };
    await s.db.insert(reactionRuns).values({ ...held, startedAt: new Date() });
    await s.reactions.onEvent(event);
    expect((await s.reactions.run(held.id)).status).toBe("running");
    expect((await rewardsOf(profile.id)).filter((r) => r.reward_definition_id === def.id)).toHaveLength(0);

    await s.db.update(reactionRuns).set({ startedAt: new Date(Date.now() - 6 * 60_000) }).where(eq(reactionRuns.id, held.id));
    await s.reactions.onEvent(event);
    expect(await s.reactions.run(held.id)).toMatchObject({ status: "succeeded", attempts: 2 });
    expect((await rewardsOf(profile.id)).filter((r) => r.reward_definition_id === def.id)).toHaveLength(1);
  });
});
