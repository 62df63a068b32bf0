import { describe, expect, it } from "vitest";
import { bodyLines, documentLines, toMarkdown, toPlainText } from "~/lib/summary/text";
import type { SummaryInput, SummaryMetric, SummaryTask } from "~/lib/summary/types";
import { writeSummary } from "~/lib/summary/writer";

function task(overrides: Partial<SummaryTask>): SummaryTask {
  return {
    id: 1,
    code: "2025-01",
    title: "推广东晟社区党建工作经验，提升其他社区党建工作水平",
    category: "党建",
    origin: "key_work",
    status: "done",
    light: "done",
    progress: 100,
    expectedProgress: 100,
    dueDate: "2025-06-30",
    doneDate: "2025-06-20",
    silent: false,
    leadUnit: "党建工作办公室",
    supportUnits: ["东晟社区"],
    ...overrides,
  };
}

function metric(overrides: Partial<SummaryMetric>): SummaryMetric {
  return {
    id: 1,
    taskId: null,
    name: "固定资产投资",
    unit: "万元",
    baseline: 2151,
    target: 2400,
    actual: 2560,
    direction: "up",
    aggregation: "sum",
    category: "经济",
    ...overrides,
  };
}

const fixed: SummaryInput = {
  organization: "平东街道",
  issuer: "平东街道办事处",
  year: 2025,
  asOf: "2025-12-31",
  tasks: [
    task({}),
    task({
      id: 2,
      code: "2025-02",
      title: "推进党风廉政建设和群众身边不正之风和腐败问题整治工作向纵深发展",
      status: "in_progress",
      light: "red",
      progress: 80,
      expectedProgress: 100,
      dueDate: "2025-10-31",
      doneDate: null,
      silent: true,
    }),
    task({
      id: 3,
      code: "2025-07",
      title: "加大力度推进街道经济工作，群策群力完成经济指标",
      category: "经济",
      leadUnit: "经济发展办公室",
      supportUnits: [],
      dueDate: "2025-12-31",
      doneDate: "2025-12-31",
    }),
    task({
      id: 4,
      code: "2025-08",
      title: "宣传活动方式单一，创新能力较弱",
      category: "宣传",
      origin: "problem",
      status: "pending_review",
      light: "green",
      doneDate: null,
    }),
  ],
  metrics: [
    metric({ id: 1, taskId: 3 }),
    metric({
      id: 2,
      name: "城镇登记失业率",
      unit: "%",
      baseline: 4.3,
      target: 4.5,
      actual: 3.9,
      direction: "cap",
      aggregation: "latest",
      category: "民生保障",
    }),
    metric({ id: 3, name: "矛盾纠纷", unit: "件", baseline: 1226, target: 1100, actual: 1180, direction: "down", category: "党建" }),
    metric({ id: 4, name: "排查商户", unit: "次", baseline: 3184, target: null, actual: 3300, category: "安全生产" }),
    metric({ id: 5, taskId: 2, name: "“三会一课”活动", unit: "次", baseline: 55, target: 61, actual: 48, category: "党建" }),
    metric({ id: 6, name: "新增就业", unit: "人", baseline: 722, target: 800, actual: null, category: "民生保障" }),
  ],
  blockers: [
    { taskId: 2, unit: "东晟社区", text: "活动场地不足，需协调辖区单位。", needsCoordination: true },
    { taskId: 2, unit: "东晟社区", text: "older report of the same unit and task", needsCoordination: false },
    { taskId: 2, unit: "城市管理办公室", text: "执法车辆不足；", needsCoordination: true },
    { taskId: 1, unit: "龙腾社区", text: "已销号任务的旧困难", needsCoordination: false },
  ],
};

const body = (input: SummaryInput, key: string) => writeSummary(input).document.sections.find((s) => s.key === key)!.body;

