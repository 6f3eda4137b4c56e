import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useEffect, useState } from "react";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Card, EmptyState, PageHeader } from "~/components/ui/card";
import { Dialog } from "~/components/ui/dialog";
import { Field, Input, Select } from "~/components/ui/input";
import { Table, TBody, Td, Th, THead, Tr } from "~/components/ui/table";
import { Textarea } from "~/components/ui/textarea";
import { useToast } from "~/components/ui/toast";
import { requireUser } from "~/lib/auth.server";
import { failure, invalid, parseWith } from "~/lib/forms.server";
import { DELIVERY_STATUSES, type DeliveryStatus } from "../../workers/delivery/schema";
import { WebhookInput } from "../../workers/delivery/schema";
import { eventCatalogueView, serializeDelivery, serializeWebhook } from "../../workers/delivery/views";

export const meta: MetaFunction = () => [{ title: "Webhooks · Loyalty Edge" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(request, context, "settings:view");
  const url = new URL(request.url);
  const services = context.services;
  const now = services.clock.now();
  const { rows } = await services.webhooks.list({}, { number: 1, size: 100 });
  const counts = await services.deliveries.statusCounts(rows.map((w) => w.id));
  const selectedId = url.searchParams.get("webhook") ?? rows[0]?.id ?? null;
  const statusParam = url.searchParams.get("status");
  const status = DELIVERY_STATUSES.includes(statusParam as DeliveryStatus) ? (statusParam as DeliveryStatus) : undefined;
  const log = selectedId && rows.some((w) => w.id === selectedId) ? await services.deliveries.list({ webhookId: selectedId, status }, { number: 1, size: 50 }) : null;
  return {
    events: eventCatalogueView().map((e) => e.type),
    webhooks: rows.map((w) => ({ ...serializeWebhook(w, now), counts: counts.get(w.id) ?? {} })),
    selectedId,
    status: status ?? null,
    deliveries: log ? log.rows.map((d) => serializeDelivery(d)) : [],
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, context, "settings:view");
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const id = String(form.get("id") ?? "");
  const services = context.services;
  try {
    if (intent === "create") {
      const raw = String(form.get("condition") ?? "").trim();
      const values = { trigger: form.get("trigger"), url: form.get("url"), namespace: form.get("namespace") || null, queue: form.get("queue") || "low", condition: raw || null, retry_daily: form.get("retry_daily") === "on" };
      const parsed = parseWith(WebhookInput, values);
      if (!parsed.ok) return invalid(parsed.errors, { intent, values });
      const { webhook, secret } = await services.webhooks.create(parsed.data, actor);
      return { ok: true as const, intent, created: { id: webhook.id, secret } };
    }
    if (intent === "toggle") {
      const w = await services.webhooks.require(id);
      await services.webhooks.update(id, { is_active: !w.isActive }, actor);
      return { ok: true as const, intent, message: w.isActive ? "Webhook paused" : "Webhook switched on" };
    }
    if (intent === "delete") {
      await services.webhooks.remove(id, actor);
      return { ok: true as const, intent, message: "Webhook deleted" };
    }
    if (intent === "test") {
      await services.webhooks.sendTest(id, actor);
      return { ok: true as const, intent, message: "Test event queued; it appears in the log below" };
    }
    if (intent === "rotate") {
      const { secret } = await services.webhooks.rotateSecret(id, actor);
      return { ok: true as const, intent, created: { id, secret } };
    }
    if (intent === "replay") {
      await services.deliveries.replay(String(form.get("delivery_id") ?? ""));
      return { ok: true as const, intent, message: "Delivery queued again" };
    }
    if (intent === "replay-all") {
      const n = await services.deliveries.replayFailed(id);
      return { ok: true as const, intent, message: `${n} failed ${n === 1 ? "delivery" : "deliveries"} queued again` };
    }
    return invalid({ intent: ["Unknown action"] });
  } catch (err) {
    return failure(err, { intent });
  }
}

const STATUS_TONE = { pending: "warning", delivered: "success", failed: "danger", dead: "danger" } as const;

export default function WebhooksPage() {
  const { webhooks, events, selectedId, status, deliveries } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const toast = useToast();
  const [params] = useSearchParams();
  const [createOpen, setCreateOpen] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const errors = result && !result.ok && result.intent === "create" ? result.errors : {};
  const values = (result && !result.ok && result.intent === "create" ? (result.values ?? {}) : {}) as unknown as Record<string, string | null>;
  const selected = webhooks.find((w) => w.id === selectedId) ?? null;

  useEffect(() => {
    if (!result) return;
    if (result.ok && "created" in result && result.created) {
      setCreateOpen(false);
      setSecret(result.created.secret);
    } else if (result.ok && "message" in result) {
      toast({ title: result.message, tone: "success" });
    } else if (!result.ok && result.intent !== "create") {
      toast({ title: "Not changed", description: result.formError ?? Object.values(result.errors).flat().join(" "), tone: "error" });
    }
  }, [result, toast]);

  const link = (over: Record<string, string | null>) => {
    const p = new URLSearchParams(params);
    for (const [k, v] of Object.entries(over)) {
      if (v === null) p.delete(k);
      else p.set(k, v);
    }
    return `?${p.toString()}`;
  };

  return (
    <>
      <PageHeader
        title="Webhooks"
        description="Signed (Standard Webhooks), retried HTTP callbacks on events. Each endpoint's secret is shown once; every attempt is logged."
        actions={
          <Dialog open={createOpen} onOpenChange={setCreateOpen} title="Add webhook" trigger={<Button>Add webhook</Button>}>
            <Form method="post" className="space-y-4" noValidate>
              <input type="hidden" name="intent" value="create" />
              <Field label="Event" errors={errors.trigger}>
                {(p) => (
                  <Select {...p} name="trigger" defaultValue={values.trigger ?? "transaction.created"}>
                    {events.map((e) => (
                      <option key={e} value={e}>
                        {e}
                      </option>
                    ))}
                  </Select>
                )}
              </Field>
              <Field label="URL" hint="https to a public host" errors={errors.url}>
                {(p) => <Input {...p} name="url" placeholder="https://hooks.example.com/loyalty" defaultValue={values.url ?? ""} />}
              </Field>
              <Field label="Condition (JSON Logic, optional)" hint='e.g. {">=": [{"var": "transaction.total"}, 100]}' errors={errors.condition}>
                {(p) => <Textarea {...p} name="condition" rows={3} className="font-mono text-xs" defaultValue={values.condition ?? ""} />}
              </Field>
              <div className="grid gap-4 sm:grid-cols-2">
                <Field label="Namespace (optional)" hint="Changes by API tokens of this namespace are not echoed back" errors={errors.namespace}>
                  {(p) => <Input {...p} name="namespace" defaultValue={values.namespace ?? ""} />}
                </Field>
                <Field label="Queue" errors={errors.queue}>
                  {(p) => (
                    <Select {...p} name="queue" defaultValue={values.queue ?? "low"}>
                      <option value="high">high</option>
                      <option value="default">default</option>
                      <option value="low">low</option>
                    </Select>
                  )}
                </Field>
              </div>
              <label className="flex items-center gap-2 text-sm">
                <input type="checkbox" name="retry_daily" defaultChecked className="rounded border-slate-300" /> Keep retrying daily for up to 3 days
              </label>
              <div className="flex justify-end pt-2">
                <Button type="submit" disabled={busy}>
                  Add webhook
                </Button>
              </div>
            </Form>
          </Dialog>
        }
      />

      <Dialog open={secret !== null} onOpenChange={(o) => !o && setSecret(null)} title="Signing secret" description="Copy it now: it will not be shown again. Verify each delivery's webhook-signature with it.">
        <div className="space-y-4">
          <code className="block break-all rounded-md bg-slate-900 px-3 py-2 font-mono text-sm text-emerald-300" data-testid="webhook-secret">
            {secret}
          </code>
          <div className="flex justify-end">
            <Button onClick={() => setSecret(null)}>Done</Button>
          </div>
        </div>
      </Dialog>

      {webhooks.length === 0 ? (
        <EmptyState title="No webhooks yet">Add one to tell another system when something happens here.</EmptyState>
      ) : (
        <Table data-testid="webhooks-table">
          <THead>
            <tr>
              <Th>Event</Th>
              <Th>URL</Th>
              <Th>Status</Th>
              <Th>Deliveries</Th>
              <Th className="text-right">Actions</Th>
            </tr>
          </THead>
          <TBody>
            {webhooks.map((w) => (
              <Tr key={w.id} data-testid="webhook-row">
                <Td className="font-mono text-xs">
                  <Link to={link({ webhook: w.id, status: null })} className="text-indigo-600 hover:underline">
                    {w.trigger}
                  </Link>
                </Td>
                <Td className="max-w-xs truncate font-mono text-xs" title={w.url}>
                  {w.url}
                </Td>
                <Td>
                  {w.is_active ? <Badge tone="success">active</Badge> : <Badge tone="danger">{w.disabled_reason ? "disabled" : "paused"}</Badge>}
                  {w.disabled_reason ? <span className="ml-2 text-xs text-red-600">{w.disabled_reason}</span> : null}
                </Td>
                <Td className="text-xs">
                  {(["delivered", "pending", "failed", "dead"] as const).map((s) => (w.counts[s] ? <span key={s} className="mr-2">{`${w.counts[s]} ${s}`}</span> : null))}
                </Td>
                <Td className="space-x-1 text-right">
                  {[
                    ["test", "Send test"],
                    ["toggle", w.is_active ? "Pause" : "Switch on"],
                    ["rotate", "Rotate secret"],
                    ["delete", "Delete"],
                  ].map(([intent, label]) => (
                    <Form key={intent} method="post" className="inline">
                      <input type="hidden" name="intent" value={intent} />
                      <input type="hidden" name="id" value={w.id} />
                      <Button type="submit" size="sm" variant="ghost" disabled={busy} className={intent === "delete" ? "text-red-600" : undefined}>
                        {label}
                      </Button>
                    </Form>
                  ))}
                </Td>
              </Tr>
            ))}
          </TBody>
        </Table>
      )}

      {selected ? (
        <Card
          title={`Delivery log · ${selected.trigger}`}
          description={selected.url}
          actions={
            <Form method="post">
              <input type="hidden" name="intent" value="replay-all" />
              <input type="hidden" name="id" value={selected.id} />
              <Button type="submit" size="sm" variant="secondary" disabled={busy}>
                Replay all failed
              </Button>
            </Form>
          }
          className="mt-6"
        >
          <div className="mb-3 flex gap-2 text-sm" data-testid="status-filter">
            {[null, ...DELIVERY_STATUSES].map((s) => (
              <Link key={s ?? "all"} to={link({ status: s })} className={s === status ? "font-semibold text-indigo-700" : "text-slate-600 hover:underline"}>
                {s ?? "all"}
              </Link>
            ))}
          </div>
          {deliveries.length === 0 ? (
            <p className="text-sm text-slate-500">No deliveries{status ? ` with status ${status}` : ""} yet.</p>
          ) : (
            <Table data-testid="deliveries-table">
              <THead>
                <tr>
                  <Th>When</Th>
                  <Th>Event</Th>
                  <Th>Status</Th>
                  <Th>Attempts</Th>
                  <Th>Last response</Th>
                  <Th className="text-right" />
                </tr>
              </THead>
              <TBody>
                {deliveries.map((d) => (
                  <Tr key={d.id} data-testid="delivery-row">
                    <Td className="text-xs">{new Date(d.created_at).toLocaleString()}</Td>
                    <Td className="font-mono text-xs" title={d.id}>
                      {d.kind === "test" ? `${d.event_type} (test)` : d.event_type}
                    </Td>
                    <Td>
                      <Badge tone={STATUS_TONE[d.status]}>{d.status}</Badge>
                    </Td>
                    <Td>{d.attempts}</Td>
                    <Td className="max-w-xs truncate text-xs">{d.last_status_code ? `HTTP ${d.last_status_code}` : ""} {d.last_error ?? ""}</Td>
                    <Td className="text-right">
                      {d.status === "failed" || d.status === "dead" ? (
                        <Form method="post" className="inline">
                          <input type="hidden" name="intent" value="replay" />
                          <input type="hidden" name="delivery_id" value={d.id} />
                          <Button type="submit" size="sm" variant="ghost" disabled={busy}>
                            Replay
                          </Button>
                        </Form>
                      ) : null}
                    </Td>
                  </Tr>
                ))}
              </TBody>
            </Table>
          )}
        </Card>
      ) : null}
    </>
  );
}
