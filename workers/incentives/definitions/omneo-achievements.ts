// An achievement definition as the API answers it: our fields, with `levels` in Omneo's form (a list of
// {display_number, name, trigger, repeats, meta.unlocks}) and our scheme beside it as `level_scheme`, plus
// Omneo's display_option (our visibility) and short_description. Pure; the console and the versions keep
// serializeAchievement's shape.
import type { AchievementLevels } from "../rules/achievements";
import { serializeAchievement, type AchievementDefinition } from "../views";
import { DISPLAY_OPTIONS } from "../definitions.schema";

const DISPLAY_OF = Object.fromEntries(Object.entries(DISPLAY_OPTIONS).map(([omneo, ours]) => [ours, omneo])) as Record<string, keyof typeof DISPLAY_OPTIONS>;

/** Our level scheme as Omneo's list of levels; a level's unlocks are the benefit definitions it unlocks. */
export function omneoLevels(levels: AchievementLevels, unlocks: ReadonlyArray<{ level: number; benefit_definition_id: string }>) {
  const level = (n: number, trigger: number, repeats: boolean) => ({
    display_number: n,
    name: `Level ${n}`,
    trigger,
    repeats,
    meta: { unlocks: unlocks.filter((u) => u.level === n).map((u) => ({ type: "benefit_definition", id_type: "id", id: u.benefit_definition_id })) },
  });
  switch (levels.kind) {
    case "on_off":
      return [level(1, 1, false)];
    case "every":
      return [level(1, levels.every, true)];
    case "thresholds":
      return levels.thresholds.map((t, i) => level(i + 1, t, false));
  }
}

export function presentAchievement(d: AchievementDefinition) {
  const ours = serializeAchievement(d);
  return {
    ...ours,
    levels: omneoLevels(d.levels as AchievementLevels, d.unlocks),
    level_scheme: ours.levels,
    display_option: DISPLAY_OF[d.visibility] ?? "visible",
    short_description: d.shortDescription ?? null,
  };
}
