// The /incentives overview's type filter: which definition kinds it lists, in order. Shared by the
// page (its tabs) and incentives.server.ts (which kind to load).
import type { DefinitionKind } from "../../../workers/incentives/views";

export type OverviewKind = "rewards" | "points" | "benefits" | "tiers" | "achievements";

export const OVERVIEW_KINDS: ReadonlyArray<{ value: OverviewKind; label: string; kind: DefinitionKind }> = [
  { value: "rewards", label: "Rewards", kind: "reward" },
  { value: "points", label: "Points", kind: "point" },
  { value: "benefits", label: "Benefits", kind: "benefit" },
  { value: "tiers", label: "Tiers", kind: "tier" },
  { value: "achievements", label: "Achievements", kind: "achievement" },
];
