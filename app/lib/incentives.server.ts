// The console's side of the incentive ledger: what a profile's Incentives tab and the /incentives
// overview load (LedgerService reads joined with definition names), and the tab's action intents
// (issue, award, progress, assign, void), each parsed by a schema and handed to one LedgerService call.
import { INCENTIVE_INTENTS, type IncentiveIntent } from "./incentive-intents";
import { z } from "@hono/zod-openapi";
import { AssignTierInput, definitionId, IssueBenefitInput, IssuePointsInput, IssueRewardInput, ProgressAchievementInput, reason } from "../../workers/incentives/ledger.schema";
import { OVERVIEW_KINDS, type OverviewKind } from "~/components/incentives/overview-kinds";
import { formatMoney as formatDollars, humanize } from "~/components/profiles/format";
import { failure, invalid, parseWith } from "~/lib/forms.server";
import type { Actor } from "../../workers/access/actor";
import { can, type Role } from "../../workers/access/rules";
import type { AchievementView, Balances, BenefitView, LedgerEntryView, LotView, RewardView, TierView } from "../../workers/incentives/profile-ledger/contract";
import { isDomainError, type FieldErrors } from "../../workers/platform/errors";
import { formatMoney as formatCents, fromCents } from "../../workers/platform/money";
import type { Services } from "../../workers/services";

/** The latest ledger entries the tab shows. */
export const LEDGER_LIMIT = 50;
/** Definitions read per kind for names and dropdowns (the API's largest page). */
const DEFINITIONS_PAGE = { number: 1, size: 100 };

// ── definitions: names and the dialogs' options ─────────────────────────────────────────────────

interface DefinitionRef {
  id: string;
  name: string;
  handle: string;
  archived: boolean;
  published: boolean;
}

interface Catalogue {
  reward: Array<DefinitionRef & { value: number }>;
  point: Array<DefinitionRef & { kind: string }>;
  benefit: DefinitionRef[];
  tier: Array<DefinitionRef & { point_definition_id: string; value_min: number }>;
  achievement: DefinitionRef[];
}

const ref = (d: { id: string; name: string; handle: string; archivedAt: Date | null }, published = true): DefinitionRef => ({
  id: d.id,
  name: d.name,
  handle: d.handle,
  archived: d.archivedAt !== null,
  published,
});

/** Every definition (archived too, so old ledger entries keep their names), in one parallel read. */
async function catalogue(services: Services): Promise<Catalogue> {
  const all = { archived: "all" as const };
  const [reward, point, benefit, tier, achievement] = await Promise.all([
    services.definitions.list("reward", all, DEFINITIONS_PAGE),
    services.definitions.list("point", all, DEFINITIONS_PAGE),
    services.definitions.list("benefit", all, DEFINITIONS_PAGE),
    services.definitions.list("tier", all, DEFINITIONS_PAGE),
    services.definitions.list("achievement", all, DEFINITIONS_PAGE),
  ]);
  return {
    reward: reward.rows.map((d) => ({ ...ref(d, d.isPublished), value: fromCents(d.value) })),
    point: point.rows.map((d) => ({ ...ref(d, d.isPublished), kind: d.kind })),
    benefit: benefit.rows.map((d) => ref(d, d.isPublished)),
    tier: tier.rows.map((d) => ({ ...ref(d), point_definition_id: d.pointDefinitionId, value_min: d.valueMin })),
    achievement: achievement.rows.map((d) => ref(d, d.isPublished)),
  };
}

export interface IncentiveOption {
  id: string;
  label: string;
}

export interface LadderOption {
  /** the tier-points definition */
  id: string;
  name: string;
  tiers: Array<{ id: string; name: string; value_min: number }>;
}

/** What the issue dialogs offer: live (not archived) definitions; a draft is marked as one. */
export interface IssueOptions {
  rewards: Array<IncentiveOption & { value: number }>;
  points: IncentiveOption[];
  benefits: IncentiveOption[];
  achievements: IncentiveOption[];
  ladders: LadderOption[];
}

