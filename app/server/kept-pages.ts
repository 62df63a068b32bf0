// The last rendered board, meeting view and KPI documents, kept per worker under their ETag
// (app/server/conditional.ts) and sent again while the tag is the same. The tag names
// everything these pages show, which is what already lets a browser keep its copy on a 304; a
// projector reloading the meeting view, or a leader back on the board from a task, then costs a
// lookup instead of a render. The kept page keeps its CSP nonce, exactly as a 304 does.
export interface KeptPage {
  body: Buffer;
  contentType: string;
  /** "gzip" when the body is compressed (the key says whether the client takes gzip). */
  contentEncoding: string | null;
  nonce: string;
}

/** Pages by key, the least recently used dropped first once they hold more than `maxBytes`. */
export class KeptPages {
  private readonly pages = new Map<string, KeptPage>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  get(key: string): KeptPage | undefined {
    const page = this.pages.get(key);
    if (page) {
      // Most recently used last.
      this.pages.delete(key);
      this.pages.set(key, page);
    }
    return page;
  }

  set(key: string, page: KeptPage): void {
    if (page.body.length > this.maxBytes / 4) return;
    this.delete(key);
    this.pages.set(key, page);
    this.bytes += page.body.length;
    for (const [oldest, old] of this.pages) {
      if (this.bytes <= this.maxBytes) break;
      this.pages.delete(oldest);
      this.bytes -= old.body.length;
    }
  }

  get size(): number {
    return this.pages.size;
  }

  private delete(key: string): void {
    const old = this.pages.get(key);
    if (!old) return;
    this.pages.delete(key);
    this.bytes -= old.body.length;
  }
}
