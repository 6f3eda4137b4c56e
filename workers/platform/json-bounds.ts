// Bounds on client JSON, so a body cannot overflow a recursive walk (canonical hashing, conditions,
// serialisers) or make an event too large for the queue. Pure, and iterative on purpose.
import { z } from "@hono/zod-openapi";

/** No API body nests deeper than this (arrays and objects); checked on the raw text, before parsing. */
export const MAX_BODY_DEPTH = 32;

/** The deepest nesting of arrays/objects in a JSON text, found by one scan that skips strings. */
export function jsonTextDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 92 /* \ */) i++;
      else if (ch === 34 /* " */) inString = false;
    } else if (ch === 34) inString = true;
    else if (ch === 123 /* { */ || ch === 91 /* [ */) {
      depth++;
      if (depth > max) max = depth;
    } else if (ch === 125 || ch === 93) depth--;
  }
  return max;
}

export interface JsonShape {
  depth: number;
  keys: number;
  bytes: number;
}

/** Depth, total keys/elements and serialised size of a parsed value, walked without recursion. */
export function jsonShape(value: unknown): JsonShape {
  let depth = 0;
  let keys = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    const level = d + 1;
    if (level > depth) depth = level;
    const children = Array.isArray(v) ? v : Object.values(v as Record<string, unknown>);
    keys += children.length;
    for (const child of children) stack.push([child, level]);
  }
  const bytes = depth > MAX_BODY_DEPTH ? Infinity : new TextEncoder().encode(JSON.stringify(value) ?? "").length;
  return { depth, keys, bytes };
}

export interface JsonBounds {
  maxDepth: number;
  maxKeys: number;
  maxBytes: number;
}

/** Free-form JSON (meta, a json attribute): the default bounds keep an event well under the queue's 128 KB. */
export const FREE_JSON_BOUNDS: JsonBounds = { maxDepth: 8, maxKeys: 500, maxBytes: 16 * 1024 };

/** The problem with a value's shape against bounds, or null when it fits. */
export function jsonBoundsError(field: string, value: unknown, bounds: JsonBounds = FREE_JSON_BOUNDS): string | null {
  const shape = jsonShape(value);
  if (shape.depth > bounds.maxDepth) return `${field} nests more than ${bounds.maxDepth} levels deep`;
  if (shape.keys > bounds.maxKeys) return `${field} holds more than ${bounds.maxKeys} keys and elements`;
  if (shape.bytes > bounds.maxBytes) return `${field} is larger than ${Math.round(bounds.maxBytes / 1024)} KB as JSON`;
  return null;
}

/** A free-form JSON object (meta): any keys, bounded in depth, count and size. */
export function boundedJsonObject(field: string, bounds: JsonBounds = FREE_JSON_BOUNDS) {
  return z
    .record(z.string(), z.unknown())
    .superRefine((v, ctx) => {
      const problem = jsonBoundsError(field, v, bounds);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    })
    .openapi({ description: `Free-form JSON object: at most ${bounds.maxDepth} levels deep, ${bounds.maxKeys} keys and ${Math.round(bounds.maxBytes / 1024)} KB` });
}
