import { describe, expect, it } from "vitest";
import { systemActor } from "../../../workers/access/actor";
import { SESSION_ENDED_CLOSE } from "../../../workers/profiles/live-feed.do";
import { api, fetchWorker, makeToken, services, signedInAs } from "../helpers";

function nextMessage(ws: WebSocket, predicate: (m: any) => boolean, timeoutMs = 10_000): Promise<any> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no matching live-feed message")), timeoutMs);
    ws.addEventListener("message", (e) => {
      const m = JSON.parse(String(e.data));
      if (predicate(m)) {
        clearTimeout(timer);
        resolve(m);
      }
    });
  });
}

describe("live feed", () => {
  it("refuses anonymous connections", async () => {
    const res = await fetchWorker("/parties/live-feed/signups", { headers: { Upgrade: "websocket" } });
    expect(res.status).toBe(401);
  });

  it("sends a snapshot, then each new sign-up as it happens (real WebSocket)", async () => {
    const { cookie } = await signedInAs("reporting");
    const res = await fetchWorker("/parties/live-feed/signups", { cookie, headers: { Upgrade: "websocket" } });
    expect(res.status).toBe(101);
    const ws = res.webSocket!;
    const snapshot = nextMessage(ws, (m) => m.type === "snapshot");
    ws.accept();
    expect(Array.isArray((await snapshot).items)).toBe(true);

    const email = `live-${crypto.randomUUID()}@ex.com`;
    const arrival = nextMessage(ws, (m) => m.type === "signup" && m.item.email === email);
    const { token } = await makeToken(["profiles:write"]);
    const created = await api("/profiles", { method: "POST", token, json: { email, first_name: "Liv", last_name: "Feed" } });
    expect(created.status).toBe(201);
    const msg = await arrival;
    expect(msg.item).toMatchObject({ email, full_name: "Liv Feed" });
    ws.close();
  });
});

/** An open live-feed socket for a signed-in console user, with a promise of its close code. */
async function openFeed(role: "admin" | "manager" | "reporting") {
  const { user, cookie } = await signedInAs(role);
  const res = await fetchWorker("/parties/live-feed/signups", { cookie, headers: { Upgrade: "websocket" } });
  expect(res.status).toBe(101);
  const ws = res.webSocket!;
  const snapshot = nextMessage(ws, (m) => m.type === "snapshot");
  const closed = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the live-feed socket stayed open")), 10_000);
    ws.addEventListener("close", (e) => {
      clearTimeout(timer);
      resolve(e.code);
    });
  });
  ws.accept();
  await snapshot;
  return { user, cookie, ws, closed };
}

describe("a live-feed socket ends with its session", () => {
  it("closes on sign-out, and only that session's socket", async () => {
    const mine = await openFeed("reporting");
    const other = await openFeed("reporting");
    const res = await fetchWorker("/logout", { method: "POST", cookie: mine.cookie });
    expect(res.status).toBeLessThan(400);
    expect(await mine.closed).toBe(SESSION_ENDED_CLOSE);
    // the other session's socket still hears sign-ups
    const email = `live-${crypto.randomUUID()}@ex.com`;
    const arrival = nextMessage(other.ws, (m) => m.type === "signup" && m.item.email === email);
    const { token } = await makeToken(["profiles:write"]);
    expect((await api("/profiles", { method: "POST", token, json: { email } })).status).toBe(201);
    expect((await arrival).item.email).toBe(email);
    other.ws.close();
  });

  it("closes when the user's role changes or the user is deactivated", async () => {
    const demoted = await openFeed("manager");
    await services().users.update(demoted.user.id, { role: "reporting" }, systemActor("test"));
    expect(await demoted.closed).toBe(SESSION_ENDED_CLOSE);

    const deactivated = await openFeed("reporting");
    await services().users.update(deactivated.user.id, { is_active: false }, systemActor("test"));
    expect(await deactivated.closed).toBe(SESSION_ENDED_CLOSE);
  });
});
