import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { useLoaderData } from "@remix-run/react";
import { listAction, listSection } from "~/components/incentives/definitions.server";
import { DefinitionListPage } from "~/components/incentives/pages";
import { TierLadders } from "~/components/incentives/tier-ladder";
import { serializeTier } from "../../workers/incentives/views";

export const meta: MetaFunction = () => [{ title: "Tiers · Loyalty Edge" }];

// The tier list with every live ladder drawn above it.
export async function loader(args: LoaderFunctionArgs) {
  const list = await listSection("tiers", args);
  const ladders = await args.context.services.definitions.ladders();
  return {
    ...list,
    ladders: ladders.map((l) => ({ pointDefinition: l.pointDefinition ? { id: l.pointDefinition.id, name: l.pointDefinition.name } : null, tiers: l.tiers.map(serializeTier) })),
  };
}

export const action = (args: ActionFunctionArgs) => listAction("tiers", args);

export default function TiersPage() {
  const { ladders } = useLoaderData<typeof loader>();
  return <DefinitionListPage section="tiers" before={<TierLadders ladders={ladders} />} />;
}
