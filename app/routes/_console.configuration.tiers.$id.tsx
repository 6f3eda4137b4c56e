import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { editAction, loadDefinition } from "~/components/incentives/definitions.server";
import { EditDefinitionPage } from "~/components/incentives/pages";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.definition.name ?? "Tiers"} · Loyalty Edge` }];

export const loader = (args: LoaderFunctionArgs) => loadDefinition("tiers", args);
export const action = (args: ActionFunctionArgs) => editAction("tiers", args);

export default function TiersDefinitionPage() {
  return <EditDefinitionPage section="tiers" />;
}
