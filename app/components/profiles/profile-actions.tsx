// The Admin's lifecycle actions on a profile: merge another in, soft delete / restore, and purge.
// Each is a confirm dialog; the action re-checks the role and writes nothing on bad input.
import { useFetcher } from "@remix-run/react";
import { useEffect, useState } from "react";
import { Button } from "~/components/ui/button";
import { Dialog } from "~/components/ui/dialog";
import { Field, Input } from "~/components/ui/input";
import { Time } from "~/components/ui/time";
import { displayName } from "./format";
import { ProfileTypeBadge } from "./type-badge";
import type { MergeCandidate, ProfileActionResult, ProfileJson } from "./types";
import { errorsFor, formErrorFor, useResultToast } from "./use-action-result";

function FormError({ message }: { message?: string }) {
  if (!message) return null;
  return (
    <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 ring-1 ring-red-200" data-testid="form-error">
      {message}
    </p>
  );
}

function ProfileSummary({ label, p, tone }: { label: string; p: Pick<MergeCandidate, "full_name" | "email" | "mobile_phone" | "type" | "joined_at" | "identities" | "id">; tone: "keep" | "lose" }) {
  return (
    <div className={tone === "keep" ? "rounded-lg p-3 ring-1 ring-emerald-200 bg-emerald-50/50" : "rounded-lg p-3 ring-1 ring-red-200 bg-red-50/50"} data-testid={`merge-${tone}`}>
      <p className={tone === "keep" ? "text-xs font-semibold uppercase tracking-wide text-emerald-700" : "text-xs font-semibold uppercase tracking-wide text-red-700"}>{label}</p>
      <div className="mt-1 flex items-center gap-2">
        <p className="truncate font-medium text-slate-900">{displayName(p.full_name, p.email)}</p>
        <ProfileTypeBadge type={p.type} />
      </div>
      <p className="truncate text-sm text-slate-600">{p.email}</p>
      <p className="mt-1 text-xs text-slate-500">
        {p.mobile_phone ?? "No mobile"} · {p.identities} {p.identities === 1 ? "identity" : "identities"} · joined <Time value={p.joined_at} />
      </p>
      <p className="mt-1 truncate font-mono text-[11px] text-slate-400">{p.id}</p>
    </div>
  );
}

function MergeDialog({ profile }: { profile: ProfileJson }) {
  const [open, setOpen] = useState(false);
  const preview = useFetcher<ProfileActionResult>();
  const merge = useFetcher<ProfileActionResult>();
  // the profile found by the lookup step; null shows the lookup form
  const [other, setOther] = useState<MergeCandidate | null>(null);
  const previewErrors = errorsFor(preview.data, "merge-preview");
  const mergeErrors = errorsFor(merge.data, "merge");
  const mergeProblem = formErrorFor(merge.data, "merge") ?? [...(mergeErrors.other ?? []), ...(mergeErrors.loser_id ?? [])].join(" ");

  useEffect(() => {
    const d = preview.data;
    if (d?.ok && d.intent === "merge-preview" && d.candidate) setOther(d.candidate);
  }, [preview.data]);
  useResultToast(merge.data, (r) => {
    if (r.intent === "merge") {
      setOpen(false);
      setOther(null);
    }
  });

  return (
    <Dialog
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        if (!o) setOther(null);
      }}
      title="Merge another profile into this one"
      description="This profile survives. The other one gives it its identities, transactions, interactions, addresses and any attributes this one lacks, and is then deleted. To keep the other profile instead, start the merge from it."
      trigger={
        <Button variant="secondary" data-testid="merge-open">
          Merge…
        </Button>
      }
    >
      {!other ? (
        <preview.Form method="post" className="space-y-4" noValidate data-testid="merge-find-form">
          <input type="hidden" name="intent" value="merge-preview" />
          <Field label="The other profile's email or id" hint="An email, a profile id, or anything the search box finds uniquely (a mobile, a card number)" errors={previewErrors.other}>
            {(p) => <Input {...p} name="other" autoComplete="off" autoFocus />}
          </Field>
          <div className="flex justify-end gap-2">
            <Button type="submit" disabled={preview.state !== "idle"}>
              {preview.state !== "idle" ? "Looking up…" : "Find profile"}
            </Button>
          </div>
        </preview.Form>
      ) : (
        <merge.Form method="post" className="space-y-4" data-testid="merge-confirm-form">
          <input type="hidden" name="intent" value="merge" />
          <input type="hidden" name="loser_id" value={other.id} />
          <div className="grid gap-3">
            <ProfileSummary label="Keeps (this profile)" tone="keep" p={{ ...profile, identities: profile.identities.length }} />
            <p className="text-center text-xs text-slate-400" aria-hidden>
              ↑ absorbs
            </p>
            <ProfileSummary label="Is absorbed, then deleted" tone="lose" p={other} />
          </div>
          <FormError message={mergeProblem || undefined} />
          <div className="flex justify-between gap-2">
            <Button variant="ghost" onClick={() => setOther(null)}>
              ← Choose another
            </Button>
            <Button type="submit" variant="danger" disabled={merge.state !== "idle"}>
              {merge.state !== "idle" ? "Merging…" : "Merge profiles"}
            </Button>
          </div>
        </merge.Form>
      )}
    </Dialog>
  );
}

