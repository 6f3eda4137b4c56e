// The From/To date inputs of a GET filter form (the dashboard, the redemptions page): calendar days as
// YYYY-MM-DD, re-keyed so a navigation resets them to the range the loader resolved.
import { Input } from "./input";

export function DateRangeFields({ from, to }: { from: string; to: string }) {
  return (
    <>
      <label className="text-xs text-slate-600">
        From
        <Input type="date" name="from" defaultValue={from} key={`f${from}`} className="w-40" aria-label="From" />
      </label>
      <label className="text-xs text-slate-600">
        To
        <Input type="date" name="to" defaultValue={to} key={`t${to}`} className="w-40" aria-label="To" />
      </label>
    </>
  );
}
