import { useLocation } from "@remix-run/react";
import { cn } from "./cn";

/** "Export CSV": downloads what the page shows, with the page's own filters (its query string, less the page number). */
export function ExportLink({ to, label = "Export CSV", className }: { to: string; label?: string; className?: string }) {
  const { search } = useLocation();
  const params = new URLSearchParams(search);
  params.delete("page");
  params.delete("notice");
  const qs = params.toString();
  return (
    <a
      href={qs ? `${to}?${qs}` : to}
      download
      data-testid="export-csv"
      className={cn(
        "inline-flex h-9 items-center justify-center gap-2 rounded-md bg-white px-4 text-sm font-medium text-slate-700 shadow-sm ring-1 ring-inset ring-slate-300 transition-colors hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-500",
        className,
      )}
    >
      {label}
    </a>
  );
}
