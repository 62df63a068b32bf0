// The writer's style rules (app/lib/summary/style.ts), each on its own small data.
import { describe, expect, it } from "vitest";
import { FactConflict, FactTable, groupMeasures } from "~/lib/summary/facts";
import { boardWordsIn, periodOf, sourcePhrase } from "~/lib/summary/style";
import { toPlainText } from "~/lib/summary/text";
import type { SummaryInput, SummaryMetric, SummaryTask } from "~/lib/summary/types";
import { writeSummary } from "~/lib/summary/writer";

function task(overrides: Partial<SummaryTask>): SummaryTask {
  return {
    id: 1,
    code: "2025-01",
    title: "加强社区网格化管理",
    category: "城市管理",
    origin: "key_work",
    status: "in_progress",
    light: "green",
    progress: 60,
    expectedProgress: 60,
    dueDate: "2025-12-31",
    doneDate: null,
    silent: false,
    leadUnit: "城市管理办公室",
    supportUnits: [],
    ...overrides,
  };
}

function metric(overrides: Partial<SummaryMetric>): SummaryMetric {
  return {
    id: 1,
    taskId: null,
    name: "网格员",
    unit: "人",
    baseline: null,
    target: null,
    actual: 40,
    direction: "up",
    aggregation: "sum",
    category: "城市管理",
    baselinePeriod: "全年",
    phrase: null,
    sourceSentence: null,
    ...overrides,
  };
}

function input(overrides: Partial<SummaryInput>): SummaryInput {
  return {
    organization: "河西街道",
    issuer: "河西街道办事处",
    year: 2025,
    asOf: "2025-12-31",
    tasks: [],
    metrics: [],
    blockers: [],
    ...overrides,
  };
}

const text = (i: SummaryInput) => toPlainText(writeSummary(i).document);

describe("rule 1: sentences from the source's verb phrase", () => {
  it("reads the verb before the measure, through an enumeration, or after it", () => {
    expect(sourcePhrase("商户", "对辖区企业进行安全隐患排查，共检查商户3184次，发现隐患326处。")).toBe("检查商户");
    expect(sourcePhrase("居民楼", "结合敲门行动，走访居民楼92栋。")).toBe("走访居民楼");
    expect(sourcePhrase("主题党日活动", "开展“三会一课”活动55次、主题党日活动55次。")).toBe("开展主题党日活动");
    expect(sourcePhrase("固定资产投资", "固定资产投资累计完成2151万元。")).toBe("完成固定资产投资");
    expect(sourcePhrase("宣传单", "共计发放宣传单四万份。")).toBe("发放宣传单");
    expect(sourcePhrase("物业服务类", "其中安全隐患类78件，物业服务类312件。")).toBeNull();
    expect(sourcePhrase("商户", null)).toBeNull();
  });

  it("tells a figure with its phrase, or makes the bare name the subject — never 全年<noun><number>", () => {
    const out = text(
      input({
        metrics: [
          metric({ id: 1, name: "商户", unit: "次", actual: 3640, target: 3500, sourceSentence: "共检查商户3184次。" }),
          metric({ id: 2, name: "居民楼", unit: "户", actual: 1900, phrase: "走访居民楼" }),
          metric({ id: 3, name: "物业服务类", unit: "件", actual: 342, sourceSentence: "其中物业服务类312件。" }),
        ],
      }),
    );
    expect(out).toContain("全年检查商户3640次，完成年度目标的104%");
    expect(out).toContain("全年走访居民楼1900户");
    expect(out).toContain("物业服务类共计342件");
    expect(out).not.toMatch(/全年(商户|居民楼|物业服务类)\d/);
  });
});

describe("rule 2: no board vocabulary", () => {
  it("says 进度滞后于计划 and 未能按期完成, never 督办灯, 红灯, 序时进度 or 销号", () => {
    const out = text(
      input({
        asOf: "2025-12-31",
        tasks: [
          task({ id: 1, code: "2025-01", light: "red", progress: 40, expectedProgress: 100, dueDate: "2025-10-31", silent: true }),
          task({ id: 2, code: "2025-02", title: "推进老旧小区改造", light: "yellow", progress: 70, expectedProgress: 85, dueDate: null }),
          task({
            id: 3,
            code: "2025-03",
            title: "建设社区食堂",
            status: "done",
            light: "done",
            progress: 100,
            doneDate: "2025-09-01",
            dueDate: "2025-09-30",
          }),
          task({ id: 4, code: "2025-04", title: "整治背街小巷", status: "pending_review", light: "green", progress: 100 }),
        ],
      }),
    );
    expect(boardWordsIn(out)).toEqual([]);
    expect(out).toContain("“加强社区网格化管理”目前完成40%，完成时限为2025年10月31日，未能按期完成");
    expect(out).toContain("“推进老旧小区改造”目前完成70%，进度滞后于计划");
    expect(out).toContain("已于2025年9月1日完成");
    expect(out).toContain("已基本完成，正在组织验收");
  });

  it("finds board words and task codes in a text", () => {
    expect(boardWordsIn("督办灯为红灯，序时进度为100%，2025-05已销号")).toEqual(["督办灯", "红灯", "序时进度", "销号", "2025-05"]);
    expect(boardWordsIn("1-10月完成投资，2025年12月31日")).toEqual([]);
  });
});

