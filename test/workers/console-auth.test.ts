// Console sign-in through the real /login and /logout routes: cookies, wrong credentials, logout,
// expiry, throttling, deactivation, Machine users, CSRF and the password rehash on sign-in.
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { auditLog, loginAttempts, sessions, users } from "../../db/schema/access";
import { systemActor } from "../../workers/access/actor";
import { hashPassword, PBKDF2_ITERATIONS } from "../../workers/access/password";
import { sha256Hex } from "../../workers/platform/crypto";
import { countRows, fetchWorker, fromIp, makeUser, PASSWORD, SESSION_COOKIE, services, signIn } from "./helpers";

const INVALID = "Email or password is incorrect";

function postLogin(fields: Record<string, string>, headers: Record<string, string> = {}) {
  return fetchWorker("/login", { method: "POST", body: new URLSearchParams(fields), headers });
}

/** The inline field error the login page renders under the password field. */
function fieldError(html: string): string | undefined {
  return /data-testid="field-error">([^<]+)</.exec(html)?.[1];
}

function sessionToken(cookie: string): string {
  return cookie.slice(`${SESSION_COOKIE}=`.length);
}

let ipSeq = 0;
/** A fresh client IP per test, so the per-IP failure counter never couples tests. */
function freshIp() {
  ipSeq += 1;
  return `198.51.100.${ipSeq}`;
}

describe("sign in", () => {
  it("sets an HttpOnly, Secure, SameSite=Lax session cookie and redirects to the dashboard", async () => {
    const user = await makeUser("manager");
    const res = await postLogin({ email: user.email, password: PASSWORD });

    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/dashboard");
    const setCookie = res.headers.get("Set-Cookie")!;
    expect(setCookie).toMatch(new RegExp(`^${SESSION_COOKIE}=[A-Za-z0-9_-]{20,};`));
    for (const attr of ["HttpOnly", "Secure", "SameSite=Lax", "Path=/"]) expect(setCookie.split("; ")).toContain(attr);
    expect(setCookie).toMatch(/; Expires=/);

    // the cookie opens the console, and D1 holds only the token's hash
    const cookie = setCookie.split(";")[0]!;
    const dashboard = await fetchWorker("/dashboard", { cookie });
    expect(dashboard.status).toBe(200);
    const token = sessionToken(cookie);
    expect(await countRows(sessions, eq(sessions.idHash, token))).toBe(0);
    expect(await countRows(sessions, and(eq(sessions.idHash, await sha256Hex(token)), eq(sessions.userId, user.id)))).toBe(1);
    const row = await services().db.query.users.findFirst({ where: eq(users.id, user.id) });
    expect(row?.lastLoginAt).toBeInstanceOf(Date);
    expect(await countRows(auditLog, and(eq(auditLog.action, "session.created"), eq(auditLog.entityId, user.id)))).toBe(1);
  });

  it("accepts the email in any case", async () => {
    const user = await makeUser("reporting");
    const res = await postLogin({ email: user.email.toUpperCase(), password: PASSWORD });
    expect(res.status).toBe(302);
    expect(res.headers.get("Set-Cookie")).toContain(`${SESSION_COOKIE}=`);
  });

  it.each([
    { to: "/settings/users?tab=1", location: "/settings/users?tab=1" },
    { to: "//evil.example/phish", location: "/dashboard" },
    { to: "https://evil.example/", location: "/dashboard" },
    { to: "/\\evil.example", location: "/dashboard" },
  ])("redirects to redirectTo=$to only when it is a local path", async ({ to, location }) => {
    const user = await makeUser("admin");
    const res = await postLogin({ email: user.email, password: PASSWORD, redirectTo: to });
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe(location);
  });

  it("answers a wrong password and an unknown email alike: 401, the same message, no cookie", async () => {
    const user = await makeUser("manager");
    const sessionsBefore = await countRows(sessions);

    const wrong = await postLogin({ email: user.email, password: "not the password" }, fromIp(freshIp()));
    const unknown = await postLogin({ email: `nobody-${crypto.randomUUID()}@example.test`, password: PASSWORD }, fromIp(freshIp()));

    for (const res of [wrong, unknown]) {
      expect(res.status).toBe(401);
      expect(res.headers.get("Set-Cookie")).toBeNull();
    }
    const [wrongMessage, unknownMessage] = [fieldError(await wrong.text()), fieldError(await unknown.text())];
    expect(wrongMessage).toBe(INVALID);
    expect(unknownMessage).toBe(wrongMessage);
    expect(await countRows(sessions)).toBe(sessionsBefore);
  });

  it("rejects an empty form with 422 naming each field, before any password check", async () => {
    const attemptsBefore = await countRows(loginAttempts);
    const res = await postLogin({ email: "not-an-email", password: "" }, fromIp(freshIp()));
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain("Enter a valid email address");
    expect(html).toContain("Password is required");
    expect(await countRows(loginAttempts)).toBe(attemptsBefore);
  });

  it("upgrades a hash made with fewer iterations on the next sign-in", async () => {
    const user = await makeUser("reporting");
    await services().db.update(users).set({ passwordHash: await hashPassword(PASSWORD, 1_000) }).where(eq(users.id, user.id));

    await signIn(user.email);

    const row = await services().db.query.users.findFirst({ where: eq(users.id, user.id) });
    expect(row?.passwordHash?.startsWith(`pbkdf2-sha256$${PBKDF2_ITERATIONS}$`)).toBe(true);
    expect(await signIn(user.email)).toMatch(new RegExp(`^${SESSION_COOKIE}=`));
  });
});

