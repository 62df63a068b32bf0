/**
 * The summary as a .docx laid out per GB/T 9704-2012 (党政机关公文格式), written with the
 * `docx` library:
 * - A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (版心 156 × 225 mm).
 * - Title 方正小标宋简体 二号, centred; body 仿宋_GB2312 三号, first-line indent of two
 *   characters; 一、 headings 黑体, （一） headings 楷体_GB2312, 1. headings 仿宋 bold.
 * - 22 lines × 28 characters: a document grid of type "linesAndChars" (w:docGrid) with an
 *   exact line pitch of 225 mm ÷ 22 (579 twips) and a character cell of one 三号 character
 *   (charSpace 0 against the 16 pt default run size of docDefaults and Normal). The text itself
 *   is set at 15.75 pt a character (16 pt runs condensed by 0.25 pt, w:snapToGrid off on the
 *   run), so 28 fill the 156 mm line in Word, WPS and LibreOffice alike. A negative charSpace
 *   (a 15.79 pt cell, 156 mm ÷ 28, as Word's 文档网格 dialog writes it) is what Word shows as
 *   "28 字/行", but LibreOffice (7.4) then gives every 16 pt character two cells: 14 a line.
 *   tests/integration/summary-docx-pdf.test.ts renders the file with LibreOffice and checks
 *   22 lines of 28 characters.
 * - Page numbers 4号 宋体 "— 1 —", their line's top 7 mm below the text block, odd pages
 *   right and even pages left, one character in from the edge.
 * - 落款 (no seal): the date right-aligned four characters in, the issuing unit centred over
 *   the date; the last paragraph of the text is kept on the 落款's page (keep-with-next and
 *   keep-lines), so the 落款 never stands alone on a page.
 * Server use only (it is not imported by any component). The `docx` library itself is loaded
 * on the first export, not at server start: it is large and rarely used.
 */
import { createRequire } from "node:module";
import type { Document, Footer, IRunOptions, Paragraph } from "docx";
import { documentLines, type LineKind } from "~/lib/summary/text";
import type { SummaryDocument } from "~/lib/summary/types";

// Loaded with require on first use, not with import(): tsx (which runs the server) rewrites
// every file holding an import() expression and keeps a source map of it, and the server
// build is one large file (about +50 MB RSS).
const loadPackage = createRequire(import.meta.url);

type Docx = typeof import("docx");

const mmToTwip = (mm: number) => Math.round((mm / 25.4) * 1440);

export const GONGWEN = {
  pageWidth: 11906,
  pageHeight: 16838,
  marginTop: mmToTwip(37), // 2098
  marginBottom: mmToTwip(35), // 1984
  marginLeft: mmToTwip(28), // 1587
  marginRight: mmToTwip(26), // 1474
  /** 225 mm ÷ 22 lines = 28.95 pt. */
  linePitch: Math.floor(((225 / 25.4) * 1440) / 22), // 579: 22 lines must fit in 12756 twips
  /** Character spacing of body runs, in twentieths of a point: 16 pt − 0.25 pt = 15.75 pt a character. */
  characterSpacing: -5,
  /**
   * Character cell of the grid, in 1/4096 pt added to the 16 pt default run size: 0, a cell of one
   * 三号 character. LibreOffice adds charSpace/4096 pt to every character; below 0 it lays each
   * 16 pt character over two cells instead (14 a line).
   */
  charSpace: 0,
  /** The page number's line: exactly 四号 (14 pt) high, so its top is where it is meant to be. */
  pageNumberLine: 280,
  /** Page number: the top of its line 7 mm below the text block; the footer distance is measured to its bottom. */
  footer: mmToTwip(35 - 7) - 280,
  fonts: {
    title: "方正小标宋简体",
    body: "仿宋_GB2312",
    heading1: "黑体",
    heading2: "楷体_GB2312",
    pageNumber: "宋体",
  },
  /** Half-points: 二号 22 pt, 三号 16 pt, 四号 14 pt. */
  sizes: { title: 44, body: 32, pageNumber: 28 },
  /** Two characters of 三号. */
  indent: 640,
} as const;

function font(name: string): IRunOptions["font"] {
  return { ascii: name, eastAsia: name, hAnsi: name, cs: name };
}

