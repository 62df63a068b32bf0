// The KPI charts (visx, server-rendered): what they draw must match the data — bar lengths in
// proportion to the values, one point per reported week, targets read by direction — and the
// markup must carry no inline style (strict CSP) and a text alternative.
import { createElement, type ComponentProps, type FunctionComponent } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { chartTargetKind } from "~/lib/kpi-report";
import { Sparkline, TrendChart, TrendLegend, UnitBars } from "~/routes/kpi/charts";

function render<P extends object>(component: FunctionComponent<P>, props: P): string {
  return renderToStaticMarkup(createElement(component, props));
}

/** Every element of `tag` carrying `className` (as a whole word), with its numeric attributes. */
function elements(html: string, tag: string, className: string): Record<string, number>[] {
  const found: Record<string, number>[] = [];
  for (const match of html.matchAll(new RegExp(`<${tag}\\s([^>]*)>`, "g"))) {
    const attrs = Object.fromEntries([...match[1].matchAll(/([\w-]+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (!(attrs.class ?? "").split(/\s+/).includes(className)) continue;
    found.push(
      Object.fromEntries(
        Object.entries(attrs)
          .filter(([, v]) => v !== "" && !Number.isNaN(Number(v)))
          .map(([k, v]) => [k, Number(v)]),
      ),
    );
  }
  return found;
}

function texts(html: string, className: string): string[] {
  return [...html.matchAll(new RegExp(`<text class="${className}"[^>]*>([^<]*)</text>`, "g"))].map((m) => m[1]);
}

const weeks = ["2025-W10", "2025-W11", "2025-W12", "2025-W13", "2025-W14", "2025-W15"];

type TrendProps = ComponentProps<typeof TrendChart>;
const trendBase: TrendProps = {
  weeks,
  trend: [null, null, 5, 8, 8, 12],
  weekly: [null, null, 5, 3, null, 4],
  target: 20,
  expectedLine: null,
  unit: "个",
  showBars: true,
  direction: "up",
  aggregation: "sum",
  layout: "wide",
};

describe("chartTargetKind", () => {
  it("reads the target line by the same rules as the metric light", () => {
    expect(chartTargetKind("up", "sum")).toBe("goal");
    expect(chartTargetKind("up", "latest")).toBe("goal");
    expect(chartTargetKind("floor", "sum")).toBe("goal");
    expect(chartTargetKind("floor", "latest")).toBe("floor");
    expect(chartTargetKind("cap", "latest")).toBe("ceiling");
    expect(chartTargetKind("cap", "sum")).toBe("ceiling");
    expect(chartTargetKind("down", "sum")).toBe("ceiling");
    expect(chartTargetKind("down", "latest")).toBe("lower");
  });
});

describe("UnitBars", () => {
  const rows = [
    { name: "东晟社区", actual: 40 },
    { name: "龙腾社区", actual: 20 },
    { name: "丰翼社区", actual: 10 },
    { name: "城东社区", actual: 0 },
  ];

  for (const layout of ["wide", "narrow"] as const) {
    it(`draws bars in proportion to each unit's figure (${layout})`, () => {
      const html = render(UnitBars, { rows, unit: "户", layout });
      const bars = elements(html, "rect", "chart-bar");
      const tracks = elements(html, "rect", "chart-track");
      expect(tracks).toHaveLength(4);
      expect(bars).toHaveLength(3); // nothing drawn for zero
      expect(bars[0].width).toBeCloseTo(tracks[0].width, 1); // the largest fills its track
      expect(bars[1].width / bars[0].width).toBeCloseTo(0.5, 2);
      expect(bars[2].width / bars[0].width).toBeCloseTo(0.25, 2);
      expect(new Set(bars.map((b) => b.x)).size).toBe(1); // all start at zero
      expect(bars[0].y).toBeLessThan(bars[1].y); // largest first, top to bottom
      expect(texts(html, "chart-label")).toEqual(rows.map((r) => r.name));
      expect(texts(html, "chart-value")).toEqual(["40户", "20户", "10户", "0户"]);
      expect(html).toContain("各单位贡献：东晟社区40户，龙腾社区20户，丰翼社区10户，城东社区0户");
      expect(html).toMatch(/role="img" aria-labelledby="[^"]+"/);
      expect(html).not.toContain("style=");
    });
  }

  it("grows negative figures leftwards from a zero line", () => {
    const html = render(UnitBars, {
      rows: [
        { name: "甲", actual: 3 },
        { name: "乙", actual: -1 },
      ],
      unit: "%",
      layout: "wide",
    });
    const [up, down] = elements(html, "rect", "chart-bar");
    expect(down.x + down.width).toBeCloseTo(up.x, 1);
    expect(up.width / down.width).toBeCloseTo(3, 2);
    expect(elements(html, "line", "chart-baseline")[0].x1).toBeCloseTo(up.x, 1);
  });
});

describe("TrendChart", () => {
  it("puts one point per reported week on the line, left to right, higher for larger actuals", () => {
    const html = render(TrendChart, trendBase);
    const points = elements(html, "circle", "chart-point");
    expect(points).toHaveLength(4);
    const xs = points.map((p) => p.cx);
    expect([...xs].sort((a, b) => a - b)).toEqual(xs);
    const gaps = xs.slice(1).map((x, i) => x - xs[i]);
    for (const gap of gaps) expect(gap).toBeCloseTo(gaps[0], 0); // one band per week
    const ys = points.map((p) => p.cy);
    expect(ys[1]).toBeLessThan(ys[0]);
    expect(ys[2]).toBe(ys[1]);
    expect(ys[3]).toBeLessThan(ys[2]);
    // The line goes through exactly those points (one move, three segments).
    const d = html.match(/class="visx-linepath chart-line thick" d="([^"]*)"/)![1];
    expect(d.match(/M/g)).toHaveLength(1);
    expect(d.match(/L/g)).toHaveLength(3);
    expect(html).toContain("<title>第12周（3月17日—3月23日）：5个</title>");
    expect(html).toContain('data-weeks="6"');
    expect(html).not.toContain("style=");
  });

  it("draws the weekly bars in proportion, standing on the zero line", () => {
    const html = render(TrendChart, trendBase);
    const bars = elements(html, "rect", "chart-bar");
    expect(bars).toHaveLength(3);
    expect(bars[1].height / bars[0].height).toBeCloseTo(3 / 5, 1);
    expect(bars[2].height / bars[0].height).toBeCloseTo(4 / 5, 1);
    const bottoms = bars.map((b) => b.y + b.height);
    for (const bottom of bottoms) expect(bottom).toBeCloseTo(bottoms[0], 0);
    const points = elements(html, "circle", "chart-point");
    expect(bars[0].x + bars[0].width / 2).toBeCloseTo(points[0].cx, 0); // bar and point share the week
    expect(render(TrendChart, { ...trendBase, showBars: false })).not.toContain("chart-bar");
  });

  it("breaks the line where a week has no value", () => {
    const html = render(TrendChart, { ...trendBase, trend: [1, 2, null, 4, 5, 6], showBars: false, aggregation: "latest" });
    const d = html.match(/class="visx-linepath chart-line thick" d="([^"]*)"/)![1];
    expect(d.match(/M/g)).toHaveLength(2);
    expect(elements(html, "circle", "chart-point")).toHaveLength(5);
  });

  it("labels a goal's target and draws the 序时进度 line", () => {
    const html = render(TrendChart, { ...trendBase, expectedLine: [2, 4, 6, 8, 10, 12] });
    expect(texts(html, "chart-label")).toEqual(["目标 20个"]);
    expect(html).toContain("chart-expected");
    const target = elements(html, "line", "chart-target")[0];
    const top = Math.min(...elements(html, "circle", "chart-point").map((p) => p.cy));
    expect(target.y1).toBeLessThan(top); // 20 is above every actual
    expect(elements(html, "rect", "over")).toHaveLength(0);
  });

  it("marks the weeks over a cap with square points and says how many", () => {
    const html = render(TrendChart, {
      ...trendBase,
      direction: "cap",
      aggregation: "latest",
      trend: [4.2, 4.4, 4.6, 4.8, 4.4, 4.3],
      target: 4.5,
      unit: "%",
      showBars: false,
    });
    expect(texts(html, "chart-label")).toEqual(["控制目标 4.5%"]);
    expect(elements(html, "line", "chart-target")[0]).toBeDefined();
    expect(html).toContain('class="visx-line chart-target limit"');
    expect(elements(html, "rect", "over")).toHaveLength(2);
    expect(elements(html, "circle", "chart-point")).toHaveLength(4);
    expect(html).toContain("有2周超出控制目标（方形标记）");
    expect(html).toContain("第13周（3月24日—3月30日）：4.8%，超出控制目标");
    // A running total of bad things (down + sum) is a ceiling too.
    const sum = render(TrendChart, { ...trendBase, direction: "down", target: 10 });
    expect(texts(sum, "chart-label")).toEqual(["控制目标 10个"]);
    expect(elements(sum, "rect", "over")).toHaveLength(1);
  });

  it("puts the target's label at the end of its line where no points are in the way", () => {
    const label = (trend: (number | null)[]) =>
      render(TrendChart, { ...trendBase, trend, target: 10, showBars: false }).match(
        /<text class="chart-label"[^>]*text-anchor="(\w+)"/,
      )![1];
    expect(label([1, 2, 3, 4, 5, 6])).toBe("end"); // right end, far above the points
    expect(label([null, null, null, 9, 10, 11])).toBe("start"); // the points cross the line on the right
  });

  it("marks the weeks under a floor, and never marks a level to bring down", () => {
    const floor = render(TrendChart, {
      ...trendBase,
      direction: "floor",
      aggregation: "latest",
      trend: [98, 96, 99, 97, 99, 99],
      target: 97,
      unit: "%",
      showBars: false,
    });
    expect(texts(floor, "chart-label")).toEqual(["目标下限 97%"]);
    expect(elements(floor, "rect", "over")).toHaveLength(1);
    expect(floor).toContain("低于目标下限");
    const lower = render(TrendChart, {
      ...trendBase,
      direction: "down",
      aggregation: "latest",
      trend: [30, 28, 25, 24, 22, 21],
      target: 20,
      showBars: false,
    });
    expect(texts(lower, "chart-label")).toEqual(["目标 20个"]);
    expect(elements(lower, "rect", "over")).toHaveLength(0);
    const ys = elements(lower, "circle", "chart-point").map((p) => p.cy);
    expect([...ys].sort((a, b) => a - b)).toEqual(ys); // falling values go down the chart
  });

  it("ticks the value axis with round numbers and labels the weeks", () => {
    const html = render(TrendChart, {
      ...trendBase,
      weeks: Array.from({ length: 52 }, (_, i) => `2025-W${String(i + 1).padStart(2, "0")}`),
      trend: Array(52).fill(3),
      weekly: Array(52).fill(null),
    });
    const axis = texts(html, "chart-axis");
    expect(axis.filter((t) => t.startsWith("第"))).toEqual([
      "第1周",
      "第7周",
      "第13周",
      "第19周",
      "第25周",
      "第31周",
      "第37周",
      "第43周",
      "第49周",
    ]);
    expect(axis.filter((t) => !t.startsWith("第"))).toEqual(["0", "5", "10", "15", "20"]);
    const narrow = texts(
      render(TrendChart, {
        ...trendBase,
        layout: "narrow",
        weeks: Array.from({ length: 52 }, (_, i) => `2025-W${String(i + 1).padStart(2, "0")}`),
        trend: Array(52).fill(3),
        weekly: Array(52).fill(null),
      }),
      "chart-axis",
    );
    expect(narrow.filter((t) => t.startsWith("第")).length).toBeLessThanOrEqual(4);
  });

  it("describes the chart in its title", () => {
    const html = render(TrendChart, { ...trendBase, expectedLine: [1, 2, 3, 4, 5, 6] });
    const title = html.match(/<title id="[^"]+">([^<]*)<\/title>/)![1];
    expect(title).toBe(
      "逐周完成情况图：柱为当周填报值，实线为截至当周的完成值，虚线为目标20个，点线为按序时进度应达到的值；截至第15周（4月7日—4月13日）完成12个",
    );
  });

  it("has a legend naming only what is drawn", () => {
    const legend = render(TrendLegend, {
      showBars: false,
      target: 4.5,
      expectedLine: null,
      trend: [4, 4.6],
      direction: "cap",
      aggregation: "latest",
    });
    expect(
      legend
        .replace(/<[^>]+>/g, "|")
        .split("|")
        .filter(Boolean),
    ).toEqual(["截至当周完成值", "控制目标", "超出控制目标的周次"]);
  });
});

describe("Sparkline", () => {
  const base: ComponentProps<typeof Sparkline> = {
    values: [null, 2, 4, 6],
    weeks: ["2025-W01", "2025-W02", "2025-W03", "2025-W04"],
    actual: 6,
    target: 8,
    unit: "次",
    name: "宣讲活动",
    direction: "up",
    aggregation: "sum",
  };

  it("draws the actual week by week up to the last point, with the target as a line", () => {
    const html = render(Sparkline, base);
    expect(html).toContain('aria-label="宣讲活动逐周趋势，截至第4周（1月20日—1月26日）完成6次，目标8次"');
    const d = html.match(/class="visx-linepath chart-line" d="([^"]*)"/)![1];
    const coords = [...d.matchAll(/[ML]([\d.]+),([\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(coords).toHaveLength(3);
    // Evenly spaced weeks and evenly rising values, to the whole pixel the sparkline rounds to.
    expect(Math.abs(coords[1][0] - coords[0][0] - (coords[2][0] - coords[1][0]))).toBeLessThanOrEqual(1);
    expect(Math.abs(coords[0][1] - coords[1][1] - (coords[1][1] - coords[2][1]))).toBeLessThanOrEqual(1);
    expect(coords[2][1]).toBeLessThan(coords[0][1]);
    const dot = elements(html, "circle", "chart-dot")[0];
    expect([dot.cx, dot.cy]).toEqual(coords[2]);
    expect(elements(html, "line", "chart-target")[0].y1).toBeLessThan(dot.cy); // 8 above 6
    expect(html).not.toContain("style=");
  });

  it("shows a square over a cap, and says so", () => {
    const html = render(Sparkline, { ...base, direction: "cap", target: 5 });
    expect(html).toContain("控制目标5次，超出控制目标");
    expect(elements(html, "rect", "over")).toHaveLength(1);
    expect(html).toContain("chart-target limit");
  });

  it("says when there is nothing to draw", () => {
    expect(render(Sparkline, { ...base, values: [null, null] })).toBe('<span class="muted small">暂无数据</span>');
  });
});
