// "New members": the latest sign-ups, kept current over a WebSocket to the LiveFeed Durable Object
// (/parties/live-feed/signups). The loader's list renders first; the socket's snapshot and each
// {type:"signup"} message are merged in without a reload.
import { Link } from "@remix-run/react";
import PartySocket from "partysocket";
import { useEffect, useRef, useState } from "react";
import { Button } from "~/components/ui/button";
import { cn } from "~/components/ui/cn";
import { Time } from "~/components/ui/time";
import { displayName } from "./format";
import type { SignupItem } from "./types";

const MAX_ITEMS = 50;
const COLLAPSED = 6;

type Status = "connecting" | "live" | "offline";

type FeedMessage = { type: "snapshot"; items: SignupItem[] } | { type: "signup"; item: SignupItem };

function isSignup(x: unknown): x is SignupItem {
  const s = x as SignupItem | null;
  return typeof s === "object" && s !== null && typeof s.profile_id === "string" && typeof s.email === "string";
}

function parse(raw: unknown): FeedMessage | null {
  if (typeof raw !== "string") return null;
  try {
    const m = JSON.parse(raw) as { type?: string; items?: unknown; item?: unknown };
    if (m.type === "snapshot" && Array.isArray(m.items)) return { type: "snapshot", items: m.items.filter(isSignup) };
    if (m.type === "signup" && isSignup(m.item)) return { type: "signup", item: m.item };
  } catch {
    // not ours: ignore
  }
  return null;
}

/** New items first, then the existing ones, without duplicates, capped. */
function mergeItems(incoming: SignupItem[], current: SignupItem[]): SignupItem[] {
  const seen = new Set<string>();
  const out: SignupItem[] = [];
  for (const item of [...incoming, ...current]) {
    if (seen.has(item.profile_id)) continue;
    seen.add(item.profile_id);
    out.push(item);
  }
  return out.slice(0, MAX_ITEMS);
}

function useSignupFeed(initial: SignupItem[], onSignup?: (item: SignupItem) => void) {
  const [items, setItems] = useState(initial);
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());
  const [glowing, setGlowing] = useState<ReadonlySet<string>>(new Set());
  const [status, setStatus] = useState<Status>("connecting");
  // the socket outlives renders; it calls whichever callback is current
  const onSignupRef = useRef(onSignup);
  onSignupRef.current = onSignup;

  // A revalidated loader (a search, a filter) may know of items the socket has not sent: fold them in.
  useEffect(() => setItems((cur) => mergeItems(cur, initial)), [initial]);

  useEffect(() => {
    const socket = new PartySocket({
      host: window.location.host,
      protocol: window.location.protocol === "https:" ? "wss" : "ws",
      party: "live-feed",
      room: "signups",
    });
    const onOpen = () => setStatus("live");
    const onClose = () => setStatus("offline");
    const onMessage = (e: MessageEvent) => {
      const msg = parse(e.data);
      if (!msg) return;
      if (msg.type === "snapshot") {
        setItems((cur) => {
          const known = new Set(cur.map((i) => i.profile_id));
          const missed = msg.items.filter((i) => !known.has(i.profile_id));
          return missed.length ? mergeItems(missed, cur) : cur;
        });
        return;
      }
      setItems((cur) => mergeItems([msg.item], cur));
      onSignupRef.current?.(msg.item);
      const id = msg.item.profile_id;
      setFresh((cur) => new Set(cur).add(id));
      setGlowing((cur) => new Set(cur).add(id));
      window.setTimeout(() => setGlowing((cur) => new Set([...cur].filter((x) => x !== id))), 2500);
    };
    socket.addEventListener("open", onOpen);
    socket.addEventListener("close", onClose);
    socket.addEventListener("message", onMessage);
    return () => {
      socket.removeEventListener("open", onOpen);
      socket.removeEventListener("close", onClose);
      socket.removeEventListener("message", onMessage);
      socket.close();
    };
  }, []);

  return { items, fresh, glowing, status };
}

const STATUS = {
  connecting: { label: "Connecting…", dot: "bg-amber-400", text: "text-amber-700" },
  live: { label: "Live", dot: "bg-emerald-500", text: "text-emerald-700" },
  offline: { label: "Reconnecting…", dot: "bg-slate-400", text: "text-slate-500" },
} as const;

