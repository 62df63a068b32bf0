import { describe, expect, it } from "vitest";
import {
  actualByUnit,
  actualTrend,
  aggregateActual,
  formatPercentPointDiff,
  comparisonWithLastYear,
  growthRate,
  metricLight,
  percentOfTarget,
  type Metric,
  type MetricValue,
} from "~/lib/kpi";
import { formatNumber, isPercentUnit } from "~/lib/metric-numbers";

function metric(overrides: Partial<Metric> = {}): Metric {
  return { direction: "up", aggregation: "sum", unit: "次", baseline: null, target: 1000, ...overrides };
}

function value(unitId: string, weekKey: string, amount: number, reportedAt = "2025-03-20T08:00:00Z"): MetricValue {
  return { unitId, weekKey, value: amount, reportedAt };
}

describe("aggregateActual", () => {
  it("is null when nothing has been reported", () => {
    expect(aggregateActual(metric(), [])).toBeNull();
    expect(aggregateActual(metric({ aggregation: "latest" }), [])).toBeNull();
    expect(aggregateActual(metric({ unit: "%" }), [])).toBeNull();
  });

  it("sums every week of every unit for a sum metric", () => {
    const values = [value("东晟社区", "2025-W10", 120), value("东晟社区", "2025-W11", 80), value("龙腾社区", "2025-W11", 45)];
    expect(aggregateActual(metric(), values)).toBe(245);
  });

  it("lets a later report for the same unit and week replace, not add to, the earlier one", () => {
    const values = [
      value("东晟社区", "2025-W11", 80, "2025-03-14T08:00:00Z"),
      value("东晟社区", "2025-W11", 95, "2025-03-15T08:00:00Z"),
      value("龙腾社区", "2025-W11", 45),
    ];
    expect(aggregateActual(metric(), values)).toBe(140);
  });

  it("sums each unit's most recent value for a latest metric", () => {
    const values = [value("东晟社区", "2025-W10", 800), value("东晟社区", "2025-W12", 1200), value("龙腾社区", "2025-W11", 951)];
    expect(aggregateActual(metric({ aggregation: "latest", unit: "万元" }), values)).toBe(2151);
  });

  it("does not let a value reported late for an earlier week replace a later week's", () => {
    const values = [
      value("东晟社区", "2025-W12", 1200, "2025-03-21T08:00:00Z"),
      value("东晟社区", "2025-W11", 1100, "2025-03-23T08:00:00Z"), // filed late
    ];
    expect(aggregateActual(metric({ aggregation: "latest" }), values)).toBe(1200);
  });

  it("takes the later report within the same week for a latest metric", () => {
    const values = [
      { unitId: "东晟社区", weekKey: "2025-W12", value: 1200, reportedAt: new Date("2025-03-18T08:00:00Z") },
      value("东晟社区", "2025-W12", 1250, "2025-03-19T08:00:00Z"),
    ];
    expect(aggregateActual(metric({ aggregation: "latest" }), values)).toBe(1250);
  });

  it("never sums percent metrics: it averages each unit's latest rate", () => {
    const values = [value("东晟社区", "2025-W10", 90), value("东晟社区", "2025-W12", 96), value("龙腾社区", "2025-W11", 98)];
    expect(aggregateActual(metric({ unit: "%", aggregation: "sum" }), values)).toBe(97);
    expect(aggregateActual(metric({ unit: "%", aggregation: "latest" }), values)).toBe(97);
    expect(aggregateActual(metric({ unit: "个百分点" }), [value("经济办", "2025-W10", 1.2)])).toBe(1.2);
  });

  it("drops floating-point noise", () => {
    expect(aggregateActual(metric({ unit: "万元" }), [value("a", "2025-W01", 0.1), value("a", "2025-W02", 0.2)])).toBe(0.3);
  });
});

