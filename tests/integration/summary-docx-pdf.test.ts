// The .docx export rendered by LibreOffice (soffice → PDF, read back with poppler's pdftotext):
// 22 lines on a full page, the 落款 never alone on the last page (whatever the
// length of the text), laid out per GB/T 9704, and the page number 7 mm below the text block.
// .ci/run installs libreoffice-writer-nogui and poppler-utils when they are missing; elsewhere the
// file is skipped, saying why, when soffice or pdftotext is not installed.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { summaryDocxBuffer } from "../../app/lib/summary/docx";
import type { SummaryDocument } from "../../app/lib/summary/types";

const PT_TO_MM = 25.4 / 72;
const TEXT_BOTTOM_MM = 297 - 35;
const TEXT_RIGHT_MM = 210 - 26;
const CHARACTER_MM = 156 / 28;

interface Line {
  top: number;
  left: number;
  right: number;
  text: string;
}

function readPages(pdf: string): Line[][] {
  const html = execFileSync("pdftotext", ["-bbox-layout", pdf, "-"], { encoding: "utf8" });
  return [...html.matchAll(/<page [^>]*>([\s\S]*?)<\/page>/g)].map(([, page]) =>
    [...page.matchAll(/<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([\s\S]*?)<\/line>/g)].map(
      ([, x0, y0, x1, body]) => ({
        top: Number(y0) * PT_TO_MM,
        left: Number(x0) * PT_TO_MM,
        right: Number(x1) * PT_TO_MM,
        text: [...body.matchAll(/>([^<]*)<\/word>/g)].map((m) => m[1]).join(""),
      }),
    ),
  );
}

/** A summary whose 二 has `extra` more paragraphs: some length of it puts the last paragraph at a page's foot. */
function summary(extra: number): SummaryDocument {
  const paragraph = (i: number) => `${i + 1}.围绕年度目标任务，街道统筹推进各项重点工作，社区网格化管理和便民服务水平进一步提升。`;
  return {
    year: 2025,
    sections: [
      { key: "title", heading: "", body: "河西街道2025年工作总结" },
      { key: "opening", heading: "", body: "2025年，河西街道围绕年初确定的重点工作推进各项工作。现将有关情况总结如下：" },
      {
        key: "highlights",
        heading: "亮点工作",
        // Four lines: its middle two are full lines of 28 characters.
        body: "社区食堂提前建成投用，全年服务居民一万余人次。街道坚持把为民办实事作为检验工作成效的重要标准，围绕群众反映集中的就餐难、养老难和停车难等问题，逐项制定工作方案，明确责任单位和完成时限，推动各项民生实事落地见效。",
      },
      {
        key: "work",
        heading: "2025年主要工作",
        body: ["（一）党建工作", ...Array.from({ length: 6 + extra }, (_, i) => paragraph(i))].join("\n"),
      },
      { key: "problems", heading: "存在问题", body: "1.部分工作进度滞后于计划。" },
      { key: "plan", heading: "2026年重点工作安排", body: "1.继续推进老旧小区改造，确保年内完成。" },
      { key: "signature", heading: "", body: "河西街道办事处\n2025年12月31日" },
    ],
  };
}

const installed = (command: string) => spawnSync("sh", ["-c", `command -v ${command}`]).status === 0;
const missing = ["soffice", "pdftotext"].filter((c) => !installed(c));
if (missing.length) {
  console.warn(`跳过 LibreOffice 版式测试：未安装 ${missing.join("、")}（sudo apt-get install -y libreoffice-writer-nogui poppler-utils）`);
}

const VARIANTS = 14; // more than the lines a page holds, counted in two-line paragraphs
let dir: string;
const rendered: Line[][][] = [];

