import { Link, useLocation } from "@remix-run/react";

/** Page links that keep the current query string; `page` is 1-based. */
export function Pagination({ page, lastPage, total }: { page: number; lastPage: number; total: number }) {
  const location = useLocation();
  const href = (n: number) => {
    const params = new URLSearchParams(location.search);
    params.set("page", String(n));
    return `${location.pathname}?${params}`;
  };
  const cls = "rounded-md px-3 py-1.5 text-sm ring-1 ring-inset ring-slate-300 bg-white hover:bg-slate-50";
  const off = "rounded-md px-3 py-1.5 text-sm ring-1 ring-inset ring-slate-200 text-slate-300 bg-white";
  return (
    <nav className="flex items-center justify-between gap-4 py-3 text-sm text-slate-600" aria-label="Pagination">
      <span>
        Page {page} of {lastPage} · {total.toLocaleString()} total
      </span>
      <div className="flex gap-2">
        {page > 1 ? <Link className={cls} to={href(page - 1)} rel="prev">Previous</Link> : <span className={off}>Previous</span>}
        {page < lastPage ? <Link className={cls} to={href(page + 1)} rel="next">Next</Link> : <span className={off}>Next</span>}
      </div>
    </nav>
  );
}
