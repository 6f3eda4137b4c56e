// Achievements: a count per definition that purchases (earn.ts) or staff move on; a level reached can
// unlock a benefit.
import type { AchievementDefinitionConfig, EngineConfig } from "../../engine-types";
import { levelAt, levelsReached, nextLevel } from "../../rules";
import { fail, ok, type AchievementProgressed, type AchievementView, type LedgerResult, type LedgerSource, type ProgressAchievementArgs } from "../contract";
import type { AchievementRow, LedgerStore } from "../storage";
import { iso } from "../views";
import { addBenefit } from "./benefits";

/** Moves an achievement on by `by` (inside an operation): levels reached, and the benefits they unlock. */
export function progress(store: LedgerStore, def: AchievementDefinitionConfig, by: number, config: Pick<EngineConfig, "benefits" | "timezone">, source: LedgerSource, reason: string | null): AchievementProgressed {
  const row = store.rows<{ count: number; level: number }>(`SELECT count, level FROM achievements WHERE definition_id = ?`, def.id)[0];
  const old = row?.count ?? 0;
  const count = old + by;
  const reached = levelsReached(def, old, count);
  const level = levelAt(def.levels, count);
  store.exec(
    `INSERT INTO achievements (definition_id, count, level, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT(definition_id) DO UPDATE SET count = excluded.count, level = excluded.level, updated_at = excluded.updated_at`,
    def.id,
    count,
    level,
    store.now(),
  );
  store.entry({ kind: "achievement", action: "progress", definitionId: def.id, delta: by, source, reason });
  store.emit("achievement.progressed", { achievement_definition_id: def.id, handle: def.handle, count, previous_count: old, level });
  for (const l of reached) {
    store.emit("achievement.level_reached", { achievement_definition_id: def.id, handle: def.handle, level: l, count });
    for (const unlock of def.unlocks.filter((u) => u.level === l)) {
      const benefit = config.benefits.find((b) => b.id === unlock.benefitDefinitionId);
      if (benefit) addBenefit(store, benefit, { source: { type: "achievement", id: def.id, label: def.handle }, reason: `${def.name} level ${l}`, claimed: false, timezone: config.timezone });
    }
  }
  return { achievement_definition_id: def.id, count, levels_reached: reached };
}

/** Progress by hand (staff, API tokens, reactions). */
export function progressAchievement(store: LedgerStore, input: ProgressAchievementArgs): LedgerResult<AchievementProgressed> {
  return store.run(
    input.profileId,
    input.key,
    () => {
      if (!Number.isSafeInteger(input.count) || input.count < 1 || input.count > 10_000) return fail("validation_failed", "count must be a whole number from 1 to 10000", { count: ["count must be a whole number from 1 to 10000"] });
      return ok(progress(store, input.definition, input.count, input.config, input.source, input.reason));
    },
    input.source.causation ?? null,
  );
}

/** Every given definition with this profile's count, level and the next level. */
export function achievementViews(store: LedgerStore, defs: readonly AchievementDefinitionConfig[]): AchievementView[] {
  const counts = new Map(store.rows<AchievementRow>(`SELECT * FROM achievements`).map((a) => [a.definition_id, a]));
  return defs.map((d) => {
    const c = counts.get(d.id);
    const count = c?.count ?? 0;
    return {
      achievement_definition_id: d.id,
      handle: d.handle,
      name: d.name,
      visibility: d.visibility,
      count,
      level: c?.level ?? levelAt(d.levels, count),
      next_level: nextLevel(d, count),
      updated_at: iso(c?.updated_at),
    };
  });
}
