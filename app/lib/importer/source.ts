import type { Line } from "~/lib/importer/lines";
import { type NormalizedText } from "~/lib/importer/normalize";
import type { SourceSpan } from "~/lib/importer/types";

/**
 * Everything the parser finds is located in the normalised copy; this maps it back to the
 * original text (offsets, line numbers, exact wording).
 */
export class SourceMap {
  readonly original: string;
  readonly norm: NormalizedText;
  readonly lines: Line[];
  private readonly lineStarts: number[];

  constructor(original: string, norm: NormalizedText, lines: Line[]) {
    this.original = original;
    this.norm = norm;
    this.lines = lines;
    this.lineStarts = [];
    for (const line of lines) this.lineStarts.push(line.start);
  }

  get text(): string {
    return this.norm.text;
  }

  /** Original [start, end) of a normalised [start, end). */
  originalRange(start: number, end: number): { start: number; end: number } {
    const o = this.norm.origin;
    const max = this.norm.text.length;
    const s = o[clamp(start, 0, max)];
    if (end <= start) return { start: s, end: s };
    return { start: s, end: o[clamp(end, 1, max) - 1] + 1 };
  }

  /** Index of the line containing normalised offset `pos`. */
  lineIndexAt(pos: number): number {
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      // A blank or leading-space line has start beyond its newline; compare against the raw line start.
      if (starts[mid] <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  span(start: number, end: number): SourceSpan {
    const r = this.originalRange(start, end);
    return { start: r.start, end: r.end, line: this.lineIndexAt(start) + 1 };
  }

  /** The original wording of a normalised range, trimmed. */
  originalText(start: number, end: number): string {
    const r = this.originalRange(start, end);
    return this.original.slice(r.start, r.end).trim();
  }

  /**
   * The original wording of a range that may span several lines: content lines only (furniture,
   * signature and blank lines inside the range are left out), each trimmed, joined by "\n".
   */
  contentText(start: number, end: number): string {
    if (end <= start) return "";
    const parts: string[] = [];
    for (let i = this.lineIndexAt(start); i < this.lines.length; i++) {
      const line = this.lines[i];
      if (line.start >= end) break;
      if (line.kind !== "content") continue;
      const s = Math.max(line.start, start);
      const e = Math.min(line.end, end);
      if (e <= s) continue;
      const piece = this.originalText(s, e);
      if (piece) parts.push(piece);
    }
    return parts.join("\n");
  }
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