export function ConnectionIndicator({ status }: { status: Status }) {
  const s = STATUS[status];
  return (
    <span className={cn("inline-flex items-center gap-1.5 text-xs font-medium", s.text)} data-testid="live-feed-status" data-status={status} role="status">
      <span className="relative flex h-2 w-2">
        {status === "live" ? <span className="absolute inline-flex h-full w-full animate-ping rounded-full bg-emerald-400 opacity-60" /> : null}
        <span className={cn("relative inline-flex h-2 w-2 rounded-full", s.dot)} />
      </span>
      {s.label}
    </span>
  );
}

export function LiveFeedPanel({ initial, source, onSignup }: { initial: SignupItem[]; source: "live" | "newest"; onSignup?: (item: SignupItem) => void }) {
  const { items, fresh, glowing, status } = useSignupFeed(initial, onSignup);
  const [expanded, setExpanded] = useState(false);
  const shown = expanded ? items : items.slice(0, COLLAPSED);
  return (
    <section className="mb-6 rounded-xl bg-white shadow-sm ring-1 ring-slate-200" data-testid="live-feed" aria-labelledby="live-feed-title">
      <header className="flex flex-wrap items-center justify-between gap-2 border-b border-slate-100 px-5 py-3">
        <div className="flex items-center gap-3">
          <h2 id="live-feed-title" className="text-base font-semibold text-slate-900">
            New members
          </h2>
          <ConnectionIndicator status={status} />
        </div>
        <p className="text-xs text-slate-500">
          {items.length
            ? `${items.length === MAX_ITEMS ? `Latest ${MAX_ITEMS}` : items.length} ${source === "live" || fresh.size ? (items.length === 1 ? "sign-up" : "sign-ups") : items.length === 1 ? "newest profile" : "newest profiles"} · new ones appear here as they join`
            : "New ones appear here as they join"}
        </p>
      </header>
      {items.length === 0 ? (
        <div className="px-5 py-8 text-center text-sm text-slate-500" data-testid="live-feed-empty">
          No one has signed up yet. When a member joins, through the API, a storefront or a POS, they appear here the moment it happens, with no need to reload.
        </div>
      ) : (
        <>
          <ul className="grid gap-2 p-3 sm:grid-cols-2 xl:grid-cols-3" aria-live="polite">
            {shown.map((item) => (
              <li
                key={item.profile_id}
                data-testid="live-feed-item"
                data-profile-id={item.profile_id}
                className={cn("rounded-lg ring-1 transition-colors duration-1000", glowing.has(item.profile_id) ? "bg-emerald-50 ring-emerald-200" : "bg-white ring-slate-200/70")}
              >
                <Link to={`/profiles/${item.profile_id}`} className="flex items-center gap-3 rounded-lg px-3 py-2.5 hover:bg-slate-50/80">
                  <span className="grid h-8 w-8 shrink-0 place-items-center rounded-full bg-brand-50 text-xs font-semibold text-brand-700" aria-hidden>
                    {displayName(item.full_name, item.email).slice(0, 1).toUpperCase()}
                  </span>
                  <span className="min-w-0 flex-1">
                    <span className="block truncate text-sm font-medium text-slate-900">
                      {displayName(item.full_name, item.email)}
                      {fresh.has(item.profile_id) ? <span className="ml-2 rounded bg-emerald-50 px-1.5 py-0.5 text-[10px] font-semibold uppercase tracking-wide text-emerald-700">New</span> : null}
                    </span>
                    <span className="block truncate text-xs text-slate-500">{item.email}</span>
                  </span>
                  <Time value={item.joined_at} format="relative" className="shrink-0 text-xs text-slate-400" />
                </Link>
              </li>
            ))}
          </ul>
          {items.length > COLLAPSED ? (
            <div className="border-t border-slate-100 px-5 py-2 text-center">
              <Button variant="ghost" size="sm" onClick={() => setExpanded((x) => !x)} aria-expanded={expanded}>
                {expanded ? "Show fewer" : `Show all ${items.length}`}
              </Button>
            </div>
          ) : null}
        </>
      )}
    </section>
  );
}
