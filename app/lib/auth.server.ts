// Console guards: every loader and action starts with requireUser(request, context, permission).
import { redirect, type AppLoadContext } from "@remix-run/cloudflare";
import { can, clearedSessionCookie, readSessionToken, type Permission } from "../../workers/access/rules";
import type { Actor } from "../../workers/access/actor";
import type { PublicUser } from "../../workers/access/users.service";

export interface ConsoleUser {
  user: PublicUser;
  actor: Actor;
}

export async function getUser(request: Request, context: AppLoadContext): Promise<ConsoleUser | null> {
  const signedIn = await context.services.sessions.authenticate(readSessionToken(request), context.meta);
  if (!signedIn) return null;
  return { user: signedIn.user, actor: signedIn.actor };
}

/** The signed-in user, or a redirect to /login; a 403 response when the role lacks the permission. */
export async function requireUser(request: Request, context: AppLoadContext, permission?: Permission): Promise<ConsoleUser> {
  const found = await getUser(request, context);
  if (!found) {
    const url = new URL(request.url);
    const back = url.pathname + url.search;
    const headers = readSessionToken(request) ? { "Set-Cookie": clearedSessionCookie() } : undefined;
    throw redirect(`/login?redirectTo=${encodeURIComponent(back)}`, { headers });
  }
  if (permission && !can(found.user.role, permission)) {
    throw new Response(`Your role (${found.user.role}) cannot open this page.`, { status: 403, statusText: "Forbidden" });
  }
  return found;
}

/** Only same-site relative paths, so /login?redirectTo= can't be turned into an open redirect. */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = "/dashboard"): string {
  if (typeof to !== "string" || !to.startsWith("/") || to.length > 2000) return fallback;
  // browsers drop tabs and newlines from a URL and read "\" as "/", so "/\t/evil.com" is "//evil.com";
  // a control character would also make the Location header invalid
  if (/[\x00-\x1f\x7f\\]/.test(to)) return fallback;
  const base = "https://console.invalid";
  const resolved = new URL(to, base);
  if (resolved.origin !== base || to.startsWith("//")) return fallback;
  return resolved.pathname + resolved.search + resolved.hash;
}
