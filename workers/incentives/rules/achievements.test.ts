// Unit tests for achievements: levels of each kind (on/off, every N, thresholds), levels newly reached
// (jumps, never lost), the next level, validation, and visibility.
import { describe, expect, it } from "vitest";
import {
  type AchievementDefinition,
  type AchievementLevels,
  levelAt,
  levelThreshold,
  levelsErrors,
  levelsReached,
  nextLevel,
  visibleTo,
} from "./achievements";

const ON_OFF: AchievementLevels = { kind: "on_off" };
const EVERY_3: AchievementLevels = { kind: "every", every: 3 };
const LIST: AchievementLevels = { kind: "thresholds", thresholds: [1, 5, 10, 25] };
const def = (levels: AchievementLevels, visibility: AchievementDefinition["visibility"] = "standard"): AchievementDefinition => ({ id: "a", levels, visibility });

describe("level at a count", () => {
  it.each([
    [ON_OFF, 0, 0],
    [ON_OFF, 1, 1],
    [ON_OFF, 50, 1],
    [EVERY_3, 0, 0],
    [EVERY_3, 2, 0],
    [EVERY_3, 3, 1],
    [EVERY_3, 8, 2],
    [EVERY_3, 9, 3],
    [{ kind: "every", every: 1 }, 7, 7],
    [LIST, 0, 0],
    [LIST, 1, 1],
    [LIST, 4, 1],
    [LIST, 5, 2],
    [LIST, 24, 3],
    [LIST, 25, 4],
    [LIST, 1000, 4],
  ] as Array<[AchievementLevels, number, number]>)("%j at %i → level %i", (levels, count, level) => {
    expect(levelAt(levels, count)).toBe(level);
  });

  it.each([-1, 1.5, Number.NaN])("refuses a count of %d", (count) => {
    expect(() => levelAt(LIST, count)).toThrow(RangeError);
  });

  it("refuses an invalid scheme", () => {
    expect(() => levelAt({ kind: "every", every: 0 }, 3)).toThrow(RangeError);
  });
});

describe("levels newly reached", () => {
  it.each([
    ["on/off, first count", ON_OFF, 0, 1, [1]],
    ["on/off, again", ON_OFF, 1, 2, []],
    ["every 3, not yet", EVERY_3, 1, 2, []],
    ["every 3, exactly", EVERY_3, 2, 3, [1]],
    ["every 3, a jump past several", EVERY_3, 2, 10, [1, 2, 3]],
    ["thresholds, one", LIST, 4, 5, [2]],
    ["thresholds, a jump", LIST, 0, 12, [1, 2, 3]],
    ["thresholds, past the last", LIST, 25, 30, []],
    ["no change", LIST, 5, 5, []],
    ["a falling count loses nothing and reaches nothing", LIST, 12, 3, []],
  ] as Array<[string, AchievementLevels, number, number, number[]]>)("%s", (_name, levels, from, to, reached) => {
    expect(levelsReached(def(levels), from, to)).toEqual(reached);
  });

  it("refuses negative counts", () => {
    expect(() => levelsReached(def(LIST), -1, 2)).toThrow(RangeError);
    expect(() => levelsReached(def(LIST), 0, -2)).toThrow(RangeError);
  });

  it("reaches each level once, whichever way the count arrives", () => {
    for (const levels of [ON_OFF, EVERY_3, LIST]) {
      const stepwise: number[] = [];
      for (let c = 0; c < 30; c++) stepwise.push(...levelsReached(def(levels), c, c + 1));
      expect(stepwise).toEqual(levelsReached(def(levels), 0, 30));
    }
  });
});

describe("thresholds and the next level", () => {
  it.each([
    [ON_OFF, 1, 1],
    [ON_OFF, 2, null],
    [EVERY_3, 4, 12],
    [LIST, 3, 10],
    [LIST, 5, null],
    [LIST, 0, null],
  ] as Array<[AchievementLevels, number, number | null]>)("%j level %i needs %j", (levels, level, count) => {
    expect(levelThreshold(levels, level)).toBe(count);
  });

  it.each([
    [ON_OFF, 0, { level: 1, threshold: 1, remaining: 1 }],
    [ON_OFF, 1, null],
    [EVERY_3, 4, { level: 2, threshold: 6, remaining: 2 }],
    [LIST, 6, { level: 3, threshold: 10, remaining: 4 }],
    [LIST, 25, null],
  ] as Array<[AchievementLevels, number, unknown]>)("%j at %i → %j", (levels, count, next) => {
    expect(nextLevel(def(levels), count)).toEqual(next);
  });
});

describe("level scheme validation", () => {
  it.each([
    [ON_OFF, []],
    [EVERY_3, []],
    [LIST, []],
    [{ kind: "every", every: 0 }, ["every must be a whole number ≥ 1, got 0"]],
    [{ kind: "every", every: 2.5 }, ["every must be a whole number ≥ 1, got 2.5"]],
    [{ kind: "thresholds", thresholds: [] }, ["thresholds must list at least one count"]],
    [{ kind: "thresholds", thresholds: [0, 5] }, ["thresholds must be whole numbers ≥ 1"]],
    [{ kind: "thresholds", thresholds: [1, 5, 5] }, ["thresholds must be strictly increasing, like [1, 5, 10, 25]"]],
    [{ kind: "thresholds", thresholds: [10, 5] }, ["thresholds must be strictly increasing, like [1, 5, 10, 25]"]],
    [{ kind: "streak" }, ['unknown level kind "streak"']],
  ] as Array<[AchievementLevels, string[]]>)("%j", (levels, errors) => {
    expect(levelsErrors(levels)).toEqual(errors);
  });
});

describe("visibility", () => {
  it.each([
    ["standard", LIST, 0, "full"],
    ["standard", LIST, 9, "full"],
    ["hidden", LIST, 0, "none"],
    ["hidden", LIST, 1, "full"],
    ["hidden", EVERY_3, 1, "full"], // shown from the first count, before the first level
    ["mystery", EVERY_3, 0, "hint"],
    ["mystery", EVERY_3, 2, "hint"], // counting, but no level yet
    ["mystery", EVERY_3, 3, "full"],
    ["mystery", ON_OFF, 1, "full"],
    ["system", LIST, 0, "none"],
    ["system", LIST, 100, "none"],
  ] as Array<[AchievementDefinition["visibility"], AchievementLevels, number, string]>)("%s, %j, at count %i → %s", (visibility, levels, count, view) => {
    expect(visibleTo(def(levels, visibility), count)).toBe(view);
  });
});
