import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { editAction, loadDefinition } from "~/components/incentives/definitions.server";
import { EditDefinitionPage } from "~/components/incentives/pages";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.definition.name ?? "Rewards"} · Loyalty Edge` }];

export const loader = (args: LoaderFunctionArgs) => loadDefinition("rewards", args);
export const action = (args: ActionFunctionArgs) => editAction("rewards", args);

export default function RewardsDefinitionPage() {
  return <EditDefinitionPage section="rewards" />;
}
