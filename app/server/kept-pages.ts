// The last rendered board, meeting view and KPI documents, kept per worker under their ETag
// (app/server/conditional.ts) and sent again while the tag is the same. The tag names
// everything these pages show, which is what already lets a browser keep its copy on a 304; a
// projector reloading the meeting view, or a leader back on the board from a task, then costs a
// lookup instead of a render. The kept page keeps its CSP nonce, exactly as a 304 does.
// A page is kept at most a minute: a few things pages show follow the clock, not the database
// (a 催办 allowed again 24 hours after the last one, notices of the last 7 days, the meeting
// view's "最近更新" time), and a minute is as stale as any of them may get.
export interface KeptPage {
  body: Buffer;
  contentType: string;
  /** "gzip" when the body is compressed (the key says whether the client takes gzip). */
  contentEncoding: string | null;
  nonce: string;
}

export const KEPT_PAGE_MAX_AGE_MS = 60_000;

/** Node's pool for small buffers: a view of one of its slabs shares it with other small buffers. */
const POOLED_BYTES = Buffer.poolSize;

/**
 * Pages by key, each for at most `maxAgeMs` after it was rendered, the least recently used dropped
 * first once they hold more than `maxBytes`.
 */
export class KeptPages {
  private readonly pages = new Map<string, { page: KeptPage; keptAt: number }>();
  private bytes = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly maxAgeMs = KEPT_PAGE_MAX_AGE_MS,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string): KeptPage | undefined {
    const entry = this.pages.get(key);
    if (!entry) return undefined;
    this.delete(key);
    if (this.now() - entry.keptAt > this.maxAgeMs) return undefined;
    // Most recently used last.
    this.pages.set(key, entry);
    this.bytes += entry.page.body.length;
    return entry.page;
  }

  set(key: string, page: KeptPage): void {
    if (page.body.length > this.maxBytes / 4) return;
    // A gzip result shorter than zlib's 16 KB output chunk is a view of that chunk: kept as it
    // is, a 2.5 KB page would hold 16 KB, six times what it is counted as. Such a body is kept
    // as a copy of its own size.
    if (page.body.byteLength < page.body.buffer.byteLength && page.body.buffer.byteLength > POOLED_BYTES) {
      page = { ...page, body: Buffer.from(page.body) };
    }
    this.delete(key);
    this.pages.set(key, { page, keptAt: this.now() });
    this.bytes += page.body.length;
    for (const [oldest, old] of this.pages) {
      if (this.bytes <= this.maxBytes) break;
      this.pages.delete(oldest);
      this.bytes -= old.page.body.length;
    }
  }

  get size(): number {
    return this.pages.size;
  }

  private delete(key: string): void {
    const old = this.pages.get(key);
    if (!old) return;
    this.pages.delete(key);
    this.bytes -= old.page.body.length;
  }
}
