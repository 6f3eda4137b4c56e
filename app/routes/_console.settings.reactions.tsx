// Settings → Reactions: triggers (a builder with a JSON Logic editor that validates as you type, dry
// runs over a recent or pasted event, activate/deactivate), scheduled automations (templates, run now,
// their runs) and the action history with retry. The same services and zod contracts as the API.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useMemo, useState } from "react";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Card, EmptyState, PageHeader } from "~/components/ui/card";
import { Field, Input, Select } from "~/components/ui/input";
import { Table, TBody, Td, Th, THead, Tr } from "~/components/ui/table";
import { Tabs } from "~/components/ui/tabs";
import { Textarea } from "~/components/ui/textarea";
import { useToast } from "~/components/ui/toast";
import { requireUser } from "~/lib/auth.server";
import { failure, invalid, parseWith } from "~/lib/forms.server";
import { EVENT_TYPES } from "../../workers/events/schema";
import { conditionErrors } from "../../workers/incentives/rules/conditions";
import { AUTOMATION_TEMPLATES, type AutomationTemplate } from "../../workers/reactions/rules";
import { DryRunInput, TriggerInput } from "../../workers/reactions/schema";
import { serializeAutomation, serializeRun, serializeTrigger } from "../../workers/reactions/views";

export const meta: MetaFunction = () => [{ title: "Reactions · Loyalty Edge" }];

const PAGE = { number: 1, size: 50 };

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(request, context, "settings:view");
  const s = context.services;
  const [triggers, automations, history, rewards, points] = await Promise.all([
    s.triggers.list({}, PAGE),
    s.automations.list({}, PAGE),
    s.reactions.history({}, { number: 1, size: 25 }),
    s.definitions.list("reward", {}, { number: 1, size: 100 }),
    s.definitions.list("point", {}, { number: 1, size: 100 }),
  ]);
  const runs = await Promise.all(automations.rows.map(async (a) => ({ id: a.id, runs: (await s.automations.runs(a.id, { number: 1, size: 3 })).rows })));
  return {
    eventTypes: EVENT_TYPES as readonly string[],
    triggers: triggers.rows.map(serializeTrigger),
    automations: automations.rows.map((a) => ({
      ...serializeAutomation(a),
      runs: (runs.find((r) => r.id === a.id)?.runs ?? []).map((r) => ({ id: r.id, scheduled_for: r.scheduledFor.toISOString(), status: r.status, matched: r.matched, succeeded: r.succeeded, failed: r.failed, duration_ms: r.durationMs })),
    })),
    history: history.rows.map((r) => serializeRun(r)),
    rewards: rewards.rows.map((d) => ({ handle: d.handle, name: d.name })),
    points: points.rows.map((d) => ({ handle: d.handle, name: d.name })),
    templates: Object.entries(AUTOMATION_TEMPLATES).map(([key, t]) => ({ key, name: t.name, description: t.description })),
  };
}

