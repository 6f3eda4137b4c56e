// Loaders and actions of Configuration → Rewards, Points (+ earn rates), Benefits, Tiers and Achievements.
// A posted form becomes the API's input (fields.ts says how), the API's zod schema validates it and the
// one DefinitionsService method the API calls does the rest, so the console shows the same field errors.
import { redirect, type AppLoadContext, type LoaderFunctionArgs, type ActionFunctionArgs } from "@remix-run/cloudflare";
import { requireUser } from "~/lib/auth.server";
import { failure, invalid, parseWith } from "~/lib/forms.server";
import type { z } from "zod";
import type { Actor } from "../../../workers/access/actor";
import { can } from "../../../workers/access/rules";
import {
  AchievementDefinitionInput,
  BenefitDefinitionInput,
  CalculateEarnInput,
  EarnRateInput,
  PointDefinitionInput,
  RewardDefinitionInput,
  TierDefinitionInput,
  UpdateAchievementDefinitionInput,
  UpdateBenefitDefinitionInput,
  UpdateEarnRateInput,
  UpdatePointDefinitionInput,
  UpdateRewardDefinitionInput,
  UpdateTierDefinitionInput,
} from "../../../workers/incentives/definitions.schema";
import { SERIALIZERS, type DefinitionKind } from "../../../workers/incentives/views";
import type { FieldErrors } from "../../../workers/platform/errors";
import { MAX_UNLOCK_ROWS, SECTION_FIELDS, type SectionKey } from "./fields";

interface SectionOps {
  kind: DefinitionKind;
  label: string;
  base: string;
  input: z.ZodTypeAny;
  update: z.ZodTypeAny;
}

export const SECTIONS: Record<SectionKey, SectionOps> = {
  rewards: {
    kind: "reward",
    label: "Reward",
    base: "/configuration/rewards",
    input: RewardDefinitionInput,
    update: UpdateRewardDefinitionInput,
  },
  points: {
    kind: "point",
    label: "Points definition",
    base: "/configuration/points",
    input: PointDefinitionInput,
    update: UpdatePointDefinitionInput,
  },
  rates: {
    kind: "rate",
    label: "Earn rate",
    base: "/configuration/points/rates",
    input: EarnRateInput,
    update: UpdateEarnRateInput,
  },
  benefits: {
    kind: "benefit",
    label: "Benefit",
    base: "/configuration/benefits",
    input: BenefitDefinitionInput,
    update: UpdateBenefitDefinitionInput,
  },
  tiers: {
    kind: "tier",
    label: "Tier",
    base: "/configuration/tiers",
    input: TierDefinitionInput,
    update: UpdateTierDefinitionInput,
  },
  achievements: {
    kind: "achievement",
    label: "Achievement",
    base: "/configuration/achievements",
    input: AchievementDefinitionInput,
    update: UpdateAchievementDefinitionInput,
  },
};

/** Where the list of a section lives (rates are listed on the points page). */
export function listPath(section: SectionKey): string {
  return section === "rates" ? "/configuration/points" : SECTIONS[section].base;
}

// ── reading a posted form ───────────────────────────────────────────────────────────────────────

function text(form: FormData, key: string): string {
  const v = form.get(key);
  return typeof v === "string" ? v.trim() : "";
}

const num = (s: string): number | string => (/^-?\d+(\.\d+)?$/.test(s) ? Number(s) : s);
const list = (s: string) => s.split(/[,\s]+/).filter(Boolean);

