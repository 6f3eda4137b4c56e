import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useState } from "react";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { EmptyState, PageHeader } from "~/components/ui/card";
import { Dialog } from "~/components/ui/dialog";
import { Field, Input, Select } from "~/components/ui/input";
import { Table, TBody, Td, Th, THead, Tr } from "~/components/ui/table";
import { useToast } from "~/components/ui/toast";
import { requireUser } from "~/lib/auth.server";
import { failure, invalid, parseWith } from "~/lib/forms.server";
import { API_SCOPES, SCOPE_DESCRIPTIONS, tokenStatus } from "../../workers/access/rules";
import { CreateApiTokenInput } from "../../workers/access/schema";

export const meta: MetaFunction = () => [{ title: "API Tokens · Loyalty Edge" }];

const EXPIRY_OPTIONS = [
  { value: "30", label: "30 days" },
  { value: "90", label: "90 days" },
  { value: "365", label: "1 year" },
  { value: "never", label: "Never" },
] as const;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = await requireUser(request, context, "tokens:manage");
  const [tokens, users] = await Promise.all([context.services.tokens.listWithOwners(), context.services.users.list()]);
  const now = context.services.clock.now();
  return {
    me: user.id,
    owners: users.filter((u) => u.isActive && (u.id === user.id || u.role === "machine")).map((u) => ({ id: u.id, label: `${u.name} (${u.email})` })),
    scopes: API_SCOPES.map((s) => ({ scope: s, description: SCOPE_DESCRIPTIONS[s] })),
    tokens: tokens.map((t) => ({
      id: t.id,
      name: t.name,
      prefix: t.prefix,
      scopes: t.scopes,
      owner: t.ownerEmail,
      status: tokenStatus(t, now),
      createdAt: t.createdAt.toISOString(),
      expiresAt: t.expiresAt?.toISOString() ?? null,
      lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    })),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, context, "tokens:manage");
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  try {
    if (intent === "create") {
      const expiry = String(form.get("expiry") ?? "90");
      const days = expiry === "never" ? null : Number(expiry);
      const values = {
        name: form.get("name"),
        scopes: form.getAll("scopes"),
        user_id: form.get("user_id") || undefined,
        namespace: form.get("namespace") || null,
        expires_at: days && Number.isFinite(days) ? new Date(context.services.clock.now().getTime() + days * 86_400_000).toISOString() : null,
      };
      const parsed = parseWith(CreateApiTokenInput, values);
      if (!parsed.ok) return invalid(parsed.errors, { intent, values: { name: values.name, scopes: values.scopes, expiry, namespace: values.namespace } });
      const { token, record } = await context.services.tokens.create(parsed.data, actor);
      return { ok: true as const, intent, created: { token, name: record.name } };
    }
    if (intent === "revoke") {
      const revoked = await context.services.tokens.revoke(String(form.get("id") ?? ""), actor);
      return { ok: true as const, intent, message: `Token “${revoked.name}” revoked` };
    }
    return invalid({ intent: ["Unknown action"] });
  } catch (err) {
    return failure(err, { intent });
  }
}

const STATUS_TONE = { active: "success", revoked: "danger", expired: "warning" } as const;

function when(iso: string | null, fallback: string) {
  return iso ? new Date(iso).toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" }) : fallback;
}

