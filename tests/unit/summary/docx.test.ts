// Opens the exported .docx (its XML, and mammoth's reading of it) and checks the GB/T 9704 layout.
import JSZip from "jszip";
import mammoth from "mammoth";
import { beforeAll, describe, expect, it } from "vitest";
import { GONGWEN, summaryDocxBuffer } from "~/lib/summary/docx";
import type { SummaryDocument } from "~/lib/summary/types";

const document: SummaryDocument = {
  year: 2025,
  sections: [
    { key: "title", heading: "", body: "平东街道2025年工作总结" },
    { key: "opening", heading: "", body: "2025年，平东街道围绕年初确定的3项重点工作推进各项工作。现将有关情况总结如下：" },
    { key: "highlights", heading: "亮点工作", body: "“推广东晟社区党建工作经验”提前完成。" },
    { key: "work", heading: "2025年主要工作", body: "（一）党建工作\n1.环境整治工作\n全年固定资产投资2560万元，完成年度目标的106.7%。" },
    { key: "problems", heading: "存在问题", body: "1.部分指标未完成年度目标。" },
    { key: "plan", heading: "2026年重点工作安排", body: "1.继续推进“城市管理”。" },
    { key: "signature", heading: "", body: "平东街道办事处\n2025年12月31日" },
  ],
};

let xml = "";
let footers: string[] = [];
let settings = "";
let bytes: Buffer;

/** The <w:p> whose text is `text`. */
function paragraph(text: string): string {
  const found = xml.match(/<w:p>.*?<\/w:p>/g)?.find((p) => p.replace(/<[^>]+>/g, "") === text);
  if (!found) throw new Error(`no paragraph ${text}`);
  return found;
}

function attr(fragment: string, element: string, name: string): string | null {
  const m = new RegExp(`<w:${element}\\b[^>]*\\bw:${name}="([^"]*)"`).exec(fragment);
  return m ? m[1] : null;
}

beforeAll(async () => {
  bytes = await summaryDocxBuffer(document);
  const zip = await JSZip.loadAsync(bytes);
  xml = await zip.file("word/document.xml")!.async("string");
  settings = await zip.file("word/settings.xml")!.async("string");
  footers = await Promise.all(
    Object.keys(zip.files)
      .filter((name) => /^word\/footer\d+\.xml$/.test(name))
      .sort()
      .map((name) => zip.file(name)!.async("string")),
  );
});

describe("the .docx export (GB/T 9704-2012)", () => {
  it("is A4 with margins 37/35/28/26 mm", () => {
    const sectPr = /<w:sectPr>.*<\/w:sectPr>/.exec(xml)![0];
    expect(attr(sectPr, "pgSz", "w")).toBe("11906");
    expect(attr(sectPr, "pgSz", "h")).toBe("16838");
    expect(attr(sectPr, "pgMar", "top")).toBe("2098");
    expect(attr(sectPr, "pgMar", "bottom")).toBe("1984");
    expect(attr(sectPr, "pgMar", "left")).toBe("1587");
    expect(attr(sectPr, "pgMar", "right")).toBe("1474");
  });

  it("has 22 lines of 28 characters: exact line pitch on a line grid, condensed character pitch", () => {
    const sectPr = /<w:sectPr>.*<\/w:sectPr>/.exec(xml)![0];
    const pitch = Number(attr(sectPr, "docGrid", "linePitch"));
    expect(attr(sectPr, "docGrid", "type")).toBe("lines");
    const textHeight = 16838 - 2098 - 1984;
    expect(Math.floor(textHeight / pitch)).toBe(22);
    const body = paragraph("全年固定资产投资2560万元，完成年度目标的106.7%。");
    expect(attr(body, "spacing", "line")).toBe(String(pitch));
    expect(attr(body, "spacing", "lineRule")).toBe("exact");
    // Character pitch = 16 pt + spacing; 28 of them fit the 156 mm line, 29 do not.
    const spacingPt = Number(/<w:spacing w:val="(-?\d+)"\/>/.exec(body)![1]) / 20;
    const textWidthPt = ((11906 - 1587 - 1474) / 1440) * 72;
    expect(Math.floor(textWidthPt / (16 + spacingPt))).toBe(28);
  });

  it("sets the title in 方正小标宋简体 二号, centred", () => {
    const title = paragraph("平东街道2025年工作总结");
    expect(attr(title, "rFonts", "eastAsia")).toBe("方正小标宋简体");
    expect(attr(title, "sz", "val")).toBe("44");
    expect(attr(title, "jc", "val")).toBe("center");
  });

  it("uses 黑体 for 一、, 楷体_GB2312 for （一）, 仿宋_GB2312 三号 for the body, indented two characters", () => {
    const h1 = paragraph("二、2025年主要工作");
    expect(attr(h1, "rFonts", "eastAsia")).toBe("黑体");
    const h2 = paragraph("（一）党建工作");
    expect(attr(h2, "rFonts", "eastAsia")).toBe("楷体_GB2312");
    const h3 = paragraph("1.环境整治工作");
    expect(attr(h3, "rFonts", "eastAsia")).toBe("仿宋_GB2312");
    expect(h3).toContain("<w:b/>");
    const body = paragraph("1.部分指标未完成年度目标。");
    expect(attr(body, "rFonts", "eastAsia")).toBe("仿宋_GB2312");
    expect(attr(body, "sz", "val")).toBe("32");
    for (const p of [h1, h2, h3, body]) expect(attr(p, "ind", "firstLine")).toBe(String(GONGWEN.indent));
    expect(GONGWEN.indent).toBe(2 * 16 * 20);
  });

  it("right-aligns the 落款", () => {
    for (const text of ["平东街道办事处", "2025年12月31日"]) {
      const p = paragraph(text);
      expect(attr(p, "jc", "val")).toBe("right");
      expect(attr(p, "rFonts", "eastAsia")).toBe("仿宋_GB2312");
    }
  });

  it("numbers pages “— 1 —” in 4号 宋体, odd pages right and even pages left", () => {
    expect(settings).toContain("<w:evenAndOddHeaders/>");
    expect(xml).toMatch(/<w:footerReference w:type="default"/);
    expect(xml).toMatch(/<w:footerReference w:type="even"/);
    expect(footers).toHaveLength(2);
    const sides = footers.map((f) => attr(f, "jc", "val")).sort();
    expect(sides).toEqual(["left", "right"]);
    for (const footer of footers) {
      expect(footer).toContain("PAGE");
      expect(footer).toContain("— ");
      expect(attr(footer, "rFonts", "eastAsia")).toBe("宋体");
      expect(attr(footer, "sz", "val")).toBe("28");
    }
  });

  it("reads back as the same text, in order", async () => {
    const { value } = await mammoth.extractRawText({ buffer: bytes });
    const lines = value
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean);
    expect(lines).toEqual([
      "平东街道2025年工作总结",
      "2025年，平东街道围绕年初确定的3项重点工作推进各项工作。现将有关情况总结如下：",
      "一、亮点工作",
      "“推广东晟社区党建工作经验”提前完成。",
      "二、2025年主要工作",
      "（一）党建工作",
      "1.环境整治工作",
      "全年固定资产投资2560万元，完成年度目标的106.7%。",
      "三、存在问题",
      "1.部分指标未完成年度目标。",
      "四、2026年重点工作安排",
      "1.继续推进“城市管理”。",
      "平东街道办事处",
      "2025年12月31日",
    ]);
  });
});
