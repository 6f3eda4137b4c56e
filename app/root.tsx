import { Links, Meta, Outlet, Scripts, ScrollRestoration, isRouteErrorResponse, useRouteError } from "@remix-run/react";
import type { MetaFunction } from "@remix-run/cloudflare";
import type { ReactNode } from "react";
import { useNonce } from "./lib/nonce";
import "./tailwind.css";

export const meta: MetaFunction = () => [{ title: "Loyalty Edge · CX Manager" }];

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  return (
    <html lang="en" className="h-full">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
        <Meta />
        <Links />
      </head>
      <body className="h-full font-sans">
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

/** One error boundary keyed on status: 403 and 404 are explained, anything else is our fault. */
export function ErrorBoundary() {
  const error = useRouteError();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const message =
    status === 403
      ? "You don't have access to this page. Ask an Admin if you need it."
      : status === 404
        ? "There is nothing at this address."
        : "Something went wrong on our side. Try again; if it keeps happening, tell your administrator.";
  return (
    <main className="grid min-h-full place-items-center px-6 py-24" data-testid="error-page" data-status={status}>
      <div className="text-center">
        <p className="text-sm font-semibold text-brand-600">{status}</p>
        <h1 className="mt-2 text-2xl font-semibold text-slate-900">{status === 403 ? "Forbidden" : status === 404 ? "Not found" : "Error"}</h1>
        <p className="mt-3 text-sm text-slate-600">{message}</p>
        <a href="/dashboard" className="mt-6 inline-block text-sm font-medium text-brand-600 hover:text-brand-700">
          Back to the dashboard
        </a>
      </div>
    </main>
  );
}
