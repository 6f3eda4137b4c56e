import { useEffect, useState } from "react";

type TimeFormat = "date" | "datetime" | "relative";

const OPTIONS: Record<Exclude<TimeFormat, "relative">, Intl.DateTimeFormatOptions> = {
  date: { day: "numeric", month: "short", year: "numeric" },
  datetime: { day: "numeric", month: "short", year: "numeric", hour: "numeric", minute: "2-digit" },
};

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ["year", 365 * 86_400_000],
  ["month", 30 * 86_400_000],
  ["week", 7 * 86_400_000],
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
];

const CALENDAR_DAY = /^\d{4}-\d{2}-\d{2}$/;

function relative(at: Date, now: number, locale?: string): string {
  const diff = at.getTime() - now;
  if (Math.abs(diff) < 45_000) return "just now";
  const fmt = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
  for (const [unit, ms] of UNITS) if (Math.abs(diff) >= ms) return fmt.format(Math.round(diff / ms), unit);
  return fmt.format(Math.round(diff / 60_000), "minute");
}

/**
 * A date or time the reader sees in their own locale and time zone. The server renders it in UTC
 * (it cannot know the reader's zone); after hydration it re-renders locally, and relative times tick.
 */
export function Time({ value, format = "date", fallback = "—", className }: { value: string | null | undefined; format?: TimeFormat; fallback?: string; className?: string }) {
  const [local, setLocal] = useState(false);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    setLocal(true);
    setNow(Date.now());
    if (format !== "relative") return;
    const timer = window.setInterval(() => setNow(Date.now()), 30_000);
    return () => window.clearInterval(timer);
  }, [format]);
  if (!value) return <span className={className}>{fallback}</span>;
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) return <span className={className}>{value}</span>;
  const locale = local ? undefined : "en-AU";
  // a calendar day (YYYY-MM-DD) is the same day everywhere: never shift it into the reader's zone
  const timeZone = local && !CALENDAR_DAY.test(value) ? undefined : "UTC";
  const full = CALENDAR_DAY.test(value) ? at.toLocaleDateString(locale, { dateStyle: "full", timeZone }) : at.toLocaleString(locale, { ...OPTIONS.datetime, timeZone, timeZoneName: "short" });
  const text = format === "relative" ? relative(at, now, locale) : at.toLocaleString(locale, { ...OPTIONS[format], timeZone });
  return (
    <time dateTime={value} title={full} className={className} suppressHydrationWarning>
      {text}
    </time>
  );
}
