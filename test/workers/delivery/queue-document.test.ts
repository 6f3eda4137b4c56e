// The webhook's `queue` as the document states it and as the server takes it: Omneo's rule is that any string
// other than high or default means low, so the document must not list an enum the server does not enforce.
import { describe, expect, it } from "vitest";
import { api, makeToken } from "../helpers";

type Schema = { $ref?: string; properties?: Record<string, Schema>; enum?: unknown[]; type?: unknown; anyOf?: Schema[] };

describe("the webhook queue field", () => {
  it("is documented as any string and stored as low when it is not high or default", async () => {
    const doc = (await (await api("/openapi.json")).json()) as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: Schema }> } }>>; components: { schemas: Record<string, Schema> } };
    const deref = (s: Schema): Schema => (s.$ref ? deref(doc.components.schemas[s.$ref.split("/").pop()!]!) : s);
    const body = deref(doc.paths["/webhooks"]!.post!.requestBody!.content["application/json"]!.schema);
    const queue = body.properties!.queue!;
    const variants = queue.anyOf ?? [queue];
    expect(variants.some((v) => v.enum)).toBe(false);

    const { token } = await makeToken(["*"]);
    const res = await api("/webhooks", { method: "POST", token, json: { trigger: "profile.created", url: `https://hooks.example.com/q-${crypto.randomUUID()}`, queue: "urgent" } });
    expect(res.status).toBe(201);
    expect(((await res.json()) as { data: { queue: string } }).data.queue).toBe("low");
  });
});
