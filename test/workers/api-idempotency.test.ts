// Idempotency-Key on API writes: a retry replays the first response, a reused key with another body is
// refused, mistakes (4xx) are replayed too, and keys belong to one token.
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { apiTokens, auditLog, idempotencyKeys } from "../../db/schema/access";
import { sha256Hex } from "../../workers/platform/crypto";
import { api, countRows, makeToken, problem, services } from "./helpers";

let token: string;
let tokenId: string;
beforeAll(async () => {
  const made = await makeToken(["*"]);
  token = made.token;
  tokenId = made.record.id;
});

function create(body: unknown, key: string | null, as = token) {
  return api("/auth/api-tokens", { method: "POST", token: as, json: body, headers: key === null ? {} : { "Idempotency-Key": key } });
}

const named = (name: string) => countRows(apiTokens, eq(apiTokens.name, name));

describe("Idempotency-Key", () => {
  it("the same key and body replays the first response: same token, one row, Idempotent-Replayed", async () => {
    const key = crypto.randomUUID();
    const body = { name: "replayed", scopes: ["profiles:read"] };

    const first = await create(body, key);
    expect(first.status).toBe(201);
    expect(first.headers.get("Idempotent-Replayed")).toBeNull();
    const firstText = await first.text();
    const auditAfterFirst = await countRows(auditLog);

    const second = await create(body, key);
    expect(second.status).toBe(201);
    expect(second.headers.get("Idempotent-Replayed")).toBe("true");
    expect(second.headers.get("Content-Type")).toMatch(/^application\/json/);
    // the same token record; the secret is shown once, so the replay names the token without it
    type Created = { data: Record<string, unknown> & { id: string; token: string | null } };
    const { token: firstSecret, ...firstData } = (JSON.parse(firstText) as Created).data;
    const { token: secondSecret, ...secondData } = ((await second.json()) as Created).data;
    expect(secondData).toEqual(firstData);
    expect(firstSecret).toMatch(/^le_/);
    expect(secondSecret).toBeNull();

    expect(await named("replayed")).toBe(1);
    expect(await countRows(auditLog)).toBe(auditAfterFirst);
  });

  it("a body that differs only in key order or spacing is a different request", async () => {
    // the request hash is over the raw body: clients must resend the same bytes
    const key = crypto.randomUUID();
    expect((await create({ name: "order a", scopes: ["profiles:read"] }, key)).status).toBe(201);
    const reordered = await api("/auth/api-tokens", {
      method: "POST",
      token,
      body: '{"scopes":["profiles:read"],"name":"order a"}',
      headers: { "Content-Type": "application/json", "Idempotency-Key": key },
    });
    expect(reordered.status).toBe(422);
  });

  it("the same key with a different body is a 422 and creates nothing", async () => {
    const key = crypto.randomUUID();
    expect((await create({ name: "original", scopes: ["profiles:read"] }, key)).status).toBe(201);
    const before = await countRows(apiTokens);

    const res = await create({ name: "different", scopes: ["profiles:read"] }, key);
    expect(res.status).toBe(422);
    expect(res.headers.get("Idempotent-Replayed")).toBeNull();
    expect(await problem(res)).toMatchObject({
      code: "idempotency_key_reused",
      title: "Idempotency-Key reused with a different request",
      detail: expect.stringContaining("POST /api/v3/auth/api-tokens"),
    });
    expect(await countRows(apiTokens)).toBe(before);
    expect(await named("different")).toBe(0);
  });

  it("a 4xx answer is stored and replayed as it was", async () => {
    const key = crypto.randomUUID();
    const body = { name: "too late", scopes: ["profiles:read"], expires_at: "2020-01-01T00:00:00Z" };
    const first = await create(body, key);
    expect(first.status).toBe(422);
    const firstBody = await problem(first);
    expect(firstBody.errors).toHaveProperty("expires_at");

    const second = await create(body, key);
    expect(second.status).toBe(422);
    expect(second.headers.get("Idempotent-Replayed")).toBe("true");
    // the very same answer, request id included
    expect(await problem(second)).toEqual(firstBody);
    expect(await named("too late")).toBe(0);
  });

  it("a zod validation failure is replayed too", async () => {
    const key = crypto.randomUUID();
    const first = await create({ name: "" }, key);
    expect(first.status).toBe(422);
    const second = await create({ name: "" }, key);
    expect(second.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await second.text()).toBe(await first.text());
  });

  it("keys belong to one token: another token's same key and body runs anew", async () => {
    const key = crypto.randomUUID();
    const body = { name: "per token", scopes: ["profiles:read"] };
    const mine = await create(body, key);
    expect(mine.status).toBe(201);

    const other = await makeToken(["*"]);
    const theirs = await create(body, key, other.token);
    expect(theirs.status).toBe(201);
    expect(theirs.headers.get("Idempotent-Replayed")).toBeNull();
    const [a, b] = [(await mine.json()) as { data: { id: string } }, (await theirs.json()) as { data: { id: string } }];
    expect(b.data.id).not.toBe(a.data.id);
    expect(await named("per token")).toBe(2);
    expect(await countRows(idempotencyKeys, eq(idempotencyKeys.key, key))).toBe(2);
  });

  it("without a key, the same request twice creates two tokens (control)", async () => {
    const body = { name: "no key", scopes: ["profiles:read"] };
    expect((await create(body, null)).status).toBe(201);
    expect((await create(body, null)).status).toBe(201);
    expect(await named("no key")).toBe(2);
  });

  it.each([
    { name: "empty", key: "" },
    { name: "with a space", key: "my key" },
    { name: "with a tab", key: "key\tone" },
    { name: "longer than 255 characters", key: "k".repeat(256) },
  ])("a key that is $name is a 422 naming Idempotency-Key", async ({ key }) => {
    const before = [await countRows(apiTokens), await countRows(idempotencyKeys)];
    const res = await create({ name: "bad key", scopes: ["profiles:read"] }, key);
    expect(res.status).toBe(422);
    expect(Object.keys((await problem(res)).errors!)).toEqual(["Idempotency-Key"]);
    expect([await countRows(apiTokens), await countRows(idempotencyKeys)]).toEqual(before);
  });

  it("the stored key records the caller, method, path, request hash and answer", async () => {
    const key = crypto.randomUUID();
    const body = { name: "recorded", scopes: ["profiles:read"] };
    const created = await create(body, key);
    expect(created.status).toBe(201);
    const secret = ((await created.json()) as { data: { token: string } }).data.token;
    const row = await services().db.query.idempotencyKeys.findFirst({
      where: and(eq(idempotencyKeys.actor, `token:${tokenId}`), eq(idempotencyKeys.key, key)),
    });
    expect(row).toMatchObject({
      method: "POST",
      path: "/api/v3/auth/api-tokens",
      requestHash: await sha256Hex(JSON.stringify(body)),
      statusCode: 201,
      contentType: expect.stringMatching(/^application\/json/),
    });
    // secrets are stored hashed only: the kept response never holds the token itself
    expect(row!.responseBody).not.toContain(secret);
    expect(JSON.parse(row!.responseBody!).data.token).toBeNull();
  });
});
