// The Profiles list's one search box (name, email, mobile or any identity value) and its type filter.
// A plain GET form, so it works without JavaScript; with it, results follow the typing (debounced).
import { Form, useNavigation, useSubmit } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { Input, Select } from "~/components/ui/input";

export const TYPE_FILTERS = [
  { value: "", label: "Active and pending" },
  { value: "active", label: "Active" },
  { value: "pending", label: "Pending" },
  { value: "deleted", label: "Deleted" },
  { value: "all", label: "All, including deleted" },
] as const;
export type TypeFilter = (typeof TYPE_FILTERS)[number]["value"];

const DEBOUNCE_MS = 250;

export function ProfileSearch({ q, type, action = "/profiles" }: { q: string; type: TypeFilter; action?: string }) {
  const submit = useSubmit();
  const navigation = useNavigation();
  const formRef = useRef<HTMLFormElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const typeRef = useRef<HTMLSelectElement>(null);
  const timer = useRef<number | undefined>(undefined);

  // Back/forward changes the query under us: show it, unless the person is typing right now.
  useEffect(() => {
    const input = inputRef.current;
    if (input && document.activeElement !== input && input.value !== q) input.value = q;
    if (typeRef.current && typeRef.current.value !== type) typeRef.current.value = type;
  }, [q, type]);
  useEffect(() => () => window.clearTimeout(timer.current), []);

  const run = (replace: boolean) => {
    const params = new URLSearchParams();
    const value = inputRef.current?.value.trim() ?? "";
    const kind = typeRef.current?.value ?? "";
    if (value) params.set("q", value);
    if (kind) params.set("type", kind);
    // a new query starts at page 1 (the form carries no page)
    submit(params, { method: "get", action, replace, preventScrollReset: true });
  };
  const schedule = () => {
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => run(true), DEBOUNCE_MS);
  };

  const searching = navigation.state === "loading" && navigation.location.pathname === action;
  return (
    <Form
      ref={formRef}
      method="get"
      action={action}
      role="search"
      className="flex flex-col gap-3 sm:flex-row sm:items-center"
      onSubmit={(e) => {
        e.preventDefault();
        window.clearTimeout(timer.current);
        run(false);
      }}
    >
      <div className="relative flex-1">
        <span className="pointer-events-none absolute inset-y-0 left-3 flex items-center text-slate-400" aria-hidden>
          <svg viewBox="0 0 20 20" fill="currentColor" className="h-4 w-4">
            <path fillRule="evenodd" d="M9 3.5a5.5 5.5 0 1 0 0 11 5.5 5.5 0 0 0 0-11ZM2 9a7 7 0 1 1 12.45 4.39l3.58 3.58a.75.75 0 1 1-1.06 1.06l-3.58-3.58A7 7 0 0 1 2 9Z" clipRule="evenodd" />
          </svg>
        </span>
        <Input
          ref={inputRef}
          type="search"
          name="q"
          defaultValue={q}
          onChange={schedule}
          placeholder="Search name, email, mobile or any identity"
          aria-label="Search profiles"
          autoComplete="off"
          spellCheck={false}
          data-testid="profile-search"
          className="pl-9 pr-9"
        />
        {searching ? (
          <span className="absolute inset-y-0 right-3 flex items-center" role="status" aria-label="Searching">
            <span className="h-4 w-4 animate-spin rounded-full border-2 border-slate-300 border-t-brand-600" />
          </span>
        ) : null}
      </div>
      <Select ref={typeRef} name="type" defaultValue={type} onChange={() => run(false)} aria-label="Profile type" data-testid="profile-type-filter" className="sm:w-56">
        {TYPE_FILTERS.map((t) => (
          <option key={t.value} value={t.value}>
            {t.label}
          </option>
        ))}
      </Select>
      <noscript>
        <button type="submit" className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white">
          Search
        </button>
      </noscript>
    </Form>
  );
}
