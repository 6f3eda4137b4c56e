// The console's browser entry: Remix's default hydration, plus the response's CSP nonce handed to the
// libraries that write <style> elements at run time (react-remove-scroll under Radix's Dialog reads
// `__webpack_nonce__` through get-nonce), so style-src needs no 'unsafe-inline' for elements.
import { RemixBrowser } from "@remix-run/react";
import { startTransition, StrictMode } from "react";
import { hydrateRoot } from "react-dom/client";

const nonce = document.querySelector<HTMLScriptElement>("script[nonce]")?.nonce;
if (nonce) (window as unknown as { __webpack_nonce__?: string }).__webpack_nonce__ = nonce;

startTransition(() => {
  hydrateRoot(
    document,
    <StrictMode>
      <RemixBrowser />
    </StrictMode>,
  );
});
