import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Link, useLoaderData } from "@remix-run/react";
import { Card, EmptyState, PageHeader } from "~/components/ui/card";
import { requireUser } from "~/lib/auth.server";
import { can } from "../../workers/access/rules";

export const meta: MetaFunction = () => [{ title: "Dashboard · Loyalty Edge" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = await requireUser(request, context, "dashboard:view");
  return { name: user.name, isAdmin: can(user.role, "users:manage") };
}

export default function Dashboard() {
  const { name, isAdmin } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeader title="Dashboard" description={`Welcome back, ${name}. Sign-ups, active profiles, reward issuance and redemptions appear here.`} />
      <EmptyState title="No activity to chart yet">
        Charts of sign-ups, active profiles, rewards issued and redemptions fill in as profiles and transactions arrive
        through the console or the API. Nothing here is sample data.
      </EmptyState>
      <div className="mt-8 grid gap-6 md:grid-cols-2">
        <Card title="Connect your stack" description="Storefronts and POS post transactions and read balances through the edge API.">
          <ul className="space-y-2 text-sm text-slate-600">
            <li>
              Browse the <a className="font-medium text-brand-600 hover:underline" href="/api/docs">API reference</a> (OpenAPI 3.1 at{" "}
              <code className="rounded bg-slate-100 px-1">/api/v3/openapi.json</code>).
            </li>
            {isAdmin ? (
              <li>
                Create a token in <Link className="font-medium text-brand-600 hover:underline" to="/settings/api-tokens">Settings → API Tokens</Link>.
              </li>
            ) : null}
          </ul>
        </Card>
        {isAdmin ? (
          <Card title="Your team" description="Admins, Managers and Reporting users sign in here; Machine users own API tokens.">
            <Link className="text-sm font-medium text-brand-600 hover:underline" to="/settings/users">
              Manage users and roles →
            </Link>
          </Card>
        ) : null}
      </div>
    </>
  );
}
