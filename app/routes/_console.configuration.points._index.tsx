import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Link, useLoaderData } from "@remix-run/react";
import { calculateAction, listAction, listSection } from "~/components/incentives/definitions.server";
import { DefinitionListPage, DefinitionTable } from "~/components/incentives/pages";
import { RateCalculator } from "~/components/incentives/rate-calculator";
import { EmptyState } from "~/components/ui/card";
import { requireUser } from "~/lib/auth.server";
import { serializeRate } from "../../workers/incentives/views";

export const meta: MetaFunction = () => [{ title: "Points · Loyalty Edge" }];

// Points definitions, their live earn rates, and the rate calculator (which only reads: config:view).
export async function loader(args: LoaderFunctionArgs) {
  const list = await listSection("points", args);
  const { context } = args;
  const [rates, points, locations] = await Promise.all([
    context.services.definitions.list("rate", {}, { number: 1, size: 100 }),
    context.services.definitions.list("point", { archived: "all" }, { number: 1, size: 100 }),
    context.services.locations.list({}, { number: 1, size: 200 }),
  ]);
  return {
    ...list,
    rates: rates.rows.map(serializeRate),
    pointNames: Object.fromEntries(points.rows.map((p) => [p.id, p.name])),
    locations: locations.rows.map((l) => ({ value: l.id, label: l.externalId ? `${l.name} (${l.externalId})` : l.name })),
  };
}

export async function action(args: ActionFunctionArgs) {
  const form = await args.request.clone().formData();
  if (form.get("intent") === "calculate") {
    await requireUser(args.request, args.context, "config:view");
    return calculateAction(args.context, form);
  }
  return listAction("points", args);
}

export default function PointsPage() {
  const { rates, pointNames, locations, canEdit } = useLoaderData<typeof loader>();
  return (
    <DefinitionListPage section="points">
      <section className="mt-10" data-testid="earn-rates">
        <div className="mb-3 flex items-end justify-between gap-4">
          <div>
            <h2 className="text-lg font-semibold text-slate-900">Earn rates</h2>
            <p className="text-sm text-slate-500">The most specific matching rate of each points definition wins (+1 per scope: location, time, profile, products); ties go to the higher priority.</p>
          </div>
          {canEdit ? (
            <Link to="/configuration/points/rates/new" className="inline-flex h-9 shrink-0 items-center whitespace-nowrap rounded-md bg-brand-600 px-4 text-sm font-medium text-white shadow-sm hover:bg-brand-700" data-testid="new-rate">
              New earn rate
            </Link>
          ) : null}
        </div>
        {rates.length ? (
          <DefinitionTable
            section="rates"
            rows={rates as never}
            canEdit={canEdit}
            action={(r) => `/configuration/points/rates/${r.id}`}
            extra={{ label: "Points", cell: (r) => pointNames[String(r.point_definition_id)] ?? String(r.point_definition_id) }}
          />
        ) : (
          <EmptyState title="No earn rates yet">Without a rate, purchases earn no points.</EmptyState>
        )}
      </section>
      <RateCalculator locations={locations} rates={rates} />
    </DefinitionListPage>
  );
}