const exactLine = { line: GONGWEN.linePitch, lineRule: "exact" as const, before: 0, after: 0 };
// 公文 fill every page with 22 lines: no widow/orphan control pushing lines to the next page.
const gridded = { spacing: exactLine, widowControl: false } as const;

const LEVEL_FONT: Record<Exclude<LineKind, "title">, string> = {
  heading1: GONGWEN.fonts.heading1,
  heading2: GONGWEN.fonts.heading2,
  heading3: GONGWEN.fonts.body,
  body: GONGWEN.fonts.body,
  signature: GONGWEN.fonts.body,
};

/**
 * Width of a line of text in grid characters: CJK one cell; the date's Arabic digits between
 * half a cell (Word) and seven eighths (LibreOffice's grid), so ¾, which centres the unit
 * within half a character in both.
 */
export function textWidthInCharacters(text: string): number {
  return [...text].reduce((sum, ch) => sum + (ch.charCodeAt(0) < 0x2e80 ? 0.75 : 1), 0);
}

/** Twips of one grid character (15.79 pt). */
const CHARACTER = Math.round(((GONGWEN.pageWidth - GONGWEN.marginLeft - GONGWEN.marginRight) / 28) * 100) / 100;

/**
 * The 落款's right indents (GB/T 9704-2012 7.3.5.2, no seal): the date 右空四字; the unit centred
 * over the date, and at least two characters in when it is longer than the date.
 */
export function signatureIndents(unit: string, date: string): { unit: number; date: number } {
  const dateRight = 4 * CHARACTER;
  const offset = ((textWidthInCharacters(date) - textWidthInCharacters(unit)) / 2) * CHARACTER;
  return { date: Math.round(dateRight), unit: Math.round(Math.max(2 * CHARACTER, dateRight + offset)) };
}

function paragraphFor(d: Docx, kind: LineKind, text: string, keepNext = false, rightIndent = 0): Paragraph {
  if (kind === "title") {
    return new d.Paragraph({
      alignment: d.AlignmentType.CENTER,
      ...gridded,
      children: [new d.TextRun({ text, font: font(GONGWEN.fonts.title), size: GONGWEN.sizes.title, snapToGrid: false })],
    });
  }
  const run = new d.TextRun({
    text,
    font: font(LEVEL_FONT[kind]),
    size: GONGWEN.sizes.body,
    bold: kind === "heading3",
    characterSpacing: GONGWEN.characterSpacing,
    // Characters keep their condensed pitch (15.75 pt) instead of snapping to the grid's 16 pt
    // cells: 28 fit the 156 mm line in Word, WPS and LibreOffice.
    snapToGrid: false,
  });
  if (kind === "signature") {
    return new d.Paragraph({
      alignment: d.AlignmentType.RIGHT,
      indent: { right: rightIndent },
      keepNext,
      keepLines: true,
      ...gridded,
      children: [run],
    });
  }
  const heading = kind === "heading1" || kind === "heading2" || kind === "heading3";
  return new d.Paragraph({
    alignment: d.AlignmentType.JUSTIFIED,
    indent: { firstLine: GONGWEN.indent },
    ...gridded,
    // A heading stays with its first paragraph; the last paragraph of the text goes with the
    // 落款 (keep-with-next), whole (keep-lines).
    ...(keepNext || heading ? { keepNext: true, keepLines: true } : {}),
    children: [run],
  });
}

function blankLine(d: Docx, keepNext = false): Paragraph {
  return new d.Paragraph({
    ...gridded,
    ...(keepNext ? { keepNext: true } : {}),
    children: [new d.TextRun({ text: "", font: font(GONGWEN.fonts.body), size: GONGWEN.sizes.body })],
  });
}

function pageNumberFooter(d: Docx, side: "odd" | "even"): Footer {
  return new d.Footer({
    children: [
      new d.Paragraph({
        alignment: side === "odd" ? d.AlignmentType.RIGHT : d.AlignmentType.LEFT,
        // One character (四号) in from the outside edge.
        indent: side === "odd" ? { right: 280 } : { left: 280 },
        spacing: { line: GONGWEN.pageNumberLine, lineRule: "exact", before: 0, after: 0 },
        children: [
          new d.TextRun({
            children: ["— ", d.PageNumber.CURRENT, " —"],
            font: font(GONGWEN.fonts.pageNumber),
            size: GONGWEN.sizes.pageNumber,
          }),
        ],
      }),
    ],
  });
}

