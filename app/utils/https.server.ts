// Is this request HTTPS? One answer for everything that depends on it (the session cookie's
// Secure flag, HSTS). Behind a reverse proxy the socket is plain HTTP, so the proxy's
// X-Forwarded-Proto counts, but only when TRUST_PROXY=1 says a proxy we trust sets it.
import type { IncomingHttpHeaders } from "node:http";

export interface HttpsEvidence {
  /** The Node socket; a TLSSocket has `encrypted: true`. */
  socket: object;
  headers: IncomingHttpHeaders;
}

export function isHttpsRequest(req: HttpsEvidence, trustProxy = process.env.TRUST_PROXY === "1"): boolean {
  if ((req.socket as { encrypted?: boolean }).encrypted === true) return true;
  if (!trustProxy) return false;
  const header = req.headers["x-forwarded-proto"];
  const value = Array.isArray(header) ? header[0] : header;
  // "https, http" after several proxies: the first is what the client used (as Express reads it).
  return value?.split(",")[0].trim().toLowerCase() === "https";
}

/**
 * For loaders and actions: the server entry decides once per request (load context); a
 * Request made without it (tests, scripts) is judged by its URL.
 */
export function requestIsHttps({ request, context }: { request: Request; context?: { https?: boolean } }): boolean {
  return context?.https ?? new URL(request.url).protocol === "https:";
}

/** HSTS for a year; includeSubDomains is left out: the office's other hosts may still be plain HTTP. */
export const HSTS_HEADER_VALUE = "max-age=31536000";
