// The import page follows its jobs over the live channel (the LiveFeed socket the profiles feed uses:
// /parties/live-feed/signups), which carries `{type: "job", item: {id, status, total, done, failed}}` as a
// job starts, at its checkpoints and when it completes. The page reads a job from the server only when it
// starts following it, when the channel says it completed (for its per-row errors), and when the channel
// has been silent about it for FALLBACK_MS (socket closed, or a message missed), instead of every 0.7 s.
import PartySocket from "partysocket";

/** How long the page waits on a silent channel before reading the job from the server anyway. */
export const FALLBACK_MS = 5_000;

export interface JobProgress {
  id: string;
  status: string;
  total: number;
  done: number;
  failed: number;
}

/** A live-channel message about a job, or null for anything else (sign-ups, snapshots, garbage). */
export function parseJobMessage(raw: unknown): JobProgress | null {
  if (typeof raw !== "string") return null;
  try {
    const m = JSON.parse(raw) as { type?: string; item?: Partial<JobProgress> };
    const i = m.item;
    if (m.type !== "job" || !i || typeof i.id !== "string" || typeof i.status !== "string") return null;
    if (![i.total, i.done, i.failed].every((n) => typeof n === "number")) return null;
    return { id: i.id, status: i.status, total: i.total!, done: i.done!, failed: i.failed! };
  } catch {
    return null;
  }
}

export class JobFollower {
  private readonly socket: PartySocket;
  private readonly latest = new Map<string, JobProgress>();
  private readonly wake = new Map<string, () => void>();

  /** `onProgress`: each message about any job, as it arrives. */
  constructor(onProgress: (p: JobProgress) => void) {
    this.socket = new PartySocket({
      host: window.location.host,
      protocol: window.location.protocol === "https:" ? "wss" : "ws",
      party: "live-feed",
      room: "signups",
    });
    this.socket.addEventListener("message", (e: MessageEvent) => {
      const p = parseJobMessage(e.data);
      if (!p) return;
      this.latest.set(p.id, p);
      onProgress(p);
      if (p.status === "completed") this.wake.get(p.id)?.();
    });
  }

  /** Resolves when the channel says the job completed (or already did), or after `ms` of waiting. */
  completedOrAfter(id: string, ms = FALLBACK_MS): Promise<void> {
    if (this.latest.get(id)?.status === "completed") return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake.delete(id);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake.set(id, done);
    });
  }

  close() {
    for (const wake of [...this.wake.values()]) wake();
    this.socket.close();
  }
}
