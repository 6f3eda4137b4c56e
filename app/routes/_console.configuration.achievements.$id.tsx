import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { editAction, loadDefinition } from "~/components/incentives/definitions.server";
import { EditDefinitionPage } from "~/components/incentives/pages";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.definition.name ?? "Achievements"} · Loyalty Edge` }];

export const loader = (args: LoaderFunctionArgs) => loadDefinition("achievements", args);
export const action = (args: ActionFunctionArgs) => editAction("achievements", args);

export default function AchievementsDefinitionPage() {
  return <EditDefinitionPage section="achievements" />;
}
