import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { useActionData, useLoaderData } from "@remix-run/react";
import { isLocationField, LocationForm } from "~/components/commerce/location-form";
import { commonZone, locationValues, timezones } from "~/components/commerce/locations.server";
import { BackLink, errorsOf, formErrorOf } from "~/components/commerce/shared";
import { PageHeader } from "~/components/ui/card";
import { requireUser } from "~/lib/auth.server";
import { failure, invalid, parseWith } from "~/lib/forms.server";
import { LocationInput } from "../../workers/commerce/schema";

export const meta: MetaFunction = () => [{ title: "New location · Loyalty Edge" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(request, context, "config:edit");
  const { rows } = await context.services.locations.list({}, { number: 1, size: 500 });
  return { zones: timezones(rows.map((l) => l.timezone)), defaultZone: commonZone(rows) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, context, "config:edit");
  const form = await request.formData();
  const intent = "save";
  const { values, errors } = locationValues(form);
  const parsed = parseWith(LocationInput, values);
  if (!parsed.ok || Object.keys(errors).length) return invalid({ ...(parsed.ok ? {} : parsed.errors), ...errors }, { intent });
  try {
    await context.services.locations.create(parsed.data, actor);
    return redirect("/configuration/locations?notice=created");
  } catch (err) {
    return failure(err, { intent });
  }
}

export default function NewLocationPage() {
  const { zones, defaultZone } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <div className="max-w-4xl">
      <div className="mb-4">
        <BackLink to="/configuration/locations">Locations</BackLink>
      </div>
      <PageHeader title="New location" description="A store, an online channel, a pop-up or a warehouse. Transactions name it by its id or its external id." />
      <LocationForm
        location={null}
        zones={zones}
        defaultZone={defaultZone}
        errors={errorsOf(result, "save")}
        formError={
          formErrorOf(result, "save", isLocationField) ??
          (result && !result.ok && Object.keys(result.errors).length ? "Some fields need attention: see the messages below." : undefined)
        }
        canEdit
        submitLabel="Create location"
      />
    </div>
  );
}
