import { matchHeading } from "~/lib/importer/headings";
import { parseCnNumber } from "~/lib/importer/numerals";
import type { SourceMap } from "~/lib/importer/source";
import type { SectionKind } from "~/lib/importer/types";

/** A [start, end) range in the normalised text. */
export interface Range {
  start: number;
  end: number;
}

/** The parser's working form of a numbered (or inline) item; turned into SectionNode at the end. */
export interface Item {
  ref: string;
  number: string;
  level: number;
  marker: "heading" | "inline";
  /** Where the number starts. */
  markerStart: number;
  /** The heading text (normalised range); for inline items, the item's first sentence. */
  heading: Range;
  runIn: boolean;
  /** Right after the number ("一、" / "一是") up to the end of the item's last content. */
  contentStart: number;
  contentEnd: number;
  paragraphs: Range[];
  children: Item[];
  parent: Item | null;
  kind: SectionKind;
}

export interface Structure {
  roots: Item[];
  preamble: Range[];
  /** For every line index: the numbered item whose body the line is in (null before the first heading). */
  lineOwner: (Item | null)[];
}

export const INLINE_LEVEL = 6;

export function buildStructure(map: SourceMap): Structure {
  const text = map.text;
  const roots: Item[] = [];
  const preamble: Range[] = [];
  const lineOwner: (Item | null)[] = new Array(map.lines.length).fill(null);
  const stack: Item[] = [];

  for (const line of map.lines) {
    if (line.kind !== "content") continue;
    const m = matchHeading(line.text);
    if (m) {
      while (stack.length > 0 && stack[stack.length - 1].level >= m.level) stack.pop();
      const parent = stack.length > 0 ? stack[stack.length - 1] : null;
      const restStart = line.start + m.markerLength;
      const split = splitRunInHeading(text, restStart, line.end);
      const item: Item = {
        ref: parent ? `${parent.ref}.${m.number}` : m.number,
        number: m.number,
        level: m.level,
        marker: "heading",
        markerStart: line.start,
        heading: split.heading,
        runIn: split.body !== null,
        contentStart: restStart,
        contentEnd: line.end,
        paragraphs: split.body ? [split.body] : [],
        children: [],
        parent,
        kind: "other",
      };
      (parent ? parent.children : roots).push(item);
      stack.push(item);
    } else if (stack.length > 0) {
      stack[stack.length - 1].paragraphs.push({ start: line.start, end: line.end });
    } else {
      preamble.push({ start: line.start, end: line.end });
    }
    for (const open of stack) open.contentEnd = line.end;
    lineOwner[line.index] = stack.length > 0 ? stack[stack.length - 1] : null;
  }

  forEachItem(roots, (item) => addInlineItems(text, item));
  return { roots, preamble, lineOwner };
}

/**
 * "（一）党建工作水平有所提升。党组织建设…" carries its heading and the start of its body on one
 * line: the heading is the text up to the first sentence end (or a "：" close to the start).
 */
function splitRunInHeading(text: string, start: number, end: number): { heading: Range; body: Range | null } {
  let cut = -1;
  for (let i = start; i < end; i++) {
    const ch = text[i];
    if (ch === "。" || ch === "！" || ch === "？") {
      cut = i;
      break;
    }
    if (ch === "：" && i - start <= 20) {
      cut = i;
      break;
    }
  }
  if (cut >= 0) {
    let bodyStart = cut + 1;
    while (bodyStart < end && text.charCodeAt(bodyStart) === 0x20) bodyStart++;
    if (bodyStart < end) return { heading: { start, end: cut }, body: { start: bodyStart, end } };
  }
  return { heading: trimPunctuation(text, { start, end }), body: null };
}

export function trimPunctuation(text: string, r: Range): Range {
  let e = r.end;
  while (e > r.start && "。：；，！？ ".includes(text[e - 1])) e--;
  return { start: r.start, end: e };
}

export function forEachItem(items: Item[], visit: (item: Item) => void): void {
  for (const item of items) {
    visit(item);
    forEachItem(item.children, visit);
  }
}

// ---------------------------------------------------------------------------------------------
// Inline ordinals: "一是…二是…三是…" inside the paragraphs of an item are items of that item.

interface InlineMarker {
  paragraph: number;
  start: number; // the numeral
  after: number; // right after "是"
  value: number;
}

const INLINE_MARKER = /(^|[。；！？：，])[ ]*([一二三四五六七八九十]{1,2})是/g;