describe("the summary writer", () => {
  it("writes the seed's structure: title, opening, 一 to 四 and the 落款", () => {
    const { document } = writeSummary(fixed);
    expect(document.sections.map((s) => s.key)).toEqual(["title", "opening", "highlights", "work", "problems", "plan", "signature"]);
    const headings = documentLines(document)
      .filter((l) => l.kind === "heading1")
      .map((l) => l.text);
    expect(headings).toEqual(["一、亮点工作", "二、2025年主要工作", "三、存在问题", "四、2026年重点工作安排"]);
    expect(body(fixed, "title")).toBe("平东街道2025年工作总结");
    expect(body(fixed, "signature")).toBe("平东街道办事处\n2025年12月31日");
  });

  it("opens with the year's counts as they are in the data", () => {
    expect(body(fixed, "opening")).toBe(
      "2025年，平东街道围绕年初确定的3项重点工作和1项存在问题整改任务推进各项工作。截至2025年12月31日，已销号2项，待验收1项，正在推进1项；设定目标的指标中，2项完成年度目标。现将有关情况总结如下：",
    );
  });

  it("puts tasks done before their 完成时限 and metrics beyond target into 亮点工作, with figures", () => {
    const lines = bodyLines(body(fixed, "highlights"));
    expect(lines[0]).toBe(
      "“推广东晟社区党建工作经验，提升其他社区党建工作水平”提前完成。由党建工作办公室牵头，东晟社区配合，于2025年6月20日验收销号，早于2025年6月30日的完成时限。",
    );
    // Task 3 was done on its due date: not early. Its metric beat the target, so it shows as a metric.
    expect(lines[1]).toBe("经济工作指标超额完成。全年固定资产投资2560万元，完成年度目标的106.7%，同比增长19.0%。");
    expect(lines).toHaveLength(2);
  });

  it("groups 主要工作 by category as （一）…（N） with each task's state and the real figures", () => {
    const lines = bodyLines(body(fixed, "work"));
    expect(lines.filter((l) => l.startsWith("（"))).toEqual([
      "（一）党建工作",
      "（二）经济工作",
      "（三）安全生产工作",
      "（四）民生保障工作",
      "（五）宣传工作",
    ]);
    expect(lines).toContain(
      "推进党风廉政建设和群众身边不正之风和腐败问题整治工作向纵深发展。由党建工作办公室牵头，东晟社区配合，目前完成80%，正在推进。全年“三会一课”活动48次，完成年度目标的78.7%，同比下降12.7%。",
    );
    expect(lines).toContain("整改“宣传活动方式单一，创新能力较弱”问题。由党建工作办公室牵头，东晟社区配合，已申请办结，待验收。");
    // A metric with no target: the actual and last year, no % of target.
    expect(lines).toContain("主要指标完成情况：全年排查商户3300次，同比增长3.6%。");
    // A metric with no actual is not mentioned at all.
    expect(body(fixed, "work")).not.toContain("新增就业");
  });

  it("writes lower-is-better metrics the right way round", () => {
    const work = body(fixed, "work");
    expect(work).toContain("城镇登记失业率为3.9%，控制在4.5%以内，较上年下降0.4个百分点。");
    expect(work).toContain("全年矛盾纠纷1180件，高于年度目标1100件，同比下降3.8%。");
    const met = writeSummary({
      ...fixed,
      metrics: [
        metric({ id: 3, name: "矛盾纠纷", unit: "件", baseline: 1226, target: 1100, actual: 1000, direction: "down", category: "党建" }),
      ],
    });
    const highlights = met.document.sections.find((s) => s.key === "highlights")!.body;
    expect(highlights).toContain("全年矛盾纠纷1000件，低于年度目标1100件，同比下降18.4%。");
    const overCap = writeSummary({
      ...fixed,
      metrics: [
        metric({
          id: 2,
          name: "城镇登记失业率",
          unit: "%",
          baseline: 4.3,
          target: 4.5,
          actual: 4.8,
          direction: "cap",
          aggregation: "latest",
        }),
      ],
    });
    expect(overCap.document.sections.find((s) => s.key === "problems")!.body).toContain(
      "城镇登记失业率为4.8%，超出4.5%的控制目标，较上年提高0.5个百分点",
    );
  });

  it("rounds as offices write: 万元 to two decimals, percentages to one, no trailing zeros", () => {
    const { document, figures } = writeSummary({
      ...fixed,
      tasks: [],
      metrics: [metric({ id: 9, actual: 2560.456, target: 2400.5, baseline: 2151.2 })],
    });
    const work = document.sections.find((s) => s.key === "work")!.body;
    expect(work).toContain("全年固定资产投资2560.46万元，完成年度目标的106.7%，同比增长19.0%");
    expect(figures.map((f) => f.text)).toEqual(expect.arrayContaining(["2560.46万元", "106.7%"]));
    const exact = writeSummary({ ...fixed, tasks: [], metrics: [metric({ actual: 2400, target: 2400, baseline: 2400 })] });
    expect(exact.document.sections.find((s) => s.key === "work")!.body).toContain("全年固定资产投资2400万元，完成年度目标的100%");
  });

  it("lists lagging tasks, unmet targets and the latest 困难问题 of open tasks under 三、存在问题", () => {
    const lines = bodyLines(body(fixed, "problems"));
    expect(lines).toEqual([
      "1.部分重点工作进展滞后。“推进党风廉政建设和群众身边不正之风和腐败问题整治工作向纵深发展”目前完成80%，序时进度为100%，已超过2025年10月31日的完成时限，未按周填报进展，督办灯为红灯（滞后）。",
      "2.部分指标未完成年度目标。全年矛盾纠纷1180件，高于年度目标1100件，同比下降3.8%；全年“三会一课”活动48次，完成年度目标的78.7%，同比下降12.7%。",
      "3.基层反映的困难问题尚待解决。东晟社区在推进“推进党风廉政建设和群众身边不正之风和腐败问题整治工作向纵深发展”中反映：活动场地不足，需协调辖区单位；城市管理办公室在推进“推进党风廉政建设和群众身边不正之风和腐败问题整治工作向纵深发展”中反映（需街道协调）：执法车辆不足。",
    ]);
  });

  it("plans next year from unfinished tasks and missed targets; 待验收 tasks are not carried", () => {
    expect(bodyLines(body(fixed, "plan"))).toEqual([
      "1.继续推进“推进党风廉政建设和群众身边不正之风和腐败问题整治工作向纵深发展”。由党建工作办公室牵头，东晟社区配合，2025年已完成80%，结转2026年，确保按期销号。",
      "2.加大党建工作力度，推动矛盾纠纷、“三会一课”活动指标完成年度目标。",
    ]);
  });

  it("says so plainly when there are no problems at all", () => {
    const calm: SummaryInput = { ...fixed, tasks: [task({})], metrics: [metric({ taskId: null })], blockers: [] };
    const { document } = writeSummary(calm);
    const problems = document.sections.find((s) => s.key === "problems")!.body;
    expect(problems).toBe("本年度各项重点工作均已销号或按序时进度推进，所设指标均已完成，未收到基层反映的困难问题。");
    expect(document.sections.find((s) => s.key === "plan")!.body).toBe(
      "1.巩固提升2025年各项重点工作成果，结合上级部署研究确定2026年重点工作。",
    );
  });

  it("copes with an empty year", () => {
    const { document, figures } = writeSummary({ ...fixed, tasks: [], metrics: [], blockers: [] });
    expect(document.sections.find((s) => s.key === "opening")!.body).toBe("2025年，平东街道推进各项工作。现将有关情况总结如下：");
    expect(document.sections.find((s) => s.key === "highlights")!.body).toBe("本年度暂无提前完成或超额完成年度目标的工作。");
    expect(figures).toEqual([]);
  });

  it("never states a figure that is not in the data", () => {
    const { document, figures } = writeSummary(fixed);
    const stated = new Set(figures.map((f) => f.text));
    const text = toPlainText(document)
      .replace(/\d{4}年\d{1,2}月\d{1,2}日/g, "") // dates
      .replace(/20\d{2}年/g, ""); // years
    const numbers = text.match(/\d+(?:\.\d+)?(?:万元|个百分点|%|项|次|件|人)/g) ?? [];
    expect(numbers.length).toBeGreaterThan(10);
    for (const n of numbers) expect(stated, n).toContain(n);
    // …and every stated figure comes from the input: an actual, target, progress, count or a comparison of them.
    const inputs = new Set<number>([
      ...fixed.metrics.flatMap((m) => [m.actual, m.target, m.baseline].filter((v): v is number => v !== null)),
      ...fixed.tasks.flatMap((t) => [t.progress, t.expectedProgress]),
    ]);
    for (const f of figures.filter((f) => f.unit !== "%" && f.unit !== "项" && f.unit !== "个百分点"))
      expect(inputs, f.text).toContain(f.value);
    expect(text).not.toMatch(/NaN|undefined|Infinity|null/);
  });

  it("exports plain text and Markdown with the numbering kept", () => {
    const { document } = writeSummary(fixed);
    const text = toPlainText(document);
    expect(text.startsWith("平东街道2025年工作总结\n\n2025年，平东街道")).toBe(true);
    expect(text).toContain("\n\n一、亮点工作\n\n");
    expect(text).toMatch(/\n\u3000+平东街道办事处\n\u3000+2025年12月31日\n$/);
    const markdown = toMarkdown(document);
    expect(markdown).toContain("# 平东街道2025年工作总结\n");
    expect(markdown).toContain("## 三、存在问题\n\n1\\.部分重点工作进展滞后。");
    expect(markdown).toContain("### （一）党建工作");
    expect(markdown).toContain('<p align="right">2025年12月31日</p>');
  });
});
