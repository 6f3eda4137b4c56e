// The console half of the authorization matrix (issue 14): every route module of the built console that
// has an action × {signed out, Reporting, Manager}. Generated from the Remix build's route table, so a
// new action without a permission check fails here: signed out is sent to /login; a route whose action
// serves several intents exports INTENTS (intent → permission) and each intent is refused exactly to
// the roles without that permission; any other action is refused to Reporting (read-only) and to a
// Manager except where listed; no refused POST writes an audit entry, a user or a token.
import { beforeAll, describe, expect, it } from "vitest";
// eslint-disable-next-line @typescript-eslint/ban-ts-comment -- generated file without types, absent before the first build (so not @ts-expect-error)
// @ts-ignore
import * as build from "../../build/server";
import { apiTokens, auditLog, users } from "../../db/schema/access";
import { can, type Permission } from "../../workers/access/rules";
import { countRows, fetchWorker, signedInAs } from "./helpers";

type RouteEntry = { id: string; parentId?: string; path?: string; index?: boolean; module: { action?: unknown; INTENTS?: Record<string, Permission> } };
const routes = build.routes as unknown as Record<string, RouteEntry>;

/** Actions anyone may post to: signing in and out. */
const PUBLIC_ACTIONS = new Set(["routes/login", "routes/logout"]);
/** Single-purpose actions a Manager may post to (voiding a receipt needs profiles:edit). */
const MANAGER_ACTIONS = new Set(["routes/_console.transactions.$id"]);

/** The URL a browser posts a route's form to: parents' paths joined, params an unknown id, `?index` on index routes. */
function urlOf(route: RouteEntry): string {
  const parts: string[] = [];
  for (let r: RouteEntry | undefined = route; r; r = r.parentId ? routes[r.parentId] : undefined) if (r.path) parts.unshift(r.path);
  const path = `/${parts.join("/")}`.replace(/:[^/]+/g, "00000000-0000-4000-8000-000000000000");
  return route.index ? `${path}?index` : path;
}

const actions = Object.values(routes)
  .filter((r) => r.module.action && !PUBLIC_ACTIONS.has(r.id))
  .map((r) => ({ id: r.id, url: urlOf(r), intents: r.module.INTENTS ?? null }));
const plain = actions.filter((a) => !a.intents);
const intentCases = actions.flatMap((a) =>
  Object.entries(a.intents ?? {}).flatMap(([intent, permission]) =>
    (["reporting", "manager"] as const).map((role) => ({ url: a.url, intent, permission, role, refused: !can(role, permission) })),
  ),
);

const cookies = {} as Record<"manager" | "reporting", string>;
beforeAll(async () => {
  cookies.manager = (await signedInAs("manager")).cookie;
  cookies.reporting = (await signedInAs("reporting")).cookie;
});

async function written(): Promise<number[]> {
  return [await countRows(auditLog), await countRows(users), await countRows(apiTokens)];
}

function post(url: string, cookie?: string, intent = "save"): Promise<Response> {
  return fetchWorker(url, { method: "POST", cookie, body: new URLSearchParams({ intent, name: "Matrix" }) });
}

describe("console actions × roles", () => {
  it("walks every action of the build", () => {
    // a guard against an empty or shrunken table passing silently
    expect(actions.length).toBeGreaterThanOrEqual(30);
    expect(actions.map((a) => a.id)).toEqual(expect.arrayContaining([...MANAGER_ACTIONS, "routes/_console.settings.users", "routes/_console.profiles.$id"]));
    expect(intentCases.length).toBeGreaterThanOrEqual(30);
  });

  it.each(actions)("signed out: POST $url is sent to /login", async ({ url }) => {
    const res = await post(url);
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toMatch(/^\/login\?redirectTo=/);
  });

  it.each(plain)("Reporting: POST $url is a 403 and writes nothing", async ({ url }) => {
    const before = await written();
    expect((await post(url, cookies.reporting)).status).toBe(403);
    expect(await written()).toEqual(before);
  });

  it.each(plain.filter((a) => !MANAGER_ACTIONS.has(a.id)))("Manager: POST $url is a 403 and writes nothing", async ({ url }) => {
    const before = await written();
    expect((await post(url, cookies.manager)).status).toBe(403);
    expect(await written()).toEqual(before);
  });

  it.each(plain.filter((a) => MANAGER_ACTIONS.has(a.id)))("Manager: POST $url gets past the role check (an unknown record or intent, not a 403)", async ({ url }) => {
    const res = await post(url, cookies.manager);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.status).not.toBe(403);
  });

  it.each(intentCases)("$role: POST $url intent=$intent ($permission) is refused: $refused", async ({ url, intent, role, refused }) => {
    const before = await written();
    const res = await post(url, cookies[role], intent);
    if (refused) {
      expect(res.status).toBe(403);
      expect(await written()).toEqual(before);
    } else {
      // past the role check: the unknown record or the empty form is what answers
      expect(res.status).not.toBe(403);
      expect(res.status).toBeLessThan(500);
    }
  });
});
