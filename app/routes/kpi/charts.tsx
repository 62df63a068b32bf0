// Server-rendered SVG charts drawn with visx scales and shapes (no script needed to read them).
// CSP: no inline styles — colours and fonts come from classes in kpi.css. Labels and ticks are
// plain <text> elements placed by the visx scales: @visx/text wraps its text in an
// <svg style="overflow:visible">, and @visx/axis (which renders through it) would also ship
// @visx/text's CSS-calc parser to the browser (~8 KB gzip) for nothing.
// Every chart has a text alternative, and the pages put the same figures in a table beside it.
import { Group } from "@visx/group";
import { scaleBand, scaleLinear } from "@visx/scale";
import { Bar, Line, LinePath } from "@visx/shape";
import { useId } from "react";
import { type MetricAggregation, type MetricDirection } from "~/lib/kpi";
import { formatNumber, isPercentUnit, roundTo } from "~/lib/metric-numbers";
import { chartTargetKind, type ChartTargetKind } from "~/lib/kpi-report";
import { parseWeekKey, weekLabel } from "~/lib/weeks";

/** Wide for screens, projectors and print; narrow for phones (CSS shows one of the two). */
export type ChartLayout = "wide" | "narrow";

const TARGET_WORDS: Record<ChartTargetKind, string> = {
  goal: "目标",
  lower: "目标",
  ceiling: "控制目标",
  floor: "目标下限",
};

const BREACH_WORDS: Partial<Record<ChartTargetKind, string>> = {
  ceiling: "超出控制目标",
  floor: "低于目标下限",
};

/** Whether a value breaks the target's limit (only ceilings and floors have one). */
export function breaches(kind: ChartTargetKind, value: number, target: number | null): boolean {
  if (target === null) return false;
  if (kind === "ceiling") return value > target;
  if (kind === "floor") return value < target;
  return false;
}

function weekNumber(weekKey: string): number {
  return parseWeekKey(weekKey).week;
}