/** The form as the API input of `section`; problems only the form can have (bad JSON, half a row) in `errors`. */
export function readForm(section: SectionKey, form: FormData, mode: "create" | "edit"): { values: Record<string, unknown>; errors: FieldErrors } {
  const values: Record<string, unknown> = {};
  const errors: FieldErrors = {};
  for (const f of SECTION_FIELDS[section]) {
    if (f.createOnly && mode === "edit") continue;
    const raw = text(form, f.name);
    const empty = f.empty === "omit" ? undefined : null;
    switch (f.kind) {
      case "switch":
        values[f.name] = form.get(f.name) === "true";
        break;
      case "number":
        values[f.name] = raw ? num(raw) : empty;
        break;
      case "json":
        if (!raw) values[f.name] = null;
        else {
          try {
            values[f.name] = JSON.parse(raw);
          } catch {
            errors[f.name] = [`${f.label} must be valid JSON, like ${f.placeholder ?? "{}"}`];
          }
        }
        break;
      case "numlist":
        values[f.name] = list(raw).map(num);
        break;
      case "strlist":
        values[f.name] = raw ? list(raw) : null;
        break;
      case "days": {
        const days = form.getAll(f.name).map(String);
        values[f.name] = days.length ? days : null;
        break;
      }
      case "hours": {
        const from = text(form, `${f.name}.from`);
        const to = text(form, `${f.name}.to`);
        values[f.name] = from || to ? { from, to } : null;
        break;
      }
      case "levels": {
        const kind = text(form, "levels.kind");
        values.levels =
          kind === "every" ? { kind, every: num(text(form, "levels.every")) } : kind === "thresholds" ? { kind, thresholds: list(text(form, "levels.thresholds")).map(num) } : { kind };
        break;
      }
      case "unlocks": {
        const rows: Array<{ level: number | string; benefit_definition_id: string }> = [];
        for (let i = 0; i < MAX_UNLOCK_ROWS; i++) {
          const level = text(form, `unlocks.${i}.level`);
          const benefit = text(form, `unlocks.${i}.benefit_definition_id`);
          if (!level && !benefit) continue;
          if (!level || !benefit) errors[`unlocks.${rows.length}.level`] = ["Give both the level and the benefit"];
          rows.push({ level: num(level), benefit_definition_id: benefit });
        }
        values.unlocks = rows;
        break;
      }
      default:
        values[f.name] = raw === "" ? empty : raw;
    }
  }
  return { values, errors };
}

// ── loaders ─────────────────────────────────────────────────────────────────────────────────────

export const PAGE_SIZE = 25;

function pageNumber(raw: string | null): number {
  const n = raw && /^\d{1,6}$/.test(raw) ? Number(raw) : 1;
  return n >= 1 ? n : 1;
}

/** Options of the selects a form may need: points definitions (all live, and the tier ones) and benefits. */
export async function formOptions(context: AppLoadContext) {
  const defs = context.services.definitions;
  const page = { number: 1, size: 100 };
  const [points, benefits] = await Promise.all([defs.list("point", {}, page), defs.list("benefit", {}, page)]);
  return {
    pointDefinitions: points.rows.map((p) => ({ value: p.id, label: `${p.name} (${p.kind})` })),
    tierPointDefinitions: points.rows.filter((p) => p.kind === "tier").map((p) => ({ value: p.id, label: p.name })),
    benefits: benefits.rows.map((b) => ({ value: b.id, label: b.name })),
  };
}
export type FormOptions = Awaited<ReturnType<typeof formOptions>>;

export async function listSection(section: SectionKey, { request, context }: LoaderFunctionArgs) {
  const { user } = await requireUser(request, context, "config:view");
  const url = new URL(request.url);
  const page = pageNumber(url.searchParams.get("page"));
  const archived = url.searchParams.get("archived") === "1";
  const q = (url.searchParams.get("q") ?? "").trim().slice(0, 100);
  const ops = SECTIONS[section];
  const { rows, total } = await context.services.definitions.list(ops.kind, { archived: archived ? "all" : false, search: q || undefined }, { number: page, size: PAGE_SIZE });
  return {
    canEdit: can(user.role, "config:edit"),
    page,
    q,
    archived,
    total,
    lastPage: Math.max(1, Math.ceil(total / PAGE_SIZE)),
    rows: rows.map((r) => SERIALIZERS[ops.kind](r as never)),
  };
}

export async function loadDefinition(section: SectionKey, { request, context, params }: LoaderFunctionArgs) {
  const { user } = await requireUser(request, context, "config:view");
  const ops = SECTIONS[section];
  const row = await context.services.definitions.find(ops.kind, params.id ?? "");
  if (!row) throw new Response("Not found", { status: 404 });
  const versions = await context.services.definitions.versions(ops.kind, row.id);
  return {
    definition: SERIALIZERS[ops.kind](row as never),
    versions: versions.slice(0, 10).map((v) => ({ version: v.version, changedBy: v.changedBy, at: v.createdAt.toISOString() })),
    options: await formOptions(context),
    canEdit: can(user.role, "config:edit"),
  };
}