/** A line of a 公文 as the writer lays it out (the summary's DocumentLine, or a 督办通报's). */
export interface GongwenLine {
  kind: LineKind;
  text: string;
}

export function summaryToDocx(d: Docx, document: SummaryDocument): Document {
  return gongwenToDocx(d, documentLines(document), "工作总结");
}

/**
 * Any 公文 given as lines (title, headings, body, 落款) in the GB/T 9704 layout above: the
 * summary and the 督办通报 share it. `fallbackTitle` names the file when there is no title line.
 */
export function gongwenToDocx(d: Docx, lines: readonly GongwenLine[], fallbackTitle: string): Document {
  const children: Paragraph[] = [];
  const signature = lines.filter((l) => l.kind === "signature");
  // Unit and date (the last line is the date); a one-line 落款 is the date alone.
  const indents = signatureIndents(signature.length > 1 ? signature[0].text : "", signature[signature.length - 1]?.text ?? "");
  lines.forEach((line, index) => {
    const next = lines[index + 1];
    const beforeSignature = line.kind !== "signature" && next?.kind === "signature";
    // A blank line after the title; two before the 落款, as 公文 are typed.
    if (line.kind === "signature" && lines[index - 1]?.kind !== "signature") children.push(blankLine(d, true), blankLine(d, true));
    const isDate = line.kind === "signature" && next?.kind !== "signature";
    const indent = line.kind === "signature" ? (isDate ? indents.date : indents.unit) : 0;
    children.push(paragraphFor(d, line.kind, line.text, beforeSignature || (line.kind === "signature" && !isDate), indent));
    // A title may run over several lines (the 督办通报's issue number); the blank line follows the last.
    if (line.kind === "title" && next?.kind !== "title") children.push(blankLine(d));
  });
  const title =
    lines
      .filter((l) => l.kind === "title")
      .map((l) => l.text)
      .join("") || fallbackTitle;
  return new d.Document({
    title,
    creator: "年度重点工作看板",
    evenAndOddHeaderAndFooters: true,
    styles: {
      default: {
        document: {
          run: { font: font(GONGWEN.fonts.body), size: GONGWEN.sizes.body },
          paragraph: { spacing: exactLine },
        },
      },
      // The grid's character pitch is measured from the Normal style's font size: LibreOffice
      // reads it from the style itself, not from the document defaults.
      paragraphStyles: [
        {
          id: "Normal",
          name: "Normal",
          quickFormat: true,
          run: { font: font(GONGWEN.fonts.body), size: GONGWEN.sizes.body },
          paragraph: { spacing: exactLine },
        },
      ],
    },
    sections: [
      {
        properties: {
          page: {
            size: { width: GONGWEN.pageWidth, height: GONGWEN.pageHeight },
            margin: {
              top: GONGWEN.marginTop,
              bottom: GONGWEN.marginBottom,
              left: GONGWEN.marginLeft,
              right: GONGWEN.marginRight,
              header: mmToTwip(15),
              footer: GONGWEN.footer,
              gutter: 0,
            },
          },
          grid: { type: d.DocumentGridType.LINES_AND_CHARS, linePitch: GONGWEN.linePitch, charSpace: GONGWEN.charSpace },
        },
        footers: { default: pageNumberFooter(d, "odd"), even: pageNumberFooter(d, "even") },
        children,
      },
    ],
  });
}

export async function summaryDocxBuffer(document: SummaryDocument): Promise<Buffer> {
  const d = loadPackage("docx") as Docx;
  return d.Packer.toBuffer(summaryToDocx(d, document));
}

/** A 公文 of lines as .docx bytes (the 督办通报). */
export async function gongwenDocxBuffer(lines: readonly GongwenLine[], fallbackTitle: string): Promise<Buffer> {
  const d = loadPackage("docx") as Docx;
  return d.Packer.toBuffer(gongwenToDocx(d, lines, fallbackTitle));
}
