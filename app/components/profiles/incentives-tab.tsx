import { EmptyState } from "~/components/ui/card";

/** Incentives: a placeholder until the incentive engine exists; it says what will be here. */
export function IncentivesTab() {
  return (
    <EmptyState title="Incentives are not available yet">
      Balances, rewards, points, tiers and achievements arrive with the incentive engine. This member's reward balance, point lots, tier progress and
      achievement levels will be shown here, with the ledger entry behind every change.
    </EmptyState>
  );
}