describe("sign out and expiry", () => {
  it("logout deletes the session: the cookie stops working", async () => {
    const user = await makeUser("manager");
    const cookie = await signIn(user.email);
    const idHash = await sha256Hex(sessionToken(cookie));

    const res = await fetchWorker("/logout", { method: "POST", cookie });
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/login");
    expect(res.headers.get("Set-Cookie")).toMatch(new RegExp(`^${SESSION_COOKIE}=;.*Max-Age=0`));
    expect(await countRows(sessions, eq(sessions.idHash, idHash))).toBe(0);
    expect(await countRows(auditLog, and(eq(auditLog.action, "session.ended"), eq(auditLog.entityId, user.id)))).toBe(1);

    const after = await fetchWorker("/dashboard", { cookie });
    expect(after.status).toBe(302);
    expect(after.headers.get("Location")).toBe("/login?redirectTo=%2Fdashboard");
  });

  it("an expired session sends the visitor to /login, clears the cookie and is deleted", async () => {
    const user = await makeUser("reporting");
    const cookie = await signIn(user.email);
    const idHash = await sha256Hex(sessionToken(cookie));
    await services().db.update(sessions).set({ expiresAt: new Date(Date.now() - 60_000) }).where(eq(sessions.idHash, idHash));

    const res = await fetchWorker("/transactions", { cookie });
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/login?redirectTo=%2Ftransactions");
    expect(res.headers.get("Set-Cookie")).toMatch(/Max-Age=0/);
    expect(await countRows(sessions, eq(sessions.idHash, idHash))).toBe(0);
  });

  it("a made-up cookie is treated as signed out", async () => {
    const res = await fetchWorker("/dashboard", { cookie: `${SESSION_COOKIE}=${"x".repeat(43)}` });
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/login?redirectTo=%2Fdashboard");
  });
});

