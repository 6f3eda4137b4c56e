// Ids: every row id is a UUID (platform/crypto makes them). Routes that take "an id or a handle" tell
// the two apart with this pattern before reaching for the database.

/** A UUID of any version, either case. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}