function parseJsonField(form: FormData, name: string): { ok: true; value: unknown } | { ok: false; error: string } {
  const raw = String(form.get(name) ?? "");
  try {
    return { ok: true, value: JSON.parse(raw) };
  } catch {
    return { ok: false, error: `${name} is not valid JSON` };
  }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, context, "settings:view");
  const s = context.services;
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  try {
    if (intent === "save-trigger" || intent === "dry-run") {
      const body = parseJsonField(form, "trigger");
      if (!body.ok) return invalid({ trigger: [body.error] }, { intent });
      const parsed = parseWith(TriggerInput, body.value);
      if (!parsed.ok) return invalid(parsed.errors, { intent });
      if (intent === "save-trigger") {
        const row = await s.triggers.create(parsed.data, actor);
        return { ok: true as const, intent, message: `Trigger “${row.name}” saved${row.isActive ? " and active" : " (inactive)"}` };
      }
      const eventRaw = String(form.get("event") ?? "").trim();
      const eventId = String(form.get("event_id") ?? "").trim();
      let dry: unknown = eventId ? { event_id: eventId } : null;
      if (!dry) {
        const pasted = parseJsonField(form, "event");
        if (!pasted.ok || !eventRaw) return invalid({ event: ["Pick a recent event or paste one as JSON: {\"type\": ..., \"profile_id\": ..., \"data\": {...}}"] }, { intent });
        dry = { event: pasted.value };
      }
      const dryParsed = parseWith(DryRunInput, dry);
      if (!dryParsed.ok) return invalid(dryParsed.errors, { intent });
      const prepared = await s.triggers.prepare(parsed.data);
      const d = dryParsed.data;
      const event = d.event_id
        ? await s.reactions.eventById(d.event_id)
        : { id: "dry-run", type: d.event!.type, occurred_at: s.clock.now().toISOString(), profile_id: d.event!.profile_id ?? null, data: d.event!.data, causation: null };
      const result = await s.reactions.dryRun(prepared.actions, event);
      return { ok: true as const, intent, dryRun: { would_run: result.would_run, actions: result.actions.map((a) => ({ name: a.name, type: a.type, outcome: a.outcome, error: a.error ?? null })) } };
    }
    if (intent === "toggle-trigger") {
      const id = String(form.get("id") ?? "");
      const current = await s.triggers.get(id);
      const row = await s.triggers.update(id, { is_active: !current.isActive }, actor);
      return { ok: true as const, intent, message: `Trigger “${row.name}” ${row.isActive ? "activated" : "deactivated"}` };
    }
    if (intent === "delete-trigger") {
      await s.triggers.remove(String(form.get("id") ?? ""), actor);
      return { ok: true as const, intent, message: "Trigger deleted" };
    }
    if (intent === "retry") {
      const run = await s.reactions.retry(String(form.get("id") ?? ""), actor);
      return { ok: true as const, intent, message: `Retried: ${run.status}` };
    }
    if (intent === "template") {
      const key = String(form.get("template") ?? "") as AutomationTemplate;
      if (!(key in AUTOMATION_TEMPLATES)) return invalid({ template: ["Unknown template"] }, { intent });
      const handle = String(form.get("handle") ?? "").trim() || undefined;
      const row = await s.automations.fromTemplate(key, { reward: handle, points: handle, target: handle }, actor, { is_active: true });
      return { ok: true as const, intent, message: `Automation “${row.name}” switched on` };
    }
    if (intent === "toggle-automation") {
      const id = String(form.get("id") ?? "");
      const current = await s.automations.get(id);
      const row = await s.automations.update(id, { is_active: !current.isActive }, actor);
      return { ok: true as const, intent, message: `Automation “${row.name}” ${row.isActive ? "switched on" : "switched off"}` };
    }
    if (intent === "run-automation") {
      const { run, created } = await s.automations.trigger(String(form.get("id") ?? ""), { force: true }, actor);
      return { ok: true as const, intent, message: created ? `Run started (${run.id})` : "This minute's run exists already" };
    }
    return invalid({ intent: ["Unknown action"] });
  } catch (err) {
    return failure(err, { intent });
  }
}

const STATUS_TONE = { succeeded: "success", failed: "danger", filtered: "neutral", stopped: "warning", running: "brand" } as const;

/** JSON Logic typed by hand: the parse error or the validator's messages, as you type. */
function useJsonLogic(text: string): { value: unknown; errors: string[] } {
  return useMemo(() => {
    if (!text.trim()) return { value: null, errors: [] };
    try {
      const value = JSON.parse(text) as unknown;
      return { value, errors: conditionErrors(value) };
    } catch (e) {
      return { value: null, errors: [`Not JSON yet: ${e instanceof Error ? e.message : String(e)}`] };
    }
  }, [text]);
}

