import { Link } from "@remix-run/react";
import type { ReactNode } from "react";
import { cn } from "./cn";

export interface LinkTab {
  value: string;
  label: ReactNode;
  /** a small count shown after the label (e.g. how many identities) */
  count?: number;
}

/**
 * Tabs driven by the URL (`?tab=`), so a tab survives a reload, can be linked to, and its loader only
 * fetches what that tab shows. The first tab is the default and links without the parameter.
 */
export function LinkTabs({
  tabs,
  current,
  param = "tab",
  label,
  testIdPrefix = "tab",
}: {
  tabs: LinkTab[];
  current: string;
  param?: string;
  label: string;
  testIdPrefix?: string;
}) {
  return (
    <nav aria-label={label} className="-mx-4 overflow-x-auto px-4 sm:mx-0 sm:px-0">
      <ul className="flex min-w-max gap-1 border-b border-slate-200">
        {tabs.map((t, i) => {
          const active = t.value === current;
          return (
            <li key={t.value}>
              <Link
                to={i === 0 ? "?" : `?${param}=${encodeURIComponent(t.value)}`}
                preventScrollReset
                aria-current={active ? "page" : undefined}
                data-testid={`${testIdPrefix}-${t.value}`}
                data-state={active ? "active" : "inactive"}
                className={cn(
                  "-mb-px flex items-center gap-1.5 border-b-2 px-3 py-2 text-sm font-medium whitespace-nowrap",
                  active ? "border-brand-600 text-brand-700" : "border-transparent text-slate-500 hover:border-slate-300 hover:text-slate-800",
                )}
              >
                {t.label}
                {t.count !== undefined ? (
                  <span className={cn("rounded-full px-1.5 text-xs tabular-nums", active ? "bg-brand-50 text-brand-700" : "bg-slate-100 text-slate-600")}>{t.count}</span>
                ) : null}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
