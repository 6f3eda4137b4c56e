// `npm run lint`: typescript-eslint's recommended rules over the worker, the console, scripts and tests,
// plus React's hook rules on the console, and the layering rules of docs/architecture.md (no-restricted-imports).
// Type-aware rules are left to `tsc` (`npm run typecheck`).
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

// ── Layering (docs/architecture.md): console → services → areas → platform → db ───────────────────────────
// Every rule allows `import type` (types carry no code), except platform's: the floor below imports no area at all.
const AREAS = ["access", "profiles", "commerce", "incentives", "events", "delivery", "reactions", "reporting", "imports"];
const up = String.raw`^(?:\.\.?/)+(?:workers/)?`; // "./", "../../", "../../workers/": how a relative import reaches a folder
/** An area's public face: schema.ts, views.ts, rules.ts, the named contracts (definitions.schema.ts) and a rules/ folder. */
const FACE = String.raw`[a-z-]+/(?:schema|views|rules|[a-z-]+\.schema|rules/[a-z-]+)$`;
/** The pure platform helpers the console may use (no I/O, no Hono, no Drizzle). */
const PURE_PLATFORM = String.raw`platform/(?:errors|money|time|ids|pagination)$`;
/** What holds I/O inside an area: its services, its SQL helpers, its Durable Objects. */
const INTERNALS = String.raw`(?:[a-z-]+\.)?service$|sql$|[a-z-]+\.do$`; // a file's name, after its folder's "/"

const layering = (patterns) => ({ "@typescript-eslint/no-restricted-imports": ["error", { patterns }] });
const appPatterns = [
  {
    regex: String.raw`^(?:\.\./)+workers/(?!${FACE}|${PURE_PLATFORM})`,
    allowTypeImports: true,
    message: "The console imports values only from an area's face (schema, views, rules) and pure platform helpers; reach everything with I/O through context.services (docs/architecture.md).",
  },
  { regex: String.raw`^(?:\.\./)+db/`, allowTypeImports: true, message: "The console imports no db/ values: enums come from the area's schema.ts, rows through context.services." },
  { regex: "^drizzle-orm", allowTypeImports: true, message: "Drizzle stays in the services: the console gets rows through context.services." },
];
/** In workers/<area>/**: no other area's services, SQL or Durable Object (take a dependency as a constructor argument typed with `import type`). */
const areaPatterns = (area) => [
  {
    regex: `${up}(?!${area}/)(?:${AREAS.join("|")})/(?:.*/)?(?:${INTERNALS})`,
    allowTypeImports: true,
    message: `${area} uses another area's service, SQL or Durable Object only through a constructor argument typed with \`import type\`; the composition root (workers/services.ts) wires them.`,
  },
];
/** A face is pure: it reaches the browser, so it imports no db/ values, no Drizzle and nothing with I/O. */
const facePatterns = [
  { regex: String.raw`^(?:\.\./)+db/`, allowTypeImports: true, message: "A face (schema/views/rules) imports no db/ values: db/schema takes its enums from the face, not the reverse." },
  { regex: "^drizzle-orm", allowTypeImports: true, message: "A face (schema/views/rules) holds no Drizzle: it is bundled into the browser." },
  { regex: String.raw`/(?:${INTERNALS})|/platform/(?:outbox|sql|idempotency|http|rate-limit|encryption)$|/services$`, allowTypeImports: true, message: "A face (schema/views/rules) is pure: no services, SQL, Durable Objects or platform I/O." },
];
const faceFiles = (area) => [`workers/${area}/schema.ts`, `workers/${area}/views.ts`, `workers/${area}/rules.ts`, `workers/${area}/*.schema.ts`, `workers/${area}/rules/*.ts`];
const TESTS = ["**/*.test.ts", "**/*.test.tsx"];
/**
 * The queue consumers and the cron are entry points like workers/app.ts: they dispatch each message to the area
 * that owns it (its guard and handler live beside its service), so they sit with the composition root, above the areas.
 */
const ENTRY_POINTS = ["workers/events/consumer.ts", "workers/events/deliveries.ts", "workers/events/scheduled.ts"];

export default tseslint.config(
  { ignores: ["build/", "public/vendor/", ".wrangler/", ".cache/", "node_modules/", "worker-configuration.d.ts", "bench-results/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node, ...globals.serviceworker } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      // refusing control characters in input means matching them on purpose
      "no-control-regex": "off",
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports", disallowTypeAnnotations: false }],
    },
  },
  {
    // tests read loosely typed JSON bodies
    files: ["test/**/*.ts", "**/*.test.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    files: ["app/**/*.tsx", "app/**/*.ts"],
    plugins: { "react-hooks": reactHooks },
    rules: { "react-hooks/rules-of-hooks": "error", "react-hooks/exhaustive-deps": "warn" },
  },
  // the console, components and *.server.ts alike: faces and pure platform helpers only (types from anywhere)
  { files: ["app/**/*.ts", "app/**/*.tsx"], ignores: TESTS, rules: layering(appPatterns) },
  // each area: no other area's internals; its faces: pure on top of that (later blocks replace the rule's options, so a face's block repeats the area's patterns)
  ...AREAS.flatMap((area) => [
    { files: [`workers/${area}/**/*.ts`], ignores: [...TESTS, ...ENTRY_POINTS], rules: layering(areaPatterns(area)) },
    { files: faceFiles(area), ignores: TESTS, rules: layering([...areaPatterns(area), ...facePatterns]) },
  ]),
  // the floor below: platform imports no area and not the composition root, not even a type
  {
    files: ["workers/platform/**/*.ts"],
    ignores: TESTS,
    rules: layering([
      { regex: `${up}(?:${AREAS.join("|")})/`, message: "platform is the floor below the areas: it imports none of them (move what both need into platform)." },
      { regex: String.raw`${up}(?:services|app|api|load-context)$`, message: "platform imports not the composition root: take what you need as an argument." },
    ]),
  },
);
