// Strict request bodies at the API edge: every object in a body schema, however deep, refuses a field
// it does not declare (a 422 naming it, e.g. `items.0.colour`), so a typo or an Omneo-only field never
// passes silently. Omneo fields we accept by name but do not model are declared per route as
// `ignored`: listed in the OpenAPI document as accepted-and-ignored, and dropped before the service.
// The console parses the same schemas loosely (its forms carry extra controls such as `intent`).
import { z } from "@hono/zod-openapi";
import { zodToOpenAPIRegistry } from "@asteasolutions/zod-to-openapi";

type AnyDef = { type: string; shape?: Record<string, z.ZodType>; innerType?: z.ZodType; element?: z.ZodType; in?: z.ZodType; options?: z.ZodType[] };
type Cloneable = z.ZodType & { clone(def: unknown): z.ZodType; _zod: { def: AnyDef } };

const cache = new WeakMap<z.ZodType, z.ZodType>();

/** The same schema with every nested object strict; OpenAPI names and descriptions are kept. */
export function strictDeep<T extends z.ZodType>(schema: T): T {
  const hit = cache.get(schema);
  if (hit) return hit as T;
  const s = schema as unknown as Cloneable;
  const def = s._zod.def;
  let out: z.ZodType;
  switch (def.type) {
    case "object":
      out = s.clone({ ...def, shape: Object.fromEntries(Object.entries(def.shape!).map(([k, v]) => [k, strictDeep(v)])), catchall: z.never() });
      break;
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "nonoptional":
    case "readonly":
    case "catch":
      out = s.clone({ ...def, innerType: strictDeep(def.innerType!) });
      break;
    case "array":
      out = s.clone({ ...def, element: strictDeep(def.element!) });
      break;
    case "pipe":
      out = s.clone({ ...def, in: strictDeep(def.in!) });
      break;
    case "union":
      out = s.clone({ ...def, options: def.options!.map((o) => strictDeep(o)) });
      break;
    default:
      out = schema;
  }
  const meta = zodToOpenAPIRegistry.get(schema);
  if (meta && out !== schema) zodToOpenAPIRegistry.add(out, meta);
  documentNull(schema, out);
  cache.set(schema, out);
  return out as T;
}

/**
 * zod-to-openapi drops the null of a nullable field whose schema names its OpenAPI `type` or `anyOf`
 * in metadata (`identifier().nullish()` was documented as a plain string), so the document forbade a
 * null the server takes. Where a schema's own metadata names the type and the schema itself takes
 * null, the metadata says so (its metadata wins over any inner schema's).
 */
type TypeMeta = { type?: unknown; enum?: unknown[]; anyOf?: Array<{ type?: unknown }> };
const WRAPPERS = new Set(["optional", "nullable", "default", "prefault", "readonly", "nonoptional"]);
/** The metadata the generator reads for a schema: its own over its wrapped schemas'. */
function collected(schema: z.ZodType): TypeMeta | undefined {
  const def = (schema as unknown as Cloneable)._zod.def;
  const inner = WRAPPERS.has(def.type) && def.innerType ? collected(def.innerType) : undefined;
  const own = zodToOpenAPIRegistry.get(schema) as TypeMeta | undefined;
  return inner || own ? { ...inner, ...own } : undefined;
}
function documentNull(original: z.ZodType, out: z.ZodType) {
  const meta = collected(out);
  if (!meta || !(typeof meta.type === "string" || Array.isArray(meta.anyOf))) return;
  if (Array.isArray(meta.anyOf) && meta.anyOf.some((v) => v.type === "null")) return;
  let takesNull = false;
  try {
    takesNull = original.safeParse(null).success;
  } catch {
    // a transform that cannot take null: it does not
  }
  if (!takesNull) return;
  const fix: TypeMeta = { ...meta };
  if (typeof meta.type === "string") fix.type = [meta.type, "null"];
  if (meta.anyOf) fix.anyOf = [...meta.anyOf, { type: "null" }];
  if (meta.enum && !meta.enum.includes(null)) fix.enum = [...meta.enum, null];
  zodToOpenAPIRegistry.add(out, fix as never);
}

/** Document the nulls a schema (already as declared, not made strict) takes, however deep: see documentNull. */
export function documentNulls<T extends z.ZodType>(schema: T, seen = new WeakSet<z.ZodType>()): T {
  if (seen.has(schema)) return schema;
  seen.add(schema);
  const def = (schema as unknown as Cloneable)._zod.def;
  const inner = [...Object.values(def.shape ?? {}), def.innerType, def.element, def.in, ...(def.options ?? [])];
  for (const s of inner) if (s) documentNulls(s, seen);
  documentNull(schema, schema);
  return schema;
}

/**
 * A route's JSON body: the schema made strict, plus Omneo's fields that are accepted by name and
 * ignored (documented as such, removed before the handler sees the body).
 */
export function strictBody<T extends z.ZodType>(schema: T, ignored: readonly string[] = []) {
  let body: z.ZodType = strictDeep(schema);
  if (ignored.length) {
    const def = (body as unknown as Cloneable)._zod.def;
    if (def.type !== "object") throw new Error("ignored fields need an object body");
    const extra = Object.fromEntries(ignored.map((k) => [k, z.unknown().optional().openapi({ description: "Omneo field: accepted and ignored (not modelled here)" })]));
    const widened = (body as unknown as Cloneable).clone({ ...def, shape: { ...def.shape, ...extra } });
    // inlined in the document (no component name): the same input may be used elsewhere without them
    body = widened.transform((v) => {
      const copy = { ...(v as Record<string, unknown>) };
      for (const k of ignored) delete copy[k];
      return copy;
    });
  }
  return { required: true, content: { "application/json": { schema: body as T } } };
}