const label = (d: DefinitionRef) => (d.published ? d.name : `${d.name} (draft)`);

function issueOptions(c: Catalogue): IssueOptions {
  const live = <T extends DefinitionRef>(xs: T[]) => xs.filter((d) => !d.archived);
  const ladders = live(c.point)
    .filter((p) => p.kind === "tier")
    .map((p) => ({
      id: p.id,
      name: p.name,
      tiers: live(c.tier)
        .filter((t) => t.point_definition_id === p.id)
        .sort((a, b) => a.value_min - b.value_min)
        .map((t) => ({ id: t.id, name: t.name, value_min: t.value_min })),
    }))
    .filter((l) => l.tiers.length > 0);
  return {
    rewards: live(c.reward).map((d) => ({ id: d.id, label: label(d), value: d.value })),
    points: live(c.point).map((d) => ({ id: d.id, label: `${label(d)} · ${d.kind}` })),
    benefits: live(c.benefit).map((d) => ({ id: d.id, label: label(d) })),
    achievements: live(c.achievement).map((d) => ({ id: d.id, label: label(d) })),
    ladders,
  };
}

// ── the profile's Incentives tab ────────────────────────────────────────────────────────────────

export interface LedgerLine extends LedgerEntryView {
  /** the definition's name, when the entry names one we know */
  definition: string | null;
  /** the delta in its unit: dollars for a reward, points, or a count */
  amount: string;
}

export interface TierLine extends TierView {
  ladder: string;
}

export interface LotLine extends LotView {
  name: string;
}

export interface ProfileIncentives {
  balances: Balances;
  rewards: RewardView[];
  benefits: BenefitView[];
  lots: LotLine[];
  tiers: TierLine[];
  achievements: AchievementView[];
  ledger: LedgerLine[];
  /** more entries exist than the tab shows */
  ledgerMore: boolean;
  /** the ?ledger_before value of the next (older) page; null on the last */
  ledgerNextBefore: number | null;
  /** this is not the newest page */
  ledgerPaged: boolean;
  canIssue: boolean;
  /** only for those who may issue */
  options: IssueOptions | null;
}

function signed(n: string, negative: boolean, positive: boolean): string {
  return negative ? `−${n}` : positive ? `+${n}` : n;
}

/** A ledger delta in its unit: rewards move cents, points move points, the rest count. */
function deltaText(e: LedgerEntryView): string {
  const abs = Math.abs(e.delta);
  const text = e.kind === "reward" ? formatCents(abs) : e.kind === "points" ? `${abs.toLocaleString("en-AU")} pts` : String(abs);
  return signed(text, e.delta < 0, e.delta > 0);
}

export async function loadProfileIncentives(services: Services, profileId: string, role: Role, ledgerBefore?: string | null): Promise<ProfileIncentives> {
  // ?ledger_before=<seq> pages back through the ledger; anything that is not a positive whole number is the first page
  const before = ledgerBefore && /^\d{1,15}$/.test(ledgerBefore) && Number(ledgerBefore) > 0 ? Number(ledgerBefore) : null;
  const ledgerService = services.ledger;
  const [balances, rewards, benefits, lots, tiers, achievements, ledger, defs] = await Promise.all([
    ledgerService.balances(profileId),
    ledgerService.rewards(profileId),
    ledgerService.benefits(profileId),
    ledgerService.points(profileId),
    ledgerService.tiers(profileId),
    ledgerService.achievements(profileId),
    ledgerService.ledger(profileId, { limit: LEDGER_LIMIT, before }),
    catalogue(services),
  ]);
  const names = new Map<string, string>();
  for (const list of Object.values(defs) as DefinitionRef[][]) for (const d of list) names.set(d.id, d.name);
  const canIssue = can(role, "incentives:issue");
  return {
    balances,
    rewards,
    benefits,
    lots: lots.map((l) => ({ ...l, name: names.get(l.point_definition_id) ?? l.handle })),
    tiers: tiers.map((t) => ({ ...t, ladder: names.get(t.point_definition_id) ?? t.point_definition_id })),
    achievements,
    ledger: ledger.entries.map((e) => ({ ...e, definition: e.definition_id ? (names.get(e.definition_id) ?? null) : null, amount: deltaText(e) })),
    ledgerMore: ledger.next_before !== null,
    ledgerNextBefore: ledger.next_before,
    ledgerPaged: before !== null,
    canIssue,
    options: canIssue ? issueOptions(defs) : null,
  };
}

