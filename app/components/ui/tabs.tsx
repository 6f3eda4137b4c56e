import { Tabs as T } from "radix-ui";
import type { ReactNode } from "react";

export function Tabs({ defaultValue, tabs }: { defaultValue?: string; tabs: Array<{ value: string; label: string; content: ReactNode }> }) {
  return (
    <T.Root defaultValue={defaultValue ?? tabs[0]?.value}>
      <T.List className="flex gap-1 border-b border-slate-200" aria-label="Sections">
        {tabs.map((t) => (
          <T.Trigger
            key={t.value}
            value={t.value}
            className="-mb-px border-b-2 border-transparent px-3 py-2 text-sm font-medium text-slate-500 hover:text-slate-800 data-[state=active]:border-brand-600 data-[state=active]:text-brand-700"
          >
            {t.label}
          </T.Trigger>
        ))}
      </T.List>
      {tabs.map((t) => (
        <T.Content key={t.value} value={t.value} className="pt-4 focus:outline-none">
          {t.content}
        </T.Content>
      ))}
    </T.Root>
  );
}
