import { describe, expect, it } from "vitest";
import { api, fetchWorker, makeToken, signedInAs } from "../helpers";

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
