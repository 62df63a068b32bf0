// Carries the CSP nonce from entry.server to <Scripts>; undefined in the browser,
// which React accepts without a hydration warning.
import { createContext, useContext } from "react";

const NonceContext = createContext<string | undefined>(undefined);
export const NonceProvider = NonceContext.Provider;
export const useNonce = () => useContext(NonceContext);
