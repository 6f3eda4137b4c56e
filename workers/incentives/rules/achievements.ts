// Achievements: a count that rises by one per qualifying event, levels that are count thresholds (never
// lost once reached) and who may see the achievement.

export type AchievementLevels =
  /** one level, reached at the first count */
  | { kind: "on_off" }
  /** a level every N counts: level = floor(count / N) */
  | { kind: "every"; every: number }
  /** a level at each listed count, e.g. [1, 5, 10, 25] */
  | { kind: "thresholds"; thresholds: readonly number[] };

export type AchievementVisibility = "standard" | "hidden" | "mystery" | "system";

export interface AchievementDefinition {
  id: string;
  levels: AchievementLevels;
  visibility: AchievementVisibility;
}

/** What a customer-facing surface may show: everything, only the hint, or nothing at all. */
export type AchievementView = "full" | "hint" | "none";

function assertCount(count: number, name = "count"): void {
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`${name} must be a whole number ≥ 0, got ${count}`);
}

/**
 * Everything wrong with a level scheme (empty when valid): `every` is a whole number ≥ 1; thresholds are
 * a non-empty list of whole numbers ≥ 1, strictly increasing (level k is the k-th threshold).
 */
export function levelsErrors(levels: AchievementLevels): string[] {
  switch (levels.kind) {
    case "on_off":
      return [];
    case "every":
      return Number.isSafeInteger(levels.every) && levels.every >= 1 ? [] : [`every must be a whole number ≥ 1, got ${levels.every}`];
    case "thresholds": {
      const t = levels.thresholds;
      if (!Array.isArray(t) || t.length === 0) return ["thresholds must list at least one count"];
      const errors: string[] = [];
      if (t.some((n) => !Number.isSafeInteger(n) || n < 1)) errors.push("thresholds must be whole numbers ≥ 1");
      if (t.some((n, i) => i > 0 && n <= t[i - 1]!)) errors.push("thresholds must be strictly increasing, like [1, 5, 10, 25]");
      return errors;
    }
    default:
      return [`unknown level kind ${JSON.stringify((levels as { kind: unknown }).kind)}`];
  }
}

/** The level a count stands at: on/off → 1 from count 1; every N → floor(count / N); thresholds → how many are ≤ count. */
export function levelAt(levels: AchievementLevels, count: number): number {
  assertCount(count);
  const errors = levelsErrors(levels);
  if (errors.length) throw new RangeError(errors.join("; "));
  switch (levels.kind) {
    case "on_off":
      return count >= 1 ? 1 : 0;
    case "every":
      return Math.floor(count / levels.every);
    case "thresholds":
      return levels.thresholds.filter((n) => n <= count).length;
  }
}

/** The count a level needs, or null when the scheme has no such level (on/off beyond 1, past the last threshold). */
export function levelThreshold(levels: AchievementLevels, level: number): number | null {
  if (!Number.isSafeInteger(level) || level < 1) return null;
  switch (levels.kind) {
    case "on_off":
      return level === 1 ? 1 : null;
    case "every":
      return level * levels.every;
    case "thresholds":
      return levels.thresholds[level - 1] ?? null;
  }
}

/**
 * The levels newly reached when the count goes from oldCount to newCount, lowest first: every level in
 * (levelAt(old), levelAt(new)], so a jump past several thresholds reaches each (one
 * achievement.level_reached per level). A count that falls reaches nothing and loses nothing: levels
 * are never lost.
 */
export function levelsReached(def: Pick<AchievementDefinition, "levels">, oldCount: number, newCount: number): number[] {
  assertCount(oldCount, "oldCount");
  assertCount(newCount, "newCount");
  const from = levelAt(def.levels, oldCount);
  const to = levelAt(def.levels, newCount);
  const out: number[] = [];
  for (let level = from + 1; level <= to; level++) out.push(level);
  return out;
}

/** The next level and how many more counts it needs; null when there is none (on/off reached, last threshold passed). */
export function nextLevel(def: Pick<AchievementDefinition, "levels">, count: number): { level: number; threshold: number; remaining: number } | null {
  const level = levelAt(def.levels, count) + 1;
  const threshold = levelThreshold(def.levels, level);
  return threshold === null ? null : { level, threshold, remaining: threshold - count };
}

/**
 * Whether a customer sees the achievement: standard always in full; hidden not at all until its count
 * reaches 1, then in full; mystery only its hint until its first level is reached, then in full;
 * system never (it exists for automations). Staff in the console see everything.
 */
export function visibleTo(def: AchievementDefinition, count: number): AchievementView {
  assertCount(count);
  switch (def.visibility) {
    case "standard":
      return "full";
    case "hidden":
      return count >= 1 ? "full" : "none";
    case "mystery":
      return levelAt(def.levels, count) >= 1 ? "full" : "hint";
    case "system":
      return "none";
  }
}
