// Factories for the workers lane: every test builds its own users, sessions and tokens through the
// real services, and talks to the real worker through exports.default.fetch.
import { env, exports } from "cloudflare:workers";
import { systemActor } from "../../workers/access/actor";
import type { Role } from "../../workers/access/rules";
import { SESSION_COOKIE } from "../../workers/access/session-cookie";
import type { ApiScope } from "../../workers/access/rules";
import { createServices } from "../../workers/services";

export const BASE = "https://console.test";
export const PASSWORD = "correct horse battery";
let seq = 0;

export function services() {
  return createServices(env);
}

export async function makeUser(role: Role, opts: { email?: string; password?: string | null } = {}) {
  seq += 1;
  const email = opts.email ?? `${role}-${seq}-${crypto.randomUUID().slice(0, 6)}@example.test`;
  const password = role === "machine" ? undefined : (opts.password ?? PASSWORD);
  const user = await services().users.create({ email, name: `${role} user ${seq}`, role, password: password ?? undefined }, systemActor("test"));
  return { ...user, password };
}

/** Sign in through the real login form and return the session cookie header value. */
export async function signIn(email: string, password = PASSWORD): Promise<string> {
  const res = await fetchWorker("/login", { method: "POST", body: new URLSearchParams({ email, password }), redirect: "manual" });
  const cookie = res.headers.get("Set-Cookie");
  if (res.status !== 302 || !cookie) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  return cookie.split(";")[0]!;
}

export async function signedInAs(role: Exclude<Role, "machine">) {
  const user = await makeUser(role);
  return { user, cookie: await signIn(user.email) };
}

export async function makeToken(scopes: ApiScope[], opts: { role?: Role; expiresAt?: string | null } = {}) {
  const owner = await makeUser(opts.role ?? "machine");
  const { token, record } = await services().tokens.create(
    { name: `test token ${seq}`, scopes, user_id: owner.id, expires_at: opts.expiresAt ?? null },
    systemActor("test"),
  );
  return { token, record, owner };
}

export function fetchWorker(path: string, init: RequestInit & { cookie?: string } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.cookie) headers.set("Cookie", init.cookie);
  return exports.default.fetch(new Request(new URL(path, BASE), { ...init, headers }));
}

export function api(path: string, init: RequestInit & { token?: string; json?: unknown } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.token) headers.set("Authorization", `Bearer ${init.token}`);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set("Content-Type", "application/json");
    body = JSON.stringify(init.json);
  }
  return exports.default.fetch(new Request(new URL(`/api/v3${path}`, BASE), { ...init, headers, body }));
}

export { SESSION_COOKIE };
