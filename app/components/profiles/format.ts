// Display helpers for the profile pages: money, birthdays and field names. Pure, shared by server and client.
import { formatMoney as formatCents } from "../../../workers/platform/money";

/**
 * Money in the profile's currency, from the decimal amounts the API's profile, aggregation and balance
 * views carry: converted to cents here, at the edge, and printed by platform/money's one formatter.
 */
export function formatMoney(amount: number | null | undefined, currency = "AUD"): string {
  return amount === null || amount === undefined ? "—" : formatCents(Math.round(amount * 100), currency);
}

export const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"] as const;

export function formatBirthday(day: number | null, month: number | null, year: number | null): string {
  const m = month ? MONTHS[month - 1] : null;
  const parts = [day && m ? `${day} ${m}` : m ?? (day ? `Day ${day}` : null), year ? String(year) : null].filter(Boolean);
  return parts.length ? parts.join(" ") : "—";
}

/** "first_name" or "firstName" → "First name". */
export function humanize(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[_.-]+/g, " ")
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function displayName(fullName: string | null | undefined, email?: string | null): string {
  return fullName?.trim() || email || "Unnamed member";
}

export const COMMS_CHANNELS = [
  { key: "email", label: "Email" },
  { key: "sms", label: "SMS" },
  { key: "push", label: "Push notifications" },
  { key: "phone", label: "Phone calls" },
  { key: "post", label: "Post" },
] as const;
export type CommsChannel = (typeof COMMS_CHANNELS)[number]["key"];
