import { isGroupingHeading } from "~/lib/importer/classify";
import type { SourceMap } from "~/lib/importer/source";
import { firstChildFrom, forEachItem, type Item, type Range } from "~/lib/importer/structure";
import { shortTitle } from "~/lib/importer/text-utils";
import type { PlanItem, ProblemItem } from "~/lib/importer/types";

/**
 * Problems and plan items. Mostly they are the items of the problems / plan sections; a plan
 * (or a list of problems) written as running text inside another section is found too, but a
 * heading that only announces them, with nothing under it, yields nothing.
 */

/** A stretch of running text that is a plan (or a list of problems) inside another section. */
export interface TextRegion extends Range {
  owner: Item;
}

const PLAN_START = /^(下一步|下步|下阶段|下一阶段|今后|明年|来年)(工作中|工作|，|：|我们|我街|将|要|街道|社区|还将|继续|计划)/;
const YEAR_PLAN_START = /^((?:19|20)\d{2})年[，]?([^。；]{0,14}?)(将|要|计划|拟|力争|继续|重点)/;
/** "同时我们也清醒看到，工作中还存在一些不足，主要是A，B，C，等等。": the list follows 主要是. */
const PROBLEM_LEAD_PLAIN =
  /(清醒(?:地)?(?:看到|认识到)|(?:还|仍|也|依然|仍然)存在)[^。]{0,60}?(主要是|主要表现在|主要表现为|具体表现为|表现在)[：:，]?/;
const PROBLEM_LEAD =
  /(还|仍|也|依然|仍然|还是|但|但是)存在(着)?(一些|不少|以下|诸多|一定的?)?[^。；：]{0,12}?(问题|不足|短板|差距|困难|薄弱环节)[^。；：]{0,6}：/;

function sentenceStarts(text: string, p: Range): number[] {
  const starts = [p.start];
  for (let i = p.start; i < p.end - 1; i++) {
    const ch = text[i];
    if (ch === "。" || ch === "！" || ch === "？") {
      let s = i + 1;
      while (s < p.end && text.charCodeAt(s) === 0x20) s++;
      if (s < p.end) starts.push(s);
    }
  }
  return starts;
}

/**
 * A paragraph piece of an item plus the inline items (一是…二是…) that continue it on the same
 * line: "2025年，我们将重点抓好三项工作：一是…；二是…" is one stretch of text.
 */
function withInlineContinuation(map: SourceMap, item: Item, p: Range): Range {
  const line = map.lineIndexAt(p.start);
  let end = p.end;
  for (let k = firstChildFrom(item, p.end); k < item.children.length; k++) {
    const c = item.children[k];
    if (map.lineIndexAt(c.markerStart) !== line) break;
    if (c.marker === "inline") end = Math.max(end, c.contentEnd);
  }
  return { start: p.start, end };
}

export function findPlanRegions(map: SourceMap, roots: Item[], reportedYear: number | null): TextRegion[] {
  const text = map.text;
  const regions: TextRegion[] = [];
  forEachItem(roots, (item) => {
    if (item.kind === "plan" || item.kind === "vision") return;
    for (const piece of item.paragraphs) {
      const p = withInlineContinuation(map, item, piece);
      for (const s of sentenceStarts(text, p)) {
        const head = text.slice(s, Math.min(p.end, s + 40));
        let isPlan = PLAN_START.test(head);
        if (!isPlan) {
          const m = YEAR_PLAN_START.exec(head);
          isPlan = m !== null && reportedYear !== null && Number(m[1]) > reportedYear;
        }
        if (isPlan) {
          regions.push({ start: s, end: p.end, owner: item });
          break;
        }
      }
    }
  });
  return regions;
}

