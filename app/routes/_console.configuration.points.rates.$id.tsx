import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { editAction, loadDefinition } from "~/components/incentives/definitions.server";
import { EditDefinitionPage } from "~/components/incentives/pages";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.definition.name ?? "Rate"} · Loyalty Edge` }];

export const loader = (args: LoaderFunctionArgs) => loadDefinition("rates", args);
export const action = (args: ActionFunctionArgs) => editAction("rates", args);

export default function RateDefinitionPage() {
  return <EditDefinitionPage section="rates" />;
}
