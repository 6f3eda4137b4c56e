import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Link, useLoaderData, useLocation, useNavigate, useNavigation, useRevalidator } from "@remix-run/react";
import { useCallback, useEffect, useRef } from "react";
import { Badge } from "~/components/ui/badge";
import { EmptyState, PageHeader } from "~/components/ui/card";
import { ExportLink } from "~/components/ui/export-link";
import { cn } from "~/components/ui/cn";
import { Pagination } from "~/components/ui/pagination";
import { Table, TBody, Td, Th, THead, Tr } from "~/components/ui/table";
import { Time } from "~/components/ui/time";
import { useToast } from "~/components/ui/toast";
import { LiveFeedPanel } from "~/components/profiles/live-feed";
import { displayPhone } from "~/components/profiles/format.server";
import { ProfileSearch, TYPE_FILTERS, type TypeFilter } from "~/components/profiles/profile-search";
import { ProfileTypeBadge } from "~/components/profiles/type-badge";
import type { SignupItem } from "~/components/profiles/types";
import { requireUser } from "~/lib/auth.server";
import { can } from "../../workers/access/rules";
import type { Services } from "../../workers/services";
import { fullName } from "../../workers/profiles/rules";
import { atRiskBounds } from "../../workers/reporting/rules";
import type { ProfileView } from "../../workers/profiles/views";

export const meta: MetaFunction = () => [{ title: "Profiles · Loyalty Edge" }];

const PAGE_SIZE = 20;
const LIVE_FEED_ROOM = "signups";
const LIVE_FEED_SIZE = 50;

function pageNumber(raw: string | null): number {
  const n = raw && /^\d{1,6}$/.test(raw) ? Number(raw) : 1;
  return n >= 1 ? n : 1;
}

function typeFilter(raw: string | null): TypeFilter {
  return TYPE_FILTERS.some((t) => t.value === raw) ? (raw as TypeFilter) : "";
}

/**
 * The latest sign-ups as the LiveFeed Durable Object keeps them; when it has none yet (it only hears
 * of members who joined since it started) or cannot be reached, the newest profiles from D1 instead.
 */
async function recentSignups(services: Services): Promise<{ source: "live" | "newest"; items: SignupItem[] }> {
  try {
    const items = await services.env.LIVE_FEED.getByName(LIVE_FEED_ROOM).recent();
    if (items.length) return { source: "live", items: items.slice(0, LIVE_FEED_SIZE) };
  } catch (err) {
    console.warn("profiles: live feed unavailable, falling back to the newest profiles", err);
  }
  const { rows } = await services.profiles.list({}, { number: 1, size: LIVE_FEED_SIZE });
  return {
    source: "newest",
    items: rows.map((p) => ({ profile_id: p.id, full_name: fullName(p.firstName, p.lastName), email: p.email, joined_at: p.joinedAt.toISOString() })),
  };
}

async function findProfiles(services: Services, q: string, type: TypeFilter, page: number, atRisk: boolean): Promise<{ rows: ProfileView[]; total: number; totalIsLowerBound: boolean }> {
  return services.profiles.list(
    { search: q || undefined, type: type || undefined, atRisk: atRisk ? atRiskBounds(services.reporting.today()) : undefined },
    { number: page, size: PAGE_SIZE },
  );
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = await requireUser(request, context, "profiles:view");
  const url = new URL(request.url);
  const q = (url.searchParams.get("q") ?? "").trim().slice(0, 200);
  const type = typeFilter(url.searchParams.get("type"));
  const page = pageNumber(url.searchParams.get("page"));
  // the dashboard's at-risk card links here (?segment=at-risk); search takes precedence over it
  const atRisk = url.searchParams.get("segment") === "at-risk" && !q;
  const [found, feed] = await Promise.all([findProfiles(context.services, q, type, page, atRisk), recentSignups(context.services)]);
  return {
    atRisk,
    canExport: can(user.role, "data:export"),
    q,
    type,
    page,
    total: found.total,
    lastPage: Math.max(1, Math.ceil(found.total / PAGE_SIZE)),
    searchCapped: found.totalIsLowerBound,
    notice: url.searchParams.get("notice"),
    feed,
    rows: found.rows.map((p) => ({
      id: p.id,
      name: fullName(p.firstName, p.lastName),
      email: p.email,
      mobile: displayPhone(p.mobilePhone),
      type: p.type,
      joinedAt: p.joinedAt.toISOString(),
      // primary identities first: the list shows one and a count
      identities: p.identities
        .map((i) => ({ id: i.id, label: `${i.handle}/${i.identifier}`, primary: i.isPrimary }))
        .sort((a, b) => Number(b.primary) - Number(a.primary)),
    })),
  };
}

const NOTICES: Record<string, string> = {
  purged: "The profile was purged: the person, their transactions and their ledger are erased.",
};