export function findProblemRegions(map: SourceMap, roots: Item[]): TextRegion[] {
  const text = map.text;
  const regions: TextRegion[] = [];
  forEachItem(roots, (item) => {
    if (item.kind === "problems" || item.kind === "plan" || item.kind === "vision") return;
    for (const piece of item.paragraphs) {
      const p = withInlineContinuation(map, item, piece);
      const m = PROBLEM_LEAD.exec(text.slice(p.start, p.end)) ?? PROBLEM_LEAD_PLAIN.exec(text.slice(p.start, p.end));
      if (!m) continue;
      let start = p.start + m.index + m[0].length;
      while (start < p.end && text.charCodeAt(start) === 0x20) start++;
      if (start < p.end) regions.push({ start, end: p.end, owner: item });
    }
  });
  return regions;
}

/** The topmost items of a kind (their parent is of another kind). */
function topmostOfKind(roots: Item[], kind: Item["kind"]): Item[] {
  const found: Item[] = [];
  forEachItem(roots, (item) => {
    if (item.kind === kind && item.marker === "heading" && (item.parent === null || item.parent.kind !== kind)) found.push(item);
  });
  return found;
}

function inlineChildrenIn(owner: Item, r: Range): Item[] {
  const found: Item[] = [];
  for (let k = firstChildFrom(owner, r.start); k < owner.children.length && owner.children[k].markerStart < r.end; k++) {
    if (owner.children[k].marker === "inline") found.push(owner.children[k]);
  }
  return found;
}

function isIntroParagraph(text: string): boolean {
  return /[：:]$/.test(text.trim());
}

/** Cuts an item's range before the first region (of another kind) that starts inside it; `exclude` is sorted. */
function clip(range: Range, exclude: Range[]): Range {
  let lo = 0;
  let hi = exclude.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (exclude[mid].start <= range.start) lo = mid + 1;
    else hi = mid;
  }
  const next = exclude[lo];
  return { start: range.start, end: next && next.start < range.end ? next.start : range.end };
}

interface RawItem {
  ref: string;
  range: Range;
  markerStart: number;
  heading: Range | null;
  source: "section" | "paragraph";
}

function sectionItems(map: SourceMap, roots: Item[], kind: Item["kind"], exclude: Range[]): RawItem[] {
  const out: RawItem[] = [];
  for (const top of topmostOfKind(roots, kind)) {
    // "三、存在问题及下步打算" → "（一）存在的问题" → 1. 2. 3.: the items are the grandchildren.
    const children = top.children
      .filter((c) => c.kind === kind)
      .flatMap((c) =>
        c.marker === "heading" &&
        c.children.some((g) => g.kind === kind) &&
        isGroupingHeading(map.text.slice(c.heading.start, c.heading.end), kind)
          ? c.children.filter((g) => g.kind === kind)
          : [c],
      );
    if (children.length > 0) {
      for (const c of children) {
        out.push({
          ref: c.ref,
          range: clip({ start: c.contentStart, end: c.contentEnd }, exclude),
          markerStart: c.markerStart,
          heading: c.marker === "heading" ? c.heading : null,
          source: "section",
        });
      }
      continue;
    }
    for (const p of top.paragraphs) {
      const r = clip(p, exclude);
      const t = map.contentText(r.start, r.end);
      if (!t || isIntroParagraph(t)) continue;
      out.push({ ref: top.ref, range: r, markerStart: r.start, heading: null, source: "section" });
    }
  }
  return out;
}

