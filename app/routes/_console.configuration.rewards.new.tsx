import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { createAction, loadNew } from "~/components/incentives/definitions.server";
import { NewDefinitionPage } from "~/components/incentives/pages";

export const meta: MetaFunction = () => [{ title: "New reward · Loyalty Edge" }];

export const loader = (args: LoaderFunctionArgs) => loadNew(args);
export const action = (args: ActionFunctionArgs) => createAction("rewards", args);

export default function NewRewardsPage() {
  return <NewDefinitionPage section="rewards" />;
}