export async function loadNew({ request, context }: LoaderFunctionArgs) {
  await requireUser(request, context, "config:edit");
  return { options: await formOptions(context) };
}

// ── actions ─────────────────────────────────────────────────────────────────────────────────────

export async function createAction(section: SectionKey, { request, context }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, context, "config:edit");
  const form = await request.formData();
  const intent = "save";
  const ops = SECTIONS[section];
  const { values, errors } = readForm(section, form, "create");
  const parsed = parseWith(ops.input, values);
  if (!parsed.ok || Object.keys(errors).length) return invalid({ ...(parsed.ok ? {} : parsed.errors), ...errors }, { intent });
  try {
    await context.services.definitions.create(ops.kind, parsed.data as never, actor);
    return redirect(`${listPath(section)}?notice=created`);
  } catch (err) {
    return failure(err, { intent });
  }
}

export async function archiveDefinition(section: SectionKey, context: AppLoadContext, actor: Actor, id: string, redirectTo?: string) {
  try {
    const row = await context.services.definitions.archive(SECTIONS[section].kind, id, actor);
    if (redirectTo) return redirect(redirectTo);
    return { ok: true as const, intent: "delete", message: `${row.name} archived` };
  } catch (err) {
    return failure(err, { intent: "delete" });
  }
}

export async function editAction(section: SectionKey, { request, context, params }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, context, "config:edit");
  const id = params.id ?? "";
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const ops = SECTIONS[section];
  if (intent === "delete") return archiveDefinition(section, context, actor, id, `${listPath(section)}?notice=archived`);
  if (intent !== "save") return invalid({ intent: ["Unknown action"] }, { intent });
  const { values, errors } = readForm(section, form, "edit");
  const parsed = parseWith(ops.update, values);
  if (!parsed.ok || Object.keys(errors).length) return invalid({ ...(parsed.ok ? {} : parsed.errors), ...errors }, { intent });
  try {
    const saved = await context.services.definitions.update(ops.kind, id, parsed.data as never, actor);
    return { ok: true as const, intent, message: `${saved.name} saved` };
  } catch (err) {
    return failure(err, { intent });
  }
}

/** The list pages' archive button (intent=delete, like the commerce pages' delete). */
export async function listAction(section: SectionKey, { request, context }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, context, "config:edit");
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  if (intent === "delete") return archiveDefinition(section, context, actor, String(form.get("id") ?? ""));
  return invalid({ intent: ["Unknown action"] }, { intent });
}

// ── the rate calculator ─────────────────────────────────────────────────────────────────────────

export const CALCULATOR_ROWS = 3;

/** The calculator form → CalculateEarnInput: a location, a time, up to three lines and profile tags. */
export async function calculateAction(context: AppLoadContext, form: FormData) {
  const intent = "calculate";
  const items: Array<Record<string, unknown>> = [];
  for (let i = 0; i < CALCULATOR_ROWS; i++) {
    const price = text(form, `items.${i}.price_sell`);
    if (!price) continue;
    const qty = text(form, `items.${i}.quantity`) || "1";
    items.push({ quantity: num(qty), price_sell: price, category: text(form, `items.${i}.category`) || null, brand: text(form, `items.${i}.brand`) || null });
  }
  const tags = list(text(form, "profile_tags"));
  const at = text(form, "transacted_at");
  const totalRaw = text(form, "total");
  const input = {
    transaction: {
      location_id: text(form, "location_id") || null,
      total: totalRaw || String(items.reduce((sum, i) => sum + Number(i.quantity) * Number(i.price_sell), 0).toFixed(2)),
      transacted_at: at ? (/[zZ]|[+-]\d\d:\d\d$/.test(at) ? at : `${at}:00Z`) : null,
      items,
    },
    profile: tags.length ? { tags } : null,
  };
  const parsed = parseWith(CalculateEarnInput, input);
  if (!parsed.ok) return invalid(parsed.errors, { intent });
  try {
    const results = await context.services.definitions.calculate(parsed.data);
    return { ok: true as const, intent, message: results.length ? `${results.length} definition${results.length === 1 ? "" : "s"} would earn` : "No rate applies", results };
  } catch (err) {
    return failure(err, { intent });
  }
}
