// Bad input on the API: every kind is answered with the right problem, and none of them writes anything.
import { beforeAll, describe, expect, it } from "vitest";
import { apiTokens, auditLog } from "../../db/schema/access";
import { MAX_BODY_BYTES } from "../../workers/api";
import { api, countRows, makeToken, problem } from "./helpers";

let token: string;
beforeAll(async () => {
  token = (await makeToken(["*"])).token;
});

async function writes() {
  return { tokens: await countRows(apiTokens), audit: await countRows(auditLog) };
}

/** Run a request and assert it changed no row; returns the response. */
async function withoutWrites(send: () => Promise<Response>): Promise<Response> {
  const before = await writes();
  const res = await send();
  // read the body before counting, so the whole request has run
  const clone = res.clone();
  await clone.arrayBuffer();
  expect(await writes()).toEqual(before);
  return res;
}

function postRaw(body: BodyInit, contentType: string | null, extra: Record<string, string> = {}) {
  const headers: Record<string, string> = { ...extra };
  if (contentType) headers["Content-Type"] = contentType;
  return api("/auth/api-tokens", { method: "POST", token, body, headers });
}

describe("bad bodies", () => {
  it.each([
    { name: "a truncated object", body: '{"name": "pos", "scopes": [' },
    { name: "a trailing comma", body: '{"name": "pos", "scopes": ["*"],}' },
    { name: "single quotes", body: "{'name': 'pos'}" },
    { name: "not JSON at all", body: "name=pos" },
  ])("malformed JSON ($name) is a 400 problem", async ({ body }) => {
    const res = await withoutWrites(() => postRaw(body, "application/json"));
    expect(res.status).toBe(400);
    expect(await problem(res)).toMatchObject({ status: 400, code: "malformed_json", title: "Malformed JSON", type: "https://loyalty-edge.dev/problems/malformed-json" });
  });

  it.each([
    { name: "no fields", json: {}, fields: { name: ["Name is required"], scopes: ["Scopes must be a list"] } },
    {
      name: "wrong types",
      json: { name: 42, scopes: "profiles:read", expires_at: 1767225600, user_id: 7 },
      fields: { name: ["Name is required"], scopes: ["Scopes must be a list"], expires_at: expect.any(Array), user_id: expect.any(Array) },
    },
    { name: "an empty scope list", json: { name: "pos", scopes: [] }, fields: { scopes: ["Choose at least one scope"] } },
    {
      name: "an unknown scope",
      json: { name: "pos", scopes: ["profiles:read", "root"] },
      fields: { "scopes.1": [expect.stringContaining("Scope must be one of: profiles:read")] },
    },
    { name: "a blank name", json: { name: "   ", scopes: ["*"] }, fields: { name: ["Name is required"] } },
    { name: "a long name", json: { name: "n".repeat(101), scopes: ["*"] }, fields: { name: ["Name must be at most 100 characters"] } },
    { name: "a user_id that is not a UUID", json: { name: "pos", scopes: ["*"], user_id: "bob" }, fields: { user_id: ["user_id must be a UUID"] } },
    { name: "an array instead of an object", json: [{ name: "pos" }], fields: { body: expect.any(Array) } },
  ])("$name is a 422 naming each bad field", async ({ json, fields }) => {
    const res = await withoutWrites(() => api("/auth/api-tokens", { method: "POST", token, json }));
    expect(res.status).toBe(422);
    const body = await problem(res);
    expect(body).toMatchObject({ code: "validation_failed", title: "Validation failed" });
    expect(body.errors).toEqual(fields);
    expect(Object.keys(body.errors!).sort()).toEqual(Object.keys(fields).sort());
    // the detail names the fields too
    for (const field of Object.keys(fields)) expect(body.detail).toContain(field);
  });

  it.each([
    { name: "form-encoded", contentType: "application/x-www-form-urlencoded", body: "name=pos&scopes=*" },
    { name: "plain text", contentType: "text/plain", body: JSON.stringify({ name: "pos", scopes: ["*"] }) },
    { name: "multipart", contentType: "multipart/form-data; boundary=x", body: '--x\r\nContent-Disposition: form-data; name="name"\r\n\r\npos\r\n--x--' },
    { name: "no Content-Type", contentType: null, body: JSON.stringify({ name: "pos", scopes: ["*"] }) },
  ])("a $name body is a 415", async ({ contentType, body }) => {
    const res = await withoutWrites(() => postRaw(new TextEncoder().encode(body), contentType));
    expect(res.status).toBe(415);
    expect(await problem(res)).toMatchObject({ code: "unsupported_media_type", status: 415 });
  });

  it("a JSON body with a charset parameter is accepted (control for the 415s)", async () => {
    const res = await postRaw(JSON.stringify({ name: "charset ok", scopes: ["profiles:read"] }), "application/json; charset=utf-8");
    expect(res.status).toBe(201);
  });

  it("a body over 1 MB is a 413", async () => {
    const json = JSON.stringify({ name: "big", scopes: ["*"], padding: "x".repeat(MAX_BODY_BYTES) });
    expect(json.length).toBeGreaterThan(1024 * 1024);
    const res = await withoutWrites(() => postRaw(json, "application/json"));
    expect(res.status).toBe(413);
    expect(await problem(res)).toMatchObject({ code: "payload_too_large", detail: "The request body is larger than the 1 MB limit" });
  });

  it("a body just under 1 MB gets past the size limit (and fails on its content instead)", async () => {
    const json = JSON.stringify({ name: "n".repeat(MAX_BODY_BYTES - 100), scopes: ["*"] });
    expect(json.length).toBeLessThanOrEqual(MAX_BODY_BYTES);
    const res = await withoutWrites(() => postRaw(json, "application/json"));
    expect(res.status).toBe(422);
    expect((await problem(res)).errors).toHaveProperty("name");
  });
});

describe("bad query parameters", () => {
  it.each([
    { query: "page[size]=0", field: "page[size]" },
    { query: "page[size]=101", field: "page[size]" },
    { query: "page[size]=abc", field: "page[size]" },
    { query: "page%5Bsize%5D=-1", field: "page[size]" },
    { query: "page[number]=0", field: "page[number]" },
  ])("?$query is a 422 naming $field", async ({ query, field }) => {
    const res = await withoutWrites(() => api(`/auth/api-tokens?${query}`, { token }));
    expect(res.status).toBe(422);
    const body = await problem(res);
    expect(body.code).toBe("validation_failed");
    expect(Object.keys(body.errors!)).toEqual([field]);
  });

  it.each(["page[size]=1", "page[size]=100", "page[number]=2&page[size]=1"])("?%s is fine", async (query) => {
    const res = await api(`/auth/api-tokens?${query}`, { token });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { meta: { per_page: number } };
    expect(body.meta.per_page).toBe(Number(new URLSearchParams(query).get("page[size]")));
  });
});
