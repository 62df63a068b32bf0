import { describe, expect, it } from "vitest";
import { diffChars, diffDocuments, diffLines } from "~/lib/summary/diff";
import type { SummaryDocument } from "~/lib/summary/types";

const doc = (problems: string, opening = "现将有关情况总结如下："): SummaryDocument => ({
  year: 2025,
  sections: [
    { key: "title", heading: "", body: "平东街道2025年工作总结" },
    { key: "opening", heading: "", body: opening },
    { key: "problems", heading: "存在问题", body: problems },
  ],
});

describe("comparing versions", () => {
  it("marks added, removed and edited paragraphs", () => {
    const lines = diffLines(["1.甲。", "2.乙问题较多。", "3.丙。"], ["1.甲。", "2.乙问题仍然较多。", "4.丁。"]);
    expect(lines).toEqual([
      { kind: "same", text: "1.甲。" },
      {
        kind: "changed",
        pieces: [
          { kind: "same", text: "2.乙问题" },
          { kind: "added", text: "仍然" },
          { kind: "same", text: "较多。" },
        ],
      },
      { kind: "removed", text: "3.丙。" },
      { kind: "added", text: "4.丁。" },
    ]);
  });

  it("shows character changes inside a paragraph", () => {
    expect(diffChars("完成80%", "完成85%")).toEqual([
      { kind: "same", text: "完成8" },
      { kind: "removed", text: "0" },
      { kind: "added", text: "5" },
      { kind: "same", text: "%" },
    ]);
  });

  it("reports per section which ones changed, headings included", () => {
    const sections = diffDocuments(doc("1.甲。"), doc("1.甲。\n2.乙。"));
    expect(sections.map((s) => [s.key, s.changed])).toEqual([
      ["title", false],
      ["opening", false],
      ["problems", true],
    ]);
    expect(sections[2].lines[0]).toEqual({ kind: "same", text: "三、存在问题" });
    expect(sections[2].lines[2]).toEqual({ kind: "added", text: "2.乙。" });
    expect(diffDocuments(doc("1.甲。"), doc("1.甲。")).every((s) => !s.changed)).toBe(true);
  });
});
