// React 18.3's Node renderer (renderToPipeableStream) writes its output in 2 KB views. When a
// multi-byte character (most Chinese text is 3 bytes in UTF-8) does not fit at the end of a
// view, it flushes the whole view, unused zero bytes included (react/react#31134, fixed in 19):
// "添加重点\0\0工作" reaches the browser, which shows "��" and then finds the text does not match
// what the client renders. In UTF-8 a 0x00 byte is only ever U+0000 itself, which HTML text
// never needs, so dropping every 0x00 byte restores exactly the document React meant.

/** The chunk without 0x00 bytes (the same chunk when it has none, the usual case). */
export function withoutNulBytes(chunk: Uint8Array): Uint8Array {
  let at = chunk.indexOf(0);
  if (at === -1) return chunk;
  const clean = new Uint8Array(chunk.length);
  let length = 0;
  let from = 0;
  while (at !== -1) {
    clean.set(chunk.subarray(from, at), length);
    length += at - from;
    from = at + 1;
    at = chunk.indexOf(0, from);
  }
  clean.set(chunk.subarray(from), length);
  length += chunk.length - from;
  return clean.subarray(0, length);
}

/** Whether the client takes gzip (listed, and not with q=0). */
export function acceptsGzip(header: string | null): boolean {
  if (!header) return false;
  return header.split(",").some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(";");
    if (coding.trim() !== "gzip" && coding.trim() !== "*") return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    return !q || Number(q.slice(2)) > 0;
  });
}
