import { Link } from "@remix-run/react";
import { Badge } from "~/components/ui/badge";
import { Time } from "~/components/ui/time";
import { displayName } from "./format";
import { ProfileActions } from "./profile-actions";
import { ProfileTypeBadge } from "./type-badge";
import type { ProfileJson } from "./types";

/** Who this is at a glance: name, contact, type and join date, with the Admin's lifecycle actions. */
export function ProfileHeader({ profile, mergedInto, canAdmin }: { profile: ProfileJson; mergedInto: string | null; canAdmin: boolean }) {
  const name = displayName(profile.full_name, profile.email);
  return (
    <div className="mb-6">
      <Link to="/profiles" className="text-sm font-medium text-slate-500 hover:text-slate-800">
        ← Profiles
      </Link>
      <div className="mt-3 flex flex-wrap items-start justify-between gap-4">
        <div className="flex min-w-0 items-start gap-4">
          <span className="grid h-12 w-12 shrink-0 place-items-center rounded-full bg-brand-100 text-lg font-semibold text-brand-700" aria-hidden>
            {name.slice(0, 1).toUpperCase()}
          </span>
          <div className="min-w-0">
            <div className="flex flex-wrap items-center gap-2">
              <h1 className="truncate text-2xl font-semibold tracking-tight text-slate-900" data-testid="profile-name">
                {name}
              </h1>
              <ProfileTypeBadge type={profile.type} />
            </div>
            <dl className="mt-1 flex flex-wrap gap-x-5 gap-y-1 text-sm text-slate-600">
              <div>
                <dt className="sr-only">Email</dt>
                <dd data-testid="profile-email">{profile.email}</dd>
              </div>
              <div>
                <dt className="sr-only">Mobile</dt>
                <dd className="tabular-nums" data-testid="profile-mobile">
                  {profile.mobile_phone ?? <span className="text-slate-400">No mobile</span>}
                </dd>
              </div>
              <div>
                <dt className="inline text-slate-400">Joined </dt>
                <dd className="inline">
                  <Time value={profile.joined_at} />
                </dd>
              </div>
            </dl>
            {profile.tags.length ? (
              <ul className="mt-2 flex flex-wrap gap-1" aria-label="Tags">
                {profile.tags.map((t) => (
                  <li key={t}>
                    <Badge tone="brand">{t}</Badge>
                  </li>
                ))}
              </ul>
            ) : null}
          </div>
        </div>
        {canAdmin ? <ProfileActions profile={profile} mergedInto={mergedInto} /> : null}
      </div>
      {profile.type === "deleted" ? (
        <div className="mt-4 rounded-lg bg-red-50 px-4 py-3 text-sm text-red-800 ring-1 ring-red-200" role="status" data-testid="deleted-banner">
          {mergedInto ? (
            <>
              This profile was merged into{" "}
              <Link to={`/profiles/${mergedInto}`} className="font-medium underline">
                another profile
              </Link>{" "}
              and is kept only as a record. It can't be edited or restored.
            </>
          ) : (
            <>
              This profile is deleted
              {profile.deleted_at ? (
                <>
                  {" "}
                  (<Time value={profile.deleted_at} format="datetime" />)
                </>
              ) : null}
              : it is hidden from the list and can't be edited. {canAdmin ? "Restore it to make changes." : "An Admin can restore it."}
            </>
          )}
        </div>
      ) : null}
    </div>
  );
}
