// Factories for the workers lane: every test builds its own users, sessions and tokens through the
// real services, and talks to the real worker through exports.default.fetch.
import { env, exports } from "cloudflare:workers";
import type { SQL } from "drizzle-orm";
import { expect } from "vitest";
import { systemActor } from "../../workers/access/actor";
import type { Role } from "../../workers/access/rules";
import { SESSION_COOKIE } from "../../workers/access/rules";
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

/** A console request as a browser sends it: with a Host header, and redirects returned rather than followed. */
export function fetchWorker(path: string, init: RequestInit & { cookie?: string } = {}): Promise<Response> {
  const url = new URL(path, BASE);
  const headers = new Headers(init.headers);
  if (init.cookie) headers.set("Cookie", init.cookie);
  if (!headers.has("Host")) headers.set("Host", url.host);
  return exports.default.fetch(new Request(url, { redirect: "manual", ...init, headers }));
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

// ---- Additions for the workers-lane suite -------------------------------------------------------

/** Rows in a table, optionally filtered: tests compare counts before and after to prove "nothing was written". */
export function countRows(table: Parameters<ReturnType<typeof services>["db"]["$count"]>[0], where?: SQL): Promise<number> {
  return services().db.$count(table, where);
}

/** Headers that give a console request its own client IP, so login throttling by IP never couples tests. */
export function fromIp(ip: string, extra: Record<string, string> = {}): Record<string, string> {
  return { "CF-Connecting-IP": ip, ...extra };
}

/**
 * Post a form to a console route's action the way the Remix client does (single fetch, `<path>.data`),
 * and decode the action's reply. The same action runs as for a document POST.
 */
export async function consoleAction(
  path: string,
  fields: Record<string, string> | URLSearchParams,
  opts: { cookie?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; res: Response; text: string; data: Record<string, unknown> | undefined }> {
  const body = fields instanceof URLSearchParams ? fields : new URLSearchParams(fields);
  const res = await fetchWorker(`${path}.data`, { method: "POST", body, cookie: opts.cookie, headers: opts.headers });
  const text = await res.text();
  const decoded = res.headers.get("Content-Type")?.includes("text/x-script") ? decodeTurboStream(text) : undefined;
  const data = decoded && typeof decoded === "object" && "data" in decoded ? (decoded.data as Record<string, unknown>) : undefined;
  return { status: res.status, res, text, data };
}

/**
 * A minimal decoder for the turbo-stream payload Remix single fetch sends: enough for the plain
 * objects, arrays and scalars our actions return (no promises, dates or maps).
 */
export function decodeTurboStream(text: string): unknown {
  const values = JSON.parse(text.split("\n")[0]!) as unknown[];
  const SPECIAL: Record<number, unknown> = { [-1]: undefined, [-5]: null, [-7]: undefined };
  const hydrate = (index: number): unknown => {
    if (index < 0) return SPECIAL[index];
    const value = values[index];
    if (Array.isArray(value)) {
      // a typed value such as ["SanitizedError", ...] is tagged by a leading string
      if (typeof value[0] === "string") return { $type: value[0], $raw: value.slice(1) };
      return value.map((i) => hydrate(i as number));
    }
    if (value && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([k, i]) => [values[Number(k.slice(1))] as string, hydrate(i as number)]));
    }
    return value;
  };
  return hydrate(0);
}

/** The `problem+json` body of an API response, typed loosely for assertions. */
export async function problem(res: Response): Promise<{ type: string; title: string; status: number; detail: string; code: string; errors?: Record<string, string[]>; request_id?: string }> {
  expect(res.headers.get("Content-Type")).toBe("application/problem+json");
  return res.json();
}
