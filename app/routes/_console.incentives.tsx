import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { EmptyState, PageHeader } from "~/components/ui/card";
import { requireUser } from "~/lib/auth.server";

export const meta: MetaFunction = () => [{ title: "Incentives · Loyalty Edge" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(request, context, "incentives:view");
  return null;
}

export default function IncentivesPage() {
  return (
    <>
      <PageHeader title="Incentives" description="What is live: rewards, points, benefits, tiers and achievements issued to profiles, with counts issued and redeemed and value outstanding." />
      <EmptyState title="No incentives yet">
        This section is part of the product but has nothing to show yet: it fills in once incentives are recorded. Nothing here is sample data.
      </EmptyState>
    </>
  );
}