describe("throttling", () => {
  it("after 5 failures for an email from one IP, the 6th attempt from it is refused with 429 and Retry-After, even with the right password", async () => {
    const user = await makeUser("manager");
    const ip = freshIp();
    for (let i = 0; i < 5; i++) {
      const res = await postLogin({ email: user.email, password: `wrong ${i}` }, fromIp(ip));
      expect(res.status, `attempt ${i + 1}`).toBe(401);
    }

    const sixth = await postLogin({ email: user.email, password: PASSWORD }, fromIp(ip));
    expect(sixth.status).toBe(429);
    const retryAfter = Number(sixth.headers.get("Retry-After"));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect(sixth.headers.get("Set-Cookie")).toBeNull();
    expect(await sixth.text()).toContain("Too many failed sign-in attempts");
    expect(await countRows(sessions, eq(sessions.userId, user.id))).toBe(0);
    // the lock is per (email, IP): someone failing on purpose cannot lock the user out everywhere
    expect((await postLogin({ email: user.email, password: PASSWORD }, fromIp(freshIp()))).status).toBe(302);
  });

  it("20 parallel wrong attempts from one IP: at most 5 are checked, the rest are refused", async () => {
    const user = await makeUser("manager");
    const ip = freshIp();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => postLogin({ email: user.email, password: `wrong ${i}` }, fromIp(ip))));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 401).length).toBe(5);
    expect(statuses.filter((s) => s === 429).length).toBe(15);
  });

  it("the lock is per email: another user still signs in meanwhile", async () => {
    const locked = await makeUser("reporting");
    const other = await makeUser("reporting");
    const ip = freshIp();
    for (let i = 0; i < 5; i++) await postLogin({ email: locked.email, password: "nope" }, fromIp(ip));
    expect((await postLogin({ email: locked.email, password: PASSWORD }, fromIp(ip))).status).toBe(429);

    const res = await postLogin({ email: other.email, password: PASSWORD }, fromIp(ip));
    expect(res.status).toBe(302);
  });

  it("30 recent failures from one IP lock that IP for every email", async () => {
    const user = await makeUser("manager");
    const ip = freshIp();
    const now = Date.now();
    const sprayed = Array.from({ length: 30 }, (_, i) => ({ email: `spray-${i}@example.test`, ip, succeeded: false, at: new Date(now - 60_000) }));
    // D1 binds at most 100 parameters per statement: insert in two halves
    const db = services().db;
    await db.batch([db.insert(loginAttempts).values(sprayed.slice(0, 15)), db.insert(loginAttempts).values(sprayed.slice(15))]);

    const res = await postLogin({ email: user.email, password: PASSWORD }, fromIp(ip));
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("Retry-After"))).toBeGreaterThan(0);

    // the same user from another IP is fine
    expect((await postLogin({ email: user.email, password: PASSWORD }, fromIp(freshIp()))).status).toBe(302);
  });

  it("a success clears the email's earlier failures", async () => {
    const user = await makeUser("manager");
    for (let i = 0; i < 4; i++) await postLogin({ email: user.email, password: "typo" }, fromIp(freshIp()));
    expect((await postLogin({ email: user.email, password: PASSWORD }, fromIp(freshIp()))).status).toBe(302);
    expect(await countRows(loginAttempts, eq(loginAttempts.email, user.email))).toBe(0);
    // so four more typos do not lock them out
    for (let i = 0; i < 4; i++) await postLogin({ email: user.email, password: "typo" }, fromIp(freshIp()));
    expect((await postLogin({ email: user.email, password: PASSWORD }, fromIp(freshIp()))).status).toBe(302);
  });
});