describe("actualByUnit and actualTrend", () => {
  const values = [value("东晟社区", "2025-W10", 120), value("东晟社区", "2025-W11", 80), value("龙腾社区", "2025-W11", 45)];

  it("splits the actual into each unit's contribution", () => {
    expect(actualByUnit(metric(), values)).toEqual(
      new Map([
        ["东晟社区", 200],
        ["龙腾社区", 45],
      ]),
    );
  });

  it("gives the actual as it stood at the end of each week", () => {
    expect(actualTrend(metric(), values, ["2025-W09", "2025-W10", "2025-W11"])).toEqual([null, 120, 245]);
  });
});

describe("percentOfTarget", () => {
  it("is actual ÷ target for up, floor and cap, to one decimal", () => {
    expect(percentOfTarget(metric({ target: 2400 }), 2560)).toBe(106.7);
    expect(percentOfTarget(metric({ direction: "floor", target: 95 }), 96)).toBe(101.1);
    expect(percentOfTarget(metric({ direction: "cap", target: 4.5 }), 3.6)).toBe(80);
  });

  it("is 100 for down at or below target, else target ÷ actual", () => {
    expect(percentOfTarget(metric({ direction: "down", target: 80 }), 80)).toBe(100);
    expect(percentOfTarget(metric({ direction: "down", target: 80 }), 0)).toBe(100);
    expect(percentOfTarget(metric({ direction: "down", target: 80 }), 100)).toBe(80);
  });

  it("is null for zero, negative or missing targets and missing actuals", () => {
    for (const direction of ["up", "down", "cap", "floor"] as const) {
      expect(percentOfTarget(metric({ direction, target: 0 }), 5)).toBeNull();
      expect(percentOfTarget(metric({ direction, target: 0 }), 0)).toBeNull();
      expect(percentOfTarget(metric({ direction, target: -3 }), 5)).toBeNull();
      expect(percentOfTarget(metric({ direction, target: null }), 5)).toBeNull();
      expect(percentOfTarget(metric({ direction, target: 10 }), null)).toBeNull();
    }
  });
});