/** A one-off message from a redirect (?notice=), shown once as a toast and then dropped from the URL. */
function useNotice(notice: string | null) {
  const toast = useToast();
  const navigate = useNavigate();
  const location = useLocation();
  useEffect(() => {
    if (!notice) return;
    if (NOTICES[notice]) toast({ title: NOTICES[notice], tone: "success" });
    const params = new URLSearchParams(location.search);
    params.delete("notice");
    navigate({ pathname: location.pathname, search: params.size ? `?${params}` : "" }, { replace: true, preventScrollReset: true });
  }, [notice, toast, navigate, location.pathname, location.search]);
}

/**
 * When a sign-up arrives and the table shows the newest profiles (no search, first page), reload the
 * table too, once per burst; a search or a later page is left alone.
 */
function useRefreshOnSignup(active: boolean) {
  const revalidator = useRevalidator();
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(timer.current), []);
  return useCallback(() => {
    if (!active) return;
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => revalidator.revalidate(), 400);
  }, [active, revalidator]);
}

export default function ProfilesPage() {
  const { atRisk, canExport, q, type, page, total, lastPage, rows, feed, searchCapped, notice } = useLoaderData<typeof loader>();
  const navigate = useNavigate();
  const stale = useNavigation().state === "loading";
  useNotice(notice);
  const filtered = Boolean(q) || Boolean(type);
  const onSignup = useRefreshOnSignup(!q && page === 1 && (type === "" || type === "active" || type === "all"));

  return (
    <>
      <PageHeader
        title="Profiles"
        description="Every member of the programme: search by name, email, mobile or any linked identity, and open a profile for its details, identities, activity and figures."
        actions={canExport ? <ExportLink to="/profiles/export.csv" /> : undefined}
      />
      <LiveFeedPanel initial={feed.items} source={feed.source} onSignup={onSignup} />

      <div className="mb-4">
        <ProfileSearch q={q} type={type} />
      </div>
      {atRisk ? (
        <p className="mb-4 flex items-center gap-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-800" data-testid="segment-at-risk">
          At-risk members: past their usual gap between shops, with a shop in the last year ({total}).
          <Link to="/profiles" className="font-medium underline">
            Show everyone
          </Link>
        </p>
      ) : null}

      {rows.length === 0 ? (
        filtered ? (
          <EmptyState title={q ? `No profiles match “${q}”` : "No profiles of this type"}>
            {q
              ? "Search looks at names, emails, mobile numbers (in any format) and every linked identity value, such as a loyalty card or a Shopify customer id. Check the spelling, or widen the type filter."
              : "Try another type filter."}
          </EmptyState>
        ) : (
          <EmptyState title="No profiles yet">
            Members are recorded as they sign up through the API, a storefront or a POS, and appear here and in the New members feed above. Nothing here is sample data.
          </EmptyState>
        )
      ) : (
        <div className={cn("transition-opacity", stale && "opacity-60")}>
          <Table data-testid="profiles-table">
            <THead>
              <tr>
                <Th>Name</Th>
                <Th>Email</Th>
                <Th className="hidden md:table-cell">Mobile</Th>
                <Th className="hidden xl:table-cell">Identities</Th>
                <Th>Type</Th>
                <Th className="hidden sm:table-cell">Joined</Th>
              </tr>
            </THead>
            <TBody>
              {rows.map((p) => (
                <Tr key={p.id} data-testid="profile-row" data-profile-id={p.id} className="cursor-pointer" onClick={(e) => {
                  // the name is the real link (keyboard, middle-click); the rest of the row is a convenience
                  if ((e.target as HTMLElement).closest("a")) return;
                  navigate(`/profiles/${p.id}`);
                }}>
                  <Td className="max-w-56 truncate font-medium text-slate-900">
                    <Link to={`/profiles/${p.id}`} className="hover:text-brand-700 hover:underline">
                      {p.name || <span className="italic text-slate-400">No name</span>}
                    </Link>
                  </Td>
                  <Td className="max-w-64 truncate">{p.email}</Td>
                  <Td className="hidden tabular-nums md:table-cell">{p.mobile ?? <span className="text-slate-400">—</span>}</Td>
                  <Td className="hidden xl:table-cell">
                    {p.identities.length ? (
                      <span className="flex gap-1" title={p.identities.map((i) => i.label).join(", ")}>
                        <Badge tone={p.identities[0]!.primary ? "brand" : "neutral"} className="max-w-44 truncate font-mono">
                          {p.identities[0]!.label}
                        </Badge>
                        {p.identities.length > 1 ? <Badge>+{p.identities.length - 1}</Badge> : null}
                      </span>
                    ) : (
                      <span className="text-slate-400">—</span>
                    )}
                  </Td>
                  <Td>
                    <ProfileTypeBadge type={p.type} />
                  </Td>
                  <Td className="hidden sm:table-cell">
                    <Time value={p.joinedAt} />
                  </Td>
                </Tr>
              ))}
            </TBody>
          </Table>
          <Pagination page={Math.min(page, lastPage)} lastPage={lastPage} total={total} />
          {searchCapped ? <p className="text-xs text-slate-500">More than {total} members match; these are the best {total}. Refine the search to narrow them down.</p> : null}
        </div>
      )}
    </>
  );
}