function DeleteDialog({ profile }: { profile: ProfileJson }) {
  const [open, setOpen] = useState(false);
  const fetcher = useFetcher<ProfileActionResult>();
  useResultToast(fetcher.data, (r) => r.intent === "delete" && setOpen(false));
  return (
    <Dialog
      open={open}
      onOpenChange={setOpen}
      title="Delete this profile?"
      description="A soft delete: the profile disappears from the list and can't be edited, but nothing is erased and an Admin can restore it."
      trigger={
        <Button variant="secondary" data-testid="delete-open">
          Delete…
        </Button>
      }
    >
      <fetcher.Form method="post" className="space-y-4">
        <input type="hidden" name="intent" value="delete" />
        <p className="text-sm text-slate-700">
          Delete <span className="font-medium">{displayName(profile.full_name, profile.email)}</span> ({profile.email})?
        </p>
        <FormError message={formErrorFor(fetcher.data, "delete")} />
        <div className="flex justify-end gap-2">
          <Button variant="ghost" onClick={() => setOpen(false)}>
            Cancel
          </Button>
          <Button type="submit" variant="danger" disabled={fetcher.state !== "idle"}>
            Delete profile
          </Button>
        </div>
      </fetcher.Form>
    </Dialog>
  );
}

function RestoreButton() {
  const fetcher = useFetcher<ProfileActionResult>();
  useResultToast(fetcher.data, undefined, true);
  return (
    <fetcher.Form method="post">
      <input type="hidden" name="intent" value="restore" />
      <Button type="submit" disabled={fetcher.state !== "idle"} data-testid="restore">
        Restore
      </Button>
    </fetcher.Form>
  );
}

function PurgeDialog({ profile }: { profile: ProfileJson }) {
  const [open, setOpen] = useState(false);
  const fetcher = useFetcher<ProfileActionResult>();
  const errors = errorsFor(fetcher.data, "purge");
  return (
    <Dialog
      open={open}
      onOpenChange={setOpen}
      title="Purge this profile permanently?"
      description="The right to erasure: the person, their identities, addresses, interactions, transactions and incentive ledger are erased for good, and audit entries about them lose their values. This cannot be undone."
      trigger={
        <Button variant="ghost" className="text-red-600! hover:bg-red-50 hover:text-red-700!" data-testid="purge-open">
          Purge…
        </Button>
      }
    >
      <fetcher.Form method="post" className="space-y-4" noValidate data-testid="purge-form">
        <input type="hidden" name="intent" value="purge" />
        <Field
          label="Type the profile's email to confirm"
          hint={
            <>
              Type <span className="font-mono text-slate-700">{profile.email}</span>
            </>
          }
          errors={errors.confirm_email}
        >
          {(p) => <Input {...p} name="confirm_email" autoComplete="off" spellCheck={false} placeholder={profile.email} />}
        </Field>
        <FormError message={formErrorFor(fetcher.data, "purge")} />
        <div className="flex justify-end gap-2">
          <Button variant="ghost" onClick={() => setOpen(false)}>
            Cancel
          </Button>
          <Button type="submit" variant="danger" disabled={fetcher.state !== "idle"}>
            {fetcher.state !== "idle" ? "Purging…" : "Purge permanently"}
          </Button>
        </div>
      </fetcher.Form>
    </Dialog>
  );
}

export function ProfileActions({ profile, mergedInto }: { profile: ProfileJson; mergedInto?: string | null }) {
  const deleted = profile.type === "deleted";
  return (
    <div className="flex flex-wrap items-center gap-2" data-testid="profile-actions">
      {deleted ? !mergedInto ? <RestoreButton /> : null : <MergeDialog profile={profile} />}
      {deleted ? null : <DeleteDialog profile={profile} />}
      <PurgeDialog profile={profile} />
    </div>
  );
}
