// The tier ladder diagram: one horizontal bar per tier, ordered by value_min, scaled to the top tier;
// the solid part reaches the attain threshold, a tick marks the maintain threshold, and a floor tier is
// flagged. Pure presentation of what TiersService.ladders() returns.
import { Badge } from "~/components/ui/badge";
import { Card } from "~/components/ui/card";

export interface LadderView {
  pointDefinition: { id: string; name: string } | null;
  tiers: Array<{ id: string; name: string; value_min: number; value_maintain: number; is_floor: boolean; credit_enabled: boolean }>;
}

export function TierLadders({ ladders }: { ladders: LadderView[] }) {
  if (!ladders.length) return null;
  return (
    <div className="mb-6 space-y-4" data-testid="tier-ladders">
      {ladders.map((ladder) => {
        const top = Math.max(1, ...ladder.tiers.map((t) => t.value_min)) * 1.1;
        const pct = (v: number) => `${Math.min(100, (v / top) * 100).toFixed(2)}%`;
        return (
          <Card key={ladder.pointDefinition?.id ?? "unknown"} title={`Ladder: ${ladder.pointDefinition?.name ?? "unknown points"}`} description="Points in a rolling 12 months to attain (bar) and to keep (tick) each tier.">
            <ol className="space-y-3" data-testid="tier-ladder" data-point-definition={ladder.pointDefinition?.id}>
              {ladder.tiers.map((t) => (
                <li key={t.id} className="grid grid-cols-[9rem_1fr] items-center gap-3" data-testid="ladder-tier" data-name={t.name}>
                  <div className="flex items-center gap-1.5 text-sm font-medium text-slate-800">
                    <span className="truncate">{t.name}</span>
                    {t.is_floor ? <Badge tone="brand">Floor</Badge> : null}
                  </div>
                  <div className="relative h-6 rounded bg-slate-100" title={`Attain ${t.value_min}, keep ${t.value_maintain}`}>
                    <div className="absolute inset-y-0 left-0 rounded bg-brand-500/80" style={{ width: pct(t.value_min) }} />
                    <div className="absolute inset-y-[-3px] w-0.5 bg-amber-500" style={{ left: pct(t.value_maintain) }} aria-hidden />
                    <span className="absolute inset-y-0 right-2 flex items-center text-xs text-slate-600">
                      attain {t.value_min.toLocaleString("en-AU")} · keep {t.value_maintain.toLocaleString("en-AU")}
                      {t.credit_enabled ? " · credit" : ""}
                    </span>
                  </div>
                </li>
              ))}
            </ol>
          </Card>
        );
      })}
    </div>
  );
}
