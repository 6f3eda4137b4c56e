// Issue 14: the OpenAPI document must say what the server accepts. For every JSON body field the
// document describes (top level and inside nested objects and arrays of objects), this sends the field
// alone with a probe value and reads the 422's `errors` for that field:
// - null: accepted exactly when the document says the field is nullable;
// - "10.5" (a numeric string): refused where the document allows only numbers;
// - 10.5: refused where the document allows only strings, or only integers.
// Probes send nothing else, so the answer for other fields is ignored; a field the server names is refused.
import { describe, expect, it } from "vitest";
import { api, makeToken } from "../helpers";

type Schema = {
  type?: string | string[];
  nullable?: boolean;
  properties?: Record<string, Schema>;
  items?: Schema;
  $ref?: string;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  enum?: unknown[];
  pattern?: string;
};
type Doc = { paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: Schema }> } }>>; components?: { schemas?: Record<string, Schema> } };

let doc: Doc;

function resolve(s: Schema | undefined): Schema {
  if (!s) return {};
  if (s.$ref) return resolve(doc.components?.schemas?.[s.$ref.split("/").pop()!]);
  if (s.allOf?.length === 1) return resolve(s.allOf[0]);
  return s;
}

/** The JSON types a schema admits ("null", "string", "number", "integer", "boolean", "object", "array"; "any" if unconstrained). */
function typesOf(schema: Schema | undefined): Set<string> {
  const s = resolve(schema);
  const out = new Set<string>();
  const variants = s.anyOf ?? s.oneOf;
  if (variants) for (const v of variants) for (const t of typesOf(v)) out.add(t);
  // an enum admits its values' types only, whatever `type` says
  if (s.enum) for (const e of s.enum) out.add(e === null ? "null" : typeof e === "number" ? (Number.isInteger(e) ? "integer" : "number") : typeof e);
  else if (s.type) for (const t of Array.isArray(s.type) ? s.type : [s.type]) out.add(t);
  if (s.nullable) out.add("null");
  if (!out.size) out.add("any");
  if (out.has("number")) out.add("integer");
  return out;
}

interface Field {
  path: string[];
  /** where the field sits: a key in an object, or in the first element of an array */
  at: Array<string | 0>;
  schema: Schema;
}

function fieldsOf(schema: Schema, at: Array<string | 0> = [], depth = 0): Field[] {
  const s = resolve(schema);
  if (depth > 2) return [];
  const out: Field[] = [];
  for (const [name, prop] of Object.entries(s.properties ?? {})) {
    const here = [...at, name];
    out.push({ path: here.map(String), at: here, schema: prop });
    const p = resolve(prop);
    const types = typesOf(p);
    if (types.has("object") && p.properties) out.push(...fieldsOf(p, here, depth + 1));
    const items = resolve(p.items);
    if (types.has("array") && items.properties) out.push(...fieldsOf(items, [...here, 0], depth + 1));
  }
  return out;
}

/** Set a value at a path in a body under construction (0 = the first element of an array). */
function setAt(body: Record<string, unknown>, at: Array<string | 0>, value: unknown) {
  let node: Record<string | number, unknown> = body;
  at.forEach((key, i) => {
    if (i === at.length - 1) node[key] = value;
    else node = (node[key] ??= at[i + 1] === 0 ? [] : {}) as Record<string | number, unknown>;
  });
}

type Kind = "null" | "numeric string" | "fraction";
const PROBE: Record<Kind, unknown> = { null: null, "numeric string": "10.5", fraction: 10.5 };

/** Whether the document says a field takes the probe, or null when the probe says nothing about it. */
function documented(kind: Kind, types: Set<string>): boolean | null {
  if (kind === "null") return types.has("null");
  if (kind === "numeric string") return types.has("number") || types.has("integer") ? types.has("string") : null;
  return types.has("string") || types.has("integer") ? types.has("number") : null;
}

describe("the OpenAPI document against the server", () => {
  it("accepts null, numeric strings and fractions in a body field exactly where the document says so", async () => {
    doc = (await (await api("/openapi.json")).json()) as Doc;
    // an Admin's: /users answers only an Admin's * token (a Machine user's is a 403 before the body is read)
    let token = (await makeToken(["*"], { role: "admin" })).token;
    let sent = 0;
    const mismatches: string[] = [];
    const patterns: string[] = [];
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const schema = op.requestBody?.content?.["application/json"]?.schema;
        if (!schema) continue;
        const url = path.replace(/\{\w+\}/g, () => crypto.randomUUID());
        const fields = fieldsOf(schema);
        for (const field of fields) {
          const p = resolve(field.schema).pattern;
          if (p && /\/[a-z]*$/.test(p)) patterns.push(`${method.toUpperCase()} ${path} ${field.path.join(".")}: ${p}`);
        }
        // one request per probe and nesting depth: the 422 names every refused field at once
        const depths = [...new Set(fields.map((f) => f.path.length))];
        for (const kind of Object.keys(PROBE) as Kind[]) {
          for (const depth of depths) {
            const probed = fields.flatMap((f) => {
              const types = typesOf(f.schema);
              const accepted = f.path.length === depth && !types.has("any") ? documented(kind, types) : null;
              return accepted === null ? [] : [{ f, accepted }];
            });
            if (!probed.length) continue;
            const body: Record<string, unknown> = {};
            for (const { f } of probed) setAt(body, f.at, PROBE[kind]);
            // a fresh token every 400 requests keeps the probe under the per-token rate limit
            if (++sent % 400 === 0) token = (await makeToken(["*"], { role: "admin" })).token;
            const res = await api(url, { method: method.toUpperCase(), token, json: body });
            const answer = res.status === 422 ? ((await res.json()) as { errors?: Record<string, string[]> }) : (await res.body?.cancel(), {});
            const named = Object.keys(answer.errors ?? {});
            for (const { f, accepted } of probed) {
              const name = f.path.join(".");
              const refused = named.some((k) => k === name || k.startsWith(`${name}.`));
              if (refused === accepted) {
                mismatches.push(`${method.toUpperCase()} ${path} ${name}=${JSON.stringify(PROBE[kind])}: document ${accepted ? "allows" : "forbids"} it, server ${refused ? "refused" : `accepted (${res.status})`}`);
              }
            }
          }
        }
      }
    }
    console.log(`openapi conformance: ${sent} requests, ${mismatches.length} mismatches`);
    expect(sent).toBeGreaterThan(50);
    expect(patterns).toEqual([]);
    expect(mismatches).toEqual([]);
  }, 110_000);
});
