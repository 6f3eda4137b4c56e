import { DropdownMenu as M } from "radix-ui";
import type { ReactNode } from "react";

export function Dropdown({ trigger, children, align = "end" }: { trigger: ReactNode; children: ReactNode; align?: "start" | "end" }) {
  return (
    <M.Root>
      <M.Trigger asChild>{trigger}</M.Trigger>
      <M.Portal>
        <M.Content align={align} sideOffset={6} className="z-50 min-w-44 rounded-lg bg-white p-1 shadow-lg ring-1 ring-slate-200">
          {children}
        </M.Content>
      </M.Portal>
    </M.Root>
  );
}

export function DropdownItem({ children, onSelect, danger }: { children: ReactNode; onSelect?: (e: Event) => void; danger?: boolean }) {
  return (
    <M.Item
      onSelect={onSelect}
      className={`flex cursor-pointer select-none items-center rounded-md px-2.5 py-1.5 text-sm outline-none data-[highlighted]:bg-slate-100 ${danger ? "text-red-600" : "text-slate-700"}`}
    >
      {children}
    </M.Item>
  );
}
export const DropdownLabel = ({ children }: { children: ReactNode }) => (
  <M.Label className="px-2.5 py-1.5 text-xs text-slate-500">{children}</M.Label>
);
export const DropdownSeparator = () => <M.Separator className="my-1 h-px bg-slate-100" />;
