// GET /profiles/export.csv: the profiles list as searched and filtered on the page, streamed as CSV.
import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { TYPE_FILTERS } from "~/components/profiles/profile-search";
import { requireUser } from "~/lib/auth.server";
import type { ProfileType } from "../../workers/profiles/schema";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, context, "data:export");
  const q = new URL(request.url).searchParams;
  const search = (q.get("q") ?? "").trim().slice(0, 200) || undefined;
  const rawType = q.get("type");
  const type = rawType && TYPE_FILTERS.some((t) => t.value === rawType) ? (rawType as ProfileType | "all") : undefined;
  return context.services.imports.exportProfiles({ search, type }, actor);
}