function regionItems(map: SourceMap, regions: TextRegion[], splitOnSemicolon: boolean): RawItem[] {
  const out: RawItem[] = [];
  for (const region of regions) {
    const inline = inlineChildrenIn(region.owner, region);
    if (inline.length > 0) {
      for (const c of inline) {
        // A list of problems ends with its sentence: "五是…不够。我们一定直面问题…" keeps only the item.
        const stop = splitOnSemicolon ? map.text.indexOf("。", c.contentStart) : -1;
        const end = stop >= 0 && stop < c.contentEnd ? stop : c.contentEnd;
        out.push({ ref: c.ref, range: { start: c.contentStart, end }, markerStart: c.markerStart, heading: null, source: "paragraph" });
      }
      continue;
    }
    if (!splitOnSemicolon) {
      out.push({ ref: region.owner.ref, range: region, markerStart: region.start, heading: null, source: "paragraph" });
      continue;
    }
    const text = map.text;
    // The list ends with its sentence; its items are split by "；", else by "，" when there are
    // at least three parallel clauses ("主要是A，B，C，等等").
    const stop = text.indexOf("。", region.start);
    const end = stop >= 0 && stop < region.end ? stop : region.end;
    const sentence = text.slice(region.start, end);
    const separator = sentence.includes("；") ? "；" : parallelClauses(sentence) ? "，" : null;
    let s = region.start;
    for (let i = region.start; i <= end; i++) {
      if (i === end || (separator !== null && text[i] === separator)) {
        const piece = trimEtc(text.slice(s, i));
        if (piece.trim().length >= 4) {
          out.push({
            ref: region.owner.ref,
            range: { start: s, end: s + piece.length },
            markerStart: s,
            heading: null,
            source: "paragraph",
          });
        }
        s = i + 1;
      }
    }
  }
  return out;
}

/** "A，B，C，等等" (or "…等问题"): three or more clauses of similar length that each state something. */
function parallelClauses(sentence: string): boolean {
  const clauses = trimEtc(sentence)
    .split("，")
    .filter((c) => c.trim().length > 0);
  return clauses.length >= 3 && clauses.every((c) => c.trim().length >= 4 && c.trim().length <= 40);
}

/** Drops a closing "等等" / "等" / "等问题" from a list or its last item. */
function trimEtc(text: string): string {
  return text.replace(/[，、]?\s*等等?(问题|方面)?\s*[，、]?\s*$/, "");
}

export function extractItems(
  map: SourceMap,
  roots: Item[],
  reportedYear: number | null,
): { problems: ProblemItem[]; plan: PlanItem[]; vision: PlanItem[]; planRegions: TextRegion[] } {
  const planRegions = findPlanRegions(map, roots, reportedYear).sort((a, b) => a.start - b.start);
  const problemRegions = findProblemRegions(map, roots);

  // Inline items inside a plan paragraph of another section are plan items.
  for (const region of planRegions) for (const c of inlineChildrenIn(region.owner, region)) c.kind = "plan";

  const rawProblems = [...sectionItems(map, roots, "problems", planRegions), ...regionItems(map, problemRegions, true)].sort(
    (a, b) => a.markerStart - b.markerStart,
  );
  const rawPlan = [...sectionItems(map, roots, "plan", []), ...regionItems(map, planRegions, false)].sort(
    (a, b) => a.markerStart - b.markerStart,
  );

  // Inline items end where the next begins: drop the "；" that separated them.
  const itemText = (r: Range) => map.contentText(r.start, r.end).replace(/[；，、\s]+$/, "");

  const problems: ProblemItem[] = [];
  for (const raw of rawProblems) {
    const text = itemText(raw.range);
    if (!text) continue;
    problems.push({ ref: raw.ref, text, span: map.span(raw.markerStart, raw.range.end), source: raw.source });
  }

  const toPlanItems = (raws: RawItem[]): PlanItem[] => {
    const items: PlanItem[] = [];
    for (const raw of raws) {
      const text = itemText(raw.range);
      if (!text) continue;
      const headingText = raw.heading ? map.originalText(raw.heading.start, raw.heading.end) : "";
      const title = shortTitle(headingText || text);
      items.push({ ref: raw.ref, title, text, span: map.span(raw.markerStart, raw.range.end), source: raw.source, targets: [] });
    }
    return items;
  };
  const plan = toPlanItems(rawPlan);
  const vision = toPlanItems(sectionItems(map, roots, "vision", []).sort((a, b) => a.markerStart - b.markerStart));
  return { problems, plan, vision, planRegions };
}
