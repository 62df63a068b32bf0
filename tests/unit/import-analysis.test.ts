import { describe, expect, it } from "vitest";
import { ANALYSIS_LIMITS, analysisIsTooLarge, analyzeSummary, countSections } from "~/lib/import-analysis";

describe("import analysis limits", () => {
  it("accepts a summary of ordinary size", () => {
    const text = [
      "平安街道2025年工作总结",
      "一、主要工作",
      "（一）抓实基层治理。全年走访居民楼1900户。",
      "二、2026年工作安排",
      "（一）继续推进基层治理。",
    ].join("\n");
    const analysis = analyzeSummary(text);
    expect(countSections(analysis.json.sections)).toBeGreaterThan(2);
    expect(analysisIsTooLarge(analysis)).toBe(false);
  });

  it("calls a text with more sections than any summary too large", () => {
    const text = "（一）抓实基层治理。全年走访居民楼1900户。\n".repeat(ANALYSIS_LIMITS.sections + 100);
    const analysis = analyzeSummary(text);
    expect(countSections(analysis.json.sections)).toBeGreaterThan(ANALYSIS_LIMITS.sections);
    expect(analysisIsTooLarge(analysis)).toBe(true);
  });
});
