// Feeds the LiveFeed Durable Object from `profile.created` events: consoles with the Profiles list open
// see each new member arrive.
import type { DomainEvent } from "../platform/outbox";
import type { Services } from "../services";

export const LIVE_FEED_ROOM = "signups";

export async function feedSignup(event: DomainEvent, services: Services): Promise<void> {
  const p = event.data.profile as { id: string; full_name: string; email: string; joined_at: string } | undefined;
  if (!p) return;
  await services.env.LIVE_FEED.getByName(LIVE_FEED_ROOM).addSignup({ profile_id: p.id, full_name: p.full_name, email: p.email, joined_at: p.joined_at });
}
