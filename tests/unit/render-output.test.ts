import { describe, expect, it } from "vitest";
import { renderToPipeableStream } from "react-dom/server";
import { Writable } from "node:stream";
import { createElement } from "react";
import { acceptsGzip, withoutNulBytes } from "~/utils/render-output.server";

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (chunk: Uint8Array) => new TextDecoder().decode(chunk);

/** What renderToPipeableStream writes, chunk by chunk, optionally cleaned. */
function render(element: ReturnType<typeof createElement>, clean: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(clean ? withoutNulBytes(chunk) : chunk);
        callback();
      },
      final(callback) {
        resolve(Buffer.concat(chunks).toString("utf8"));
        callback();
      },
    });
    const { pipe } = renderToPipeableStream(element, { onAllReady: () => pipe(sink), onError: reject });
  });
}

describe("rendered document bytes", () => {
  it("drops the zero bytes and nothing else", () => {
    expect(text(withoutNulBytes(bytes("添加重点\0\0工作")))).toBe("添加重点工作");
    expect(text(withoutNulBytes(bytes("\0a\0\0b\0")))).toBe("ab");
    const untouched = bytes("没有零字节的块");
    expect(withoutNulBytes(untouched)).toBe(untouched);
  });

  it("repairs React 18's padding where a Chinese character meets a 2 KB boundary", async () => {
    // Runs of "点" (3 bytes) after an odd number of ASCII bytes put a character across the boundary.
    const page = createElement(
      "ul",
      null,
      Array.from({ length: 40 }, (_, i) => createElement("li", { key: i }, `${"x".repeat(i % 3)}添加重点工作，回车保存`.repeat(6))),
    );
    const raw = await render(page, false);
    const cleaned = await render(page, true);
    // The bug this guards against is real in the React version installed...
    expect(raw).toContain("\0");
    // ...and the cleaned document has none of it, with every character intact.
    expect(cleaned).not.toContain("\0");
    expect(cleaned).toBe(raw.replaceAll("\0", ""));
    expect(cleaned.match(/添加重点工作，回车保存/g)).toHaveLength(240);
  });
});

describe("acceptsGzip", () => {
  it("reads Accept-Encoding as browsers and clients send it", () => {
    expect(acceptsGzip("gzip, deflate, br")).toBe(true);
    expect(acceptsGzip("br;q=1.0, gzip;q=0.8, *;q=0.1")).toBe(true);
    expect(acceptsGzip("*")).toBe(true);
    expect(acceptsGzip("identity")).toBe(false);
    expect(acceptsGzip("gzip;q=0, br")).toBe(false);
    expect(acceptsGzip(null)).toBe(false);
  });
});
