import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { useLoaderData } from "@remix-run/react";
import { LinkTabs } from "~/components/ui/link-tabs";
import { ProfileIncentives } from "~/components/incentives/profile-incentives";
import { ActivityTab } from "~/components/profiles/activity-tab";
import { AggregationsTab } from "~/components/profiles/aggregations-tab";
import { AttributesTab } from "~/components/profiles/attributes-tab";
import { DetailsTab } from "~/components/profiles/details-tab";
import { COMMS_CHANNELS, displayName, humanize } from "~/components/profiles/format";
import { displayPhone } from "~/components/profiles/format.server";
import { IdentitiesTab } from "~/components/profiles/identities-tab";
import { ProfileHeader } from "~/components/profiles/profile-header";
import { TransactionsTab } from "~/components/profiles/transactions-tab";
import type { ActivityEntry, MergeCandidate, TransactionRow } from "~/components/profiles/types";
import { requireUser } from "~/lib/auth.server";
import { failure, invalid, parseWith } from "~/lib/forms.server";
import { INCENTIVE_INTENTS } from "~/lib/incentive-intents";
import { isIncentiveIntent, loadProfileIncentives, runIncentiveIntent } from "~/lib/incentives.server";
import type { AuditEntry } from "../../workers/access/audit";
import { can, type Permission } from "../../workers/access/rules";
import { isDomainError, type FieldErrors } from "../../workers/platform/errors";
import type { PageRequest } from "../../workers/platform/pagination";
import { fullName } from "../../workers/profiles/rules";
import { IdentityInput, MergeInput, UpdateProfileInput } from "../../workers/profiles/schema";
import { serializeAggregations, serializeInteraction, serializeProfile, type Profile } from "../../workers/profiles/views";
import type { TransactionView } from "../../workers/commerce/transactions.service";
import { UUID_PATTERN as UUID } from "../../workers/platform/ids";
import { fromCents } from "../../workers/platform/money";
import type { Services } from "../../workers/services";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data ? displayName(data.profile.full_name, data.profile.email) : "Profile"} · Profiles · Loyalty Edge` },
];

const TABS = [
  { value: "details", label: "Details" },
  { value: "attributes", label: "Attributes" },
  { value: "aggregations", label: "Aggregations" },
  { value: "transactions", label: "Transactions" },
  { value: "identities", label: "Identities" },
  { value: "activity", label: "Activity" },
  { value: "incentives", label: "Incentives" },
] as const;
type Tab = (typeof TABS)[number]["value"];

const ACTIVITY_LIMIT = 50;
const TRANSACTIONS_PAGE: PageRequest = { number: 1, size: 50 };

/** One transaction row of the profile's Transactions tab; items counts units, as on /transactions. */
function transactionRow(t: TransactionView, locationNames: Map<string, string>): TransactionRow {
  return {
    id: t.id,
    external_id: t.externalId,
    transacted_at: t.transactedAt.toISOString(),
    location: t.locationId ? (locationNames.get(t.locationId) ?? t.locationId) : null,
    currency: t.currency,
    total: fromCents(t.total),
    items: t.items.reduce((n, i) => n + i.quantity, 0),
    is_void: t.isVoid,
  };
}

async function loadTransactions(services: Services, profileId: string): Promise<{ available: boolean; rows: TransactionRow[]; total: number }> {
  const { rows, total } = await services.transactions.listForProfile(profileId, TRANSACTIONS_PAGE);
  const ids = [...new Set(rows.map((t) => t.locationId).filter((l): l is string => Boolean(l)))];
  const names = new Map<string, string>();
  for (const l of await Promise.all(ids.map((id) => services.locations.find(id)))) if (l) names.set(l.id, l.name);
  return { available: true, rows: rows.map((t) => transactionRow(t, names)), total };
}

async function locationName(services: Services, id: string | null): Promise<string | null> {
  if (!id) return null;
  return (await services.locations.find(id))?.name ?? null;
}

// ── activity ────────────────────────────────────────────────────────────────────────────────────

function shortValue(v: unknown): string {
  if (v === null || v === undefined || v === "") return "empty";
  if (typeof v === "object") return Array.isArray(v) ? (v.length ? v.join(", ") : "none") : "updated";
  const s = String(v);
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

/** "Push notifications: opted in; SMS: opted out" from two comms objects. */
function describeComms(before: unknown, after: unknown): string | null {
  const b = (before ?? {}) as Record<string, unknown>;
  const a = (after ?? {}) as Record<string, unknown>;
  const changes = COMMS_CHANNELS.filter((c) => a[c.key] !== undefined && a[c.key] !== b[c.key]).map((c) => `${c.label}: ${a[c.key] ? "opted in" : "opted out"}`);
  return changes.length ? changes.join("; ") : null;
}

function describeAudit(e: AuditEntry): Pick<ActivityEntry, "title" | "detail"> {
  const oldV = e.oldValues ?? {};
  const newV = e.newValues ?? {};
  switch (e.action) {
    case "profile.created":
      return { title: "Profile created", detail: null };
    case "profile.updated": {
      const keys = Object.keys(newV).filter((k) => k !== "updatedAt");
      if (keys.length === 1 && keys[0] === "comms") return { title: "Communication preferences changed", detail: describeComms(oldV.comms, newV.comms) };
      const detail = keys.map((k) =>
        k === "comms"
          ? `Comms: ${describeComms(oldV.comms, newV.comms) ?? "updated"}`
          : typeof newV[k] === "object" && newV[k] !== null && !Array.isArray(newV[k])
            ? `${humanize(k)} updated`
            : `${humanize(k)}: ${shortValue(oldV[k])} → ${shortValue(newV[k])}`,
      );
      return { title: "Details updated", detail: detail.length ? detail.join("; ") : null };
    }
    case "profile.type_changed":
      return { title: "Type changed", detail: `${shortValue(oldV.type)} → ${shortValue(newV.type)}` };
    case "profile.merged":
      return { title: "Another profile was merged into this one", detail: newV.loser_id ? `Absorbed profile ${String(newV.loser_id)}` : null };
    case "identity.added":
      return { title: "Identity added", detail: newV.handle ? `${String(newV.handle)}/${String(newV.identifier)}` : null };
    case "identity.removed":
      return { title: "Identity removed", detail: oldV.handle ? `${String(oldV.handle)}/${String(oldV.identifier)}` : null };
    case "profile.depersonalised":
      return { title: "Personal data removed (depersonalised)", detail: null };
    default:
      return { title: humanize(e.action), detail: null };
  }
}

async function loadActivity(services: Services, profileId: string) {
  const page = { number: 1, size: ACTIVITY_LIMIT };
  const [interactions, audit] = await Promise.all([services.profiles.listInteractions(profileId, page), services.profiles.auditTrail(profileId, page)]);
  const entries: ActivityEntry[] = [
    ...interactions.rows.map(serializeInteraction).map((i) => ({
      id: i.id,
      kind: "interaction" as const,
      at: i.interacted_at,
      title: `${humanize(i.action)} · ${humanize(i.channel)}`,
      detail: i.name,
      by: null,
      signal: i.signal,
    })),
    // interactions are listed above in their own right; their audit lines would only repeat them
    ...audit.rows
      .filter((a) => a.action !== "interaction.created")
      .map((a) => ({ id: a.id, kind: "audit" as const, at: a.at.toISOString(), ...describeAudit(a), by: a.actorLabel, signal: null })),
  ].sort((a, b) => b.at.localeCompare(a.at));
  return { entries, interactions: interactions.total, changes: audit.total, limit: ACTIVITY_LIMIT };
}

// ── loader ──────────────────────────────────────────────────────────────────────────────────────

async function loadProfile(services: Services, id: string) {
  try {
    return await services.profiles.get(id);
  } catch (err) {
    if (isDomainError(err) && err.code === "not_found") throw new Response("No such profile", { status: 404, statusText: "Not Found" });
    throw err;
  }
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { user } = await requireUser(request, context, "profiles:view");
  const services = context.services;
  const view = await loadProfile(services, params.id ?? "");
  const requested = new URL(request.url).searchParams.get("tab");
  const tab: Tab = TABS.some((t) => t.value === requested) ? (requested as Tab) : "details";
  // the API's shape, with the mobile in its display form (the edit form sends it back; the service
  // normalises it to the same E.164)
  const profile = { ...serializeProfile(view), mobile_phone: displayPhone(view.mobilePhone) };

  let aggregations = null;
  let mostTransactedLocation = null;
  if (tab === "aggregations") {
    aggregations = serializeAggregations(await services.profiles.getAggregations(view.id));
    mostTransactedLocation = await locationName(services, aggregations.most_transacted_location_id);
  }
  return {
    profile,
    mergedInto: view.mergedInto,
    tab,
    can: { edit: can(user.role, "profiles:edit") && view.type !== "deleted", admin: can(user.role, "users:manage") },
    aggregations,
    mostTransactedLocation,
    transactions: tab === "transactions" ? await loadTransactions(services, view.id) : null,
    activity: tab === "activity" ? await loadActivity(services, view.id) : null,
    incentives: tab === "incentives" && can(user.role, "incentives:view") ? await loadProfileIncentives(services, view.id, user.role, new URL(request.url).searchParams.get("ledger_before")) : null,
  };
}

// ── action ──────────────────────────────────────────────────────────────────────────────────────

/**
 * Every intent and the permission it needs; checked here, whatever the page showed. Exported for the
 * console's authorization matrix (test/workers/console-action-matrix.test.ts).
 */
export const INTENTS = {
  update: "profiles:edit",
  comms: "profiles:edit",
  "identity-add": "profiles:edit",
  "identity-remove": "profiles:edit",
  "merge-preview": "users:manage",
  merge: "users:manage",
  delete: "users:manage",
  restore: "users:manage",
  purge: "users:manage",
  ...INCENTIVE_INTENTS,
} as const satisfies Record<string, Permission>;
type Intent = keyof typeof INTENTS;

const text = (form: FormData, key: string): string | undefined => {
  const v = form.get(key);
  return typeof v === "string" ? v : undefined;
};

/** A whole-number field: "" clears it, digits become a number, anything else goes to the schema to be refused. */
const whole = (form: FormData, key: string): number | string | null | undefined => {
  const v = text(form, key)?.trim();
  if (v === undefined) return undefined;
  if (v === "") return null;
  return /^-?\d+$/.test(v) ? Number(v) : v;
};

/** The edit form as UpdateProfileInput's shape; the schema does all of the validating. */
function detailsInput(form: FormData) {
  const tags = text(form, "tags");
  return {
    first_name: text(form, "first_name"),
    last_name: text(form, "last_name"),
    email: text(form, "email"),
    mobile_phone: text(form, "mobile_phone"),
    gender: text(form, "gender"),
    company: text(form, "company"),
    birth_day: whole(form, "birth_day"),
    birth_month: whole(form, "birth_month"),
    birth_year: whole(form, "birth_year"),
    tags: tags === undefined ? undefined : tags.split(",").map((t) => t.trim()).filter(Boolean),
  };
}

/** "tags.3" → "tags": the form has one tags field. */
function foldIndexed(errors: FieldErrors): FieldErrors {
  const out: FieldErrors = {};
  for (const [k, v] of Object.entries(errors)) (out[k.replace(/\.\d+$/, "")] ??= []).push(...v);
  return out;
}

function candidate(p: Profile, identities: number): MergeCandidate {
  return { id: p.id, full_name: fullName(p.firstName, p.lastName), email: p.email, mobile_phone: displayPhone(p.mobilePhone), type: p.type, joined_at: p.joinedAt.toISOString(), identities };
}

/** The profile a merge would absorb: by id, by email, or the single search match for anything else. */
async function findMergeCandidate(services: Services, selfId: string, raw: string): Promise<{ ok: true; profile: Profile } | { ok: false; error: string }> {
  const value = raw.trim();
  if (!value) return { ok: false, error: "Enter the other profile's email or id" };
  let other: Profile | undefined;
  if (UUID.test(value)) other = await services.profiles.find(value);
  else if (value.includes("@")) other = await services.profiles.findByEmail(value);
  if (!other && !UUID.test(value)) {
    const found = await services.profiles.search(value, { limit: 3 });
    const others = found.filter((p) => p.id !== selfId);
    if (others.length > 1) return { ok: false, error: `“${value}” matches several profiles; enter the exact email or id` };
    other = others[0];
  }
  if (!other) return { ok: false, error: `No profile found for “${value}”` };
  if (other.id === selfId) return { ok: false, error: "That is this profile; enter the other one" };
  if (other.mergedInto) return { ok: false, error: `That profile was already merged into ${other.mergedInto}` };
  return { ok: true, profile: other };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { user, actor } = await requireUser(request, context, "profiles:view");
  const services = context.services;
  const id = params.id ?? "";
  const form = await request.formData();
  const raw = String(form.get("intent") ?? "");
  if (!(raw in INTENTS)) return invalid({ intent: [`Unknown action “${raw}”`] }, { intent: raw });
  const intent = raw as Intent;
  if (!can(user.role, INTENTS[intent])) {
    throw new Response(`Your role (${user.role}) cannot do this (${INTENTS[intent]} is needed).`, { status: 403, statusText: "Forbidden" });
  }

  if (isIncentiveIntent(intent)) return runIncentiveIntent(services, id, intent, form, actor);

  try {
    switch (intent) {
      case "update": {
        const parsed = parseWith(UpdateProfileInput, detailsInput(form));
        if (!parsed.ok) return invalid(foldIndexed(parsed.errors), { intent });
        await services.profiles.update(id, parsed.data, actor);
        return { ok: true as const, intent, message: "Profile saved" };
      }
      case "comms": {
        const channel = text(form, "channel") ?? "";
        const parsed = parseWith(UpdateProfileInput, { attributes: { comms: { [channel]: text(form, "value") === "true" } } });
        if (!parsed.ok) return invalid({ [channel || "channel"]: Object.values(parsed.errors).flat() }, { intent });
        const updated = await services.profiles.update(id, parsed.data, actor);
        const on = (updated.comms as Record<string, unknown>)[channel] === true;
        const label = COMMS_CHANNELS.find((c) => c.key === channel)?.label ?? channel;
        return { ok: true as const, intent, message: `${label}: ${on ? "opted in" : "opted out"}` };
      }
      case "identity-add": {
        const values = { handle: text(form, "handle"), identifier: text(form, "identifier"), is_primary: form.get("is_primary") === "on" };
        const parsed = parseWith(IdentityInput, values);
        if (!parsed.ok) return invalid(parsed.errors, { intent, values });
        const added = await services.profiles.addIdentity(id, parsed.data, actor);
        return { ok: true as const, intent, message: `Identity ${added.handle}/${added.identifier} added` };
      }
      case "identity-remove": {
        await services.profiles.removeIdentity(id, text(form, "identity_id") ?? "", actor);
        return { ok: true as const, intent, message: "Identity removed" };
      }
      case "merge-preview": {
        const found = await findMergeCandidate(services, id, text(form, "other") ?? "");
        if (!found.ok) return invalid({ other: [found.error] }, { intent });
        const ids = await services.profiles.listIdentities(found.profile.id);
        return { ok: true as const, intent, candidate: candidate(found.profile, ids.length) };
      }
      case "merge": {
        const parsed = parseWith(MergeInput, { loser_id: text(form, "loser_id") });
        if (!parsed.ok) return invalid({ other: Object.values(parsed.errors).flat() }, { intent });
        const loser = await services.profiles.find(parsed.data.loser_id);
        await services.profiles.merge(id, parsed.data.loser_id, actor);
        return { ok: true as const, intent, message: `Merged ${loser ? displayName(fullName(loser.firstName, loser.lastName), loser.email) : "the other profile"} into this profile` };
      }
      case "delete": {
        await services.profiles.softDelete(id, actor);
        return { ok: true as const, intent, message: "Profile deleted. It can be restored." };
      }
      case "restore": {
        await services.profiles.restore(id, actor);
        return { ok: true as const, intent, message: "Profile restored" };
      }
      case "purge": {
        const current = await services.profiles.require(id);
        const typed = (text(form, "confirm_email") ?? "").trim().toLowerCase();
        if (!typed) return invalid({ confirm_email: ["Type the profile's email to confirm"] }, { intent });
        if (typed !== current.email.toLowerCase()) return invalid({ confirm_email: ["That is not this profile's email; nothing was purged"] }, { intent });
        await services.profiles.purge(id, actor);
        return redirect("/profiles?notice=purged");
      }
    }
  } catch (err) {
    return failure(err, { intent });
  }
}

// ── page ────────────────────────────────────────────────────────────────────────────────────────

export default function ProfilePage() {
  const data = useLoaderData<typeof loader>();
  const { profile, tab, can: allowed } = data;
  const counts: Partial<Record<Tab, number>> = { identities: profile.identities.length };
  return (
    <>
      <ProfileHeader profile={profile} mergedInto={data.mergedInto} canAdmin={allowed.admin} />
      <LinkTabs label="Profile sections" current={tab} testIdPrefix="profile-tab" tabs={TABS.map((t) => ({ ...t, count: counts[t.value] }))} />
      <div className="pt-6" data-testid={`profile-panel-${tab}`}>
        {tab === "details" ? <DetailsTab profile={profile} canEdit={allowed.edit} /> : null}
        {tab === "attributes" ? <AttributesTab profile={profile} canEdit={allowed.edit} /> : null}
        {tab === "aggregations" && data.aggregations ? (
          <AggregationsTab aggregations={data.aggregations} currency={profile.currency ?? "AUD"} location={data.mostTransactedLocation} />
        ) : null}
        {tab === "transactions" && data.transactions ? <TransactionsTab {...data.transactions} /> : null}
        {tab === "identities" ? <IdentitiesTab identities={profile.identities} canEdit={allowed.edit} /> : null}
        {tab === "activity" && data.activity ? <ActivityTab {...data.activity} /> : null}
        {tab === "incentives" && data.incentives ? <ProfileIncentives data={data.incentives} currency={profile.currency ?? "AUD"} /> : null}
      </div>
    </>
  );
}
