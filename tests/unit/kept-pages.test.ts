import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { KeptPages, type KeptPage } from "../../app/server/kept-pages";

const page = (bytes: number, nonce = "n"): KeptPage => ({
  body: Buffer.alloc(bytes),
  contentType: "text/html; charset=utf-8",
  contentEncoding: null,
  nonce,
});

describe("KeptPages", () => {
  it("drops the least recently used pages once over its size", () => {
    const pages = new KeptPages(1000);
    pages.set("a", page(200));
    pages.set("b", page(200));
    pages.set("c", page(200));
    pages.get("a");
    pages.set("d", page(200));
    pages.set("e", page(200));
    expect(pages.size).toBe(5);
    pages.set("f", page(200));
    expect(pages.get("b")).toBeUndefined();
    expect(pages.get("a")).toBeDefined();
    expect(pages.size).toBe(5);
  });

  it("keeps a short gzip result as a copy, not as a view of zlib's whole output chunk", () => {
    const body = gzipSync(Buffer.from("<p>看板</p>".repeat(200)), { level: 1 });
    expect(body.buffer.byteLength).toBeGreaterThan(4 * body.byteLength);
    const pages = new KeptPages(1_000_000);
    pages.set("short", { ...page(0), body });
    const kept = pages.get("short")!.body;
    expect(kept.equals(body)).toBe(true);
    expect(kept.buffer.byteLength).toBeLessThanOrEqual(Math.max(Buffer.poolSize, kept.byteLength));
  });

  it("replaces a page kept under the same key and counts only the new one", () => {
    const pages = new KeptPages(1000);
    for (let i = 0; i < 10; i++) pages.set("same", page(240, `n${i}`));
    expect(pages.get("same")?.nonce).toBe("n9");
    pages.set("other", page(240));
    pages.set("third", page(240));
    expect(pages.get("same")).toBeDefined();
  });

  it("keeps no page larger than a quarter of its size", () => {
    const pages = new KeptPages(1000);
    pages.set("big", page(251));
    expect(pages.get("big")).toBeUndefined();
  });

  it("sends no page again once it is older than its maximum age", () => {
    let now = 1_000;
    const pages = new KeptPages(1000, 60_000, () => now);
    pages.set("a", page(100));
    now += 60_000;
    expect(pages.get("a")).toBeDefined();
    now += 1;
    expect(pages.get("a")).toBeUndefined();
    expect(pages.size).toBe(0);
    // Kept again when rendered again, from then on.
    pages.set("a", page(100, "again"));
    expect(pages.get("a")?.nonce).toBe("again");
  });
});
