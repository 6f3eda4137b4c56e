// Identities: the keys other systems know this member by (shopify/123, loyalty-card/9001). Anything that
// arrives carrying one lands on this profile. Admins and Managers add and remove them.
import { useFetcher } from "@remix-run/react";
import { useState } from "react";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { EmptyState } from "~/components/ui/card";
import { Dialog } from "~/components/ui/dialog";
import { Field, Input } from "~/components/ui/input";
import { Table, TBody, Td, Th, THead, Tr } from "~/components/ui/table";
import type { IdentityJson, ProfileActionResult } from "./types";
import { errorsFor, formErrorFor, useResultToast } from "./use-action-result";

const COMMON_HANDLES = ["loyalty-card", "shopify", "pos", "lightspeed", "klaviyo", "braze", "zendesk", "app"];

function AddIdentityDialog() {
  const [open, setOpen] = useState(false);
  const fetcher = useFetcher<ProfileActionResult>();
  const errors = errorsFor(fetcher.data, "identity-add");
  const formError = formErrorFor(fetcher.data, "identity-add");
  const values = fetcher.data && !fetcher.data.ok && fetcher.data.intent === "identity-add" ? (fetcher.data.values ?? {}) : {};
  useResultToast(fetcher.data, (r) => r.intent === "identity-add" && setOpen(false));
  return (
    <Dialog
      open={open}
      onOpenChange={setOpen}
      title="Add identity"
      description="Link a key another system knows this member by. Each handle and identifier pair belongs to one profile only."
      trigger={<Button data-testid="identity-add-open">Add identity</Button>}
    >
      <fetcher.Form method="post" className="space-y-4" noValidate data-testid="identity-add-form" key={open ? "open" : "closed"}>
        <input type="hidden" name="intent" value="identity-add" />
        <Field label="Handle" hint="The system, e.g. shopify or loyalty-card" errors={errors.handle}>
          {(p) => <Input {...p} name="handle" list="identity-handles" autoComplete="off" spellCheck={false} defaultValue={(values.handle as string | undefined) ?? ""} />}
        </Field>
        <datalist id="identity-handles">
          {COMMON_HANDLES.map((h) => (
            <option key={h} value={h} />
          ))}
        </datalist>
        <Field label="Identifier" hint="The member's id in that system, e.g. a card number" errors={errors.identifier}>
          {(p) => <Input {...p} name="identifier" autoComplete="off" spellCheck={false} defaultValue={(values.identifier as string | undefined) ?? ""} />}
        </Field>
        <label className="flex items-start gap-2 text-sm text-slate-700">
          <input type="checkbox" name="is_primary" defaultChecked={values.is_primary === true} className="mt-0.5 rounded border-slate-300" />
          <span>
            Make it the primary one
            <span className="block text-xs text-slate-500">Any other identity from the same system stops being primary.</span>
          </span>
        </label>
        {formError ? (
          <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 ring-1 ring-red-200" data-testid="form-error">
            {formError}
          </p>
        ) : null}
        <div className="flex justify-end gap-2">
          <Button type="submit" disabled={fetcher.state !== "idle"}>
            {fetcher.state !== "idle" ? "Adding…" : "Add identity"}
          </Button>
        </div>
      </fetcher.Form>
    </Dialog>
  );
}

function RemoveIdentityDialog({ identity, onClose }: { identity: IdentityJson | null; onClose: () => void }) {
  const fetcher = useFetcher<ProfileActionResult>();
  useResultToast(fetcher.data, (r) => r.intent === "identity-remove" && onClose(), true);
  return (
    <Dialog
      open={identity !== null}
      onOpenChange={(o) => !o && onClose()}
      title="Remove identity?"
      description="Transactions and updates that arrive with this identity will no longer find this profile."
    >
      {identity ? (
        <fetcher.Form method="post" className="space-y-4">
          <input type="hidden" name="intent" value="identity-remove" />
          <input type="hidden" name="identity_id" value={identity.id} />
          <p className="text-sm text-slate-700">
            Remove <span className="font-mono font-medium">{identity.handle}/{identity.identifier}</span> from this profile?
          </p>
          <div className="flex justify-end gap-2">
            <Button variant="ghost" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" variant="danger" disabled={fetcher.state !== "idle"} data-testid="identity-remove-confirm">
              Remove identity
            </Button>
          </div>
        </fetcher.Form>
      ) : null}
    </Dialog>
  );
}

export function IdentitiesTab({ identities, canEdit }: { identities: IdentityJson[]; canEdit: boolean }) {
  const [removing, setRemoving] = useState<IdentityJson | null>(null);
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p className="max-w-2xl text-sm text-slate-500">Anything that arrives carrying one of these identities, a transaction or an upsert, lands on this profile.</p>
        {canEdit ? <AddIdentityDialog /> : null}
      </div>
      {identities.length ? (
        <Table data-testid="identities-table">
          <THead>
            <tr>
              <Th>Handle</Th>
              <Th>Identifier</Th>
              <Th>Status</Th>
              {canEdit ? <Th className="text-right">Actions</Th> : null}
            </tr>
          </THead>
          <TBody>
            {identities.map((i) => (
              <Tr key={i.id} data-testid="identity-row">
                <Td className="font-mono text-xs text-slate-800">{i.handle}</Td>
                <Td className="font-mono text-xs text-slate-800">{i.identifier}</Td>
                <Td>
                  <span className="flex gap-1">
                    {i.is_primary ? <Badge tone="brand">Primary</Badge> : null}
                    {i.is_active ? <Badge tone="success">Active</Badge> : <Badge>Inactive</Badge>}
                  </span>
                </Td>
                {canEdit ? (
                  <Td className="text-right">
                    <Button variant="ghost" size="sm" className="text-red-600! hover:bg-red-50 hover:text-red-700!" onClick={() => setRemoving(i)} data-testid="identity-remove">
                      Remove
                    </Button>
                  </Td>
                ) : null}
              </Tr>
            ))}
          </TBody>
        </Table>
      ) : (
        <EmptyState title="No identities linked">
          Identities such as a loyalty card number or a Shopify customer id link this member to other systems.{canEdit ? " Add one above." : ""}
        </EmptyState>
      )}
      <RemoveIdentityDialog identity={removing} onClose={() => setRemoving(null)} />
    </div>
  );
}
