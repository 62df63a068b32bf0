// Mini-bars of a task's metrics: actual against target, as a <meter> (no inline styles: CSP).
// Drawn on every card of the board, so the markup is kept lean (styled through .metric-bars).
import { formatNumber } from "~/lib/metric-numbers";
import type { CardMetric } from "~/lib/board";

export function MetricBars({ metrics, limit = 3 }: { metrics: CardMetric[]; limit?: number }) {
  if (metrics.length === 0) return null;
  const shown = metrics.slice(0, limit);
  return (
    <ul className="plain-list metric-bars" aria-label="指标完成情况">
      {shown.map((metric) => {
        const actual = metric.actual == null ? "暂无数据" : formatNumber(metric.actual, metric.unit);
        const target = metric.target == null ? "未设目标" : `目标${formatNumber(metric.target, metric.unit)}`;
        const percent = metric.percent == null ? null : Math.min(metric.percent, 100);
        const limitMetric = metric.direction === "cap";
        return (
          <li key={metric.id}>
            <span className="metric-bar-label">
              <span>{metric.name}</span>
              <span>{`${actual} / ${target}${metric.percent != null ? `（${metric.percent}%）` : ""}`}</span>
            </span>
            {percent != null ? (
              <meter
                max={100}
                value={percent}
                low={limitMetric ? 95 : 60}
                high={limitMetric ? 99.9 : 99.9}
                optimum={limitMetric ? 0 : 100}
                aria-label={`${metric.name} 完成目标的${metric.percent}%`}
              />
            ) : null}
          </li>
        );
      })}
      {metrics.length > limit ? <li className="metric-bar-more muted">{`另有${metrics.length - limit}项指标`}</li> : null}
    </ul>
  );
}
