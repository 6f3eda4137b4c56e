// JSON Logic conditions (earn-rate profile and product conditions, benefit eligibility): a strict
// validator for the configuration API's 422 and a total evaluator. json-logic-js itself validates
// nothing: an unknown operator only fails when evaluated, and an object with two keys is silently a
// literal. So a condition is checked here, once, when it is saved.
import jsonLogic from "json-logic-js";

/** A stored condition: JSON that the validator below has accepted. */
export type Condition = unknown;

/** How many arguments each operator we accept takes (after json-logic-js's unary sugar `{"!": x}`). */
const OPERATORS: Record<string, { min: number; max: number; odd?: boolean }> = {
  var: { min: 0, max: 2 },
  missing: { min: 1, max: Infinity },
  missing_some: { min: 2, max: 2 },
  if: { min: 3, max: Infinity, odd: true },
  "==": { min: 2, max: 2 },
  "===": { min: 2, max: 2 },
  "!=": { min: 2, max: 2 },
  "!==": { min: 2, max: 2 },
  "!": { min: 1, max: 1 },
  "!!": { min: 1, max: 1 },
  or: { min: 1, max: Infinity },
  and: { min: 1, max: Infinity },
  ">": { min: 2, max: 2 },
  ">=": { min: 2, max: 2 },
  "<": { min: 2, max: 3 },
  "<=": { min: 2, max: 3 },
  max: { min: 1, max: Infinity },
  min: { min: 1, max: Infinity },
  "+": { min: 1, max: Infinity },
  "-": { min: 1, max: 2 },
  "*": { min: 1, max: Infinity },
  "/": { min: 2, max: 2 },
  "%": { min: 2, max: 2 },
  map: { min: 2, max: 2 },
  filter: { min: 2, max: 2 },
  reduce: { min: 2, max: 3 },
  all: { min: 2, max: 2 },
  none: { min: 2, max: 2 },
  some: { min: 2, max: 2 },
  merge: { min: 0, max: Infinity },
  in: { min: 2, max: 2 },
  not_in: { min: 2, max: 2 },
  cat: { min: 1, max: Infinity },
  substr: { min: 2, max: 3 },
};

// Omneo's one operator beyond JSON Logic's set (its webhook conditions use it): `{"not_in": [a, b]}` is
// `{"!": {"in": [a, b]}}` — a not in the list b, or not a substring of the string b (true when b is missing).
jsonLogic.add_operation("not_in", (a: unknown, b: unknown) => !(b !== null && b !== undefined && typeof (b as { indexOf?: unknown }).indexOf === "function" && (b as { indexOf: (x: unknown) => number }).indexOf(a) !== -1));

/** The operators a condition may use: JSON Logic's standard set minus `log` (a side effect), plus Omneo's `not_in`. */
export const CONDITION_OPERATORS: readonly string[] = Object.keys(OPERATORS);

/** Deeper or larger than this is refused: conditions are small, and evaluation is recursive. */
export const CONDITION_MAX_DEPTH = 32;
export const CONDITION_MAX_NODES = 1000;

const FORBIDDEN_PATH_SEGMENTS = new Set(["__proto__", "prototype", "constructor"]);

/**
 * Everything wrong with a JSON Logic condition, as messages naming where ("and[1].==: ..."); empty when
 * it is valid. The root must be an operation or a boolean. Every object must be exactly one known
 * operator with the right number of arguments; values must be JSON (no undefined, NaN or Infinity);
 * `var` paths must be a string or number and may not reach into __proto__/prototype/constructor.
 */
