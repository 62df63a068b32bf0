import { describe, expect, it } from "vitest";
import { seededRandom as random } from "../../seeded-random";
import { actualTrend, aggregateActual, type Metric, type MetricValue } from "~/lib/kpi";
import {
  actualFromTotals,
  aggregationLabel,
  compareRows,
  DEFAULT_KPI_FILTERS,
  evaluateMetric,
  groupRows,
  kpiSearch,
  limitGroups,
  metricExpectedProgress,
  parseKpiFilters,
  pointsBehind,
  reportingRates,
  totalsFromWeeks,
  trendFromWeekTotals,
  type KpiRow,
  type WeekTotals,
} from "~/lib/kpi-report";

function metric(overrides: Partial<Metric> = {}): Metric {
  return { direction: "up", aggregation: "sum", unit: "次", baseline: null, target: 1000, ...overrides };
}

/**
 * What the SQL of kpi.server.ts computes, written the slow way: per unit in week order, the
 * change from the unit's previous value; then summed per week.
 */
function weekTotalsOf(values: MetricValue[]): WeekTotals[] {
  const byUnit = new Map<string, MetricValue[]>();
  for (const v of values) byUnit.set(String(v.unitId), [...(byUnit.get(String(v.unitId)) ?? []), v]);
  const weeks = new Map<string, WeekTotals>();
  for (const unitValues of byUnit.values()) {
    unitValues.sort((a, b) => (a.weekKey < b.weekKey ? -1 : 1));
    unitValues.forEach((v, i) => {
      const row = weeks.get(v.weekKey) ?? { weekKey: v.weekKey, amount: 0, delta: 0, newUnits: 0 };
      row.amount += v.value;
      row.delta += v.value - (i > 0 ? unitValues[i - 1].value : 0);
      row.newUnits += i === 0 ? 1 : 0;
      weeks.set(v.weekKey, row);
    });
  }
  return [...weeks.values()];
}

const WEEKS = Array.from({ length: 20 }, (_, i) => `2025-W${String(i + 1).padStart(2, "0")}`);

function randomValues(next: () => number): MetricValue[] {
  const values: MetricValue[] = [];
  for (const unitId of ["东晟社区", "龙腾社区", "丰翼社区", "经济发展办公室"]) {
    for (const weekKey of WEEKS) {
      if (next() < 0.45) continue;
      // Some values are reported weeks late; one value per unit and week (the table is unique).
      const late = next() < 0.2 ? 14 : 0;
      const reportedAt = new Date(Date.UTC(2025, 0, 1 + WEEKS.indexOf(weekKey) * 7 + late)).toISOString();
      values.push({ unitId, weekKey, value: Math.round(next() * 5000) / 10, reportedAt });
    }
  }
  return values;
}

describe("actuals from SQL aggregates", () => {
  const kinds: Metric[] = [
    metric(),
    metric({ aggregation: "latest", unit: "万元" }),
    metric({ unit: "%", aggregation: "latest", direction: "cap", target: 4.5 }),
    metric({ unit: "%", aggregation: "sum", direction: "floor", target: 95 }),
    metric({ direction: "down", aggregation: "latest", baseline: 120, target: 80 }),
  ];

  it("agree with aggregateActual and actualTrend for every aggregation, on random data with late reports", () => {
    const next = random(20250630);
    for (let round = 0; round < 40; round += 1) {
      const values = randomValues(next);
      for (const m of kinds) {
        const totals = weekTotalsOf(values);
        expect(actualFromTotals(m, totalsFromWeeks(totals))).toBeCloseTo(aggregateActual(m, values) ?? NaN, 6);
        const trend = trendFromWeekTotals(m, totals, WEEKS);
        const expected = actualTrend(m, values, WEEKS);
        expect(trend.map((v) => v === null)).toEqual(expected.map((v) => v === null));
        trend.forEach((v, i) => v !== null && expect(v).toBeCloseTo(expected[i]!, 6));
      }
    }
  });

  it("is null when nothing was reported", () => {
    expect(actualFromTotals(metric(), null)).toBeNull();
    expect(actualFromTotals(metric(), totalsFromWeeks([]))).toBeNull();
    expect(trendFromWeekTotals(metric(), [], ["2025-W01"])).toEqual([null]);
  });

  it("counts a value reported late in its own week, and never lets it replace a later week's running figure", () => {
    const late: MetricValue[] = [
      { unitId: 1, weekKey: "2025-W10", value: 100, reportedAt: "2025-03-06T02:00:00Z" },
      { unitId: 1, weekKey: "2025-W12", value: 300, reportedAt: "2025-03-20T02:00:00Z" },
      // W11 filed in W14, after W12 was in.
      { unitId: 1, weekKey: "2025-W11", value: 200, reportedAt: "2025-04-02T02:00:00Z" },
    ];
    const weeks = ["2025-W10", "2025-W11", "2025-W12"];
    expect(trendFromWeekTotals(metric(), weekTotalsOf(late), weeks)).toEqual([100, 300, 600]);
    expect(trendFromWeekTotals(metric({ aggregation: "latest" }), weekTotalsOf(late), weeks)).toEqual([100, 200, 300]);
    expect(actualFromTotals(metric({ aggregation: "latest" }), totalsFromWeeks(weekTotalsOf(late)))).toBe(300);
  });

  it("averages percent metrics over the units that reported, never sums them", () => {
    const rates: MetricValue[] = [
      { unitId: 1, weekKey: "2025-W10", value: 90, reportedAt: "2025-03-06T02:00:00Z" },
      { unitId: 2, weekKey: "2025-W11", value: 98, reportedAt: "2025-03-13T02:00:00Z" },
      { unitId: 1, weekKey: "2025-W12", value: 96, reportedAt: "2025-03-20T02:00:00Z" },
    ];
    const pct = metric({ unit: "%", aggregation: "sum", target: 95 });
    expect(trendFromWeekTotals(pct, weekTotalsOf(rates), ["2025-W10", "2025-W11", "2025-W12"])).toEqual([90, 94, 97]);
    expect(aggregationLabel(pct)).toBe("各单位最新值平均");
    expect(aggregationLabel(metric())).toBe("各单位逐周累计");
  });
});

