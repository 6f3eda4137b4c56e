import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { Form, NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { useState } from "react";
import { Button } from "~/components/ui/button";
import { cn } from "~/components/ui/cn";
import { Dropdown, DropdownLabel, DropdownSeparator } from "~/components/ui/dropdown";
import { ToastProvider } from "~/components/ui/toast";
import { requireUser } from "~/lib/auth.server";
import { NAVIGATION } from "~/lib/navigation";
import { can, ROLE_LABELS } from "../../workers/access/rules";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = await requireUser(request, context);
  const nav = NAVIGATION.map((g) => ({ ...g, items: g.items.filter((i) => can(user.role, i.permission)) })).filter((g) => g.items.length);
  return { user: { name: user.name, email: user.email, role: user.role, roleLabel: ROLE_LABELS[user.role] }, nav };
}

export default function ConsoleLayout() {
  const { user, nav } = useLoaderData<typeof loader>();
  const [open, setOpen] = useState(false);
  const sidebar = (
    <nav className="flex h-full flex-col gap-6 overflow-y-auto px-3 py-5" aria-label="Main">
      <a href="/dashboard" className="flex items-center gap-2 px-2 text-base font-semibold text-white">
        <span className="grid h-7 w-7 place-items-center rounded-md bg-brand-500 text-sm">L</span> Loyalty Edge
      </a>
      {nav.map((group) => (
        <div key={group.label ?? "main"}>
          {group.label ? <p className="mb-1 px-2 text-xs font-semibold uppercase tracking-wider text-slate-500">{group.label}</p> : null}
          <ul className="space-y-0.5">
            {group.items.map((item) => (
              <li key={item.to}>
                <NavLink
                  to={item.to}
                  onClick={() => setOpen(false)}
                  className={({ isActive }) =>
                    cn(
                      "block rounded-md px-2 py-1.5 text-sm font-medium",
                      isActive ? "bg-slate-800 text-white" : "text-slate-300 hover:bg-slate-800/60 hover:text-white",
                    )
                  }
                >
                  {item.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </nav>
  );
  return (
    <ToastProvider>
      <div className="min-h-full">
        <aside className="fixed inset-y-0 left-0 hidden w-60 bg-slate-900 lg:block">{sidebar}</aside>
        {open ? (
          <div className="fixed inset-0 z-40 lg:hidden">
            <button className="absolute inset-0 bg-slate-900/50" aria-label="Close menu" onClick={() => setOpen(false)} />
            <aside className="relative h-full w-64 bg-slate-900">{sidebar}</aside>
          </div>
        ) : null}
        <div className="lg:pl-60">
          <header className="sticky top-0 z-30 flex h-14 items-center justify-between gap-4 border-b border-slate-200 bg-white/90 px-4 backdrop-blur sm:px-6">
            <button className="rounded-md p-2 text-slate-600 hover:bg-slate-100 lg:hidden" aria-label="Open menu" onClick={() => setOpen(true)}>
              ☰
            </button>
            <div className="flex-1" />
            <Dropdown
              trigger={
                <button className="flex items-center gap-2 rounded-md px-2 py-1 text-sm hover:bg-slate-100" data-testid="user-menu">
                  <span className="grid h-7 w-7 place-items-center rounded-full bg-brand-100 text-xs font-semibold text-brand-700">
                    {user.name.slice(0, 1).toUpperCase()}
                  </span>
                  <span className="hidden text-slate-700 sm:inline">{user.name}</span>
                </button>
              }
            >
              <DropdownLabel>
                {user.email} · {user.roleLabel}
              </DropdownLabel>
              <DropdownSeparator />
              <Form method="post" action="/logout" className="p-1">
                <Button type="submit" variant="ghost" size="sm" className="w-full justify-start">
                  Sign out
                </Button>
              </Form>
            </Dropdown>
          </header>
          <main className="mx-auto max-w-7xl px-4 py-8 sm:px-6 lg:px-8">
            <Outlet />
          </main>
        </div>
      </div>
    </ToastProvider>
  );
}
