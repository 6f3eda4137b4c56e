import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { useLoaderData } from "@remix-run/react";
import { EmptyState, PageHeader } from "~/components/ui/card";
import { requireUser } from "~/lib/auth.server";
import { SETTINGS_SECTIONS, type SettingsSection } from "~/lib/navigation";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.label ?? "Settings"} · Loyalty Edge` }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  await requireUser(request, context, "settings:view");
  const section = SETTINGS_SECTIONS[params.section as SettingsSection];
  if (!section) throw new Response("Not found", { status: 404 });
  return { label: section.label, blurb: section.blurb };
}

export default function SettingsSectionPage() {
  const { label, blurb } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeader title={label} description={blurb} />
      <EmptyState title={`No ${label.toLowerCase()} yet`}>
        {label} are part of the product and not configurable yet; nothing is sent from here until they are.
      </EmptyState>
    </>
  );
}
