// CSP nonces cut from a pool of random bytes. randomBytes(16) per request cost ~0.2 ms of CPU
// here (a trip into OpenSSL each time, 7% of a card move); filling 256 nonces' worth at once
// is what Node's randomUUID does for the same reason. Each nonce is fresh CSPRNG output, used
// once.
import { randomFillSync } from "node:crypto";

const NONCE_BYTES = 16;
const pool = Buffer.alloc(NONCE_BYTES * 256);
let offset = pool.length;

/** A new nonce: 128 random bits, base64. */
export function cspNonce(): string {
  if (offset >= pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const nonce = pool.toString("base64", offset, offset + NONCE_BYTES);
  offset += NONCE_BYTES;
  return nonce;
}
