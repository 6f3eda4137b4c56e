// A batch job's progress pushed over the live channel (the LiveFeed object the profiles feed uses), so the
// Settings → Imports page follows a job without polling it. Best effort: a push that fails is logged and
// the job goes on; GET /jobs/{id} (and the page's slow fallback read) stays the source of truth.
import type { JobProgressItem } from "../profiles/live-feed.do";
import { LIVE_FEED_ROOM } from "../profiles/live-feed";
import type { CoreServices } from "../services";
import type { BatchJobRow } from "./views";

export function progressItem(job: Pick<BatchJobRow, "id" | "kind" | "status" | "total" | "processed" | "failed">): JobProgressItem {
  return { id: job.id, type: job.kind, status: job.status, total: job.total, done: job.processed, failed: job.failed };
}

export async function pushProgress(services: Pick<CoreServices, "env">, job: Pick<BatchJobRow, "id" | "kind" | "status" | "total" | "processed" | "failed">): Promise<void> {
  try {
    await services.env.LIVE_FEED.getByName(LIVE_FEED_ROOM).jobProgress(progressItem(job));
  } catch (err) {
    console.warn("imports: could not push a job's progress to the live channel", job.id, err instanceof Error ? err.message : err);
  }
}
