// Who may do what. Pure: the permission matrix, API scopes, throttling and session rules, the session
// cookie's format and an API token's status.
export const ROLES = ["admin", "manager", "reporting", "machine"] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  "dashboard:view",
  "profiles:view",
  "profiles:edit",
  "transactions:view",
  "incentives:view",
  "incentives:issue",
  "config:view",
  "config:edit",
  "settings:view",
  "tokens:manage",
  "users:manage",
  "audit:view",
  "data:export",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const READ: Permission[] = ["dashboard:view", "profiles:view", "transactions:view", "incentives:view", "config:view"];

/** The fixed permission matrix, shown as-is in Settings → Users. */
export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: PERMISSIONS,
  manager: [...READ, "profiles:edit", "incentives:issue", "data:export"],
  reporting: READ,
  machine: [],
};

export const ROLE_LABELS: Record<Role, string> = {
  admin: "Admin",
  manager: "Manager",
  reporting: "Reporting",
  machine: "Machine",
};

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  admin: "Everything, including configuration, users and API tokens.",
  manager: "Edit profiles, issue and void incentives. No configuration or settings.",
  reporting: "Read-only access to the console.",
  machine: "API only: owns API tokens for integrations and never logs in.",
};

export function can(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

/** Roles that may sign in to the console. */
export function canLogIn(role: Role): boolean {
  return role !== "machine";
}

export const API_SCOPES = [
  "profiles:read",
  "profiles:write",
  "transactions:read",
  "transactions:write",
  "incentives:read",
  "incentives:write",
  "config:read",
  "config:write",
  "reports:read",
  "*",
] as const;
export type ApiScope = (typeof API_SCOPES)[number];

const OMNEO_SCOPE = /^(read|view|create|update|delete|redeem)-([a-z-]+)$/;
const OMNEO_AREAS: Record<string, "profiles" | "transactions" | "incentives" | "config"> = {
  profiles: "profiles", identities: "profiles", interactions: "profiles",
  transactions: "transactions", redemptions: "transactions",
  rewards: "incentives", benefits: "incentives", points: "incentives", ledgers: "incentives", "tier-points": "incentives", strategy: "incentives",
};

/**
 * Omneo's scope names (`read-profiles`, `create-reward-definitions`, `redeem-benefits`, `return`, …) as
 * ours: read/view → `area:read`, any write verb → `area:write`; definitions and everything configured
 * (locations, products, users, tags, webhooks, …) are `config`. Null for what is neither.
 */
export function scopeFromOmneo(name: string): ApiScope | null {
  if ((API_SCOPES as readonly string[]).includes(name)) return name as ApiScope;
  if (name === "return") return "transactions:write";
  const m = OMNEO_SCOPE.exec(name);
  if (!m) return null;
  const [, verb, resource] = m as unknown as [string, string, string];
  const area = OMNEO_AREAS[resource] ?? "config";
  return `${area}:${verb === "read" || verb === "view" ? "read" : "write"}` as ApiScope;
}

export const SCOPE_DESCRIPTIONS: Record<ApiScope, string> = {
  "profiles:read": "Read profiles, identities and aggregations",
  "profiles:write": "Create, update, merge and delete profiles",
  "transactions:read": "Read transactions",
  "transactions:write": "Post and void transactions",
  "incentives:read": "Read balances, rewards, points and tiers",
  "incentives:write": "Issue, redeem and void incentives",
  "config:read": "Read definitions, locations and products",
  "config:write": "Change definitions, locations and products",
  "reports:read": "Read the dashboard's reports (summary and timeseries from the daily rollups)",
  "*": "Everything, including API token management",
};

/** The scopes a token owned by a user of this role may carry. */
export function scopesAllowedForRole(role: Role): readonly ApiScope[] {
  switch (role) {
    case "admin":
    case "machine":
      return API_SCOPES;
    case "manager":
      return ["profiles:read", "profiles:write", "transactions:read", "transactions:write", "incentives:read", "incentives:write", "config:read", "reports:read"];
    case "reporting":
      return ["profiles:read", "transactions:read", "incentives:read", "config:read", "reports:read"];
  }
}

/**
 * What a token may do now: its scopes intersected with what its owner's current role allows, so a
 * demoted owner's token loses the rights the owner lost (`*` becomes the role's list; an `x:write` the
 * role may not hold falls back to `x:read` when the role has that). Checked on every request.
 */
export function effectiveScopes(granted: readonly string[], role: Role): ApiScope[] {
  const allowed = scopesAllowedForRole(role);
  if (allowed.includes("*")) return granted.filter((s): s is ApiScope => (API_SCOPES as readonly string[]).includes(s));
  const wanted = granted.includes("*") ? allowed : granted;
  const out = new Set<ApiScope>();
  for (const s of wanted) {
    if ((allowed as readonly string[]).includes(s)) out.add(s as ApiScope);
    else if (s.endsWith(":write")) {
      const read = s.replace(/:write$/, ":read");
      if ((allowed as readonly string[]).includes(read)) out.add(read as ApiScope);
    }
  }
  return [...out];
}

/** Does a token holding `granted` satisfy `required`? `*` satisfies everything; `x:write` implies `x:read`. */
export function hasScope(granted: readonly string[], required: ApiScope): boolean {
  if (granted.includes("*")) return true;
  if (granted.includes(required)) return true;
  if (required.endsWith(":read")) return granted.includes(required.replace(/:read$/, ":write"));
  return false;
}

// Login throttling: after this many failures for one email (or many more from one IP) in the
// window, further attempts are refused until the window has passed.
export const LOGIN_WINDOW_MS = 15 * 60 * 1000;
export const MAX_FAILURES_PER_EMAIL = 5;
export const MAX_FAILURES_PER_IP = 30;

export function loginLockout(
  failures: { email: number; ip: number; oldestRelevantAt?: Date },
  now: Date,
): { locked: false } | { locked: true; retryAfterSeconds: number } {
  if (failures.email < MAX_FAILURES_PER_EMAIL && failures.ip < MAX_FAILURES_PER_IP) return { locked: false };
  const oldest = failures.oldestRelevantAt?.getTime() ?? now.getTime();
  const retry = Math.max(1, Math.ceil((oldest + LOGIN_WINDOW_MS - now.getTime()) / 1000));
  return { locked: true, retryAfterSeconds: retry };
}

// Sessions expire after 8 hours without activity and 7 days in any case.
export const SESSION_IDLE_MS = 8 * 60 * 60 * 1000;
export const SESSION_ABSOLUTE_MS = 7 * 24 * 60 * 60 * 1000;

/** The new expiry of a session seen now, or null when it should not be extended (saves a write). */
export function slideSessionExpiry(session: { createdAt: Date; expiresAt: Date }, now: Date): Date | null {
  const hardStop = session.createdAt.getTime() + SESSION_ABSOLUTE_MS;
  const next = Math.min(now.getTime() + SESSION_IDLE_MS, hardStop);
  // Only write when more than a tenth of the idle window has passed since the last extension.
  if (next - session.expiresAt.getTime() < SESSION_IDLE_MS / 10) return null;
  return new Date(next);
}

/**
 * Guard on role changes and deactivation: the last active Admin can be neither demoted nor
 * deactivated, so the brand can never lock itself out.
 */
export function wouldRemoveLastAdmin(
  target: { role: Role; isActive: boolean },
  change: { role?: Role; isActive?: boolean },
  activeAdminCount: number,
): boolean {
  const isActiveAdmin = target.role === "admin" && target.isActive;
  if (!isActiveAdmin) return false;
  const staysAdmin = (change.role ?? target.role) === "admin" && (change.isActive ?? target.isActive);
  return !staysAdmin && activeAdminCount <= 1;
}

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

/** An API token's state at `now`: revoked wins over expired. */
export function tokenStatus(t: { revokedAt: Date | null; expiresAt: Date | null }, now: Date): "active" | "revoked" | "expired" {
  if (t.revokedAt) return "revoked";
  if (t.expiresAt && t.expiresAt.getTime() <= now.getTime()) return "expired";
  return "active";
}
