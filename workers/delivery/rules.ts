// Pure rules of outbound delivery: which URLs we may call (the SSRF guard), what an HTTP outcome means,
// and when to try again. No I/O.

// ── SSRF guard ──────────────────────────────────────────────────────────────────────────────────

export interface UrlPolicy {
  /** ALLOW_INSECURE_WEBHOOK_URLS=true (local development only): http to localhost/127.0.0.1 too */
  allowInsecureLocal?: boolean;
}

export type UrlVerdict = { ok: true; url: URL } | { ok: false; reason: string };

/** Names that resolve to the machine itself, a private network or a cloud metadata service. */
const BLOCKED_NAMES = [/^localhost$/, /\.localhost$/, /\.local$/, /\.internal$/, /\.intranet$/, /\.lan$/, /\.home\.arpa$/, /^metadata$/, /^metadata\.google\.internal$/, /^instance-data(\.ec2\.internal)?$/, /\.in-addr\.arpa$/, /\.ip6\.arpa$/];

/** [first address, prefix length, what it is] for IPv4 ranges no webhook may reach. */
const BLOCKED_V4: Array<[string, number, string]> = [
  ["0.0.0.0", 8, "a 'this network' address"],
  ["10.0.0.0", 8, "a private address"],
  ["100.64.0.0", 10, "a carrier-grade NAT address"],
  ["127.0.0.0", 8, "a loopback address"],
  ["169.254.0.0", 16, "a link-local (cloud metadata) address"],
  ["172.16.0.0", 12, "a private address"],
  ["192.0.0.0", 24, "an IETF protocol address"],
  ["192.0.2.0", 24, "a documentation address"],
  ["192.168.0.0", 16, "a private address"],
  ["198.18.0.0", 15, "a benchmarking address"],
  ["198.51.100.0", 24, "a documentation address"],
  ["203.0.113.0", 24, "a documentation address"],
  ["224.0.0.0", 4, "a multicast address"],
  ["240.0.0.0", 4, "a reserved address"],
];

function v4ToInt(ip: string): number | null {
  const parts = ip.split(".");
  if (parts.length !== 4) return null;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return null;
    n = n * 256 + Number(p);
  }
  return n;
}

/** Why an IPv4 address is refused, or null for a public one. */
export function blockedIpv4(ip: string): string | null {
  const n = v4ToInt(ip);
  if (n === null) return null;
  for (const [base, bits, what] of BLOCKED_V4) {
    const size = 2 ** (32 - bits);
    const start = v4ToInt(base)!;
    if (n >= start && n < start + size) return what;
  }
  return null;
}