// ── the tab's actions ───────────────────────────────────────────────────────────────────────────

/** The tab's intents and the permission each needs; the route checks it before anything runs. */
export { INCENTIVE_INTENTS, type IncentiveIntent } from "./incentive-intents";

export function isIncentiveIntent(intent: string): intent is IncentiveIntent {
  return intent in INCENTIVE_INTENTS;
}

// The same contracts as the API's bodies (workers/incentives/ledger.schema.ts).
const IssueRewardForm = IssueRewardInput;
const IssuePointsForm = IssuePointsInput;
const IssueBenefitForm = IssueBenefitInput;
const ProgressAchievementForm = ProgressAchievementInput;
const AssignTierForm = AssignTierInput;
const VoidForm = z.object({ kind: z.enum(["reward", "benefit", "points"], { error: "kind must be reward, benefit or points" }), instance_id: definitionId("instance_id"), reason });

const field = (form: FormData, key: string): string | undefined => {
  const v = form.get(key);
  return typeof v === "string" ? v : undefined;
};
/** An optional control: empty means "not given". */
const optional = (form: FormData, key: string): string | undefined => field(form, key)?.trim() || undefined;
/** A whole-number control: digits become a number; anything else goes to the schema to be refused. */
const whole = (form: FormData, key: string): number | string | undefined => {
  const v = optional(form, key);
  return v !== undefined && /^-?\d+$/.test(v) ? Number(v) : v;
};

/**
 * The tier select holds a tier's id, or `none:<ladder id>` for "no tier on this ladder", since a
 * removal names the ladder instead of a tier.
 */
function tierChoice(form: FormData) {
  const choice = optional(form, "tier") ?? "";
  if (choice.startsWith("none:")) return { tier_definition_id: null, point_definition_id: choice.slice(5) || undefined };
  return { tier_definition_id: choice || undefined, point_definition_id: undefined };
}

/** The assign dialog has one select ("tier"): the service's two fields both land on it. */
function foldTierErrors(errors: FieldErrors): FieldErrors {
  const out: FieldErrors = {};
  for (const [k, v] of Object.entries(errors)) (out[k === "tier_definition_id" || k === "point_definition_id" ? "tier" : k] ??= []).push(...v);
  return out;
}

function pts(n: number): string {
  return `${n.toLocaleString("en-AU")} point${n === 1 ? "" : "s"}`;
}