describe("metricExpectedProgress (序时进度 of a metric)", () => {
  it("uses the task's span", () => {
    const span = { startDate: "2025-01-01", dueDate: "2025-06-30" };
    expect(metricExpectedProgress(span, 2025, "2025-01-01")).toBe(0);
    expect(metricExpectedProgress(span, 2025, "2025-04-01")).toBe(50); // 90 of 181 days
    expect(metricExpectedProgress(span, 2025, "2025-07-01")).toBe(100);
    expect(metricExpectedProgress(span, 2025, "2026-03-01")).toBe(100);
  });

  it("uses the plan year for plan-level metrics and tasks without dates", () => {
    expect(metricExpectedProgress(null, 2025, "2025-07-02")).toBe(50);
    expect(metricExpectedProgress({ startDate: null, dueDate: null }, 2025, "2025-07-02")).toBe(50);
    expect(metricExpectedProgress({ startDate: "2025-03-01", dueDate: null }, 2025, "2025-02-01")).toBe(0);
  });

  it("is 0 before the plan year starts", () => {
    expect(metricExpectedProgress(null, 2026, "2025-12-31")).toBe(0);
  });
});

describe("evaluateMetric, for every direction and aggregation", () => {
  it("up: % of target against 序时进度", () => {
    const e = evaluateMetric(metric({ target: 2400 }), 1000, 50);
    expect(e).toMatchObject({ actual: 1000, percent: 41.7, expected: 50, light: "green" });
    expect(evaluateMetric(metric({ target: 2400 }), 400, 50)).toMatchObject({
      percent: 16.7,
      light: "red",
      reasons: ["落后序时进度33.3个百分点"],
    });
    expect(evaluateMetric(metric({ target: 2400 }), 2560, 100)).toMatchObject({ percent: 106.7, light: "green", reasons: ["已完成目标"] });
  });

  it("zero and missing targets give no light and no percent, and say why", () => {
    expect(evaluateMetric(metric({ target: null }), 10, 50)).toEqual({
      actual: 10,
      percent: null,
      expected: 50,
      light: "none",
      reasons: ["未设目标"],
    });
    expect(evaluateMetric(metric({ target: 0 }), 10, 50)).toMatchObject({ percent: null, light: "none", reasons: ["目标值须大于0"] });
    expect(evaluateMetric(metric({ target: 0, direction: "floor", aggregation: "sum" }), 10, 50)).toMatchObject({ light: "none" });
    expect(evaluateMetric(metric(), null, 50)).toMatchObject({ percent: null, light: "none", reasons: ["暂无数据"] });
    // A zero cap is a real target: no accidents at all.
    expect(evaluateMetric(metric({ direction: "cap", target: 0, unit: "起" }), 0, 50)).toMatchObject({ percent: null, light: "green" });
    expect(evaluateMetric(metric({ direction: "cap", target: 0, unit: "起" }), 1, 50)).toMatchObject({
      light: "red",
      reasons: ["超出控制目标"],
    });
  });

  it("cap (失业率控制在4.5%以内): green while under, red once over, whatever the time", () => {
    const cap = metric({ direction: "cap", aggregation: "latest", unit: "%", target: 4.5 });
    expect(evaluateMetric(cap, 3.6, 90)).toMatchObject({ percent: 80, light: "green" });
    expect(evaluateMetric(cap, 4.6, 10)).toMatchObject({ light: "red", reasons: ["超出控制目标"] });
  });

  it("down: latest along the baseline → target path; sum as a ceiling", () => {
    const downLatest = metric({ direction: "down", aggregation: "latest", unit: "件", baseline: 120, target: 80 });
    expect(evaluateMetric(downLatest, 100, 50)).toMatchObject({ percent: 80, light: "green" });
    expect(evaluateMetric(downLatest, 118, 50)).toMatchObject({ light: "red" });
    const downSum = metric({ direction: "down", aggregation: "sum", unit: "件", baseline: 120, target: 80 });
    expect(evaluateMetric(downSum, 60, 90)).toMatchObject({ light: "green" });
    expect(evaluateMetric(downSum, 81, 10)).toMatchObject({ light: "red" });
  });

  it("floor: latest is a level to stay above; sum a minimum to reach in time", () => {
    const floorLatest = metric({ direction: "floor", aggregation: "latest", unit: "%", target: 95 });
    expect(evaluateMetric(floorLatest, 94, 10)).toMatchObject({ light: "red", reasons: ["低于目标下限"] });
    expect(evaluateMetric(floorLatest, 99, 100)).toMatchObject({ light: "green", percent: 104.2 });
    const floorSum = metric({ direction: "floor", aggregation: "sum", unit: "人", target: 500 });
    expect(evaluateMetric(floorSum, 100, 50)).toMatchObject({ light: "yellow", percent: 20 });
  });

  it("pointsBehind only for goals to progress to, and never ahead past 100%", () => {
    const up = metric({ target: 1000 });
    expect(pointsBehind(up, evaluateMetric(up, 300, 50))).toBe(20);
    expect(pointsBehind(up, evaluateMetric(up, 1500, 50))).toBe(-50);
    expect(pointsBehind(up, evaluateMetric(up, null, 50))).toBeNull();
    const cap = metric({ direction: "cap", target: 10 });
    expect(pointsBehind(cap, evaluateMetric(cap, 3, 50))).toBeNull();
    const floorSum = metric({ direction: "floor", aggregation: "sum", target: 100 });
    expect(pointsBehind(floorSum, evaluateMetric(floorSum, 10, 50))).toBe(40);
  });
});

