import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { EmptyState, PageHeader } from "~/components/ui/card";
import { requireUser } from "~/lib/auth.server";

export const meta: MetaFunction = () => [{ title: "Profiles · Loyalty Edge" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(request, context, "profiles:view");
  return null;
}

export default function ProfilesPage() {
  return (
    <>
      <PageHeader title="Profiles" description="Members appear here as they sign up: a live feed of new members, search by name, email, mobile or any linked identity, and each profile's details, transactions and incentives." />
      <EmptyState title="No profiles yet">
        This section is part of the product but has nothing to show yet: it fills in once profiles are recorded. Nothing here is sample data.
      </EmptyState>
    </>
  );
}
