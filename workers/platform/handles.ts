// Handles: the short, URL-safe, lower-case names that locations, definitions, identities and targets are
// known by beside their ids. What the API accepts as a handle is `handle()` in platform/zod; these derive
// one from a name and keep it unique.

/** The longest handle. */
export const HANDLE_MAX = 64;

/** What a handle may contain: letters, digits, '-', '_' and '.', starting with a letter or digit (stored lower-case). */
export const HANDLE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** A URL-safe handle from a name: "Café Sydney #2" → "cafe-sydney-2". Never empty. */
export function deriveHandle(name: string, fallback = "location"): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, HANDLE_MAX)
    .replace(/-+$/, "");
  return slug || fallback;
}

/** The first of base, base-2, base-3 … that is not taken (keeping within HANDLE_MAX). */
export function uniqueHandle(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const candidate = `${base.slice(0, HANDLE_MAX - suffix.length).replace(/-+$/, "")}${suffix}`;
    if (!taken.has(candidate)) return candidate;
  }
}