function extent(values: readonly (number | null)[]): [number, number] {
  let min = 0;
  let max = 0;
  for (const v of values) {
    if (v === null || !Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return [min, max];
}

/** Rounded to a tenth of a unit of the viewBox: enough for the eye, and small markup. */
const tenth = (value: number) => roundTo(value, 1);

interface Indexed {
  index: number;
  value: number;
}

interface MaybeIndexed {
  index: number;
  value: number | null;
}

const isDefined = (p: MaybeIndexed): p is Indexed => p.value !== null && Number.isFinite(p.value);

/** The series as points; a line through them breaks where a value is missing. */
function indexed(values: readonly (number | null)[]): MaybeIndexed[] {
  return values.map((value, index) => ({ index, value }));
}

/** A small trend line for a table cell: the actual week by week, the target as a dashed line. */
export function Sparkline({
  values,
  weeks,
  actual,
  target,
  unit,
  name,
  direction,
  aggregation,
}: {
  values: readonly (number | null)[];
  weeks: readonly string[];
  /** The exact actual to date, for the text alternative (values are rounded for drawing). */
  actual: number | null;
  target: number | null;
  unit: string;
  name: string;
  direction: MetricDirection;
  aggregation: MetricAggregation;
}) {
  const width = 120;
  const height = 32;
  const pad = 3;
  const series = indexed(values);
  const points = series.filter(isDefined);
  if (points.length === 0) return <span className="muted small">暂无数据</span>;
  const kind = chartTargetKind(direction, aggregation);
  const [min, max] = extent([...values, target]);
  // Whole pixels: a page of 500 sparklines stays small.
  const x = scaleLinear<number>({ domain: [0, Math.max(1, values.length - 1)], range: [pad, width - pad], round: true });
  const y = scaleLinear<number>({ domain: [min, max > min ? max : min + 1], range: [height - pad, pad], round: true });
  const xOf = (p: MaybeIndexed) => (values.length === 1 ? width / 2 : x(p.index));
  const last = points[points.length - 1];
  const over = breaches(kind, last.value, target);
  const label =
    `${name}逐周趋势` +
    (weeks.length ? `，截至${weekLabel(weeks[weeks.length - 1])}` : "") +
    (actual !== null ? `完成${formatNumber(actual, unit)}` : "") +
    (target !== null ? `，${TARGET_WORDS[kind]}${formatNumber(target, unit)}` : "") +
    (over ? `，${BREACH_WORDS[kind]}` : "");
  return (
    <svg className="sparkline" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label}>
      {target !== null && (target !== 0 || min < 0) ? (
        <Line
          className={`chart-target${kind === "ceiling" || kind === "floor" ? " limit" : ""}`}
          from={{ x: pad, y: y(target) }}
          to={{ x: width - pad, y: y(target) }}
        />
      ) : null}
      <LinePath<MaybeIndexed> className="chart-line" data={series} x={xOf} y={(p) => y(p.value ?? 0)} defined={isDefined} />
      {over ? (
        <rect className="chart-dot over" x={xOf(last) - 3} y={y(last.value) - 3} width={6} height={6} />
      ) : (
        <circle className="chart-dot" cx={xOf(last)} cy={y(last.value)} r={2.5} />
      )}
    </svg>
  );
}

const TREND_SIZES: Record<
  ChartLayout,
  { width: number; height: number; left: number; right: number; top: number; bottom: number; labels: number }
> = {
  wide: { width: 760, height: 300, left: 76, right: 24, top: 30, bottom: 40, labels: 9 },
  narrow: { width: 340, height: 260, left: 56, right: 10, top: 30, bottom: 36, labels: 4 },
};

/**
 * The detail page's trend: bars for what was reported each week, the running actual as a line
 * with a point per reported week, the target as a dashed line, and (for goals to reach) where
 * 序时进度 says the actual should be. Weeks that break a ceiling or floor get a square point.
 */
export function TrendChart({
  weeks,
  trend,
  weekly,
  target,
  expectedLine,
  unit,
  showBars,
  direction,
  aggregation,
  layout,
  className,
}: {
  weeks: readonly string[];
  trend: readonly (number | null)[];
  weekly: readonly (number | null)[];
  target: number | null;
  expectedLine: readonly number[] | null;
  unit: string;
  showBars: boolean;
  direction: MetricDirection;
  aggregation: MetricAggregation;
  layout: ChartLayout;
  className?: string;
}) {
  const titleId = useId();
  const size = TREND_SIZES[layout];
  const plotWidth = size.width - size.left - size.right;
  const plotHeight = size.height - size.top - size.bottom;
  const kind = chartTargetKind(direction, aggregation);
  const [min, max] = extent([...trend, ...(showBars ? weekly : []), target, ...(expectedLine ?? [])]);
  const x = scaleBand<string>({ domain: [...weeks], range: [0, plotWidth], paddingInner: 0.3, paddingOuter: 0.15 });
  const y = scaleLinear<number>({ domain: [min, max > min ? max : min + 1], range: [plotHeight, 0], nice: 4 });
  const centre = (index: number) => tenth((x(weeks[index]) ?? 0) + x.bandwidth() / 2);
  const zeroY = tenth(y(0));
  const series = indexed(trend);
  const points = series.filter(isDefined);
  const expectedPoints = expectedLine ? expectedLine.map((value, index) => ({ index, value })) : [];
  const yTicks = y.ticks(4);
  // The target's label sits at whichever end of its line has fewer points in the way, above the
  // line unless that leaves the drawing.
  const targetText = target !== null ? `${TARGET_WORDS[kind]} ${formatNumber(target, unit)}` : "";
  const targetLabel = (() => {
    if (target === null) return { x: 0, y: 0, anchor: "end" as const };
    const lineY = y(target);
    const labelWidth = targetText.length * 15;
    const crowded = (from: number, to: number) =>
      points.filter((p) => Math.abs(y(p.value) - lineY) < 24 && centre(p.index) >= from && centre(p.index) <= to).length;
    const left = crowded(0, labelWidth) < crowded(plotWidth - labelWidth, plotWidth);
    return {
      x: left ? 0 : plotWidth,
      y: tenth(lineY - 7 < -size.top + 16 ? lineY + 20 : lineY - 7),
      anchor: left ? ("start" as const) : ("end" as const),
    };
  })();
  const labelEvery = Math.max(1, Math.ceil(weeks.length / size.labels));
  const tickWeeks = weeks.filter((_, i) => i % labelEvery === 0);
  const breachCount = points.filter((p) => breaches(kind, p.value, target)).length;
  const lastPoint = points[points.length - 1];
  const title =
    `逐周完成情况图：${showBars ? "柱为当周填报值，" : ""}实线为截至当周的完成值` +
    (target !== null ? `，虚线为${TARGET_WORDS[kind]}${formatNumber(target, unit)}` : "") +
    (expectedLine ? "，点线为按序时进度应达到的值" : "") +
    (lastPoint ? `；截至${weekLabel(weeks[lastPoint.index])}完成${formatNumber(lastPoint.value, unit)}` : "") +
    (breachCount > 0 ? `；有${breachCount}周${BREACH_WORDS[kind]}（方形标记）` : "");
  return (
    <svg
      className={`trend-chart trend-chart-${layout}${className ? ` ${className}` : ""}`}
      viewBox={`0 0 ${size.width} ${size.height}`}
      role="img"
      aria-labelledby={titleId}
      data-weeks={weeks.length}
    >
      <title id={titleId}>{title}</title>
      <Group left={size.left} top={size.top}>
        {yTicks.map((tick) => (
          <Line key={tick} className="chart-grid" from={{ x: 0, y: tenth(y(tick)) }} to={{ x: plotWidth, y: tenth(y(tick)) }} />
        ))}
        {yTicks.map((tick) => (
          <text key={tick} className="chart-axis" x={-8} y={tenth(y(tick))} dy="0.35em" textAnchor="end">
            {formatNumber(tick, isPercentUnit(unit) ? "%" : "")}
          </text>
        ))}
        {showBars
          ? weekly.map((value, index) =>
              value !== null && value !== 0 ? (
                <Bar
                  key={weeks[index]}
                  className="chart-bar"
                  x={tenth(x(weeks[index]) ?? 0)}
                  width={Math.max(1, tenth(x.bandwidth()))}
                  y={Math.min(zeroY, tenth(y(value)))}
                  height={tenth(Math.abs(zeroY - y(value)))}
                />
              ) : null,
            )
          : null}
        {expectedLine ? (
          <LinePath<Indexed> className="chart-expected" data={expectedPoints} x={(p) => centre(p.index)} y={(p) => tenth(y(p.value))} />
        ) : null}
        {target !== null ? (
          <g className={`chart-target-group ${kind}`}>
            <Line
              className={`chart-target${kind === "ceiling" || kind === "floor" ? " limit" : ""}`}
              from={{ x: 0, y: tenth(y(target)) }}
              to={{ x: plotWidth, y: tenth(y(target)) }}
            />
            <text className="chart-label" x={targetLabel.x} y={targetLabel.y} textAnchor={targetLabel.anchor}>
              {targetText}
            </text>
          </g>
        ) : null}
        <LinePath<MaybeIndexed>
          className="chart-line thick"
          data={series}
          x={(p) => centre(p.index)}
          y={(p) => tenth(y(p.value ?? 0))}
          defined={isDefined}
        />
        {points.map((p) => {
          const cx = centre(p.index);
          const cy = tenth(y(p.value));
          const over = breaches(kind, p.value, target);
          const text = `${weekLabel(weeks[p.index])}：${formatNumber(p.value, unit)}${over ? `，${BREACH_WORDS[kind]}` : ""}`;
          return over ? (
            <rect key={weeks[p.index]} className="chart-point over" x={cx - 4.5} y={cy - 4.5} width={9} height={9}>
              <title>{text}</title>
            </rect>
          ) : (
            <circle key={weeks[p.index]} className="chart-point" cx={cx} cy={cy} r={layout === "wide" ? 3 : 2.5}>
              <title>{text}</title>
            </circle>
          );
        })}
        <Line className="chart-baseline" from={{ x: 0, y: zeroY }} to={{ x: plotWidth, y: zeroY }} />
        {tickWeeks.map((week) => (
          <text key={week} className="chart-axis" x={tenth((x(week) ?? 0) + x.bandwidth() / 2)} y={plotHeight + 24} textAnchor="middle">
            {`第${weekNumber(week)}周`}
          </text>
        ))}
      </Group>
    </svg>
  );
}

/** The legend for TrendChart, in HTML so it wraps and prints with the page's fonts. */
export function TrendLegend({
  showBars,
  target,
  expectedLine,
  trend,
  direction,
  aggregation,
}: {
  showBars: boolean;
  target: number | null;
  expectedLine: readonly number[] | null;
  trend: readonly (number | null)[];
  direction: MetricDirection;
  aggregation: MetricAggregation;
}) {
  const kind = chartTargetKind(direction, aggregation);
  const anyBreach = target !== null && trend.some((v) => v !== null && breaches(kind, v, target));
  return (
    <ul className="kpi-legend" aria-hidden="true">
      {showBars ? (
        <li>
          <span className="swatch bar" />
          当周填报值
        </li>
      ) : null}
      <li>
        <span className="swatch" />
        截至当周完成值
      </li>
      {target !== null ? (
        <li>
          <span className={`swatch target${kind === "ceiling" || kind === "floor" ? " limit" : ""}`} />
          {TARGET_WORDS[kind]}
        </li>
      ) : null}
      {expectedLine ? (
        <li>
          <span className="swatch expected" />
          按序时进度应达到
        </li>
      ) : null}
      {anyBreach ? (
        <li>
          <span className="swatch over" />
          {BREACH_WORDS[kind]}的周次
        </li>
      ) : null}
    </ul>
  );
}

const BAR_SIZES: Record<ChartLayout, { width: number; row: number; label: number; value: number }> = {
  // Wide: name | bar | figure on one line. Narrow: name and figure on a line, the bar below.
  wide: { width: 720, row: 34, label: 170, value: 120 },
  narrow: { width: 340, row: 50, label: 0, value: 0 },
};

/** Per-unit contribution as horizontal bars, largest first, labelled with name and figure. */
export function UnitBars({
  rows,
  unit,
  layout,
  className,
}: {
  rows: readonly { name: string; actual: number }[];
  unit: string;
  layout: ChartLayout;
  className?: string;
}) {
  const titleId = useId();
  const size = BAR_SIZES[layout];
  const wide = layout === "wide";
  const barLeft = wide ? size.label : 0;
  const barWidth = size.width - barLeft - size.value;
  const height = rows.length * size.row + 8;
  const keys = rows.map((_, i) => String(i));
  const band = scaleBand<string>({ domain: keys, range: [4, height - 4], paddingInner: 0, paddingOuter: 0 });
  const [min, max] = extent(rows.map((r) => r.actual));
  const x = scaleLinear<number>({ domain: [min, max > min ? max : min + 1], range: [0, barWidth] });
  const zero = tenth(x(0));
  const barHeight = wide ? size.row - 12 : 18;
  return (
    <svg
      className={`unit-bars unit-bars-${layout}${className ? ` ${className}` : ""}`}
      viewBox={`0 0 ${size.width} ${height}`}
      role="img"
      aria-labelledby={titleId}
    >
      <title id={titleId}>{`各单位贡献：${rows.map((r) => `${r.name}${formatNumber(r.actual, unit)}`).join("，")}`}</title>
      {rows.map((row, i) => {
        const top = band(keys[i]) ?? 0;
        const barTop = wide ? top + 6 : top + 26;
        const end = tenth(x(row.actual));
        return (
          <Group key={`${row.name}-${i}`} className="unit-bar-row">
            {wide ? (
              <>
                <text className="chart-label" x={barLeft - 10} y={top + size.row / 2} dy="0.35em" textAnchor="end">
                  {row.name}
                </text>
                <text className="chart-value" x={barLeft + barWidth + 10} y={top + size.row / 2} dy="0.35em">
                  {formatNumber(row.actual, unit)}
                </text>
              </>
            ) : (
              <>
                <text className="chart-label" x={0} y={top + 16}>
                  {row.name}
                </text>
                <text className="chart-value" x={size.width} y={top + 16} textAnchor="end">
                  {formatNumber(row.actual, unit)}
                </text>
              </>
            )}
            <Bar className="chart-track" x={barLeft} y={barTop} width={barWidth} height={barHeight} />
            {row.actual !== 0 ? (
              <Bar
                className="chart-bar"
                x={barLeft + Math.min(zero, end)}
                y={barTop}
                width={Math.max(1, tenth(Math.abs(end - zero)))}
                height={barHeight}
              />
            ) : null}
          </Group>
        );
      })}
      {min < 0 ? <Line className="chart-baseline" from={{ x: barLeft + zero, y: 0 }} to={{ x: barLeft + zero, y: height }} /> : null}
    </svg>
  );
}
