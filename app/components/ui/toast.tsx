import { Toast as T } from "radix-ui";
import { createContext, useCallback, useContext, useState, type ReactNode } from "react";

type ToastTone = "success" | "error" | "info";
interface ToastItem {
  id: number;
  title: string;
  description?: string;
  tone: ToastTone;
}

const ToastContext = createContext<(t: Omit<ToastItem, "id">) => void>(() => {});

/** useToast()({ title, tone }) shows a toast; mount <ToastProvider> once in the layout. */
export function useToast() {
  return useContext(ToastContext);
}

const TONE = { success: "border-l-emerald-500", error: "border-l-red-500", info: "border-l-brand-500" } as const;

export function ToastProvider({ children }: { children: ReactNode }) {
  const [items, setItems] = useState<ToastItem[]>([]);
  const push = useCallback((t: Omit<ToastItem, "id">) => setItems((xs) => [...xs, { ...t, id: Date.now() + Math.random() }]), []);
  return (
    <ToastContext.Provider value={push}>
      <T.Provider swipeDirection="right" duration={5000}>
        {children}
        {items.map((t) => (
          <T.Root
            key={t.id}
            onOpenChange={(open) => !open && setItems((xs) => xs.filter((x) => x.id !== t.id))}
            className={`rounded-lg border-l-4 bg-white p-4 shadow-lg ring-1 ring-slate-200 ${TONE[t.tone]}`}
            data-testid="toast"
          >
            <T.Title className="text-sm font-semibold text-slate-900">{t.title}</T.Title>
            {t.description ? <T.Description className="mt-1 text-sm text-slate-600">{t.description}</T.Description> : null}
          </T.Root>
        ))}
        <T.Viewport className="fixed bottom-4 right-4 z-[60] flex w-96 max-w-[calc(100vw-2rem)] flex-col gap-2 outline-none" />
      </T.Provider>
    </ToastContext.Provider>
  );
}