export default function ApiTokensPage() {
  const { tokens, scopes, owners, me } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const toast = useToast();
  const [createOpen, setCreateOpen] = useState(false);
  const [shown, setShown] = useState<{ token: string; name: string } | null>(null);
  const errors = result && !result.ok && result.intent === "create" ? result.errors : {};
  const values = result && !result.ok && result.intent === "create" ? (result.values ?? {}) : {};
  const chosenScopes = (values.scopes as string[] | undefined) ?? [];

  useEffect(() => {
    if (!result) return;
    if (result.ok && "created" in result && result.created) {
      setCreateOpen(false);
      setShown(result.created);
    } else if (result.ok && "message" in result) {
      toast({ title: result.message, tone: "success" });
    } else if (!result.ok && result.intent !== "create") {
      toast({ title: "Not changed", description: result.formError ?? Object.values(result.errors).flat().join(" "), tone: "error" });
    }
  }, [result, toast]);

  return (
    <>
      <PageHeader
        title="API Tokens"
        description="Tokens let storefronts, POS and integrations call the API. A token's secret is shown once; we keep only its hash."
        actions={
          <Dialog open={createOpen} onOpenChange={setCreateOpen} title="Create API token" trigger={<Button>Create token</Button>}>
            <Form method="post" className="space-y-4" noValidate>
              <input type="hidden" name="intent" value="create" />
              <Field label="Name" hint="What uses it, e.g. “Shopify storefront”" errors={errors.name}>
                {(p) => <Input {...p} name="name" defaultValue={values.name as string | undefined} />}
              </Field>
              <Field label="Owner" hint="You, or a Machine user for an integration" errors={errors.user_id}>
                {(p) => (
                  <Select {...p} name="user_id" defaultValue={me}>
                    {owners.map((o) => (
                      <option key={o.id} value={o.id}>
                        {o.label}
                      </option>
                    ))}
                  </Select>
                )}
              </Field>
              <fieldset>
                <legend className="text-sm font-medium text-slate-700">Scopes</legend>
                <div className="mt-2 grid gap-1.5 sm:grid-cols-2">
                  {scopes.map((s) => (
                    <label key={s.scope} className="flex items-start gap-2 text-sm" title={s.description}>
                      <input type="checkbox" name="scopes" value={s.scope} defaultChecked={chosenScopes.includes(s.scope)} className="mt-0.5 rounded border-slate-300" />
                      <span>
                        <span className="font-mono text-xs">{s.scope}</span>
                        <span className="block text-xs text-slate-500">{s.description}</span>
                      </span>
                    </label>
                  ))}
                </div>
                {errors.scopes ? (
                  <p role="alert" data-testid="field-error" className="mt-1 text-xs font-medium text-red-600">
                    {errors.scopes.join(" ")}
                  </p>
                ) : null}
              </fieldset>
              <Field label="Namespace (optional)" hint="An integration's namespace: webhooks of the same namespace are not sent the changes this token makes" errors={errors.namespace}>
                {(p) => <Input {...p} name="namespace" defaultValue={values.namespace as string | undefined} />}
              </Field>
              <Field label="Expires" errors={errors.expires_at}>
                {(p) => (
                  <Select {...p} name="expiry" defaultValue={(values.expiry as string | undefined) ?? "90"}>
                    {EXPIRY_OPTIONS.map((o) => (
                      <option key={o.value} value={o.value}>
                        {o.label}
                      </option>
                    ))}
                  </Select>
                )}
              </Field>
              <div className="flex justify-end pt-2">
                <Button type="submit" disabled={busy}>
                  Create token
                </Button>
              </div>
            </Form>
          </Dialog>
        }
      />

      <Dialog open={shown !== null} onOpenChange={(o) => !o && setShown(null)} title={`Token “${shown?.name ?? ""}” created`} description="Copy it now: it will not be shown again.">
        <div className="space-y-4">
          <code className="block break-all rounded-md bg-slate-900 px-3 py-2 font-mono text-sm text-emerald-300" data-testid="new-token">
            {shown?.token}
          </code>
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={() => shown && navigator.clipboard?.writeText(shown.token)}>
              Copy
            </Button>
            <Button onClick={() => setShown(null)}>Done</Button>
          </div>
        </div>
      </Dialog>

      {tokens.length === 0 ? (
        <EmptyState title="No API tokens yet">Create one for each integration, so each can be revoked on its own.</EmptyState>
      ) : (
        <Table data-testid="tokens-table">
          <THead>
            <tr>
              <Th>Name</Th>
              <Th>Token</Th>
              <Th>Scopes</Th>
              <Th>Owner</Th>
              <Th>Status</Th>
              <Th>Expires</Th>
              <Th>Last used</Th>
              <Th className="text-right">Actions</Th>
            </tr>
          </THead>
          <TBody>
            {tokens.map((t) => (
              <Tr key={t.id} data-testid={`token-row-${t.name}`}>
                <Td className="font-medium text-slate-900">{t.name}</Td>
                <Td className="font-mono text-xs">{t.prefix}…</Td>
                <Td className="max-w-xs whitespace-normal">
                  <div className="flex flex-wrap gap-1">
                    {t.scopes.map((s) => (
                      <Badge key={s}>{s}</Badge>
                    ))}
                  </div>
                </Td>
                <Td>{t.owner}</Td>
                <Td>
                  <Badge tone={STATUS_TONE[t.status]}>{t.status}</Badge>
                </Td>
                <Td>{when(t.expiresAt, "Never")}</Td>
                <Td>{when(t.lastUsedAt, "Never")}</Td>
                <Td className="text-right">
                  {t.status === "active" ? (
                    <Dialog
                      title={`Revoke “${t.name}”?`}
                      description="Anything using this token stops working at once. This cannot be undone."
                      trigger={
                        <Button size="sm" variant="ghost" className="text-red-600">
                          Revoke
                        </Button>
                      }
                    >
                      <Form method="post" className="flex justify-end gap-2">
                        <input type="hidden" name="intent" value="revoke" />
                        <input type="hidden" name="id" value={t.id} />
                        <Button type="submit" variant="danger">
                          Revoke token
                        </Button>
                      </Form>
                    </Dialog>
                  ) : null}
                </Td>
              </Tr>
            ))}
          </TBody>
        </Table>
      )}
    </>
  );
}
