import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { listAction, listSection } from "~/components/incentives/definitions.server";
import { DefinitionListPage } from "~/components/incentives/pages";

export const meta: MetaFunction = () => [{ title: "Achievements · Loyalty Edge" }];

export const loader = (args: LoaderFunctionArgs) => listSection("achievements", args);
export const action = (args: ActionFunctionArgs) => listAction("achievements", args);

export default function AchievementsPage() {
  return <DefinitionListPage section="achievements" />;
}
