// A profile's Incentives tab: balances, points by definition, rewards, benefits, tier progress per
// ladder, achievements and the latest ledger entries, as the ProfileLedger DO reports them. Admins and
// Managers also get the issue dialogs and a Void button per reward, benefit and points lot.
import { Link } from "@remix-run/react";
import { useState, type ReactNode } from "react";
import { formatMoney, humanize } from "~/components/profiles/format";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Card } from "~/components/ui/card";
import { Table, TBody, Td, Th, THead, Tr } from "~/components/ui/table";
import { Time } from "~/components/ui/time";
import type { ProfileIncentives } from "~/lib/incentives.server";
import { IssueActions, VoidDialog, type VoidTarget } from "./incentive-dialogs";

const STATUS_TONE: Record<string, "success" | "neutral" | "warning" | "danger" | "brand"> = {
  active: "success",
  redeemed: "brand",
  expired: "warning",
  void: "danger",
  pending: "neutral",
};

function StatusBadge({ status }: { status: string }) {
  return (
    <Badge tone={STATUS_TONE[status] ?? "neutral"} className="capitalize">
      {status}
    </Badge>
  );
}

function Stat({ label, value, hint, testId }: { label: string; value: ReactNode; hint?: ReactNode; testId: string }) {
  return (
    <div className="rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200">
      <p className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</p>
      <p className="mt-1 text-2xl font-semibold tabular-nums text-slate-900" data-testid={testId}>
        {value}
      </p>
      {hint ? <p className="mt-0.5 text-xs text-slate-500">{hint}</p> : null}
    </div>
  );
}

function Source({ source }: { source: { type: string; label: string | null } }) {
  return (
    <span className="text-xs text-slate-600">
      {humanize(source.type)}
      {source.label ? <span className="text-slate-400"> · {source.label}</span> : null}
    </span>
  );
}

function None({ children }: { children: ReactNode }) {
  return <p className="text-sm text-slate-500">{children}</p>;
}

const pts = (n: number) => n.toLocaleString("en-AU");

function VoidButton({ onClick, testId }: { onClick: () => void; testId: string }) {
  return (
    <Button variant="ghost" size="sm" className="text-red-600! hover:bg-red-50 hover:text-red-700!" onClick={onClick} data-testid={testId}>
      Void
    </Button>
  );
}

