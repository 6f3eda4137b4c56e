import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { useLoaderData } from "@remix-run/react";
import { EmptyState, PageHeader } from "~/components/ui/card";
import { requireUser } from "~/lib/auth.server";
import { CONFIG_SECTIONS, type ConfigSection } from "~/lib/navigation";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.label ?? "Configuration"} · Loyalty Edge` }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  await requireUser(request, context, "config:view");
  const section = CONFIG_SECTIONS[params.section as ConfigSection];
  if (!section) throw new Response("Not found", { status: 404 });
  return { label: section.label, blurb: section.blurb };
}

export default function ConfigurationSection() {
  const { label, blurb } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeader title={label} description={blurb} />
      <EmptyState title={`No ${label.toLowerCase()} configured yet`}>
        Configuration of {label.toLowerCase()} is on its way; until then nothing is issued from here.
      </EmptyState>
    </>
  );
}
