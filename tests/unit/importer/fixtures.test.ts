import { describe, expect, it } from "vitest";
import { parseSummary, summaryJsonSchema, toSummaryJson } from "~/lib/importer";
import { readFixture } from "./helpers";

/**
 * Two provincial-style 政府工作报告 written for these tests (page furniture included), laid out
 * as such reports are (回顾 → 五年目标 → 今年重点工作): one with run-in 一是/二是 items in the
 * review, one with numbered （一） items. Only robust facts are asserted.
 */
describe.each(["provincial-report-runin.txt", "provincial-report-numbered.txt"])("%s", (file) => {
  const text = readFixture(file);
  const parsed = parseSummary(text);
  const json = toSummaryJson(parsed);

  it("has the documented shape", () => {
    expect(() => summaryJsonSchema.parse(json)).not.toThrow();
  });

  it("reads the title, year and report date, not the page's timestamps", () => {
    expect(json.title).toMatch(/^2026年.+政府工作报告$/);
    expect(json.year).toBe(2026);
    expect(json.date).toMatch(/^2026-01-\d{2}$/);
    expect(json.unit).toMatch(/政府$/);
  });

  it("has three top-level sections: a review, an outlook and the year's work, with no furniture among them", () => {
    expect(json.sections.map((s) => s.number)).toEqual(["一", "二", "三"]);
    expect(json.sections[0].kind).toBe("work");
    expect(json.sections[2].kind).toBe("plan");
    const headings = json.sections.map((s) => s.heading).join(" ");
    expect(headings).not.toMatch(/打印|关闭|字号|字体|来源|分享|责任编辑|相关/);
    expect(json.sections[2].children.length).toBeGreaterThanOrEqual(8);
    expect(parsed.furniture.length).toBeGreaterThanOrEqual(2);
  });

  it("takes the year's work items as plan items", () => {
    const planRefs = json.plan.map((p) => p.ref);
    expect(planRefs).toContain("三.（一）");
    expect(planRefs).toContain("三.（八）");
    for (const item of json.plan) {
      expect(item.title.length).toBeGreaterThan(0);
      expect(item.title.length).toBeLessThanOrEqual(40);
    }
  });

  it("extracts money and rates, and targets from the plan section", () => {
    expect(json.metrics.some((m) => m.unit === "亿元")).toBe(true);
    expect(json.metrics.some((m) => m.unit === "%" && m.kind === "rate")).toBe(true);
    expect(json.metrics.some((m) => m.kind === "target" && m.ref?.startsWith("三"))).toBe(true);
    // Growth targets of the year ("增长5%左右") come from the plan section.
    expect(json.metrics.some((m) => m.unit === "%" && m.kind === "target" && m.approximate)).toBe(true);
    for (const m of parsed.metrics) {
      expect(["年", "月", "日"]).not.toContain(m.unit);
      expect(m.value).not.toBe(2026);
      expect(text.slice(m.span.start, m.span.end)).toBe(m.raw);
    }
  });

  it("reads the problems stated in the review", () => {
    expect(json.problems.length).toBeGreaterThanOrEqual(5);
    for (const p of json.problems) expect(p.ref.startsWith("一")).toBe(true);
  });
});

describe("the run-in report's 名词解释", () => {
  it("is an appendix, not part of the last plan item, and gives no figures", () => {
    const parsed = parseSummary(readFixture("provincial-report-runin.txt"));
    expect(parsed.appendix.length).toBeGreaterThanOrEqual(4);
    expect(parsed.appendix[0].text).toBe("名词解释");
    const last = parsed.plan[parsed.plan.length - 1];
    expect(last.text).not.toContain("名词解释");
    expect(parsed.metrics.every((m) => m.span.start < parsed.appendix[0].span.start)).toBe(true);
  });
});
