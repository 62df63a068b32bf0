// The KPI page's parts: light tags, the plan overview, the filter bar and the metric tables.
import { Link } from "@remix-run/react";
import { formatNumber } from "~/lib/metric-numbers";
import { DIRECTION_LABELS, METRIC_LIGHT_LABELS, aggregationLabel, type KpiGroup, type KpiRow, type MetricLightKey } from "~/lib/kpi-report";
import { Sparkline } from "~/routes/kpi/charts";
import { TableHead } from "~/components/data-table";

/** A metric's light: shape, word and meaning together, never colour alone. */
export function MetricLightTag({ light, reasons, compact = false }: { light: MetricLightKey; reasons?: string[]; compact?: boolean }) {
  const label = METRIC_LIGHT_LABELS[light];
  const reason = reasons?.filter((r) => r !== "").join("；");
  return (
    <span className={`kpi-light kpi-light-${light}`}>
      <span className="kpi-light-word">
        <span aria-hidden="true">{label.shape}</span>
        {` ${label.word}${label.meaning ? ` ${label.meaning}` : ""}`}
      </span>
      {!compact && reason ? <span className="kpi-light-reason">{reason}</span> : null}
    </span>
  );
}

/** A task light and its count, linking to the board filtered by that light. */
function figure(value: number | null, unit: string, empty = "—"): string {
  return value === null ? empty : formatNumber(value, unit);
}

function PercentCell({ row }: { row: KpiRow }) {
  const { percent } = row.evaluation;
  if (percent === null) return <span className="muted">—</span>;
  const limit = row.direction === "cap";
  return (
    <span className="kpi-percent">
      <meter
        min={0}
        max={100}
        value={Math.min(percent, 100)}
        low={limit ? 95 : 60}
        high={99.9}
        optimum={limit ? 0 : 100}
        aria-hidden="true"
      />
      <span>{limit ? `已用${percent}%` : `${percent}%`}</span>
    </span>
  );
}

export function MetricTable({
  group,
  weeks,
  unitName,
  caption,
}: {
  group: KpiGroup;
  weeks: string[];
  unitName: string | null;
  caption: string;
}) {
  return (
    <div className="table-scroll">
      <table className="table kpi-table">
        <caption className="visually-hidden">{caption}</caption>
        <colgroup>
          <col className="col-metric" />
          <col className="col-figure" />
          <col className="col-figure" />
          <col className="col-figure" />
          {unitName ? <col className="col-figure" /> : null}
          <col className="col-percent" />
          <col className="col-expected" />
          <col className="col-light" />
          <col className="col-trend" />
        </colgroup>
        <TableHead
          columns={[
            "指标",
            { label: "上年基数", numeric: true },
            { label: "目标值", numeric: true },
            { label: "完成值", numeric: true },
            unitName ? { label: `其中${unitName}`, numeric: true } : null,
            "完成率",
            { label: "序时进度", numeric: true },
            "督办灯",
            "逐周趋势",
          ]}
        />
        <tbody>
          {group.rows.map((row) => (
            <tr key={row.id}>
              <th scope="row" className="kpi-metric">
                <Link to={`/kpi/${row.id}`} className="kpi-metric-name">
                  {row.name}
                </Link>
                <span className="kpi-metric-meta">
                  {`${row.task ? `${row.task.code} ${row.task.title}` : "街道年度指标"}${row.leader ? ` · ${row.leader.name}` : ""} · ${DIRECTION_LABELS[row.direction]} · ${aggregationLabel(row)}`}
                </span>
              </th>
              <td className="num">{figure(row.baseline, row.unit)}</td>
              <td className="num">{figure(row.target, row.unit, "未设目标")}</td>
              <td className="num strong">{figure(row.evaluation.actual, row.unit, "暂无数据")}</td>
              {unitName ? <td className="num">{figure(row.unitActual, row.unit)}</td> : null}
              <td>
                <PercentCell row={row} />
              </td>
              <td className="num">{`${row.evaluation.expected}%`}</td>
              <td>
                <MetricLightTag light={row.evaluation.light} reasons={row.evaluation.reasons} />
              </td>
              <td>
                <Sparkline
                  values={row.trend}
                  weeks={weeks}
                  actual={row.evaluation.actual}
                  target={row.target}
                  unit={row.unit}
                  name={row.name}
                  direction={row.direction}
                  aggregation={row.aggregation}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