/** An IPv6 literal (without brackets) as eight 16-bit groups, or null. */
function v6Groups(ip: string): number[] | null {
  let s = ip.toLowerCase();
  // an embedded IPv4 tail (::ffff:1.2.3.4) becomes two groups
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    const n = v4ToInt(v4[1]!);
    if (n === null) return null;
    s = s.slice(0, -v4[1]!.length) + `${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const halves = s.split("::");
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const fill = halves.length === 2 ? 8 - head.length - tail.length : 0;
  if (fill < 0) return null;
  const groups = [...head, ...Array(fill).fill("0"), ...tail];
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return null;
  return groups.map((g) => parseInt(g, 16));
}

/** Why an IPv6 address is refused, or null for a public one. */
export function blockedIpv6(ip: string): string | null {
  const g = v6Groups(ip);
  if (!g) return "an unparseable IPv6 address";
  if (g.every((x) => x === 0)) return "the unspecified address";
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return "a loopback address";
  // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible / NAT64 (64:ff9b::a.b.c.d) carry an IPv4 address
  const embedded = `${g[6]! >> 8}.${g[6]! & 255}.${g[7]! >> 8}.${g[7]! & 255}`;
  if (g.slice(0, 5).every((x) => x === 0) && (g[5] === 0xffff || g[5] === 0)) return blockedIpv4(embedded) ?? null;
  if (g[0] === 0x64 && g[1] === 0xff9b) return blockedIpv4(embedded);
  if ((g[0]! & 0xfe00) === 0xfc00) return "a unique local (ULA) address";
  if ((g[0]! & 0xffc0) === 0xfe80) return "a link-local address";
  if ((g[0]! & 0xff00) === 0xff00) return "a multicast address";
  if (g[0] === 0xfd00 && g[1] === 0xec2) return "a cloud metadata address";
  if (g[0] === 0x2001 && g[1] === 0xdb8) return "a documentation address";
  return null;
}

/**
 * Whether a URL may receive our requests: https to a public host only. IP literals in any spelling
 * (the URL parser normalises 2130706433 and 0x7f.1 to 127.0.0.1) and names that stand for private
 * networks are refused; with allowInsecureLocal, http and https to localhost/127.0.0.1 are allowed.
 */
export function checkOutboundUrl(raw: string, policy: UrlPolicy = {}): UrlVerdict {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return { ok: false, reason: "is not a valid absolute URL" };
  }
  if (url.username || url.password) return { ok: false, reason: "must not contain credentials" };
  const host = url.hostname.toLowerCase().replace(/\.$/, "");
  const isLocal = host === "localhost" || host === "127.0.0.1" || host === "[::1]";
  if (policy.allowInsecureLocal && isLocal && (url.protocol === "http:" || url.protocol === "https:")) return { ok: true, url };
  if (url.protocol !== "https:") return { ok: false, reason: `must use https (got ${url.protocol.replace(":", "")})` };
  if (!host) return { ok: false, reason: "has no host" };
  if (url.port && url.port !== "443" && !/^\d+$/.test(url.port)) return { ok: false, reason: "has an invalid port" };
  if (host.startsWith("[")) {
    const why = blockedIpv6(host.slice(1, -1));
    return why ? { ok: false, reason: `points at ${why} (${host})` } : { ok: true, url };
  }
  if (/^[\d.]+$/.test(host)) {
    if (v4ToInt(host) === null) return { ok: false, reason: `has an invalid IP address (${host})` };
    const why = blockedIpv4(host);
    return why ? { ok: false, reason: `points at ${why} (${host})` } : { ok: true, url };
  }
  if (!host.includes(".")) return { ok: false, reason: `must name a public host (got "${host}")` };
  for (const re of BLOCKED_NAMES) if (re.test(host)) return { ok: false, reason: `points at a private or local name (${host})` };
  // names that embed an address and resolve to it (127.0.0.1.nip.io, 10-0-0-1.sslip.io)
  if (/(^|\.)(nip\.io|sslip\.io|xip\.io|localtest\.me|lvh\.me)$/.test(host)) return { ok: false, reason: `points at a wildcard DNS name that resolves to any address (${host})` };
  return { ok: true, url };
}

// ── outcomes and retries ────────────────────────────────────────────────────────────────────────

export type AttemptOutcome = "delivered" | "gone" | "retry" | "failed";

/** What a response status (or a network error / timeout: null) means for the delivery. */
export function classifyOutcome(status: number | null): AttemptOutcome {
  if (status === null) return "retry";
  if (status >= 200 && status < 300) return "delivered";
  if (status === 410) return "gone";
  if (status === 408 || status === 409 || status === 425 || status === 429 || status >= 500) return "retry";
  // redirects are not followed, and other 4xx will not change by themselves; both still retry on
  // the schedule so a receiver fixed within it gets the message
  return "retry";
}

/** Seconds to wait before attempt n+1 (index n-1 after n attempts): immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
export const RETRY_SCHEDULE_SECONDS = [0, 5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600] as const;
/** Queue delays cannot exceed 12 h; a longer wait re-enqueues in steps. */
export const MAX_QUEUE_DELAY_SECONDS = 12 * 3600;
/** An endpoint failing for this long without one success is switched off. */
export const DISABLE_AFTER_MS = 3 * 24 * 3600 * 1000;
/** How long after a rotation the old secret still signs. */
export const SECRET_OVERLAP_MS = 24 * 3600 * 1000;

export interface RetryPolicy {
  /** false: only the steps under an hour (immediately, 5 s, 5 min, 30 min) */
  retryHourly: boolean;
  /** true: after the schedule, one more try a day while within 3 days of the first attempt */
  retryDaily: boolean;
}

/**
 * Seconds until the next attempt after `attempts` failed ones, or null when the delivery is dead.
 * The first attempt is `attempts = 0` (sent at once); the schedule's first entry is that attempt's
 * own "immediately", so after n failures the wait is RETRY_SCHEDULE_SECONDS[n].
 */
export function nextRetryDelay(attempts: number, policy: RetryPolicy = { retryHourly: true, retryDaily: false }, sinceFirstMs = 0): number | null {
  const steps = policy.retryHourly ? RETRY_SCHEDULE_SECONDS.length : RETRY_SCHEDULE_SECONDS.filter((s) => s < 3600).length;
  if (attempts < steps) return RETRY_SCHEDULE_SECONDS[attempts]!;
  if (policy.retryDaily && sinceFirstMs + 24 * 3600 * 1000 <= DISABLE_AFTER_MS) return 24 * 3600;
  return null;
}

/** A wait as a queue delay: at most 12 h; the consumer re-enqueues a message that arrives early. */
export function queueDelay(seconds: number): number {
  return Math.max(0, Math.min(Math.ceil(seconds), MAX_QUEUE_DELAY_SECONDS));
}

/** The queue a webhook is configured for: anything but high|default|low is low (Omneo's rule). */
export function normaliseQueue(q: unknown): "high" | "default" | "low" {
  return q === "high" || q === "default" ? q : "low";
}

/** At most `max` characters of a response body for the attempt log. */
export function excerpt(text: string, max = 500): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
