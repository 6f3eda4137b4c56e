// The request's CSP nonce for the console's inline scripts (Remix's hydration data, scroll
// restoration). The server renders with it (entry.server.tsx); in the browser it reads as undefined,
// which is what hydration expects: browsers hide a nonce from the DOM once the page has loaded.
import { createContext, useContext } from "react";

export const NonceContext = createContext<string | undefined>(undefined);

export function useNonce(): string | undefined {
  return useContext(NonceContext);
}
