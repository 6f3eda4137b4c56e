// Durable Objects: the ProfileLedger answers over RPC, and the live feed is only for signed-in staff.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { getServerByName } from "partyserver";
import { describe, expect, it, vi } from "vitest";
import { sessions } from "../../db/schema/access";
import { LEDGER_SCHEMA_VERSION } from "../../workers/incentives/profile-ledger/storage";
import type { SignupItem } from "../../workers/profiles/live-feed.do";
import { sha256Hex } from "../../workers/platform/crypto";
import { fetchWorker, problem, SESSION_COOKIE, services, signedInAs } from "./helpers";

describe("ProfileLedger", () => {
  it("reports schema version 1 over RPC", async () => {
    expect(LEDGER_SCHEMA_VERSION).toBe(1);
    const stub = env.PROFILE_LEDGER.getByName("x");
    expect(await stub.schemaVersion()).toBe(1);
    // asking again (the constructor's setup is idempotent) gives the same answer
    expect(await env.PROFILE_LEDGER.getByName("x").schemaVersion()).toBe(1);
  });

  it("keeps its version in its own SQLite storage, one object per profile", async () => {
    const stub = env.PROFILE_LEDGER.getByName(`profile-${crypto.randomUUID()}`);
    // an object gets its tables on its first write (or this health check), not on waking: a read of any id leaves none
    await stub.schemaVersion();
    const stored = await runInDurableObject(stub, (_instance, state) =>
      state.storage.sql.exec<{ key: string; value: string }>("SELECT key, value FROM meta").toArray(),
    );
    expect(stored).toEqual([{ key: "schema_version", value: "1" }]);
    expect(env.PROFILE_LEDGER.idFromName("a").equals(env.PROFILE_LEDGER.idFromName("b"))).toBe(false);
  });
});

describe("live feed", () => {
  const FEED = "/parties/live-feed/signups";

  it.each([
    { name: "an anonymous request", cookie: undefined, upgrade: false },
    { name: "an anonymous WebSocket upgrade", cookie: undefined, upgrade: true },
    { name: "a made-up session cookie", cookie: `${SESSION_COOKIE}=${"z".repeat(43)}`, upgrade: true },
  ])("refuses $name with 401", async ({ cookie, upgrade }) => {
    const res = await fetchWorker(FEED, { cookie, headers: upgrade ? { Upgrade: "websocket" } : {} });
    expect(res.status).toBe(401);
    expect(res.webSocket).toBeNull();
    expect(await problem(res)).toMatchObject({ code: "unauthenticated", detail: "Sign in to the console first" });
  });

  it("refuses an expired session with 401", async () => {
    const { cookie } = await signedInAs("reporting");
    const idHash = await sha256Hex(cookie.slice(`${SESSION_COOKIE}=`.length));
    await services().db.update(sessions).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(sessions.idHash, idHash));
    const res = await fetchWorker(FEED, { cookie, headers: { Upgrade: "websocket" } });
    expect(res.status).toBe(401);
  });

  it("lets signed-in staff connect: a snapshot first, then each new sign-up once", async () => {
    const { cookie } = await signedInAs("reporting");
    const res = await fetchWorker(FEED, { cookie, headers: { Upgrade: "websocket" } });
    expect(res.status).toBe(101);
    const ws = res.webSocket!;
    const messages: Array<{ type: string; items?: SignupItem[]; item?: SignupItem }> = [];
    ws.addEventListener("message", (e) => messages.push(JSON.parse(e.data as string)));
    ws.accept();

    await vi.waitFor(() => expect(messages[0]?.type).toBe("snapshot"));

    const feed = await getServerByName(env.LIVE_FEED, "signups");
    const item: SignupItem = { profile_id: crypto.randomUUID(), full_name: "Ada Lovelace", email: "ada@example.test", joined_at: new Date().toISOString() };
    expect(await feed.addSignup(item)).toBe(true);
    expect(await feed.addSignup(item)).toBe(false);

    await vi.waitFor(() => expect(messages.filter((m) => m.type === "signup")).toEqual([{ type: "signup", item }]));
    expect((await feed.recent())[0]).toEqual(item);
    ws.close();
  });
});
