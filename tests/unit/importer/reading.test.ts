import { describe, expect, it } from "vitest";
import { parseSummary, summaryJsonSchema, toSummaryJson } from "~/lib/importer";
import { periodOf } from "~/lib/importer/reading";
import { draftPlan, isYearBaseline } from "~/lib/plan-draft";
import { readFixture, readSeed } from "./helpers";

/** Reading a report as an office does: plan year, 远景目标 apart, targets per item, problems, periods. */
describe.each([
  ["provincial-report-runin.txt", 10, 4],
  ["provincial-report-numbered.txt", 8, 3],
])("%s", (file, planItems, visionItems) => {
  const parsed = parseSummary(readFixture(file));
  const json = toSummaryJson(parsed);

  it("plans the year its title and plan heading name", () => {
    expect(json.planYear).toBe(2026);
    expect(() => summaryJsonSchema.parse(json)).not.toThrow();
  });

  it("takes only the year's 重点工作 as plan items; the 十五五 section is 远景目标", () => {
    expect(json.plan).toHaveLength(planItems);
    expect(json.plan.every((p) => p.ref.startsWith("三"))).toBe(true);
    expect(json.vision).toHaveLength(visionItems);
    expect(json.vision.every((p) => p.ref.startsWith("二"))).toBe(true);
    expect(json.sections[1].kind).toBe("vision");
  });

  it("attaches the targets written under each plan item to it, qualifiers kept", () => {
    const targets = json.plan.flatMap((p) => p.targets);
    expect(targets.length).toBeGreaterThanOrEqual(planItems * 2);
    const grain = json.plan.find((p) => p.title.includes("乡村"))!;
    expect(grain.targets.some((t) => t.name.includes("粮食") && t.qualifier === "以上")).toBe(true);
    expect(targets.some((t) => t.qualifier === "左右" && t.unit === "%")).toBe(true);
    for (const t of targets) {
      expect(t.name.length).toBeGreaterThanOrEqual(2);
      expect(t.name).not.toMatch(/^(增长|下降|提高|强度|投资|打造|推动|新建)$/);
    }
  });

  it("finds the problems of the review, each one item, and nothing after them", () => {
    expect(json.problems).toHaveLength(5);
    for (const p of json.problems) expect(p.text).not.toMatch(/解决|。$/);
  });

  it("never takes the document's own enumerations as figures", () => {
    for (const m of json.metrics) expect(m.name).not.toMatch(/方面|专项|台阶/);
    expect(json.metrics.some((m) => m.value === 6 && m.unit === "个")).toBe(false);
  });
});

describe("the street summary (总结 + 计划, signed in November)", () => {
  const parsed = parseSummary(readFixture("street-summary.txt"));

  it("plans the year after the one it reports on", () => {
    expect(parsed.year).toBe(2025);
    expect(parsed.planYear).toBe(2026);
  });

  it("splits a one-paragraph list of problems by its parallel clauses, without 等等", () => {
    expect(parsed.problems.map((p) => p.text)).toEqual([
      "项目储备不够充足",
      "老旧小区改造进度偏慢",
      "基层治理力量相对薄弱",
      "居民参与社区事务的渠道还不多",
    ]);
  });

  it("keeps each figure's period", () => {
    const period = (value: number) => parsed.metrics.find((m) => m.value === value)?.period;
    expect(period(3260)).toBe("1-10月");
    expect(period(3800)).toBe("全年");
    expect(period(420)).toBe("上半年");
    expect(period(7.5)).toBe("前三季度");
    expect(period(1.2)).toBe("1-11月"); // 今年以来累计, signed 11月28日
    expect(parsed.metrics.find((m) => m.value === 3800)?.estimated).toBe(true);
  });

  it("drafts tasks with their targets, the full-year estimate as baseline of the same measure", () => {
    const draft = draftPlan(parsed);
    expect(draft.year).toBe(2026);
    const economy = draft.tasks.find((t) => t.originRef === "二.（二）")!;
    const investment = economy.targets.find((t) => t.name === "固定资产投资")!;
    expect(investment).toMatchObject({ target: 4200, qualifier: "以上", baseline: 3800, baselinePeriod: "全年", baselineEstimated: true });
    // The figure that became a baseline is not offered again among the other figures.
    expect(draft.metrics.some((m) => m.name === "固定资产投资")).toBe(false);
    expect(draft.tasks.filter((t) => t.group === "problem")).toHaveLength(4);
    // 上半年新增市场主体420户 is half a year: no baseline for the year's 450户, and no 同比 on it.
    expect(economy.targets.find((t) => t.name === "新增市场主体")).toMatchObject({ target: 450, baseline: null });
    const halfYear = draft.metrics.find((m) => m.name === "新增市场主体")!;
    expect(halfYear.baselinePeriod).toBe("上半年");
    expect(isYearBaseline(halfYear)).toBe(false);
  });
});

describe("periods", () => {
  it("reads the last period word before a figure", () => {
    expect(periodOf("1—9月完成", null)).toBe("1-9月");
    expect(periodOf("“十四五”期间，全省生产总值年均增长", null)).toBe("“十四五”期间");
    expect(periodOf("五年累计完成", null)).toBe("五年");
    expect(periodOf("累计完成2151 万元，为改造项目，预计全年完成", "2024-10-31")).toBe("全年");
    expect(periodOf("累计完成", "2024-10-31")).toBe("1-10月");
    expect(periodOf("累计完成", "2026-01-20")).toBe("全年");
    expect(periodOf("新增就业", null)).toBe("全年");
  });
});

describe("the seed", () => {
  it("keeps its results: 7 plan items, 3 problems, planYear 2025; 固定资产投资 2151 is 1-10月, 2400 the full year (预计)", () => {
    const parsed = parseSummary(readSeed());
    expect(parsed.plan).toHaveLength(7);
    expect(parsed.problems).toHaveLength(3);
    expect(parsed.vision).toHaveLength(0);
    expect(parsed.planYear).toBe(2025);
    const investment = parsed.metrics.filter((m) => m.name === "固定资产投资");
    expect(investment.map((m) => [m.value, m.period, m.estimated])).toEqual([
      [2151, "1-10月", false],
      [2400, "全年", true],
    ]);
  });

  it("invents no problems from a paragraph that lists none", () => {
    const text = "一、主要工作\n同时我们也清醒看到，成绩来之不易。全年完成各项任务。";
    expect(parseSummary(text).problems).toEqual([]);
  });
});
