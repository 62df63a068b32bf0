import { describe, expect, it } from "vitest";
import { isHttpsRequest } from "../../../app/utils/https.server";
import { cookieSecure } from "../../../app/utils/session.server";

const request = (encrypted: boolean, headers: Record<string, string> = {}) => ({ socket: { encrypted }, headers });

describe("isHttpsRequest", () => {
  it("is the socket's encryption when no proxy is trusted", () => {
    expect(isHttpsRequest(request(true), false)).toBe(true);
    expect(isHttpsRequest(request(false), false)).toBe(false);
    // An untrusted client cannot talk its way into HTTPS.
    expect(isHttpsRequest(request(false, { "x-forwarded-proto": "https" }), false)).toBe(false);
  });

  it("believes X-Forwarded-Proto only with TRUST_PROXY=1", () => {
    expect(isHttpsRequest(request(false, { "x-forwarded-proto": "https" }), true)).toBe(true);
    expect(isHttpsRequest(request(false, { "x-forwarded-proto": "HTTPS, http" }), true)).toBe(true);
    expect(isHttpsRequest(request(false, { "x-forwarded-proto": "http" }), true)).toBe(false);
    expect(isHttpsRequest(request(false), true)).toBe(false);
  });
});

describe("cookieSecure", () => {
  it("follows the request unless COOKIE_SECURE forces it", () => {
    expect(cookieSecure(true, undefined)).toBe(true);
    expect(cookieSecure(false, undefined)).toBe(false);
    expect(cookieSecure(false, "1")).toBe(true);
    expect(cookieSecure(true, "0")).toBe(false);
    expect(cookieSecure(false, "")).toBe(false);
  });
});