describe("filters in the URL", () => {
  it("round-trips and leaves defaults out", () => {
    const filters = {
      ...DEFAULT_KPI_FILTERS,
      unit: 3,
      leader: 2,
      light: "red" as const,
      category: "经济",
      scope: "all" as const,
      sort: "percent" as const,
      grouped: false,
      all: true,
    };
    const search = kpiSearch(2025, filters);
    expect(parseKpiFilters(new URLSearchParams(search))).toEqual(filters);
    expect(kpiSearch(null, DEFAULT_KPI_FILTERS)).toBe("");
    expect(kpiSearch(2025, DEFAULT_KPI_FILTERS)).toBe("?year=2025");
  });

  it("ignores malformed values instead of failing", () => {
    const parsed = parseKpiFilters(new URLSearchParams("unit=-1&leader=abc&light=purple&scope=x&sort=drop table&group=1"));
    expect(parsed).toEqual(DEFAULT_KPI_FILTERS);
    expect(parseKpiFilters(new URLSearchParams("light=none")).light).toBe("none");
  });
});

function row(id: number, overrides: Partial<KpiRow> & { light?: KpiRow["evaluation"]["light"]; percent?: number | null } = {}): KpiRow {
  const { light = "none", percent = null, ...rest } = overrides;
  return {
    id,
    name: `指标${id}`,
    unit: "次",
    category: "",
    direction: "up",
    aggregation: "sum",
    baseline: null,
    target: 100,
    task: null,
    leader: null,
    evaluation: { actual: percent, percent, expected: 50, light, reasons: [] },
    behind: percent === null ? null : 50 - percent,
    unitActual: null,
    trend: [],
    lastWeek: null,
    order: id,
    ...rest,
  };
}

