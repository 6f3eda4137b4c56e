import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useState } from "react";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { EmptyState, PageHeader } from "~/components/ui/card";
import { Dialog } from "~/components/ui/dialog";
import { Field, Input, Select } from "~/components/ui/input";
import { Table, TBody, Td, Th, THead, Tr } from "~/components/ui/table";
import { Textarea } from "~/components/ui/textarea";
import { useToast } from "~/components/ui/toast";
import { requireUser } from "~/lib/auth.server";
import { failure, invalid, parseWith } from "~/lib/forms.server";
import { TARGET_METHODS, TargetInput, UpdateTargetInput } from "../../workers/delivery/schema";
import { serializeTarget, type TargetView } from "../../workers/delivery/views";

export const meta: MetaFunction = () => [{ title: "Targets · Loyalty Edge" }];

const SAMPLE_TEMPLATE = `{
  "email": {{ email|json_encode|raw }},
  "first_name": {{ first_name|json_encode|raw }},
  "event": "{{ event.type }}",
  "total": "{{ transaction.total|number_format(2) }}",
  "balance": "{{ combined_balance_dollars|currency }}"
}`;

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(request, context, "settings:view");
  const { rows } = await context.services.targets.list({}, { number: 1, size: 100 });
  return { targets: rows.map(serializeTarget) };
}

/** The form's fields as the API takes them; a secret header left blank keeps its stored value. */
function formValues(form: FormData) {
  const headerName = String(form.get("header_name") ?? "").trim();
  const headerValue = String(form.get("header_value") ?? "");
  return {
    name: form.get("name"),
    handle: form.get("handle"),
    url: form.get("url"),
    method: form.get("method") || "POST",
    template: form.get("template"),
    condition: String(form.get("condition") ?? "").trim() || null,
    description: form.get("description") || null,
    headers: headerName ? [{ name: headerName, value: headerValue === "" ? null : headerValue, is_secret: form.get("header_secret") === "on" }] : [],
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, context, "settings:view");
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const id = String(form.get("id") ?? "");
  const services = context.services;
  try {
    if (intent === "preview") {
      const values = formValues(form);
      const preview = services.targets.preview(null, { template: String(values.template ?? "") });
      return { ok: true as const, intent, preview: preview.body };
    }
    if (intent === "save") {
      const values = formValues(form);
      const parsed = id ? parseWith(UpdateTargetInput, values) : parseWith(TargetInput, values);
      if (!parsed.ok) return invalid(parsed.errors, { intent, values: values as Record<string, unknown> });
      if (id) await services.targets.update(id, parsed.data, actor);
      else await services.targets.create(parsed.data as TargetInput, actor);
      return { ok: true as const, intent, message: id ? "Target saved" : "Target added" };
    }
    if (intent === "delete") {
      await services.targets.remove(id, actor);
      return { ok: true as const, intent, message: "Target deleted" };
    }
    return invalid({ intent: ["Unknown action"] });
  } catch (err) {
    return failure(err, { intent, values: intent === "save" || intent === "preview" ? (formValues(form) as Record<string, unknown>) : undefined });
  }
}

