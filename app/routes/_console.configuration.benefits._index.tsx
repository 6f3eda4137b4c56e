import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { listAction, listSection } from "~/components/incentives/definitions.server";
import { DefinitionListPage } from "~/components/incentives/pages";

export const meta: MetaFunction = () => [{ title: "Benefits · Loyalty Edge" }];

export const loader = (args: LoaderFunctionArgs) => listSection("benefits", args);
export const action = (args: ActionFunctionArgs) => listAction("benefits", args);

export default function BenefitsPage() {
  return <DefinitionListPage section="benefits" />;
}