/** Run one of the tab's intents; the caller has checked the permission. Replies like every profile action. */
export async function runIncentiveIntent(services: Services, profileId: string, intent: IncentiveIntent, form: FormData, actor: Actor) {
  const ledger = services.ledger;
  try {
    switch (intent) {
      case "reward-issue": {
        const parsed = parseWith(IssueRewardForm, { reward_definition_id: field(form, "reward_definition_id"), value: optional(form, "value"), reason: field(form, "reason") });
        if (!parsed.ok) return invalid(parsed.errors, { intent });
        const reward = await ledger.issueReward(profileId, { ...parsed.data, expires_at: parsed.data.expires_at ? new Date(parsed.data.expires_at) : null }, actor);
        return { ok: true as const, intent, message: `Reward issued: ${reward.name}, ${formatDollars(reward.value_initial)}` };
      }
      case "points-issue": {
        const parsed = parseWith(IssuePointsForm, { point_definition_id: field(form, "point_definition_id"), value: whole(form, "value"), reason: field(form, "reason") });
        if (!parsed.ok) return invalid(parsed.errors, { intent });
        await ledger.issuePoints(profileId, parsed.data, actor);
        return { ok: true as const, intent, message: `${pts(parsed.data.value)} awarded` };
      }
      case "benefit-issue": {
        const parsed = parseWith(IssueBenefitForm, { benefit_definition_id: field(form, "benefit_definition_id"), reason: field(form, "reason") });
        if (!parsed.ok) return invalid(parsed.errors, { intent });
        const benefit = await ledger.issueBenefit(profileId, parsed.data, actor);
        return { ok: true as const, intent, message: `Benefit issued: ${benefit.name}` };
      }
      case "achievement-progress": {
        const parsed = parseWith(ProgressAchievementForm, {
          achievement_definition_id: field(form, "achievement_definition_id"),
          count: whole(form, "count"),
          reason: optional(form, "reason"),
        });
        if (!parsed.ok) return invalid(parsed.errors, { intent });
        await ledger.progressAchievement(profileId, parsed.data, actor);
        return { ok: true as const, intent, message: `Achievement progressed by ${parsed.data.count}` };
      }
      case "tier-assign": {
        const parsed = parseWith(AssignTierForm, { ...tierChoice(form), reason: field(form, "reason") });
        if (!parsed.ok) return invalid(foldTierErrors(parsed.errors), { intent });
        try {
          const view = await ledger.assignTier(profileId, parsed.data, actor);
          return { ok: true as const, intent, message: view.current ? `Tier set to ${view.current.name}` : "Tier removed" };
        } catch (err) {
          // the service names its two fields; the dialog shows both under its one select
          if (isDomainError(err) && err.code === "validation_failed" && err.errors) return invalid(foldTierErrors(err.errors), { intent });
          throw err;
        }
      }
      case "incentive-void": {
        const parsed = parseWith(VoidForm, { kind: field(form, "kind"), instance_id: field(form, "instance_id"), reason: field(form, "reason") });
        if (!parsed.ok) return invalid(parsed.errors, { intent });
        await ledger.voidInstance(profileId, parsed.data.kind, parsed.data.instance_id, parsed.data.reason, actor);
        return { ok: true as const, intent, message: `${parsed.data.kind === "points" ? "Points lot" : parsed.data.kind === "reward" ? "Reward" : "Benefit"} voided` };
      }
    }
  } catch (err) {
    return failure(err, { intent });
  }
}

// ── the /incentives overview ────────────────────────────────────────────────────────────────────

export interface OverviewRow {
  id: string;
  name: string;
  handle: string;
  /** reward: its type; points: its kind; tier: its ladder */
  detail: string | null;
  status: "published" | "draft" | "archived";
  version: number;
  created_at: string;
  /** rewards, benefits: instances; points: awarded; tiers: times reached; achievements: members counting */
  issued: number | null;
  redeemed: number | null;
  /** rewards: dollars; benefits: redemptions; points: points; tiers: members holding it; achievements: counts in all */
  outstanding: number | null;
  /** points: awarded and expired, beside issued/redeemed */
  expired: number | null;
  next_expiry: string | null;
}

export interface IncentivesOverview {
  kind: OverviewKind;
  counts: Record<OverviewKind, number>;
  rows: OverviewRow[];
  /** no definitions of any kind exist */
  empty: boolean;
}

interface DefinitionRow {
  id: string;
  name: string;
  handle: string;
  version: number;
  createdAt: Date;
  archivedAt: Date | null;
  isPublished?: boolean;
}

const statusOf = (d: DefinitionRow): OverviewRow["status"] => (d.archivedAt ? "archived" : d.isPublished === false ? "draft" : "published");
const n = (v: unknown): number => Number(v ?? 0);
const isoMs = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(Number(v)).toISOString());