describe("metricLight", () => {
  it("has no light without a target or without values", () => {
    expect(metricLight(metric({ target: null }), 10, 50)).toEqual({ light: null, reasons: ["未设目标"] });
    expect(metricLight(metric(), null, 50)).toEqual({ light: null, reasons: ["暂无数据"] });
    expect(metricLight(metric({ target: 0 }), 10, 50)).toEqual({ light: null, reasons: ["目标值须大于0"] });
  });

  describe("up", () => {
    const up = metric({ target: 1000 });
    it("compares % of target with 序时进度 at the 10 and 30 point boundaries", () => {
      expect(metricLight(up, 400, 50)).toEqual({ light: "green", reasons: [] });
      expect(metricLight(up, 399, 50)).toEqual({ light: "yellow", reasons: ["落后序时进度10.1个百分点"] });
      expect(metricLight(up, 200, 50)).toEqual({ light: "yellow", reasons: ["落后序时进度30个百分点"] });
      expect(metricLight(up, 199, 50)).toEqual({ light: "red", reasons: ["落后序时进度30.1个百分点"] });
    });
    it("is green once the target is met", () => {
      expect(metricLight(up, 1066, 100)).toEqual({ light: "green", reasons: ["已完成目标"] });
    });
    it("uses the plan's thresholds", () => {
      const strict = { yellowBehind: 5, redBehind: 8 };
      expect(metricLight(up, 440, 50, strict)).toEqual({ light: "yellow", reasons: ["落后序时进度6个百分点"] });
      expect(metricLight(up, 410, 50, strict)).toEqual({ light: "red", reasons: ["落后序时进度9个百分点"] });
    });
  });

  describe("down (latest): along the baseline → target path", () => {
    const down = metric({ direction: "down", aggregation: "latest", unit: "件", baseline: 120, target: 80 });
    it("is green when the reduction keeps pace with time", () => {
      expect(metricLight(down, 100, 50)).toEqual({ light: "green", reasons: [] }); // halfway down the path
    });
    it("is yellow or red when the reduction lags", () => {
      expect(metricLight(down, 110, 50)).toEqual({ light: "yellow", reasons: ["落后序时进度25个百分点"] });
      expect(metricLight(down, 125, 50)).toMatchObject({ light: "red" });
    });
    it("is green at or below target", () => {
      expect(metricLight(down, 78, 90)).toEqual({ light: "green", reasons: ["已完成目标"] });
    });
    it("without a baseline, counts as 0% until the target is reached", () => {
      const noBaseline = { ...down, baseline: null };
      expect(metricLight(noBaseline, 95, 5)).toEqual({ light: "green", reasons: [] });
      expect(metricLight(noBaseline, 95, 50)).toMatchObject({ light: "red" });
      expect(metricLight(noBaseline, 80, 50)).toEqual({ light: "green", reasons: ["已完成目标"] });
    });
  });

  describe("cap, and down (sum): a ceiling", () => {
    const unemployment = metric({ direction: "cap", aggregation: "latest", unit: "%", target: 4.5 });
    it("is green under the cap, yellow within 5% below it, red once over", () => {
      expect(metricLight(unemployment, 4.2, 50)).toEqual({ light: "green", reasons: [] });
      expect(metricLight(unemployment, 4.275, 50)).toEqual({ light: "green", reasons: [] });
      expect(metricLight(unemployment, 4.3, 50)).toEqual({ light: "yellow", reasons: ["接近控制目标"] });
      expect(metricLight(unemployment, 4.5, 50)).toEqual({ light: "yellow", reasons: ["接近控制目标"] });
      expect(metricLight(unemployment, 4.51, 50)).toEqual({ light: "red", reasons: ["超出控制目标"] });
    });
    it("ignores 序时进度", () => {
      expect(metricLight(unemployment, 1, 100)).toEqual({ light: "green", reasons: [] });
    });
    it("treats a reduction target over a running total as a ceiling", () => {
      const petitions = metric({ direction: "down", aggregation: "sum", unit: "件", baseline: 120, target: 80 });
      expect(metricLight(petitions, 30, 50)).toEqual({ light: "green", reasons: [] });
      expect(metricLight(petitions, 77, 50)).toEqual({ light: "yellow", reasons: ["接近控制目标"] });
      expect(metricLight(petitions, 81, 50)).toEqual({ light: "red", reasons: ["超出控制目标"] });
    });
    it("handles a zero cap without dividing by it", () => {
      const accidents = metric({ direction: "cap", unit: "起", target: 0 });
      expect(metricLight(accidents, 0, 50)).toEqual({ light: "green", reasons: [] });
      expect(metricLight(accidents, 1, 50)).toEqual({ light: "red", reasons: ["超出控制目标"] });
    });
  });

  describe("floor", () => {
    it("(latest) is red below the floor, yellow just above it, green beyond", () => {
      const satisfaction = metric({ direction: "floor", aggregation: "latest", unit: "%", target: 95 });
      expect(metricLight(satisfaction, 94.9, 50)).toEqual({ light: "red", reasons: ["低于目标下限"] });
      expect(metricLight(satisfaction, 95, 50)).toEqual({ light: "yellow", reasons: ["接近目标下限"] });
      expect(metricLight(satisfaction, 95.4, 50)).toEqual({ light: "yellow", reasons: ["接近目标下限"] });
      expect(metricLight(satisfaction, 95.5, 50)).toEqual({ light: "green", reasons: [] });
      expect(metricLight(satisfaction, 98, 50)).toEqual({ light: "green", reasons: [] });
    });
    it("(latest, not a percent) uses 5% of the floor as the band", () => {
      const households = metric({ direction: "floor", aggregation: "latest", unit: "户", target: 200 });
      expect(metricLight(households, 209, 50)).toMatchObject({ light: "yellow" });
      expect(metricLight(households, 210, 50)).toMatchObject({ light: "green" });
    });
    it("(sum) is a minimum to reach, judged against 序时进度 like up", () => {
      const jobs = metric({ direction: "floor", aggregation: "sum", unit: "人", target: 500 });
      expect(metricLight(jobs, 250, 50)).toEqual({ light: "green", reasons: [] });
      expect(metricLight(jobs, 100, 50)).toEqual({ light: "yellow", reasons: ["落后序时进度30个百分点"] });
      expect(metricLight(jobs, 99, 50)).toEqual({ light: "red", reasons: ["落后序时进度30.2个百分点"] });
    });
  });
});