function findInlineMarkers(text: string, paragraphs: Range[]): InlineMarker[] {
  const found: InlineMarker[] = [];
  paragraphs.forEach((p, index) => {
    const slice = text.slice(p.start, p.end);
    INLINE_MARKER.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = INLINE_MARKER.exec(slice))) {
      const value = parseCnNumber(m[2]);
      const numeralStart = p.start + m.index + m[0].length - m[2].length - 1;
      if (value !== null && value >= 1 && value <= 20) {
        found.push({ paragraph: index, start: numeralStart, after: numeralStart + m[2].length + 1, value });
      }
      // Let the boundary character of the next marker be re-read.
      INLINE_MARKER.lastIndex = m.index + m[0].length;
    }
  });

  // Keep only runs 一是, 二是, … of at least two, in order.
  const accepted: InlineMarker[] = [];
  let run: InlineMarker[] = [];
  const flush = () => {
    if (run.length >= 2) accepted.push(...run);
    run = [];
  };
  for (const marker of found) {
    if (marker.value === 1) {
      flush();
      run.push(marker);
    } else if (run.length > 0 && marker.value === run[run.length - 1].value + 1) {
      run.push(marker);
    }
  }
  flush();
  return accepted;
}

function addInlineItems(text: string, item: Item): void {
  if (item.marker === "inline" || item.paragraphs.length === 0) return;
  const markers = findInlineMarkers(text, item.paragraphs);
  if (markers.length === 0) return;

  const inline: Item[] = [];
  const leftover: Range[] = [];
  const absorbed = new Set<number>();

  for (let k = 0; k < markers.length; k++) {
    const marker = markers[k];
    const next = markers[k + 1];
    const para = item.paragraphs[marker.paragraph];
    const ownParagraphs: Range[] = [];
    let end: number;
    if (next && next.paragraph === marker.paragraph) {
      end = next.start;
    } else {
      end = para.end;
      // Paragraphs between two items of the same run continue the earlier item.
      if (next && next.value === marker.value + 1) {
        for (let p = marker.paragraph + 1; p < next.paragraph; p++) {
          ownParagraphs.push(item.paragraphs[p]);
          absorbed.add(p);
          end = item.paragraphs[p].end;
        }
      }
    }
    const pieceEnd = next && next.paragraph === marker.paragraph ? trimEnd(text, marker.after, next.start) : para.end;
    const firstPiece = { start: marker.after, end: pieceEnd };
    const paragraphs = firstPiece.end > firstPiece.start ? [firstPiece, ...ownParagraphs] : ownParagraphs;
    inline.push({
      ref: `${item.ref}.${text.slice(marker.start, marker.after)}`,
      number: text.slice(marker.start, marker.after),
      level: INLINE_LEVEL,
      marker: "inline",
      markerStart: marker.start,
      heading: firstSentence(text, marker.after, pieceEnd),
      runIn: true,
      contentStart: marker.after,
      contentEnd: trimEnd(text, marker.after, end),
      paragraphs,
      children: [],
      parent: item,
      kind: item.kind,
    });
  }

  // What is left of the item's own paragraphs: text before the first marker, untouched paragraphs.
  const firstMarkerOf = new Map<number, InlineMarker>();
  for (const m of markers) if (!firstMarkerOf.has(m.paragraph)) firstMarkerOf.set(m.paragraph, m);
  item.paragraphs.forEach((p, index) => {
    if (absorbed.has(index)) return;
    const first = firstMarkerOf.get(index);
    if (!first) {
      leftover.push(p);
      return;
    }
    const prefixEnd = trimEnd(text, p.start, first.start);
    if (prefixEnd > p.start && !/^[。；！？：，\s]*$/.test(text.slice(p.start, prefixEnd)))
      leftover.push({ start: p.start, end: prefixEnd });
  });

  item.paragraphs = leftover;
  item.children = [...item.children, ...inline].sort((a, b) => a.markerStart - b.markerStart);
}

function trimEnd(text: string, start: number, end: number): number {
  while (end > start && text.charCodeAt(end - 1) === 0x20) end--;
  return end;
}

/** The first sentence of a range (up to 。！？ or ；), without the closing punctuation. */
export function firstSentence(text: string, start: number, end: number): Range {
  for (let i = start; i < end; i++) {
    const ch = text[i];
    if (ch === "。" || ch === "！" || ch === "？" || ch === "；") return trimPunctuation(text, { start, end: i });
  }
  return trimPunctuation(text, { start, end });
}

/** Index of the first child whose marker starts at or after `pos` (children are in text order). */
export function firstChildFrom(item: Item, pos: number): number {
  const children = item.children;
  let lo = 0;
  let hi = children.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (children[mid].markerStart < pos) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The innermost item containing a position, given the numbered item that owns its line. */
export function itemAt(owner: Item | null, pos: number): Item | null {
  if (!owner) return null;
  const k = firstChildFrom(owner, pos + 1) - 1; // the last child starting at or before pos
  const child = k >= 0 ? owner.children[k] : undefined;
  if (child && child.marker === "inline" && pos < Math.max(child.contentEnd, child.contentStart + 1)) return child;
  return owner;
}