/** Every definition of every kind (archived too), joined with the ledger's D1 projection. */
export async function loadIncentivesOverview(services: Services, requested: string | null): Promise<IncentivesOverview> {
  const kind = (OVERVIEW_KINDS.find((k) => k.value === requested)?.value ?? "rewards") as OverviewKind;
  const all = { archived: "all" as const };
  const [reward, point, benefit, tier, achievement, projection] = await Promise.all([
    services.definitions.list("reward", all, DEFINITIONS_PAGE),
    services.definitions.list("point", all, DEFINITIONS_PAGE),
    services.definitions.list("benefit", all, DEFINITIONS_PAGE),
    services.definitions.list("tier", all, DEFINITIONS_PAGE),
    services.definitions.list("achievement", all, DEFINITIONS_PAGE),
    services.ledger.overview(),
  ]);
  const instances = new Map(projection.instances.map((r) => [`${r.kind}:${r.definitionId}`, r]));
  const points = new Map(projection.points.map((r) => [r.definitionId, r]));
  const base = (d: DefinitionRow, detail: string | null) => ({
    id: d.id,
    name: d.name,
    handle: d.handle,
    detail,
    status: statusOf(d),
    version: d.version,
    created_at: d.createdAt.toISOString(),
  });
  const none = { issued: null, redeemed: null, outstanding: null, expired: null, next_expiry: null };
  const fromInstances = (k: "reward" | "benefit", id: string) => {
    const p = instances.get(`${k}:${id}`);
    const outstanding = n(p?.outstanding);
    return { issued: n(p?.issued), redeemed: n(p?.redeemed), outstanding: k === "reward" ? fromCents(outstanding) : outstanding, expired: null, next_expiry: isoMs(p?.nextExpiry) };
  };
  const ladderName = new Map(point.rows.map((p) => [p.id, p.name]));
  const tiersReached = new Map(projection.tiers.reached.map((r) => [r.definitionId, r.reached]));
  const tierHolders = new Map(projection.tiers.holders.map((r) => [r.tierId, r.holders]));
  const achievements = new Map(projection.achievements.map((r) => [r.definitionId, r]));
  const rowsOf: Record<OverviewKind, () => OverviewRow[]> = {
    rewards: () => reward.rows.map((d) => ({ ...base(d, humanize(d.type)), ...fromInstances("reward", d.id) })),
    benefits: () => benefit.rows.map((d) => ({ ...base(d, `${d.maxRedemptions} redemption${d.maxRedemptions === 1 ? "" : "s"} each`), ...fromInstances("benefit", d.id) })),
    points: () =>
      point.rows.map((d) => {
        const p = points.get(d.id);
        return { ...base(d, `${humanize(d.kind)} points`), issued: n(p?.awarded), redeemed: n(p?.redeemed), outstanding: n(p?.outstanding), expired: n(p?.expired), next_expiry: null };
      }),
    tiers: () =>
      tier.rows.map((d) => ({
        ...base(d, `${ladderName.get(d.pointDefinitionId) ?? "Unknown ladder"} · from ${d.valueMin.toLocaleString("en-AU")}`),
        ...none,
        issued: n(tiersReached.get(d.id)),
        outstanding: n(tierHolders.get(d.id)),
      })),
    achievements: () =>
      achievement.rows.map((d) => {
        const a = achievements.get(d.id);
        return { ...base(d, d.trigger === "manual" ? "Progressed by hand" : "Counts transactions"), ...none, issued: n(a?.members), outstanding: n(a?.counted) };
      }),
  };
  const counts: Record<OverviewKind, number> = { rewards: reward.total, points: point.total, benefits: benefit.total, tiers: tier.total, achievements: achievement.total };
  return { kind, counts, rows: rowsOf[kind](), empty: Object.values(counts).every((c) => c === 0) };
}