describe("who may sign in", () => {
  it("a deactivated user's sessions end and they cannot sign in again", async () => {
    const user = await makeUser("manager");
    const cookie = await signIn(user.email);
    expect((await fetchWorker("/dashboard", { cookie })).status).toBe(200);

    await services().users.update(user.id, { is_active: false }, systemActor("test"));

    expect(await countRows(sessions, eq(sessions.userId, user.id))).toBe(0);
    const res = await fetchWorker("/dashboard", { cookie });
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toMatch(/^\/login/);

    const again = await postLogin({ email: user.email, password: PASSWORD }, fromIp(freshIp()));
    expect(again.status).toBe(401);
    expect(again.headers.get("Set-Cookie")).toBeNull();
    expect(fieldError(await again.text())).toBe(INVALID);
  });

  it("a session of a user deactivated behind the service's back is refused too", async () => {
    const user = await makeUser("reporting");
    const cookie = await signIn(user.email);
    await services().db.update(users).set({ isActive: false }).where(eq(users.id, user.id));
    const res = await fetchWorker("/dashboard", { cookie });
    expect(res.status).toBe(302);
    expect(await countRows(sessions, eq(sessions.userId, user.id))).toBe(0);
  });

  it("a Machine user never signs in, even if a password hash somehow exists", async () => {
    const machine = await makeUser("machine");
    const noPassword = await postLogin({ email: machine.email, password: PASSWORD }, fromIp(freshIp()));
    expect(noPassword.status).toBe(401);
    expect(noPassword.headers.get("Set-Cookie")).toBeNull();

    await services().db.update(users).set({ passwordHash: await hashPassword(PASSWORD) }).where(eq(users.id, machine.id));
    const withPassword = await postLogin({ email: machine.email, password: PASSWORD }, fromIp(freshIp()));
    expect(withPassword.status).toBe(401);
    expect(withPassword.headers.get("Set-Cookie")).toBeNull();
    expect(fieldError(await withPassword.text())).toBe(INVALID);
    expect(await countRows(sessions, eq(sessions.userId, machine.id))).toBe(0);
  });
});

describe("CSRF", () => {
  let admin: Awaited<ReturnType<typeof makeUser>>;
  let adminCookie: string;
  beforeAll(async () => {
    admin = await makeUser("admin");
    adminCookie = await signIn(admin.email);
  });

  it.each<{ name: string; headers: Record<string, string> }>([
    { name: "Origin: https://evil.example", headers: { Origin: "https://evil.example" } },
    { name: "Origin: null", headers: { Origin: "null" } },
    { name: "Sec-Fetch-Site: cross-site", headers: { "Sec-Fetch-Site": "cross-site" } },
  ])("a sign-in POST with $name gets 403 and writes nothing", async ({ headers }) => {
    const [sessionsBefore, attemptsBefore, auditBefore] = [await countRows(sessions), await countRows(loginAttempts), await countRows(auditLog)];
    const res = await postLogin({ email: admin.email, password: PASSWORD }, headers);
    expect(res.status).toBe(403);
    expect(res.headers.get("Set-Cookie")).toBeNull();
    expect([await countRows(sessions), await countRows(loginAttempts), await countRows(auditLog)]).toEqual([sessionsBefore, attemptsBefore, auditBefore]);
  });

  it("a same-origin sign-in POST goes through", async () => {
    const res = await postLogin({ email: admin.email, password: PASSWORD }, { Origin: "https://console.test", "Sec-Fetch-Site": "same-origin" });
    expect(res.status).toBe(302);
  });

  it("a cross-site POST to /settings/users with an Admin's cookie gets 403 and creates no user", async () => {
    const email = `csrf-${crypto.randomUUID()}@example.test`;
    const [usersBefore, auditBefore] = [await countRows(users), await countRows(auditLog)];
    const res = await fetchWorker("/settings/users", {
      method: "POST",
      cookie: adminCookie,
      headers: { Origin: "https://evil.example" },
      body: new URLSearchParams({ intent: "create", name: "Mallory", email, role: "admin", password: "a very long password" }),
    });
    expect(res.status).toBe(403);
    expect(await countRows(users)).toBe(usersBefore);
    expect(await countRows(users, eq(users.email, email))).toBe(0);
    expect(await countRows(auditLog)).toBe(auditBefore);
  });

  it("a cross-site POST to /logout does not end the session", async () => {
    const res = await fetchWorker("/logout", { method: "POST", cookie: adminCookie, headers: { Origin: "https://evil.example" } });
    expect(res.status).toBe(403);
    expect((await fetchWorker("/dashboard", { cookie: adminCookie })).status).toBe(200);
  });
});
