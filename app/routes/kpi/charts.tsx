// Server-rendered SVG charts (no charting library, no script, no inline styles: CSP). Every
// chart has a text alternative, and the pages put the same figures in a table beside it.
import { formatNumber } from "~/lib/kpi";
import { linePath, niceCeiling, yOf, type ChartBox } from "~/lib/kpi-report";
import { parseWeekKey, weekLabel } from "~/lib/weeks";

function weekNumber(weekKey: string): number {
  return parseWeekKey(weekKey).week;
}

function maxOf(values: readonly (number | null)[]): number {
  let max = 0;
  for (const v of values) if (v !== null && v > max) max = v;
  return max;
}

/** A small trend line for a table cell: the actual week by week, the target as a dashed line. */
export function Sparkline({
  values,
  weeks,
  actual,
  target,
  unit,
  name,
}: {
  values: readonly (number | null)[];
  weeks: readonly string[];
  /** The exact actual to date, for the text alternative (values are rounded for drawing). */
  actual: number | null;
  target: number | null;
  unit: string;
  name: string;
}) {
  const box: ChartBox = { width: 120, height: 32, pad: 3 };
  const lastIndex = values.length - 1 - [...values].reverse().findIndex((v) => v !== null);
  if (lastIndex >= values.length || values[lastIndex] == null) return <span className="muted small">暂无数据</span>;
  const last = values[lastIndex]!;
  const max = niceCeiling(Math.max(maxOf(values), target ?? 0));
  const label =
    `${name}逐周趋势` +
    (weeks.length ? `，截至${weekLabel(weeks[weeks.length - 1])}` : "") +
    (actual !== null ? `完成${formatNumber(actual, unit)}` : "") +
    (target !== null ? `，目标${formatNumber(target, unit)}` : "");
  const innerW = box.width - box.pad * 2;
  const lastX = box.pad + (values.length === 1 ? innerW / 2 : (innerW * lastIndex) / (values.length - 1));
  return (
    <svg className="sparkline" width={box.width} height={box.height} viewBox={`0 0 ${box.width} ${box.height}`} role="img" aria-label={label}>
      {target !== null && target > 0 ? (
        <line className="chart-target" x1={box.pad} x2={box.width - box.pad} y1={yOf(target, box, max)} y2={yOf(target, box, max)} />
      ) : null}
      <path className="chart-line" d={linePath(values, box, max, 0, 0)} />
      <circle className="chart-dot" cx={Math.round(lastX)} cy={Math.round(yOf(last, box, max))} r={2.5} />
    </svg>
  );
}

/**
 * The detail page's trend: bars for what was reported each week, the running actual as a line,
 * the target as a dashed line, and (for goals to reach) where 序时进度 says the actual should be.
 */