export function conditionErrors(condition: unknown): string[] {
  const errors: string[] = [];
  let nodes = 0;
  const add = (path: string, msg: string) => errors.push(path ? `${path}: ${msg}` : msg);

  if (typeof condition !== "boolean" && !isPlainObject(condition)) {
    add("", `a condition must be a JSON Logic operation like {"==": [{"var": "tier"}, "gold"]} or true/false, got ${describe(condition)}`);
    return errors;
  }

  const walk = (node: unknown, path: string, depth: number): void => {
    if (++nodes > CONDITION_MAX_NODES) {
      if (nodes === CONDITION_MAX_NODES + 1) add("", `a condition may have at most ${CONDITION_MAX_NODES} parts`);
      return;
    }
    if (depth > CONDITION_MAX_DEPTH) {
      add(path, `nested deeper than ${CONDITION_MAX_DEPTH} levels`);
      return;
    }
    if (node === null || typeof node === "string" || typeof node === "boolean") return;
    if (typeof node === "number") {
      if (!Number.isFinite(node)) add(path, `${node} is not a JSON number`);
      return;
    }
    if (Array.isArray(node)) {
      node.forEach((v, i) => walk(v, `${path}[${i}]`, depth + 1));
      return;
    }
    if (!isPlainObject(node)) {
      add(path, `${describe(node)} is not JSON`);
      return;
    }
    const keys = Object.keys(node);
    if (keys.length !== 1) {
      add(path, keys.length === 0 ? "an empty object is not an operation" : `an operation has exactly one operator key, got ${keys.map((k) => JSON.stringify(k)).join(", ")}`);
      return;
    }
    const op = keys[0]!;
    const here = path ? `${path}.${op}` : op;
    const arity = Object.hasOwn(OPERATORS, op) ? OPERATORS[op] : undefined;
    if (!arity) {
      add(here, `unknown operator ${JSON.stringify(op)}`);
      return;
    }
    const raw = (node as Record<string, unknown>)[op];
    const args = Array.isArray(raw) ? raw : [raw];
    if (args.length < arity.min || args.length > arity.max || (arity.odd && args.length % 2 === 0)) {
      const want = arity.odd
        ? `an odd number of arguments, at least ${arity.min} (condition, then, else)`
        : arity.min === arity.max
          ? `${arity.min} argument${arity.min === 1 ? "" : "s"}`
          : arity.max === Infinity
            ? `at least ${arity.min} argument${arity.min === 1 ? "" : "s"}`
            : `${arity.min} to ${arity.max} arguments`;
      add(here, `takes ${want}, got ${args.length}`);
      return;
    }
    if (op === "var" && args.length > 0) checkVarPath(args[0], here, add);
    if (op === "missing_some") {
      if (typeof args[0] !== "number" || !Number.isInteger(args[0]) || args[0] < 0) add(here, "the first argument must be a whole number (how many must be present)");
      if (!Array.isArray(args[1])) add(here, "the second argument must be a list of variable names");
    }
    args.forEach((a, i) => walk(a, Array.isArray(raw) ? `${here}[${i}]` : here, depth + 1));
  };

  walk(condition, "", 0);
  return errors;
}

function checkVarPath(path: unknown, where: string, add: (path: string, msg: string) => void): void {
  if (path === null || isPlainObject(path)) return; // null: the whole data; an operation: a computed path
  if (typeof path === "number") return;
  if (typeof path !== "string") {
    add(where, `a variable path must be a string like "profile.tier", got ${describe(path)}`);
    return;
  }
  const bad = path.split(".").find((seg) => FORBIDDEN_PATH_SEGMENTS.has(seg));
  if (bad) add(where, `a variable path may not use "${bad}"`);
}

// validity per condition object, so a rate checked against every item of a basket is walked once
const validity = new WeakMap<object, boolean>();

function isValidCondition(condition: unknown): boolean {
  if (typeof condition !== "object" || condition === null) return conditionErrors(condition).length === 0;
  let ok = validity.get(condition);
  if (ok === undefined) {
    ok = conditionErrors(condition).length === 0;
    validity.set(condition, ok);
  }
  return ok;
}

/**
 * Whether a condition holds for some data, by JSON Logic truthiness ([] and 0 are false). A missing
 * condition (null/undefined) holds. An invalid condition never holds (json-logic-js would read a
 * two-key object as a truthy literal and grant the rate to everyone), and neither does one whose
 * evaluation throws on data of an unexpected shape: a condition we cannot vouch for grants nothing, and
 * it must not fail a sale.
 */
export function conditionHolds(condition: Condition | null | undefined, data: unknown): boolean {
  if (condition === null || condition === undefined) return true;
  if (!isValidCondition(condition)) return false;
  try {
    return jsonLogic.truthy(jsonLogic.apply(condition as Parameters<typeof jsonLogic.apply>[0], data));
  } catch {
    return false;
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function describe(v: unknown): string {
  if (v === undefined) return "undefined";
  if (typeof v === "function") return "a function";
  if (typeof v === "number" && !Number.isFinite(v)) return String(v);
  if (v instanceof Date) return "a Date";
  if (Array.isArray(v)) return "a list";
  try {
    return JSON.stringify(v) ?? typeof v;
  } catch {
    return typeof v;
  }
}
