import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { useActionData, useLoaderData } from "@remix-run/react";
import { isLocationField, LocationForm } from "~/components/commerce/location-form";
import { deleteLocation, locationValues, serializeLocation, timezones } from "~/components/commerce/locations.server";
import { BackLink, ConfirmDelete, errorsOf, formErrorOf, useResultToast, type ActionResult } from "~/components/commerce/shared";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { PageHeader } from "~/components/ui/card";
import { requireUser } from "~/lib/auth.server";
import { failure, invalid, parseWith } from "~/lib/forms.server";
import { can } from "../../workers/access/rules";
import { UpdateLocationInput } from "../../workers/commerce/schema";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.location.name ?? "Location"} · Loyalty Edge` }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { user } = await requireUser(request, context, "config:view");
  const location = await context.services.locations.find(params.id ?? "");
  if (!location) throw new Response("Not found", { status: 404 });
  return { location: serializeLocation(location), zones: timezones([location.timezone]), canEdit: can(user.role, "config:edit") };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, context, "config:edit");
  const id = params.id ?? "";
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  if (intent === "delete") return deleteLocation(context, actor, id, "/configuration/locations?notice=deleted");
  if (intent !== "save") return invalid({ intent: ["Unknown action"] }, { intent });
  const { values, errors } = locationValues(form);
  const parsed = parseWith(UpdateLocationInput, values);
  if (!parsed.ok || Object.keys(errors).length) return invalid({ ...(parsed.ok ? {} : parsed.errors), ...errors }, { intent });
  try {
    const saved = await context.services.locations.update(id, parsed.data, actor);
    return { ok: true as const, intent, message: `${saved.name} saved` };
  } catch (err) {
    return failure(err, { intent });
  }
}

export default function LocationPage() {
  const { location, zones, canEdit } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  useResultToast(result);
  const fieldErrors = errorsOf(result, "save");
  return (
    <div className="max-w-4xl">
      <div className="mb-4">
        <BackLink to="/configuration/locations">Locations</BackLink>
      </div>
      <PageHeader
        title={location.name}
        description={
          <span className="flex flex-wrap items-center gap-2">
            <span className="font-mono text-xs">{location.handle}</span>
            {location.external_id ? <Badge>External id {location.external_id}</Badge> : null}
            {location.is_placeholder ? <Badge tone="warning">Placeholder</Badge> : null}
          </span>
        }
        actions={
          canEdit ? (
            <ConfirmDelete
              id={location.id}
              title={`Delete ${location.name}?`}
              description="Only a location no transaction names can be deleted; otherwise unpublish it. This cannot be undone."
              trigger={
                <Button variant="secondary" className="text-red-600" data-testid="delete-location">
                  Delete
                </Button>
              }
              confirmLabel="Delete location"
            />
          ) : null
        }
      />
      {location.is_placeholder ? (
        <p className="mb-6 rounded-lg bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-amber-200" data-testid="placeholder-notice">
          A transaction named the store code <span className="font-mono">{location.external_id}</span>, which no location had, so this placeholder was created
          to keep its history together. {canEdit ? "Give it a real name, time zone and address; saving completes it." : "An Admin can complete it."}
        </p>
      ) : null}
      {!canEdit ? (
        <p className="mb-6 rounded-lg bg-slate-100 px-4 py-3 text-sm text-slate-600" data-testid="read-only-notice">
          You can view this location; only Admins can change it.
        </p>
      ) : null}
      <LocationForm
        key={location.updated_at}
        location={location}
        zones={zones}
        defaultZone={location.timezone}
        errors={fieldErrors}
        formError={
          formErrorOf(result, "save", isLocationField) ??
          (Object.keys(fieldErrors).length ? "Not saved: some fields need attention, see the messages below." : undefined)
        }
        canEdit={canEdit}
        submitLabel="Save changes"
      />
    </div>
  );
}
