// What the server entry hands every loader and action (see app/server/main.ts).
import "@remix-run/node";
import type { ValidatedSession } from "~/utils/session.server";
import type { KeptPage } from "~/server/kept-pages";

export interface RequestContext {
  /** Nonce of this response's Content-Security-Policy, for <Scripts>. */
  cspNonce?: string;
  /** Correlates the request log line with an error page. */
  requestId?: string;
  /** The client's address as the server saw it (for login rate limits). */
  clientAddress?: string;
  /** The request came over HTTPS (see app/utils/https.server.ts): the session cookie is Secure. */
  https?: boolean;
  /** Adds a Set-Cookie header to this response, e.g. a renewed session cookie. */
  appendSetCookie?: (cookie: string) => void;
  /** Tells the request log which user made the request. */
  setLoggedUser?: (userId: number) => void;
  /**
   * What the conditional-request check (app/server/conditional.ts) already read for this GET of a
   * signed-in user's page, so its loaders do not read it a second time (the view state only for
   * the board, meeting view and KPI page).
   */
  checked?: { session: ValidatedSession; todoCount: number; viewState?: unknown[] };
  /** Keeps this GET's rendered document under its tag, to be sent again (app/server/kept-pages.ts). */
  keepPage?: (page: KeptPage) => void;
}

declare module "@remix-run/node" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AppLoadContext extends RequestContext {}
  interface Future {
    v3_singleFetch: true;
  }
}