export function ProfileIncentives({ data, currency }: { data: ProfileIncentives; currency: string }) {
  const { balances, canIssue } = data;
  const [voiding, setVoiding] = useState<VoidTarget | null>(null);
  const money = (n: number) => formatMoney(n, currency);
  return (
    <div className="space-y-6" data-testid="profile-incentives">
      {canIssue && data.options ? <IssueActions options={data.options} /> : null}

      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <Stat label="Reward balance" value={money(balances.reward_balance)} hint="Usable rewards" testId="balance-rewards" />
        <Stat label="Points balance" value={pts(balances.point_balance)} hint={`Worth ${money(balances.point_balance_dollars)}`} testId="balance-points" />
        <Stat label="Combined" value={money(balances.combined_balance_dollars)} hint="Rewards and spendable points" testId="balance-combined" />
        <Stat label="Benefits" value={balances.benefit_balance} hint="With redemptions left" testId="balance-benefits" />
      </div>

      <Card title="Points by definition">
        {balances.points.length ? (
          <Table data-testid="points-balances">
            <THead>
              <tr>
                <Th>Name</Th>
                <Th>Kind</Th>
                <Th className="text-right">Balance</Th>
                <Th className="text-right">Spendable</Th>
                <Th className="text-right">Pending</Th>
                <Th className="text-right">Worth</Th>
              </tr>
            </THead>
            <TBody>
              {balances.points.map((p) => (
                <Tr key={p.point_definition_id}>
                  <Td className="font-medium text-slate-900">{p.name}</Td>
                  <Td className="capitalize">{p.kind}</Td>
                  <Td className="text-right tabular-nums">{pts(p.balance)}</Td>
                  <Td className="text-right tabular-nums">{pts(p.spendable)}</Td>
                  <Td className="text-right tabular-nums">{pts(p.pending)}</Td>
                  <Td className="text-right tabular-nums">{p.dollars === null ? "—" : money(p.dollars)}</Td>
                </Tr>
              ))}
            </TBody>
          </Table>
        ) : (
          <None>No points held yet.</None>
        )}
        {data.lots.length ? (
          <div className="mt-4">
            <h3 className="mb-2 text-sm font-semibold text-slate-700">Lots</h3>
            <Table data-testid="points-lots">
              <THead>
                <tr>
                  <Th>Points</Th>
                  <Th className="text-right">Remaining / initial</Th>
                  <Th>Status</Th>
                  <Th>Earned</Th>
                  <Th>Expires</Th>
                  <Th>Source</Th>
                  {canIssue ? <Th className="text-right">Actions</Th> : null}
                </tr>
              </THead>
              <TBody>
                {data.lots.map((l) => (
                  <Tr key={l.id} data-testid="lot-row">
                    <Td className="font-medium text-slate-900">{l.name}</Td>
                    <Td className="text-right tabular-nums">
                      {`${pts(l.points_remaining)} / ${pts(l.points_initial)}`}
                    </Td>
                    <Td>
                      <StatusBadge status={l.status} />
                    </Td>
                    <Td>
                      <Time value={l.earned_at} />
                      {/* only a lot still in its pending period says when it becomes spendable */}
                      {l.spendable_at > data.balances.updated_at ? (
                        <span className="block text-xs text-amber-700">
                          Spendable from <Time value={l.spendable_at} />
                        </span>
                      ) : null}
                    </Td>
                    <Td>
                      <Time value={l.expires_at} fallback="Never" />
                    </Td>
                    <Td>
                      <Source source={l.source} />
                    </Td>
                    {canIssue ? (
                      <Td className="text-right">
                        {l.status === "active" && l.points_remaining > 0 ? (
                          <VoidButton testId="lot-void" onClick={() => setVoiding({ kind: "points", id: l.id, label: `${pts(l.points_remaining)} ${l.name} points` })} />
                        ) : null}
                      </Td>
                    ) : null}
                  </Tr>
                ))}
              </TBody>
            </Table>
          </div>
        ) : null}
      </Card>

      <Card title="Rewards">
        {data.rewards.length ? (
          <Table data-testid="rewards-table">
            <THead>
              <tr>
                <Th>Reward</Th>
                <Th className="text-right">Remaining / initial</Th>
                <Th>Status</Th>
                <Th>Issued</Th>
                <Th>Expires</Th>
                <Th>Source</Th>
                {canIssue ? <Th className="text-right">Actions</Th> : null}
              </tr>
            </THead>
            <TBody>
              {data.rewards.map((r) => (
                <Tr key={r.id} data-testid="reward-row">
                  <Td>
                    <span className="font-medium text-slate-900">{r.name}</span>
                    {r.reason ? <span className="block max-w-xs truncate text-xs text-slate-500" title={r.reason}>{r.reason}</span> : null}
                  </Td>
                  <Td className="text-right tabular-nums">
                    {`${money(r.value_remaining)} / ${money(r.value_initial)}`}
                  </Td>
                  <Td>
                    <StatusBadge status={r.status} />
                  </Td>
                  <Td>
                    <Time value={r.issued_at} />
                  </Td>
                  <Td>
                    <Time value={r.expires_at} fallback="Never" />
                  </Td>
                  <Td>
                    <Source source={r.source} />
                  </Td>
                  {canIssue ? (
                    <Td className="text-right">
                      {r.status === "active" ? <VoidButton testId="reward-void" onClick={() => setVoiding({ kind: "reward", id: r.id, label: `${r.name} (${money(r.value_remaining)} left)` })} /> : null}
                    </Td>
                  ) : null}
                </Tr>
              ))}
            </TBody>
          </Table>
        ) : (
          <None>No rewards issued to this member.</None>
        )}
      </Card>

      <Card title="Benefits">
        {data.benefits.length ? (
          <Table data-testid="benefits-table">
            <THead>
              <tr>
                <Th>Benefit</Th>
                <Th className="text-right">Redemptions left</Th>
                <Th>Status</Th>
                <Th>Issued</Th>
                <Th>Expires</Th>
                <Th>Source</Th>
                {canIssue ? <Th className="text-right">Actions</Th> : null}
              </tr>
            </THead>
            <TBody>
              {data.benefits.map((b) => (
                <Tr key={b.id} data-testid="benefit-row">
                  <Td className="font-medium text-slate-900">{b.name}</Td>
                  <Td className="text-right tabular-nums">
                    {`${b.redemptions_remaining} of ${b.max_redemptions}`}
                  </Td>
                  <Td>
                    <StatusBadge status={b.status} />
                  </Td>
                  <Td>
                    <Time value={b.issued_at} />
                  </Td>
                  <Td>
                    <Time value={b.expires_at} fallback="Never" />
                  </Td>
                  <Td>
                    <Source source={b.source} />
                  </Td>
                  {canIssue ? (
                    <Td className="text-right">
                      {b.status === "active" ? <VoidButton testId="benefit-void" onClick={() => setVoiding({ kind: "benefit", id: b.id, label: b.name })} /> : null}
                    </Td>
                  ) : null}
                </Tr>
              ))}
            </TBody>
          </Table>
        ) : (
          <None>No benefits issued to this member.</None>
        )}
      </Card>

      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Tiers">
          {data.tiers.length ? (
            <ul className="space-y-5" data-testid="tiers">
              {data.tiers.map((t) => (
                <li key={t.point_definition_id} data-testid="tier-ladder">
                  <div className="flex items-baseline justify-between gap-3">
                    <p className="text-sm text-slate-500">{t.ladder}</p>
                    <p className="text-base font-semibold text-slate-900" data-testid="tier-current">
                      {t.current?.name ?? "No tier"}
                    </p>
                  </div>
                  {t.next ? (
                    <>
                      <div
                        className="mt-2 h-2 overflow-hidden rounded-full bg-slate-100"
                        role="progressbar"
                        aria-label={`Progress to ${t.next.name}`}
                        aria-valuemin={0}
                        aria-valuemax={t.next.value_min}
                        aria-valuenow={t.points}
                      >
                        <div className="h-full rounded-full bg-brand-600" style={{ width: `${Math.round(Math.min(1, Math.max(0, t.progress)) * 100)}%` }} />
                      </div>
                      <p className="mt-1 text-xs text-slate-500">
                        {pts(t.points)} / {pts(t.next.value_min)} toward {t.next.name} · {pts(t.remaining)} to go
                      </p>
                    </>
                  ) : (
                    <p className="mt-1 text-xs text-slate-500">{pts(t.points)} points in the last 12 months · top of the ladder</p>
                  )}
                  <dl className="mt-2 grid grid-cols-2 gap-x-4 gap-y-1 text-xs">
                    <dt className="text-slate-500">Achieved</dt>
                    <dd>
                      <Time value={t.achieved_at} />
                    </dd>
                    <dt className="text-slate-500">Anniversary</dt>
                    <dd>
                      <Time value={t.anniversary_at} />
                    </dd>
                    <dt className="text-slate-500">Maintain</dt>
                    <dd data-testid="tier-maintain">{t.maintain ? (t.maintain.met ? "Met" : `${pts(t.maintain.remaining)} more needed (of ${pts(t.maintain.target)})`) : "—"}</dd>
                  </dl>
                </li>
              ))}
            </ul>
          ) : (
            <None>No tier ladders are live.</None>
          )}
        </Card>

        <Card title="Achievements">
          {data.achievements.length ? (
            <Table data-testid="achievements-table">
              <THead>
                <tr>
                  <Th>Achievement</Th>
                  <Th className="text-right">Count</Th>
                  <Th className="text-right">Level</Th>
                  <Th>Next level</Th>
                </tr>
              </THead>
              <TBody>
                {data.achievements.map((a) => (
                  <Tr key={a.achievement_definition_id}>
                    <Td className="font-medium text-slate-900">{a.name}</Td>
                    <Td className="text-right tabular-nums">{pts(a.count)}</Td>
                    <Td className="text-right tabular-nums">{a.level}</Td>
                    <Td className="text-xs">{a.next_level ? `Level ${a.next_level.level} at ${pts(a.next_level.threshold)} (${pts(a.next_level.remaining)} to go)` : "Top level"}</Td>
                  </Tr>
                ))}
              </TBody>
            </Table>
          ) : (
            <None>No achievements are live.</None>
          )}
        </Card>
      </div>

      <Card title="Ledger" description={`Every change to this member's incentives, newest first${data.ledgerPaged ? " (an older page)" : data.ledgerMore ? ` (the latest ${data.ledger.length})` : ""}.`}>
        {data.ledger.length ? (
          <Table data-testid="ledger-table">
            <THead>
              <tr>
                <Th>When</Th>
                <Th>Kind</Th>
                <Th>Action</Th>
                <Th>Definition</Th>
                <Th className="text-right">Change</Th>
                <Th>Reason</Th>
                <Th>Source</Th>
              </tr>
            </THead>
            <TBody>
              {data.ledger.map((e) => (
                <Tr key={e.id} data-testid="ledger-row">
                  <Td>
                    <Time value={e.created_at} format="datetime" />
                  </Td>
                  <Td className="capitalize">{e.kind}</Td>
                  <Td>{humanize(e.action)}</Td>
                  <Td>{e.definition ?? "—"}</Td>
                  <Td className="text-right tabular-nums">{e.amount}</Td>
                  <Td className="max-w-xs truncate" title={e.reason ?? undefined}>
                    {e.reason ?? "—"}
                  </Td>
                  <Td>
                    <Source source={e.source} />
                  </Td>
                </Tr>
              ))}
            </TBody>
          </Table>
        ) : (
          <None>Nothing recorded yet.</None>
        )}
        {data.ledgerPaged || data.ledgerNextBefore !== null ? (
          <div className="mt-3 flex justify-end gap-3 text-sm">
            {data.ledgerPaged ? (
              <Link to="?tab=incentives" className="text-brand-700 hover:underline" data-testid="ledger-newest">
                Newest entries
              </Link>
            ) : null}
            {data.ledgerNextBefore !== null ? (
              <Link to={`?tab=incentives&ledger_before=${data.ledgerNextBefore}`} className="text-brand-700 hover:underline" data-testid="ledger-older">
                Older entries →
              </Link>
            ) : null}
          </div>
        ) : null}
      </Card>

      {canIssue ? <VoidDialog target={voiding} onClose={() => setVoiding(null)} /> : null}
    </div>
  );
}