beforeAll(async () => {
  if (missing.length) return;
  dir = mkdtempSync(join(tmpdir(), "summary-pdf-"));
  const files: string[] = [];
  for (let extra = 0; extra < VARIANTS; extra++) {
    const file = join(dir, `v${String(extra).padStart(2, "0")}.docx`);
    writeFileSync(file, await summaryDocxBuffer(summary(extra)));
    files.push(file);
  }
  execFileSync(
    "soffice",
    [`-env:UserInstallation=file://${join(dir, "profile")}`, "--headless", "--convert-to", "pdf", "--outdir", dir, ...files],
    {
      stdio: "ignore",
      timeout: 180_000,
    },
  );
  for (const file of files) rendered.push(readPages(file.replace(/\.docx$/, ".pdf")));
}, 200_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const isPageNumber = (l: Line) => /^—\d+—$/.test(l.text.replace(/\s/g, ""));

describe.skipIf(missing.length > 0)("the .docx as LibreOffice prints it", () => {
  it("renders every length to PDF, on more than one page for the longer ones", () => {
    expect(rendered).toHaveLength(VARIANTS);
    expect(rendered[VARIANTS - 1].length).toBeGreaterThan(1);
    expect(readFileSync(join(dir, "v00.pdf")).subarray(0, 4).toString()).toBe("%PDF");
  });

  it("never leaves the 落款 alone on the last page", () => {
    for (const [extra, pages] of rendered.entries()) {
      const last = pages[pages.length - 1].filter((l) => !isPageNumber(l));
      const other = last.filter((l) => l.text !== "河西街道办事处" && l.text !== "2025年12月31日");
      expect(other.length, `variant ${extra}: ${last.map((l) => l.text).join(" / ")}`).toBeGreaterThan(0);
      expect(last.map((l) => l.text)).toEqual(expect.arrayContaining(["河西街道办事处", "2025年12月31日"]));
    }
  });

  it("puts 22 lines of 28 characters on a full page", () => {
    // pdftotext may cut a printed line into pieces: a row is every piece at one height.
    const rows = (page: Line[]) => {
      const found: [number, Line[]][] = [];
      for (const l of page.filter((l) => !isPageNumber(l))) {
        // Digits and CJK glyphs of one line start a little apart: within 4 mm is one row (the pitch is 10.2 mm).
        const row = found.find(([top]) => Math.abs(top - l.top) < 4);
        if (row) row[1].push(l);
        else found.push([l.top, [l]]);
      }
      return found
        .map(
          ([top, pieces]) =>
            [
              top,
              pieces
                .sort((a, b) => a.left - b.left)
                .map((p) => p.text)
                .join(""),
            ] as const,
        )
        .sort((a, b) => a[0] - b[0]);
    };
    const longest = rendered[VARIANTS - 1];
    expect(longest.length).toBeGreaterThan(2);
    const full = rows(longest[1]);
    expect(full).toHaveLength(22);
    // 28 characters a line: the 亮点 paragraph's middle lines are full lines of CJK characters only.
    const cjkLines = rows(longest[0])
      .map(([, text]) => text.replace(/\s/g, ""))
      .filter((text) => /^[\u3000-\u9fff\uff00-\uffef]+$/u.test(text));
    expect(Math.max(...cjkLines.map((text) => [...text].length))).toBe(28);
    expect(cjkLines.filter((text) => [...text].length === 28).length).toBeGreaterThanOrEqual(2);
    // The line pitch: 225 mm ÷ 22.
    expect((full[21][0] - full[0][0]) / 21).toBeCloseTo(225 / 22, 0);
  });

  it("sets the date four characters in from the right and centres the unit over it", () => {
    const last = rendered[0][rendered[0].length - 1];
    const unit = last.find((l) => l.text === "河西街道办事处")!;
    const date = last.find((l) => l.text === "2025年12月31日")!;
    expect((TEXT_RIGHT_MM - date.right) / CHARACTER_MM).toBeGreaterThan(3.5);
    expect((TEXT_RIGHT_MM - date.right) / CHARACTER_MM).toBeLessThan(4.5);
    expect(Math.abs((unit.left + unit.right) / 2 - (date.left + date.right) / 2)).toBeLessThan(CHARACTER_MM);
    expect(date.top - unit.top).toBeCloseTo(225 / 22, 0);
  });

  it("prints the page number 7 mm below the text block", () => {
    for (const page of rendered[VARIANTS - 1]) {
      const number = page.find(isPageNumber)!;
      expect(number.top - TEXT_BOTTOM_MM).toBeGreaterThan(6);
      expect(number.top - TEXT_BOTTOM_MM).toBeLessThan(8);
    }
  });
});
