import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { editAction, loadDefinition } from "~/components/incentives/definitions.server";
import { EditDefinitionPage } from "~/components/incentives/pages";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.definition.name ?? "Points"} · Loyalty Edge` }];

export const loader = (args: LoaderFunctionArgs) => loadDefinition("points", args);
export const action = (args: ActionFunctionArgs) => editAction("points", args);

export default function PointsDefinitionPage() {
  return <EditDefinitionPage section="points" />;
}