function TargetForm({ target, busy }: { target: TargetView | null; busy: boolean }) {
  const result = useActionData<typeof action>();
  const mine = result && (result.intent === "save" || result.intent === "preview");
  const errors = mine && !result.ok ? result.errors : {};
  const values = (mine && !result.ok ? (result.values ?? {}) : {}) as Record<string, unknown>;
  const preview = mine && result.ok && "preview" in result ? result.preview : null;
  const header = target?.headers[0];
  const v = (k: string, fallback: string) => (typeof values[k] === "string" ? (values[k] as string) : fallback);
  return (
    <Form method="post" className="space-y-4" noValidate>
      {target ? <input type="hidden" name="id" value={target.id} /> : null}
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Name" errors={errors.name}>
          {(p) => <Input {...p} name="name" defaultValue={v("name", target?.name ?? "")} />}
        </Field>
        <Field label="Handle" hint="What a reaction's target.send names" errors={errors.handle}>
          {(p) => <Input {...p} name="handle" defaultValue={v("handle", target?.handle ?? "")} />}
        </Field>
      </div>
      <div className="grid gap-4 sm:grid-cols-4">
        <Field label="Method" errors={errors.method}>
          {(p) => (
            <Select {...p} name="method" defaultValue={v("method", target?.method ?? "POST")}>
              {TARGET_METHODS.map((m) => (
                <option key={m}>{m}</option>
              ))}
            </Select>
          )}
        </Field>
        <Field label="URL" className="sm:col-span-3" errors={errors.url}>
          {(p) => <Input {...p} name="url" placeholder="https://a.klaviyo.com/api/events" defaultValue={v("url", target?.url ?? "")} />}
        </Field>
      </div>
      <div className="grid gap-4 sm:grid-cols-3">
        <Field label="Header" errors={errors["headers.0.name"]}>
          {(p) => <Input {...p} name="header_name" placeholder="Authorization" defaultValue={header?.name ?? ""} />}
        </Field>
        <Field label="Value" hint={header?.is_secret ? "Stored encrypted; leave blank to keep" : undefined} errors={errors["headers.0.value"]}>
          {(p) => <Input {...p} name="header_value" type="password" defaultValue={header && !header.is_secret ? (header.value ?? "") : ""} />}
        </Field>
        <label className="mt-7 flex items-center gap-2 text-sm">
          <input type="checkbox" name="header_secret" defaultChecked={header?.is_secret ?? true} className="rounded border-slate-300" /> Secret
        </label>
      </div>
      <Field label="Template (Twig)" hint="Rendered with the event context: {{ first_name }}, {{ transaction.total|number_format(2) }}, {{ reward_balance|currency }}" errors={errors.template}>
        {(p) => <Textarea {...p} name="template" rows={9} className="font-mono text-xs" defaultValue={v("template", target?.template ?? SAMPLE_TEMPLATE)} />}
      </Field>
      <Field label="Condition (JSON Logic, optional)" errors={errors.condition}>
        {(p) => <Textarea {...p} name="condition" rows={2} className="font-mono text-xs" defaultValue={v("condition", target?.condition ?? "")} />}
      </Field>
      {preview !== null ? (
        <pre className="max-h-60 overflow-auto rounded-md bg-slate-900 p-3 font-mono text-xs text-emerald-300" data-testid="target-preview">
          {preview}
        </pre>
      ) : null}
      <div className="flex justify-end gap-2 pt-2">
        <Button type="submit" name="intent" value="preview" variant="secondary" disabled={busy}>
          Preview
        </Button>
        <Button type="submit" name="intent" value="save" disabled={busy}>
          {target ? "Save target" : "Add target"}
        </Button>
      </div>
    </Form>
  );
}

export default function TargetsPage() {
  const { targets } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const toast = useToast();
  const [editing, setEditing] = useState<string | null>(null);

  useEffect(() => {
    if (!result) return;
    if (result.ok && "message" in result) {
      setEditing(null);
      toast({ title: String(result.message), tone: "success" });
    } else if (!result.ok && result.intent === "delete") {
      toast({ title: "Not changed", description: result.formError ?? Object.values(result.errors).flat().join(" "), tone: "error" });
    }
  }, [result, toast]);

  const current = editing && editing !== "new" ? (targets.find((t) => t.id === editing) ?? null) : null;
  return (
    <>
      <PageHeader
        title="Targets"
        description="Formatted payloads for comms platforms (Klaviyo, Braze, SendGrid…), sent by reactions with target.send through the same signed, retried delivery log as webhooks."
        actions={<Button onClick={() => setEditing("new")}>Add target</Button>}
      />
      <Dialog open={editing !== null} onOpenChange={(o) => !o && setEditing(null)} title={current ? `Edit ${current.name}` : "Add target"}>
        <TargetForm key={editing ?? "none"} target={current} busy={busy} />
      </Dialog>
      {targets.length === 0 ? (
        <EmptyState title="No targets yet">Add one per comms platform endpoint; reactions send to it by handle.</EmptyState>
      ) : (
        <Table data-testid="targets-table">
          <THead>
            <tr>
              <Th>Name</Th>
              <Th>Handle</Th>
              <Th>Endpoint</Th>
              <Th>Headers</Th>
              <Th className="text-right">Actions</Th>
            </tr>
          </THead>
          <TBody>
            {targets.map((t) => (
              <Tr key={t.id} data-testid="target-row">
                <Td className="font-medium text-slate-900">{t.name}</Td>
                <Td className="font-mono text-xs">{t.handle}</Td>
                <Td className="max-w-xs truncate font-mono text-xs" title={t.url}>
                  {t.method} {t.url}
                </Td>
                <Td>
                  {t.headers.map((h) => (
                    <Badge key={h.name} tone={h.is_secret ? "warning" : "neutral"}>
                      {h.name}
                    </Badge>
                  ))}
                </Td>
                <Td className="space-x-1 text-right">
                  <Button size="sm" variant="ghost" onClick={() => setEditing(t.id)}>
                    Edit
                  </Button>
                  <Form method="post" className="inline">
                    <input type="hidden" name="intent" value="delete" />
                    <input type="hidden" name="id" value={t.id} />
                    <Button type="submit" size="sm" variant="ghost" className="text-red-600" disabled={busy}>
                      Delete
                    </Button>
                  </Form>
                </Td>
              </Tr>
            ))}
          </TBody>
        </Table>
      )}
    </>
  );
}