export function TrendChart({
  weeks,
  trend,
  weekly,
  target,
  expectedLine,
  unit,
  showBars,
}: {
  weeks: readonly string[];
  trend: readonly (number | null)[];
  weekly: readonly (number | null)[];
  target: number | null;
  expectedLine: readonly number[] | null;
  unit: string;
  showBars: boolean;
}) {
  const box: ChartBox = { width: 720, height: 260, pad: 0 };
  const left = 64;
  const right = 16;
  const top = 16;
  const bottom = 32;
  const plot: ChartBox = { width: box.width - left - right, height: box.height - top - bottom, pad: 0 };
  const max = niceCeiling(Math.max(maxOf(trend), showBars ? maxOf(weekly) : 0, target ?? 0, expectedLine ? Math.max(0, ...expectedLine) : 0));
  const n = weeks.length;
  const slot = n > 0 ? plot.width / n : plot.width;
  const x = (i: number) => Math.round((slot * i + slot / 2) * 10) / 10;
  // Lines are drawn through the middle of each week's slot.
  const lineBox: ChartBox = { width: plot.width, height: plot.height, pad: 0 };
  const centred = (values: readonly (number | null)[]) => {
    if (n === 0) return "";
    let d = "";
    let pen = false;
    values.forEach((v, i) => {
      if (v === null) {
        pen = false;
        return;
      }
      d += `${pen ? "L" : "M"}${x(i)} ${yOf(v, lineBox, max)}`;
      pen = true;
    });
    return d;
  };
  const ticks = [0, max / 2, max];
  const labelEvery = Math.max(1, Math.ceil(n / 8));
  return (
    <svg className="trend-chart" viewBox={`0 0 ${box.width} ${box.height}`} role="img" aria-labelledby="trend-title">
      <title id="trend-title">逐周完成情况图：柱为当周填报值，实线为截至当周的完成值，虚线为目标值</title>
      <g transform={`translate(${left} ${top})`}>
        {ticks.map((tick) => (
          <g key={tick}>
            <line className="chart-grid" x1={0} x2={plot.width} y1={yOf(tick, plot, max)} y2={yOf(tick, plot, max)} />
            <text className="chart-axis" x={-8} y={yOf(tick, plot, max) + 5} textAnchor="end">
              {formatNumber(tick, "")}
            </text>
          </g>
        ))}
        {showBars
          ? weekly.map((v, i) =>
              v !== null && v > 0 ? (
                <rect
                  key={weeks[i]}
                  className="chart-bar"
                  x={Math.round((slot * i + slot * 0.15) * 10) / 10}
                  width={Math.max(1, Math.round(slot * 0.7 * 10) / 10)}
                  y={yOf(v, plot, max)}
                  height={Math.round((plot.height - yOf(v, plot, max)) * 10) / 10}
                />
              ) : null,
            )
          : null}
        {expectedLine ? <path className="chart-expected" d={centred(expectedLine)} /> : null}
        {target !== null && target > 0 ? (
          <g>
            <line className="chart-target" x1={0} x2={plot.width} y1={yOf(target, plot, max)} y2={yOf(target, plot, max)} />
            <text className="chart-label" x={plot.width} y={yOf(target, plot, max) - 6} textAnchor="end">
              目标 {formatNumber(target, unit)}
            </text>
          </g>
        ) : null}
        <path className="chart-line thick" d={centred(trend)} />
        {weeks.map((week, i) =>
          i % labelEvery === 0 || (i === n - 1 && i % labelEvery >= labelEvery / 2) ? (
            <text key={week} className="chart-axis" x={x(i)} y={plot.height + 22} textAnchor="middle">
              {`第${weekNumber(week)}周`}
            </text>
          ) : null,
        )}
        <line className="chart-baseline" x1={0} x2={plot.width} y1={plot.height} y2={plot.height} />
      </g>
    </svg>
  );
}

/** Per-unit contribution as horizontal bars, largest first, labelled with name and figure. */
export function UnitBars({ rows, unit }: { rows: readonly { name: string; actual: number }[]; unit: string }) {
  const rowHeight = 30;
  const labelWidth = 150;
  const valueWidth = 110;
  const width = 640;
  const barWidth = width - labelWidth - valueWidth;
  const height = rows.length * rowHeight + 8;
  const max = niceCeiling(Math.max(0, ...rows.map((r) => r.actual)));
  return (
    <svg className="unit-bars" viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby="unit-bars-title">
      <title id="unit-bars-title">
        各单位贡献：{rows.map((r) => `${r.name}${formatNumber(r.actual, unit)}`).join("，")}
      </title>
      {rows.map((row, i) => {
        const y = i * rowHeight + 4;
        const w = row.actual > 0 ? Math.max(1, Math.round((row.actual / max) * barWidth * 10) / 10) : 0;
        return (
          <g key={row.name}>
            <text className="chart-label" x={labelWidth - 8} y={y + 19} textAnchor="end">
              {row.name}
            </text>
            <rect className="chart-track" x={labelWidth} y={y + 4} width={barWidth} height={rowHeight - 10} />
            <rect className="chart-bar" x={labelWidth} y={y + 4} width={w} height={rowHeight - 10} />
            <text className="chart-value" x={labelWidth + barWidth + 8} y={y + 19}>
              {formatNumber(row.actual, unit)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
