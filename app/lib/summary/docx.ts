/**
 * The summary as a .docx laid out per GB/T 9704-2012 (党政机关公文格式), written with the
 * `docx` library:
 * - A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (版心 156 × 225 mm).
 * - Title 方正小标宋简体 二号, centred; body 仿宋_GB2312 三号, first-line indent of two
 *   characters; 一、 headings 黑体, （一） headings 楷体_GB2312, 1. headings 仿宋 bold.
 * - 22 lines × 28 characters: a line grid with an exact line pitch of 225 mm ÷ 22, and body
 *   text condensed by 0.25 pt so that 28 characters of 16 pt fit the 156 mm line (15.75 pt
 *   each). Word's own "lines and characters" grid (docGrid charSpace) does the same in Word,
 *   but LibreOffice then gives every 16 pt character two grid cells (a line of 14), so the
 *   pitch is set on the runs, where Word, WPS and LibreOffice all honour it.
 * - Page numbers 4号 宋体 "— 1 —" below the text block, odd pages right and even pages left,
 *   one character in from the edge; 落款 right-aligned, four characters in.
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
  /** Page number: its top 7 mm below the text block; the footer is measured to its bottom. */
  footer: mmToTwip(35 - 7 - 5),
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

function paragraphFor(d: Docx, kind: LineKind, text: string): Paragraph {
  if (kind === "title") {
    return new d.Paragraph({
      alignment: d.AlignmentType.CENTER,
      ...gridded,
      children: [new d.TextRun({ text, font: font(GONGWEN.fonts.title), size: GONGWEN.sizes.title })],
    });
  }
  const run = new d.TextRun({
    text,
    font: font(LEVEL_FONT[kind]),
    size: GONGWEN.sizes.body,
    bold: kind === "heading3",
    characterSpacing: GONGWEN.characterSpacing,
  });
  if (kind === "signature") {
    return new d.Paragraph({ alignment: d.AlignmentType.RIGHT, indent: { right: GONGWEN.indent * 2 }, ...gridded, children: [run] });
  }
  return new d.Paragraph({
    alignment: d.AlignmentType.JUSTIFIED,
    indent: { firstLine: GONGWEN.indent },
    ...gridded,
    children: [run],
  });
}

function blankLine(d: Docx): Paragraph {
  return new d.Paragraph({ ...gridded, children: [new d.TextRun({ text: "", font: font(GONGWEN.fonts.body), size: GONGWEN.sizes.body })] });
}

function pageNumberFooter(d: Docx, side: "odd" | "even"): Footer {
  return new d.Footer({
    children: [
      new d.Paragraph({
        alignment: side === "odd" ? d.AlignmentType.RIGHT : d.AlignmentType.LEFT,
        // One character (四号) in from the outside edge.
        indent: side === "odd" ? { right: 280 } : { left: 280 },
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

export function summaryToDocx(d: Docx, document: SummaryDocument): Document {
  const children: Paragraph[] = [];
  const lines = documentLines(document);
  lines.forEach((line, index) => {
    // A blank line after the title and before the 落款, as 公文 are typed.
    if (line.kind === "signature" && lines[index - 1]?.kind !== "signature") children.push(blankLine(d), blankLine(d));
    children.push(paragraphFor(d, line.kind, line.text));
    if (line.kind === "title") children.push(blankLine(d));
  });
  const title = lines.find((l) => l.kind === "title")?.text ?? "工作总结";
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
          grid: { type: d.DocumentGridType.LINES, linePitch: GONGWEN.linePitch },
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
