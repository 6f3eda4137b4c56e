// Target payload templates: Twig, as Omneo brands already write them, rendered with the event context.
// twig.js interprets a token tree (no eval), so it runs inside workerd. Omneo documents the filters
// `number_format`, `date` and `currency`; twig.js has the first two, `currency` is added here.
// Includes and extends are refused (an inline template has no loader). Errors name their line.
import Twig from "twig";

export class TemplateError extends Error {
  constructor(
    message: string,
    readonly line: number | null,
  ) {
    super(line ? `line ${line}: ${message}` : message);
  }
}

let extended = false;
function extend() {
  if (extended) return;
  extended = true;
  // {{ 12.5|currency }} → "$12.50"; {{ 12.5|currency('EUR', 'de-DE') }} → "12,50 €"
  Twig.extendFilter("currency", (value: unknown, params: unknown[] | false) => {
    const [code, locale] = Array.isArray(params) ? params : [];
    const n = typeof value === "number" ? value : Number(value);
    if (!Number.isFinite(n)) return "";
    return new Intl.NumberFormat(typeof locale === "string" ? locale : "en-AU", { style: "currency", currency: typeof code === "string" ? code : "AUD" }).format(n);
  });
}

const compiled = new Map<string, ReturnType<typeof Twig.twig>>();

function compile(source: string) {
  extend();
  let t = compiled.get(source);
  if (!t) {
    t = Twig.twig({ data: source, rethrow: true, allowInlineIncludes: false } as Parameters<typeof Twig.twig>[0]);
    if (compiled.size > 200) compiled.clear();
    compiled.set(source, t);
  }
  return t;
}

function messageOf(err: unknown): string {
  const m = (err as { message?: unknown })?.message;
  return typeof m === "string" && m ? m : String(err);
}

function tryRender(source: string, context: Record<string, unknown>): { ok: true; out: string } | { ok: false; message: string } {
  try {
    return { ok: true, out: compile(source).render(context) };
  } catch (err) {
    return { ok: false, message: messageOf(err) };
  }
}

/**
 * twig.js errors carry no line, so find it: the first line whose prefix of the template fails with
 * the same message is where the fault is (an unclosed tag fails from its opening line on).
 */
function lineOf(source: string, message: string, context: Record<string, unknown>): number | null {
  const lines = source.split("\n");
  if (lines.length > 400) return null;
  for (let k = 1; k <= lines.length; k++) {
    const r = tryRender(lines.slice(0, k).join("\n"), context);
    if (!r.ok && r.message === message) return k;
  }
  return null;
}

/** Render a template with a context; a TemplateError names what went wrong and on which line. */
export function renderTemplate(source: string, context: Record<string, unknown>): string {
  const r = tryRender(source, context);
  if (r.ok) return r.out;
  throw new TemplateError(r.message.replace(/^TwigException:\s*/, ""), lineOf(source, r.message, context));
}

/** Whether a template compiles and renders against a sample context: null, or the error. */
export function templateError(source: string, context: Record<string, unknown>): TemplateError | null {
  try {
    renderTemplate(source, context);
    return null;
  } catch (err) {
    return err instanceof TemplateError ? err : new TemplateError(messageOf(err), null);
  }
}

/** The content type of a rendered body: JSON when it parses as JSON, else plain text. */
export function contentTypeOf(body: string): string {
  const t = body.trim();
  if (t.startsWith("{") || t.startsWith("[")) {
    try {
      JSON.parse(t);
      return "application/json";
    } catch {
      /* not JSON */
    }
  }
  return "text/plain; charset=utf-8";
}
