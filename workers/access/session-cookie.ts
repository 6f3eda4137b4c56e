// The console session cookie: HttpOnly, Secure, SameSite=Lax, holding a random token whose hash is the
// session's key in D1. The __Host- prefix makes the browser refuse it unless it is Secure, for this
// host only and Path=/, so a sibling subdomain cannot set or shadow it.
export const SESSION_COOKIE = "__Host-le_session";

export function sessionCookie(token: string, expiresAt: Date): string {
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; Secure; SameSite=Lax; Expires=${expiresAt.toUTCString()}`;
}

export function clearedSessionCookie(): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=0`;
}

export function readSessionToken(request: Request): string | null {
  const header = request.headers.get("Cookie");
  if (!header) return null;
  for (const part of header.split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === SESSION_COOKIE) return rest.join("=") || null;
  }
  return null;
}
