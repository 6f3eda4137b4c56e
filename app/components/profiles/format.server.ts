// Server-side display helpers for the profile pages (kept out of the browser bundle: libphonenumber's
// metadata is large, and the worker already carries it).
import { parsePhoneNumberFromString } from "libphonenumber-js";

/** An E.164 number in its international display form (+61412345678 → +61 412 345 678). */
export function displayPhone(e164: string | null): string | null {
  if (!e164) return null;
  return parsePhoneNumberFromString(e164)?.formatInternational() ?? e164;
}
