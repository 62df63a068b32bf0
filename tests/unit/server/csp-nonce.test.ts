// Nonces from the pool: 128 random bits each, never the same twice, also across refills.
import { describe, expect, it } from "vitest";
import { cspNonce } from "~/server/csp-nonce";

describe("cspNonce", () => {
  it("gives 16 random bytes in base64, a new one each time across many pool refills", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const nonce = cspNonce();
      expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
      expect(Buffer.from(nonce, "base64")).toHaveLength(16);
      seen.add(nonce);
    }
    expect(seen.size).toBe(2000);
  });
});
