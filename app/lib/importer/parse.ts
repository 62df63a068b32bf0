import { classifyChild, classifyTopLevel } from "~/lib/importer/classify";
import { extractItems } from "~/lib/importer/items";
import { markAppendix, markFurniture, splitLines } from "~/lib/importer/lines";
import { dominantYear, findHeadDate, findSignature, findTitle, formatDate, unitFromTitle, yearInText } from "~/lib/importer/meta";
import { extractMetrics } from "~/lib/importer/metrics";
import { attachTargets, findPlanYear, readPeriods } from "~/lib/importer/reading";
import { normalizeText } from "~/lib/importer/normalize";
import { SourceMap } from "~/lib/importer/source";
import { buildStructure, type Item } from "~/lib/importer/structure";
import { shortTitle } from "~/lib/importer/text-utils";
import type { Paragraph, ParsedSummary, SectionNode } from "~/lib/importer/types";

/**
 * Reads a 工作总结 (or a report of the same family): title, unit, date, year, the numbered
 * sections with their kinds, the problems and plan items, and the figures. Never throws: any
 * text gives a (possibly empty) result. Offsets in the result point into `text` as given.
 */
export function parseSummary(text: string): ParsedSummary {
  const norm = normalizeText(text);
  const lines = splitLines(norm.text);
  markFurniture(lines);

  const titleLines = findTitle(lines);
  for (const l of titleLines) l.kind = "title";
  const signature = findSignature(lines);
  for (const l of signature.lines) l.kind = "signature";
  markAppendix(lines);

  const map = new SourceMap(text, norm, lines);
  const structure = buildStructure(map);

  const title = titleLines.length > 0 ? titleLines.map((l) => map.originalText(l.start, l.end)).join("") : null;
  const titleYear = title ? yearInText(title) : null;
  const date = signature.date ?? findHeadDate(lines);
  // The year the document reports on: its title says so; else the year the body mentions most.
  const bodyTexts = lines.filter((l) => l.kind === "content").map((l) => l.text);
  const reportedYear = titleYear ?? dominantYear(bodyTexts) ?? date?.year ?? null;
  classify(map, structure.roots, reportedYear);

  const { problems, plan, vision, planRegions } = extractItems(map, structure.roots, reportedYear);
  const metrics = extractMetrics(map, structure, planRegions);
  const isoDate = date ? formatDate(date) : null;
  readPeriods(map, metrics, isoDate, text);
  attachTargets(plan, metrics);
  attachTargets(vision, metrics);

  const titleSpan = titleLines.length > 0 ? map.span(titleLines[0].start, titleLines[titleLines.length - 1].end) : null;
  const unit = signature.unit ? map.originalText(signature.lines[0].start, signature.lines[0].end) : title ? unitFromTitle(title) : null;

  const paragraph = (start: number, end: number): Paragraph => ({ text: map.originalText(start, end), span: map.span(start, end) });

  const sections = structure.roots.map((item) => toSectionNode(map, item));
  return {
    originalText: text,
    title,
    unit,
    year: reportedYear,
    planYear: findPlanYear(title, sections, reportedYear, isoDate),
    date: isoDate,
    titleSpan,
    signature: signature.lines.map((l) => paragraph(l.start, l.end)),
    preamble: structure.preamble.map((r) => paragraph(r.start, r.end)),
    sections,
    problems,
    plan,
    vision,
    metrics,
    appendix: lines.filter((l) => l.kind === "appendix").map((l) => paragraph(l.start, l.end)),
    furniture: lines.filter((l) => l.kind === "furniture").map((l) => map.span(l.start, l.end)),
  };
}

function classify(map: SourceMap, roots: Item[], reportedYear: number | null): void {
  const ctx = { reportedYear };
  const kinds = classifyTopLevel(
    roots.map((r) => map.text.slice(r.heading.start, r.heading.end)),
    ctx,
  );
  roots.forEach((root, i) => {
    root.kind = kinds[i];
    classifyChildren(map, root, ctx);
  });
}

function classifyChildren(map: SourceMap, item: Item, ctx: { reportedYear: number | null }): void {
  for (const child of item.children) {
    child.kind =
      child.marker === "inline" ? item.kind : classifyChild(map.text.slice(child.heading.start, child.heading.end), item.kind, ctx);
    classifyChildren(map, child, ctx);
  }
}

function toSectionNode(map: SourceMap, item: Item): SectionNode {
  const headingText = map.originalText(item.heading.start, item.heading.end);
  return {
    ref: item.ref,
    number: item.number,
    level: item.level,
    marker: item.marker,
    heading: item.marker === "inline" ? shortTitle(headingText) : headingText,
    runIn: item.runIn,
    kind: item.kind,
    paragraphs: item.paragraphs.map((p) => ({ text: map.contentText(p.start, p.end), span: map.span(p.start, p.end) })),
    children: item.children.map((c) => toSectionNode(map, c)),
    span: map.span(item.markerStart, Math.max(item.contentEnd, item.contentStart)),
    text: map.contentText(item.contentStart, item.contentEnd),
  };
}