describe("rule 3: each measure once, with one value", () => {
  it("tells a measure two tasks report as one sentence with one value", () => {
    const written = writeSummary(
      input({
        tasks: [
          task({ id: 1, code: "2025-01", category: "党建" }),
          task({ id: 2, code: "2025-02", title: "加强党风廉政建设", category: "党建" }),
        ],
        metrics: [
          metric({ id: 1, taskId: 1, name: "“三会一课”活动", unit: "次", actual: 61, category: "党建", phrase: "开展“三会一课”活动" }),
          metric({ id: 2, taskId: 2, name: "三会一课活动", unit: "次", actual: 62, category: "党建" }),
        ],
      }),
    );
    const out = toPlainText(written.document);
    expect(out.match(/三会一课”?活动\d+次/g)).toEqual(["三会一课”活动62次"]);
    expect(out).toContain("上述工作中，全年开展“三会一课”活动62次。");
    expect(written.facts).toEqual([{ key: "三会一课活动|次", value: 62, period: "全年", ref: "二.（一）" }]);
  });

  it("groups measures by name and unit, and the fact table refuses a second value", () => {
    const measures = groupMeasures(
      [metric({ id: 1, actual: 5 }), metric({ id: 2, actual: 7 }), metric({ id: 3, unit: "个", actual: 2 })],
      () => "x",
    );
    expect(measures.map((m) => [m.key, m.metric.actual])).toEqual([
      ["网格员|人", 7],
      ["网格员|个", 2],
    ]);
    const facts = new FactTable();
    facts.record("网格员|人", 7, "全年", "二.（一）");
    facts.record("网格员|人", 7, "全年", "三.1");
    expect(() => facts.record("网格员|人", 8, "全年", "三.2")).toThrow(FactConflict);
    expect(facts.list()).toHaveLength(1);
  });
});

describe("rule 4: 同比 and 完成率 only between comparable figures", () => {
  const investment = (overrides: Partial<SummaryMetric>) =>
    metric({
      name: "固定资产投资",
      unit: "万元",
      actual: 2418,
      target: 2370,
      baseline: 2400,
      phrase: "完成固定资产投资",
      category: "经济",
      ...overrides,
    });

  it("gives 同比 against last year's full-year figure", () => {
    expect(text(input({ metrics: [investment({})] }))).toContain("全年完成固定资产投资2418万元，完成年度目标的102%，同比增长0.8%。");
  });

  it("gives no 同比 against a part-year or unknown-period base; the figure stands alone", () => {
    for (const baselinePeriod of ["1-10月", null]) {
      const out = text(input({ metrics: [investment({ baseline: 2151, baselinePeriod })] }));
      expect(out).toContain("全年完成固定资产投资2418万元，完成年度目标的102%。");
      expect(out).not.toContain("同比");
    }
  });

  it("names the period before the year is over, and compares only with the same period", () => {
    expect(periodOf(2025, "2025-11-20")).toBe("1-11月");
    expect(periodOf(2025, "2025-12-31")).toBe("全年");
    const midYear = text(input({ asOf: "2025-11-20", metrics: [investment({ actual: 2000 })] }));
    expect(midYear).toContain("1-11月完成固定资产投资2000万元，完成年度目标的84.4%。");
    expect(midYear).not.toContain("同比");
    const sameSpan = text(input({ asOf: "2025-11-20", metrics: [investment({ actual: 2000, baseline: 1900, baselinePeriod: "1-11月" })] }));
    expect(sameSpan).toContain("同比增长5.3%");
  });
});

describe("section 四 from 明年工作思路", () => {
  it("writes one item per line, grouped by category, with owners, targets and 完成时限", () => {
    const out = writeSummary(
      input({
        tasks: [task({})],
        outline: [
          {
            category: "城市管理",
            kind: "continue",
            title: "加强社区网格化管理",
            leadUnit: "城市管理办公室",
            supportUnits: ["东晟社区"],
            dueDate: "2026-12-31",
            targets: [{ phrase: "培训网格员", value: 60, unit: "人" }],
          },
          {
            category: "党建",
            kind: "new",
            title: "建设党群服务阵地",
            leadUnit: "党建工作办公室",
            supportUnits: [],
            dueDate: "2026-06-30",
            targets: [],
          },
        ],
      }),
    );
    expect(out.document.sections.find((s) => s.key === "plan")!.body.split("\n")).toEqual([
      "1.建设党群服务阵地。由党建工作办公室牵头，2026年6月30日前完成。",
      "2.继续推进“加强社区网格化管理”。由城市管理办公室牵头，东晟社区配合，2026年力争培训网格员60人，2026年12月31日前完成。",
    ]);
    expect(out.figures.filter((f) => f.ref === "四.2").map((f) => f.text)).toEqual(["60人"]);
  });
});
