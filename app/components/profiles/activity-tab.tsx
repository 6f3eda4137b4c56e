// Activity: what the member did (interactions: visits, views, feedback …) and what was done to their
// record (audit entries: edits, identities, merges), on one timeline, newest first.
import { EmptyState } from "~/components/ui/card";
import { cn } from "~/components/ui/cn";
import { Time } from "~/components/ui/time";
import type { ActivityEntry } from "./types";

const SIGNAL = { 1: { label: "positive", cls: "bg-emerald-500" }, 0: { label: "neutral", cls: "bg-slate-300" }, [-1]: { label: "negative", cls: "bg-red-500" } } as Record<number, { label: string; cls: string }>;

export function ActivityTab({ entries, interactions, changes, limit }: { entries: ActivityEntry[]; interactions: number; changes: number; limit: number }) {
  if (!entries.length) {
    return (
      <EmptyState title="No activity yet">
        Interactions (store visits, app views, feedback, referrals) recorded through the API, and every change made to this record, appear here.
      </EmptyState>
    );
  }
  return (
    <div className="rounded-xl bg-white shadow-sm ring-1 ring-slate-200">
      <header className="flex flex-wrap items-center justify-between gap-2 border-b border-slate-100 px-5 py-3 text-sm text-slate-500">
        <span>
          {interactions.toLocaleString("en-AU")} {interactions === 1 ? "interaction" : "interactions"} · {changes.toLocaleString("en-AU")} recorded {changes === 1 ? "change" : "changes"}
        </span>
        {interactions > limit || changes > limit ? <span>Showing the latest {limit} of each</span> : null}
      </header>
      <ol className="divide-y divide-slate-100" data-testid="activity">
        {entries.map((e) => (
          <li key={`${e.kind}-${e.id}`} className="flex gap-4 px-5 py-3" data-testid="activity-item" data-kind={e.kind}>
            <span
              className={cn(
                "mt-0.5 grid h-7 w-7 shrink-0 place-items-center rounded-full text-xs font-semibold",
                e.kind === "interaction" ? "bg-brand-50 text-brand-700" : "bg-slate-100 text-slate-600",
              )}
              aria-hidden
            >
              {e.kind === "interaction" ? "★" : "✎"}
            </span>
            <div className="min-w-0 flex-1">
              <p className="flex flex-wrap items-center gap-x-2 text-sm font-medium text-slate-900">
                {e.title}
                {e.signal !== null && SIGNAL[e.signal] ? (
                  <span className="inline-flex items-center gap-1 text-xs font-normal text-slate-500">
                    <span className={cn("h-2 w-2 rounded-full", SIGNAL[e.signal]!.cls)} />
                    {SIGNAL[e.signal]!.label}
                  </span>
                ) : null}
              </p>
              {e.detail ? <p className="mt-0.5 break-words text-sm text-slate-600">{e.detail}</p> : null}
              <p className="mt-0.5 text-xs text-slate-400">
                {e.kind === "interaction" ? "Interaction" : `By ${e.by ?? "system"}`} · <Time value={e.at} format="datetime" />
              </p>
            </div>
          </li>
        ))}
      </ol>
    </div>
  );
}
