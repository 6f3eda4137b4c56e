import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { editAction, loadDefinition } from "~/components/incentives/definitions.server";
import { EditDefinitionPage } from "~/components/incentives/pages";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.definition.name ?? "Benefits"} · Loyalty Edge` }];

export const loader = (args: LoaderFunctionArgs) => loadDefinition("benefits", args);
export const action = (args: ActionFunctionArgs) => editAction("benefits", args);

export default function BenefitsDefinitionPage() {
  return <EditDefinitionPage section="benefits" />;
}