function TriggerBuilder({ eventTypes, rewards, points }: { eventTypes: readonly string[]; rewards: Array<{ handle: string; name: string }>; points: Array<{ handle: string; name: string }> }) {
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const [name, setName] = useState("");
  const [eventType, setEventType] = useState("transaction.created");
  const [condition, setCondition] = useState('{">": [{"var": "transaction.total"}, 50]}');
  const [actionType, setActionType] = useState("reward.create");
  const [definition, setDefinition] = useState(rewards[0]?.handle ?? "");
  const [amount, setAmount] = useState("100");
  const [tag, setTag] = useState("");
  const [active, setActive] = useState(false);
  const [event, setEvent] = useState("");
  const logic = useJsonLogic(condition);

  const profileArg = { name: "profile_id", value: { var: "profile_id" }, is_dynamic: true };
  const then =
    actionType === "reward.create"
      ? { uuid: "reward.create", name: "Issue a reward", arguments: [profileArg, { name: "definition", value: definition, is_dynamic: false }] }
      : actionType === "points.award"
        ? { uuid: "points.award", name: "Award points", arguments: [profileArg, { name: "definition", value: definition, is_dynamic: false }, { name: "points", value: Number(amount), is_dynamic: false }] }
        : { uuid: "profile.tag", name: "Tag the profile", arguments: [profileArg, { name: "tag", value: tag, is_dynamic: false }] };
  const body = {
    name,
    trigger: eventType,
    is_active: active,
    actions: [...(condition.trim() ? [{ uuid: "filter", name: "Filter", arguments: [{ name: "condition", value: logic.value, is_dynamic: false }] }] : []), then],
  };
  const errors = result && !result.ok && (result.intent === "save-trigger" || result.intent === "dry-run") ? result.errors : {};
  const formError = result && !result.ok ? result.formError : undefined;
  const dry = result && result.ok && "dryRun" in result ? result.dryRun : null;
  const definitions = actionType === "points.award" ? points : rewards;

  return (
    <Card title="New trigger" description="When an event happens, check the filter, then run the action for the event's profile.">
      <Form method="post" className="space-y-4" noValidate data-testid="trigger-builder">
        <input type="hidden" name="trigger" value={JSON.stringify(body)} />
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label="Name" errors={errors.name}>
            {(p) => <Input {...p} value={name} onChange={(e) => setName(e.target.value)} />}
          </Field>
          <Field label="Event" errors={errors.trigger}>
            {(p) => (
              <Select {...p} value={eventType} onChange={(e) => setEventType(e.target.value)}>
                {eventTypes.map((t) => (
                  <option key={t} value={t}>
                    {t}
                  </option>
                ))}
              </Select>
            )}
          </Field>
        </div>
        <Field label="Filter (JSON Logic)" hint="Over the event context: profile fields at the root, the subject under its key (transaction.total, reward.value, …). Empty: every event." errors={logic.errors.length ? logic.errors : errors["actions.0.arguments.0.value"]}>
          {(p) => <Textarea {...p} rows={3} className="font-mono text-xs" value={condition} onChange={(e) => setCondition(e.target.value)} data-testid="condition-editor" />}
        </Field>
        <div className="grid gap-4 sm:grid-cols-3">
          <Field label="Then">
            {(p) => (
              <Select
                {...p}
                value={actionType}
                onChange={(e) => {
                  setActionType(e.target.value);
                  setDefinition((e.target.value === "points.award" ? points : rewards)[0]?.handle ?? "");
                }}
              >
                <option value="reward.create">Issue a reward</option>
                <option value="points.award">Award points</option>
                <option value="profile.tag">Tag the profile</option>
              </Select>
            )}
          </Field>
          {actionType === "profile.tag" ? (
            <Field label="Tag">{(p) => <Input {...p} value={tag} onChange={(e) => setTag(e.target.value)} />}</Field>
          ) : (
            <Field label="Definition" errors={Object.entries(errors).find(([k]) => k.endsWith("arguments.1.value"))?.[1]}>
              {(p) => (
                <Select {...p} value={definition} onChange={(e) => setDefinition(e.target.value)}>
                  {definitions.map((d) => (
                    <option key={d.handle} value={d.handle}>
                      {d.name} ({d.handle})
                    </option>
                  ))}
                </Select>
              )}
            </Field>
          )}
          {actionType === "points.award" ? <Field label="Points">{(p) => <Input {...p} type="number" value={amount} onChange={(e) => setAmount(e.target.value)} />}</Field> : null}
        </div>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} className="rounded border-slate-300" /> Active
        </label>
        <Field label="Dry run: paste an event (or an event id)" hint='e.g. {"type": "transaction.created", "profile_id": "…", "data": {"transaction": {"total": 80}}}' errors={errors.event ?? errors.event_id}>
          {(p) => <Textarea {...p} rows={2} className="font-mono text-xs" name="event" value={event} onChange={(e) => setEvent(e.target.value)} data-testid="dry-run-event" />}
        </Field>
        {formError ? (
          <p role="alert" className="text-sm font-medium text-red-600">
            {formError}
          </p>
        ) : null}
        {Object.keys(errors).length && !formError ? (
          <ul role="alert" className="text-xs text-red-600" data-testid="builder-errors">
            {Object.entries(errors).map(([k, v]) => (
              <li key={k}>
                <span className="font-mono">{k}</span>: {v.join(" ")}
              </li>
            ))}
          </ul>
        ) : null}
        <div className="flex gap-2">
          <Button type="submit" name="intent" value="dry-run" variant="secondary" disabled={busy || logic.errors.length > 0} data-testid="dry-run-submit">
            Dry run
          </Button>
          <Button type="submit" name="intent" value="save-trigger" disabled={busy || logic.errors.length > 0} data-testid="save-trigger">
            Save trigger
          </Button>
        </div>
        {dry ? (
          <div className="rounded-md bg-slate-50 p-3 text-sm" data-testid="dry-run-result">
            <p className="font-medium">{dry.would_run ? "The filters pass: the actions would run." : "A filter stops the chain: nothing would run."}</p>
            <ul className="mt-2 space-y-1">
              {dry.actions.map((a, i) => (
                <li key={i} data-testid="dry-run-action">
                  <span className="font-mono text-xs">{a.type}</span> — {a.outcome}
                  {a.error ? <span className="text-red-600"> ({a.error})</span> : null}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
      </Form>
    </Card>
  );
}

export default function ReactionsPage() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const toast = useToast();
  useEffect(() => {
    if (!result) return;
    if (result.ok && "message" in result) toast({ title: result.message ?? "", tone: "success" });
    else if (!result.ok && result.intent !== "save-trigger" && result.intent !== "dry-run") toast({ title: "Not changed", description: result.formError ?? Object.values(result.errors).flat().join(" "), tone: "error" });
  }, [result, toast]);

  const triggersTab = (
    <div className="space-y-6">
      <TriggerBuilder eventTypes={data.eventTypes} rewards={data.rewards} points={data.points} />
      {data.triggers.length === 0 ? (
        <EmptyState title="No triggers yet">Build one above: an event, a filter and what to do.</EmptyState>
      ) : (
        <Table>
          <THead>
            <Tr>
              <Th>Name</Th>
              <Th>Event</Th>
              <Th>Actions</Th>
              <Th>Status</Th>
              <Th />
            </Tr>
          </THead>
          <TBody>
            {data.triggers.map((t) => (
              <Tr key={t.id} data-testid="trigger-row">
                <Td>{t.name}</Td>
                <Td className="font-mono text-xs">{t.trigger}</Td>
                <Td className="text-xs">{t.actions.map((a) => a.uuid).join(" → ")}</Td>
                <Td>{t.is_active ? <Badge tone="success">Active</Badge> : <Badge>Inactive</Badge>}</Td>
                <Td className="text-right">
                  <Form method="post" className="inline-flex gap-2">
                    <input type="hidden" name="id" value={t.id} />
                    <Button type="submit" size="sm" variant="secondary" name="intent" value="toggle-trigger" data-testid="trigger-toggle">
                      {t.is_active ? "Deactivate" : "Activate"}
                    </Button>
                    <Button type="submit" size="sm" variant="ghost" name="intent" value="delete-trigger">
                      Delete
                    </Button>
                  </Form>
                </Td>
              </Tr>
            ))}
          </TBody>
        </Table>
      )}
    </div>
  );

  const automationsTab = (
    <div className="space-y-6">
      <Card title="Templates" description="Ready-made automations: name the definition (or target) they use, and switch them on.">
        <div className="grid gap-3 sm:grid-cols-2">
          {data.templates.map((t) => (
            <Form method="post" key={t.key} className="space-y-2 rounded-md border border-slate-200 p-3">
              <input type="hidden" name="intent" value="template" />
              <input type="hidden" name="template" value={t.key} />
              <p className="text-sm font-medium">{t.name}</p>
              <p className="text-xs text-slate-500">{t.description}</p>
              <div className="flex gap-2">
                <Input name="handle" placeholder="definition or target handle" aria-label={`${t.name}: handle`} />
                <Button size="sm" type="submit">
                  Switch on
                </Button>
              </div>
            </Form>
          ))}
        </div>
      </Card>
      {data.automations.length === 0 ? (
        <EmptyState title="No automations yet">Switch on a template above, or create one through the API.</EmptyState>
      ) : (
        <Table>
          <THead>
            <Tr>
              <Th>Name</Th>
              <Th>Schedule</Th>
              <Th>Next run</Th>
              <Th>Recent runs</Th>
              <Th />
            </Tr>
          </THead>
          <TBody>
            {data.automations.map((a) => (
              <Tr key={a.id} data-testid="automation-row">
                <Td>
                  {a.name} {a.is_active ? <Badge tone="success">On</Badge> : <Badge>Off</Badge>}
                </Td>
                <Td className="text-xs">{a.cron ? <span className="font-mono">{a.cron}</span> : a.type === "date" ? `${a.date} ${a.slot ?? "09:00"}` : `${a.frequency} at ${a.slot ?? "09:00"}`}</Td>
                <Td className="text-xs">{a.run_at ? new Date(a.run_at).toLocaleString() : "—"}</Td>
                <Td className="text-xs">
                  {a.runs.length === 0
                    ? "none yet"
                    : a.runs.map((r) => (
                        <div key={r.id}>
                          {new Date(r.scheduled_for).toLocaleString()}: {r.status}, {r.matched} matched, {r.succeeded} ok, {r.failed} failed{r.duration_ms !== null ? `, ${r.duration_ms} ms` : ""}
                        </div>
                      ))}
                </Td>
                <Td className="text-right">
                  <Form method="post" className="inline-flex gap-2">
                    <input type="hidden" name="id" value={a.id} />
                    <Button type="submit" size="sm" variant="secondary" name="intent" value="run-automation">
                      Run now
                    </Button>
                    <Button type="submit" size="sm" variant="ghost" name="intent" value="toggle-automation">
                      {a.is_active ? "Switch off" : "Switch on"}
                    </Button>
                  </Form>
                </Td>
              </Tr>
            ))}
          </TBody>
        </Table>
      )}
    </div>
  );

  const historyTab =
    data.history.length === 0 ? (
      <EmptyState title="No runs yet">Every run of an active trigger appears here, with each action's outcome.</EmptyState>
    ) : (
      <Table>
        <THead>
          <Tr>
            <Th>When</Th>
            <Th>Trigger</Th>
            <Th>Event</Th>
            <Th>Status</Th>
            <Th>Actions</Th>
            <Th />
          </Tr>
        </THead>
        <TBody>
          {data.history.map((r) => (
            <Tr key={r.id} data-testid="history-row">
              <Td className="text-xs">{new Date(r.started_at).toLocaleString()}</Td>
              <Td>{r.trigger_name}</Td>
              <Td className="font-mono text-xs">
                {r.event.type} (depth {r.depth})
              </Td>
              <Td>
                <Badge tone={STATUS_TONE[r.status]}>{r.status}</Badge>
              </Td>
              <Td className="text-xs">
                {r.actions.map((a) => `${a.type}: ${a.status}${a.error ? ` (${a.error})` : ""}`).join("; ")}
                {r.error && !r.actions.length ? r.error : null}
              </Td>
              <Td className="text-right">
                {r.status === "failed" ? (
                  <Form method="post">
                    <input type="hidden" name="id" value={r.id} />
                    <Button type="submit" size="sm" variant="secondary" name="intent" value="retry">
                      Retry
                    </Button>
                  </Form>
                ) : null}
              </Td>
            </Tr>
          ))}
        </TBody>
      </Table>
    );

  return (
    <>
      <PageHeader title="Reactions" description="Triggers act on events as they happen; automations act on a schedule over the profiles a query matches." />
      <Tabs
        tabs={[
          { value: "triggers", label: "Triggers", content: triggersTab },
          { value: "automations", label: "Automations", content: automationsTab },
          { value: "history", label: "History", content: historyTab },
        ]}
      />
    </>
  );
}
