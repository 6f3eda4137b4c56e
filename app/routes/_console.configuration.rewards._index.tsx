import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { listAction, listSection } from "~/components/incentives/definitions.server";
import { DefinitionListPage } from "~/components/incentives/pages";

export const meta: MetaFunction = () => [{ title: "Rewards · Loyalty Edge" }];

export const loader = (args: LoaderFunctionArgs) => listSection("rewards", args);
export const action = (args: ActionFunctionArgs) => listAction("rewards", args);

export default function RewardsPage() {
  return <DefinitionListPage section="rewards" />;
}
