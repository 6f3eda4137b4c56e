// Loader and action helpers for Configuration → Locations: the form's fields to the API's input shape
// (LocationInput validates it), the time zone list, and the delete both pages offer.
import { redirect, type AppLoadContext } from "@remix-run/cloudflare";
import { failure } from "~/lib/forms.server";
import type { Actor } from "../../../workers/access/actor";
import type { FieldErrors } from "../../../workers/platform/errors";
import { WEEKDAYS } from "../../../workers/commerce/rules";
import { serializeLocation, type Location } from "../../../workers/commerce/views";

export type LocationJson = ReturnType<typeof serializeLocation>;
export { serializeLocation };

const ADDRESS_FIELDS = ["address_line_1", "address_line_2", "city", "state", "postcode", "country"] as const;

function text(form: FormData, key: string): string {
  const v = form.get(key);
  return typeof v === "string" ? v.trim() : "";
}

/**
 * The location form as LocationInput expects it. Empty optional fields become null (cleared), an empty
 * handle is left out (derived from the name, or kept); a half-filled opening interval is reported here
 * because the schema would only see an empty time.
 */
export function locationValues(form: FormData): { values: Record<string, unknown>; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const address: Record<string, string | null> = {};
  for (const f of ADDRESS_FIELDS) address[f] = text(form, f) || null;
  const hasAddress = Object.values(address).some(Boolean);

  const hours: Record<string, string[][]> = {};
  for (const day of WEEKDAYS) {
    if (form.get(`hours.${day}.open`) !== "on") continue;
    const intervals: string[][] = [];
    for (let i = 0; i < 6 && (form.has(`hours.${day}.${i}.from`) || form.has(`hours.${day}.${i}.to`)); i++) {
      const from = text(form, `hours.${day}.${i}.from`);
      const to = text(form, `hours.${day}.${i}.to`);
      if (!from || !to) (errors[`opening_hours.${day}.${i}`] ??= []).push("Give both the opening and the closing time");
      else intervals.push([from, to]);
    }
    if (intervals.length) hours[day] = intervals;
    else if (!errors[`opening_hours.${day}.0`]) (errors[`opening_hours.${day}`] ??= []).push("Add opening hours, or mark the day closed");
  }

  const values = {
    name: text(form, "name"),
    handle: text(form, "handle") || undefined,
    type: text(form, "type") || undefined,
    external_id: text(form, "external_id") || null,
    timezone: text(form, "timezone") || undefined,
    address: hasAddress ? address : null,
    opening_hours: Object.keys(hours).length ? hours : null,
    phone: text(form, "phone") || null,
    email: text(form, "email") || null,
    is_published: form.get("is_published") === "true",
  };
  return { values, errors };
}

/** Every IANA zone the runtime knows (for the select), with UTC and the zones already in use. */
export function timezones(inUse: Array<string | null | undefined> = []): string[] {
  let all: string[];
  try {
    all = Intl.supportedValuesOf("timeZone");
  } catch {
    all = [];
  }
  return [...new Set([...all, "UTC", ...inUse.filter((z): z is string => Boolean(z))])].sort((a, b) => a.localeCompare(b));
}

/** The zone most locations use: the sensible default for a new one. */
export function commonZone(rows: Location[]): string {
  const counts = new Map<string, number>();
  for (const l of rows) if (!l.isPlaceholder) counts.set(l.timezone, (counts.get(l.timezone) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? "UTC";
}

/** intent=delete from either page; `redirectTo` after success (the edit page), else a message. */
export async function deleteLocation(context: AppLoadContext, actor: Actor, id: string, redirectTo?: string) {
  try {
    const current = await context.services.locations.get(id);
    await context.services.locations.delete(id, actor);
    if (redirectTo) return redirect(redirectTo);
    return { ok: true as const, intent: "delete", message: `${current.name} deleted` };
  } catch (err) {
    return failure(err, { intent: "delete" });
  }
}