describe("formatNumber", () => {
  it("writes 万元 without separators and with trimmed decimals", () => {
    expect(formatNumber(2151, "万元")).toBe("2151万元");
    expect(formatNumber(26.5, "万元")).toBe("26.5万元");
    expect(formatNumber(26.504, "万元")).toBe("26.5万元");
    expect(formatNumber(1.005, "万元")).toBe("1.01万元");
    expect(formatNumber(12345.678, "万元")).toBe("12345.68万元");
  });

  it("writes integers as integers", () => {
    expect(formatNumber(1226, "件")).toBe("1226件");
    expect(formatNumber(298.0000001, "人")).toBe("298人");
    expect(formatNumber(-0.001, "件")).toBe("0件");
  });

  it("writes percents with at most one decimal", () => {
    expect(formatNumber(106.66, "%")).toBe("106.7%");
    expect(formatNumber(100, "%")).toBe("100%");
    expect(formatNumber(26.55, "%")).toBe("26.6%");
    expect(formatNumber(1.25, "个百分点")).toBe("1.3个百分点");
  });
});

describe("formatPercentPointDiff", () => {
  it("says which way a rate moved", () => {
    expect(formatPercentPointDiff(4.2, 3)).toBe("提高1.2个百分点");
    expect(formatPercentPointDiff(4, 4.5)).toBe("下降0.5个百分点");
    expect(formatPercentPointDiff(4.51, 4.5)).toBe("持平");
  });
});

describe("comparisonWithLastYear (与上年相比 on the KPI detail)", () => {
  const base = { baseline: 2000, baselinePeriod: "全年", aggregation: "sum" as const };

  it("does not call a part-year sum a decline: it is a share of last year's whole", () => {
    expect(comparisonWithLastYear({ ...base, actual: 1208, yearOver: false })).toBe("已达上年全年的60.4%");
  });

  it("gives 同比 for a sum once the year is over, and for a level at any time", () => {
    expect(comparisonWithLastYear({ ...base, actual: 2200, yearOver: true })).toBe("同比增长10.0%");
    expect(comparisonWithLastYear({ ...base, aggregation: "latest", actual: 1800, yearOver: false })).toBe("同比下降10.0%");
    expect(comparisonWithLastYear({ ...base, baselinePeriod: null, actual: 2000, yearOver: true })).toBe("同比持平");
  });

  it("gives nothing against a part-year base, a zero base or no figure", () => {
    expect(comparisonWithLastYear({ ...base, baselinePeriod: "1-10月", actual: 2200, yearOver: true })).toBeNull();
    expect(comparisonWithLastYear({ ...base, baseline: 0, actual: 5, yearOver: true })).toBeNull();
    expect(comparisonWithLastYear({ ...base, actual: null, yearOver: true })).toBeNull();
  });
});

describe("growthRate", () => {
  it("gives year-on-year growth with one decimal", () => {
    expect(growthRate(1190, 1000)).toBe("同比增长19.0%");
    expect(growthRate(968, 1000)).toBe("同比下降3.2%");
    expect(growthRate(2560, 2151)).toBe("同比增长19.0%");
    expect(growthRate(1000, 1000)).toBe("同比持平");
  });

  it("is null when the previous value is 0 or missing", () => {
    expect(growthRate(10, 0)).toBeNull();
    expect(growthRate(10, null)).toBeNull();
    expect(growthRate(10, undefined)).toBeNull();
    expect(growthRate(null, 10)).toBeNull();
  });
});

describe("isPercentUnit", () => {
  it("knows the percent units", () => {
    expect(isPercentUnit("%")).toBe(true);
    expect(isPercentUnit("个百分点")).toBe(true);
    expect(isPercentUnit("万元")).toBe(false);
  });
});