describe("sorting and grouping", () => {
  const rows = [
    row(1, { category: "党建", light: "green", percent: 60, name: "主题党日活动" }),
    row(2, { category: "经济", light: "red", percent: 10, name: "固定资产投资" }),
    row(3, { category: "党建", light: "yellow", percent: 30, name: "三会一课" }),
    row(4, { category: "经济", light: "none", percent: null, name: "销售额" }),
    row(5, { category: "", light: "red", percent: 5, name: "安全检查" }),
  ];

  it("keeps categories in task order and sorts within each", () => {
    const groups = groupRows(rows, { sort: "light", grouped: true });
    expect(groups.map((g) => g.category)).toEqual(["党建", "经济", "未分类"]);
    expect(groups[0].rows.map((r) => r.id)).toEqual([3, 1]);
    expect(groups[1].rows.map((r) => r.id)).toEqual([2, 4]);
    expect(groups[1].counts).toEqual({ red: 1, yellow: 0, green: 0, none: 1 });
  });

  it("sorts one flat list by light, percent (unknowns last either way), behind and name", () => {
    const ids = (sort: Parameters<typeof compareRows>[0]) => [...rows].sort(compareRows(sort)).map((r) => r.id);
    expect(ids("light")).toEqual([5, 2, 3, 1, 4]);
    expect(ids("percent")).toEqual([5, 2, 3, 1, 4]);
    expect(ids("percent-desc")).toEqual([1, 3, 2, 5, 4]);
    expect(ids("behind")).toEqual([5, 2, 3, 1, 4]);
    expect(ids("default")).toEqual([1, 2, 3, 4, 5]);
    expect(groupRows(rows, { sort: "name", grouped: false })[0].rows.map((r) => r.name)).toEqual(
      [...rows.map((r) => r.name)].sort((a, b) => a.localeCompare(b, "zh-CN")),
    );
    expect(groupRows([], { sort: "default", grouped: false })).toEqual([]);
  });

  it("cuts long groups to their first rows, keeping counts over all of them", () => {
    const many = Array.from({ length: 7 }, (_, i) =>
      row(i + 1, { category: i < 5 ? "经济" : "党建", light: i === 4 ? "red" : "green", percent: 50 }),
    );
    const limited = limitGroups(groupRows(many, { sort: "light", grouped: true }), 3);
    expect(limited.map((g) => [g.category, g.rows.map((r) => r.id), g.hidden])).toEqual([
      ["经济", [5, 1, 2], 2],
      ["党建", [6, 7], 0],
    ]);
    expect(limited[0].counts).toEqual({ red: 1, yellow: 0, green: 4, none: 0 });
  });
});

describe("reportingRates", () => {
  const weeks = ["2025-W10", "2025-W11", "2025-W12", "2025-W13"]; // 3 Mar – 30 Mar 2025
  const base = { startDate: null, createdAt: "2025-01-01T00:00:00Z", doneAt: null };

  it("counts only weeks a task owed a report: started by Sunday, created and not yet 销号 before the week ended", () => {
    const rates = reportingRates(
      [
        { ...base, taskId: 1, unitId: 7 },
        { ...base, taskId: 2, unitId: 7, startDate: "2025-03-16" }, // starts on W11's Sunday
        { ...base, taskId: 3, unitId: 7, createdAt: "2025-03-20T02:00:00Z" }, // added in W12
        { ...base, taskId: 4, unitId: 7, doneAt: "2025-03-09T08:00:00Z" }, // 销号 in W10: owes nothing
        { ...base, taskId: 5, unitId: 7, doneAt: "2025-03-10T08:00:00Z" }, // 销号 in W11: owed W10
        { ...base, taskId: 1, unitId: 8 },
      ],
      new Set(["1:7:2025-W10", "1:7:2025-W11", "2:7:2025-W12", "4:7:2025-W10", "5:7:2025-W10", "1:8:2025-W09", "9:7:2025-W10"]),
      weeks,
      "2025-01-01",
    );
    // Unit 7: task 1 × 4, task 2 × 3 (W11–W13), task 3 × 2, task 5 × 1 = 10 owed; 4 reported.
    expect(rates.get(7)).toEqual({ unitId: 7, expected: 10, reported: 4, rate: 40 });
    // Unit 8's only report is outside the window.
    expect(rates.get(8)).toEqual({ unitId: 8, expected: 4, reported: 0, rate: 0 });
  });

  it("has no rate when nothing was expected", () => {
    const rates = reportingRates([{ ...base, taskId: 1, unitId: 7, startDate: "2025-06-01" }], new Set(), weeks, "2025-01-01");
    expect(rates.get(7)).toEqual({ unitId: 7, expected: 0, reported: 0, rate: null });
  });
});
