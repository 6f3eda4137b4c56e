import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { createAction, loadNew } from "~/components/incentives/definitions.server";
import { NewDefinitionPage } from "~/components/incentives/pages";

export const meta: MetaFunction = () => [{ title: "New tier · Loyalty Edge" }];

export const loader = (args: LoaderFunctionArgs) => loadNew(args);
export const action = (args: ActionFunctionArgs) => createAction("tiers", args);

export default function NewTiersPage() {
  return <NewDefinitionPage section="tiers" />;
}
