import { it } from "vitest";
import { fetchWorker, makeUser, signedInAs, api, makeToken } from "./helpers";

it("explore", async () => {
  const r8 = await api("/openapi.json", {});
  const doc = await r8.json() as any;
  console.log(r8.status, doc.openapi, Object.keys(doc.paths), JSON.stringify(doc.paths["/auth/api-tokens"].post.parameters));
  const { cookie } = await signedInAs("admin");
  const existing = await makeUser("manager");
  const res = await fetchWorker("/settings/users", { method: "POST", cookie, body: new URLSearchParams({ intent: "create", name: "X", email: existing.email, role: "manager", password: "abcdefghijklmnop" }) });
  const t = await res.text();
  console.log(res.status, res.headers.get("content-type"), t.slice(t.indexOf("email already") - 300, t.indexOf("email already") + 200));
  const r2 = await fetchWorker("/settings/users.data", { method: "POST", cookie, body: new URLSearchParams({ intent: "create", name: "X", email: existing.email, role: "manager", password: "abcdefghijklmnop" }) });
  console.log(r2.status, [...r2.headers], await r2.text());
  const bad = await fetchWorker("/login", { method: "POST", body: new URLSearchParams({ email: existing.email, password: "wrong password" }) });
  const bt = await bad.text();
  console.log(bad.status, [...bad.headers], bt.slice(bt.indexOf("incorrect") - 300, bt.indexOf("incorrect") + 100));
  const ok = await fetchWorker("/settings/users", { method: "POST", cookie, body: new URLSearchParams({ intent: "create", name: "X", email: "newone@example.test", role: "manager", password: "abcdefghijklmnop" }) });
  console.log(ok.status);
});
