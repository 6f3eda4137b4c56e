// Reward definitions' targets (Omneo's issue_target_id, expiry_target_id, extend_target_id): the `reward-targets`
// event handler sends a reward's definition's target when the reward is issued (after notify_issue_offset_days),
// at each expiry reminder (reward.expiring, fired at the definition's notification_offsets) and when it is
// extended (after notify_extend_offset_days). One delivery per (event, target): a redelivered event sends nothing twice.
import { eq } from "drizzle-orm";
import { rewardDefinitions } from "../../db/schema";
import { buildEventContext } from "../events/context";
import type { DomainEvent } from "../platform/outbox";
import type { Services } from "../services";

export const REWARD_TARGET_EVENTS = ["reward.issued", "reward.expiring", "reward.extended"] as const;

/** Which target of a definition an event fires, and how many days it waits. Pure. */
export function rewardTargetFor(
  type: string,
  def: Pick<typeof rewardDefinitions.$inferSelect, "issueTargetId" | "expiryTargetId" | "extendTargetId" | "notifyIssueOffsetDays" | "notifyExtendOffsetDays">,
): { targetId: string; delayDays: number } | null {
  if (type === "reward.issued" && def.issueTargetId) return { targetId: def.issueTargetId, delayDays: def.notifyIssueOffsetDays ?? 0 };
  if (type === "reward.expiring" && def.expiryTargetId) return { targetId: def.expiryTargetId, delayDays: 0 };
  if (type === "reward.extended" && def.extendTargetId) return { targetId: def.extendTargetId, delayDays: def.notifyExtendOffsetDays ?? 0 };
  return null;
}

export async function sendRewardTargets(event: DomainEvent, services: Services): Promise<void> {
  const definitionId = (event.data as { reward_definition_id?: unknown }).reward_definition_id;
  if (typeof definitionId !== "string") return;
  const def = await services.db.query.rewardDefinitions.findFirst({ where: eq(rewardDefinitions.id, definitionId) });
  const fire = def ? rewardTargetFor(event.type, def) : null;
  if (!fire) return;
  const context = await buildEventContext(event, services);
  await services.targets.sendTarget(fire.targetId, context, { key: `${event.id}:reward-target`, eventId: event.id, eventType: event.type, delaySeconds: fire.delayDays * 86_400 }).catch((err: unknown) => {
    // a target deleted since the definition named it: nothing to send, and no reason to retry the event
    if ((err as { code?: string }).code === "not_found") return null;
    throw err;
  });
}
