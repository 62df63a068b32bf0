// Whether a request reached us over HTTPS: directly, or through a reverse proxy we trust
// (TRUST_PROXY=1, nginx sets X-Forwarded-Proto). Express's req.protocol already applies the
// "trust proxy" setting, so a client cannot claim HTTPS by sending the header itself.
import type { Request } from "express";

export function isHttpsRequest(req: Pick<Request, "protocol">): boolean {
  return req.protocol === "https";
}

/** One year, including subdomains is left out: the office's other hosts may still be plain HTTP. */
export const HSTS_HEADER_VALUE = "max-age=31536000";
