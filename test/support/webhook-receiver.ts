// A webhook receiver for the workers lane, plugged in as miniflare's outbound service: every fetch the
// worker makes to https://*.receiver.test lands here (in Node), anything else goes to the network.
// A URL path /<bucket>/<mode> picks the behaviour: ok (200), fail/<n> (503 for the first n requests
// of each webhook-id, then 200), gone (410), error (500), redirect (302). Tests read what a bucket
// received from https://receiver.test/__log/<bucket> and may switch a bucket's mode with
// POST https://receiver.test/__mode/<bucket> (body: the mode), so a dead endpoint can recover.
interface Received {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  status: number;
}

const log = new Map<string, Received[]>();
const seen = new Map<string, number>();
const modes = new Map<string, string>();

export async function webhookReceiver(request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (!url.hostname.endsWith("receiver.test")) return fetch(request);
  const [first, second, ...rest] = url.pathname.split("/").filter(Boolean);
  if (first === "__log") return Response.json(log.get(second ?? "") ?? []);
  if (first === "__mode") {
    modes.set(second ?? "", await request.text());
    return new Response(null, { status: 204 });
  }
  const bucket = first ?? "default";
  const mode = modes.get(bucket) ?? [second ?? "ok", ...rest].join("/");
  const id = request.headers.get("webhook-id") ?? request.headers.get("idempotency-key") ?? "";
  const n = (seen.get(`${bucket}:${id}`) ?? 0) + 1;
  seen.set(`${bucket}:${id}`, n);
  let status = 200;
  if (mode.startsWith("fail/")) status = n <= Number(mode.slice(5)) ? 503 : 200;
  else if (mode === "gone") status = 410;
  else if (mode === "error") status = 500;
  else if (mode === "redirect") status = 302;
  const entry: Received = { method: request.method, url: request.url, headers: Object.fromEntries(request.headers), body: await request.text(), status };
  log.set(bucket, [...(log.get(bucket) ?? []), entry]);
  if (status === 302) return new Response(null, { status, headers: { location: "https://elsewhere.example.com/" } });
  return new Response(status === 200 ? "ok" : `receiver says ${status}`, { status });
}
