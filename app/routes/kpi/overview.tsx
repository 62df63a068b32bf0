// The KPI page's overview: task lights, metric lights and each unit's 填报 rate.
import { Link } from "@remix-run/react";
import { STATUSES, STATUS_LABELS } from "~/lib/board";
import { DEFAULT_KPI_FILTERS, METRIC_LIGHT_LABELS, METRIC_LIGHT_ORDER, kpiSearch } from "~/lib/kpi-report";
import { LIGHT_LABELS, type Light } from "~/lib/lights";
import { weekLabel } from "~/lib/weeks";
import type { PlanOverview } from "~/routes/kpi/queries.server";
import { TableHead } from "~/components/data-table";

function TaskLightTag({ light, count, year }: { light: Light; count: number; year: number }) {
  const label = LIGHT_LABELS[light];
  return (
    <li className={`kpi-light kpi-light-${light}`}>
      <Link to={`/board?year=${year}&light=${light}`} className="kpi-light-word">
        <span aria-hidden="true">{label.shape}</span>
        {` ${label.word}${light !== "done" && label.meaning ? ` ${label.meaning}` : ""}`}
      </Link>
      <strong className="kpi-count">{count}</strong>
    </li>
  );
}

export function Overview({ overview, year }: { overview: PlanOverview; year: number }) {
  const { byStatus, byLight, metricLights } = overview;
  const reportingFrom = overview.reportingWeeks[0];
  const reportingTo = overview.reportingWeeks[overview.reportingWeeks.length - 1];
  return (
    <section className="kpi-overview" aria-labelledby="overview-title">
      <h2 id="overview-title" className="visually-hidden">
        全年总览
      </h2>
      <div className="kpi-tile">
        <h3>重点工作 {overview.taskCount}项</h3>
        <ul className="kpi-statuses">
          {STATUSES.map((status) => (
            <li key={status}>
              <span className="muted">{STATUS_LABELS[status]}</span> <strong className="kpi-count">{byStatus[status]}</strong>
            </li>
          ))}
        </ul>
        <ul className="plain-list kpi-light-list" aria-label="督办灯">
          {(["red", "yellow", "green", "upcoming", "done"] as const).map((light) => (
            <TaskLightTag key={light} light={light} count={byLight[light]} year={year} />
          ))}
        </ul>
        <Link to={`/board?year=${year}`} className="small">
          查看看板
        </Link>
      </div>
      <div className="kpi-tile">
        <h3>指标 {overview.metricCount}项</h3>
        <ul className="plain-list kpi-light-list" aria-label="指标督办灯">
          {METRIC_LIGHT_ORDER.map((light) => (
            <li key={light} className={`kpi-light kpi-light-${light}`}>
              <Link to={kpiSearch(year, { ...DEFAULT_KPI_FILTERS, light })} className="kpi-light-word">
                <span aria-hidden="true">{METRIC_LIGHT_LABELS[light].shape}</span> {METRIC_LIGHT_LABELS[light].word}
                {METRIC_LIGHT_LABELS[light].meaning ? ` ${METRIC_LIGHT_LABELS[light].meaning}` : ""}
              </Link>
              <strong className="kpi-count">{metricLights[light]}</strong>
            </li>
          ))}
        </ul>
        <p className="small muted">全年度统计，不受下方筛选影响；只计有目标或有填报的指标，“未评价”为未设目标或暂无数据。</p>
      </div>
      <div className="kpi-tile kpi-tile-wide">
        <h3>近4周填报率</h3>
        {overview.reporting.length === 0 ? (
          <p className="muted">{overview.reportingWeeks.length === 0 ? "年度尚未开始，暂无填报要求。" : "还没有分配责任单位。"}</p>
        ) : (
          <>
            <p className="small muted">
              {weekLabel(reportingFrom, year)} 至 {weekLabel(reportingTo, year)}；应填报 = 该单位牵头或配合、当周在办的重点工作
            </p>
            <table className="kpi-reporting">
              <caption className="visually-hidden">各单位近4周填报率</caption>
              <TableHead columns={["单位", "填报率", "已填报 / 应填报"]} />
              <tbody>
                {overview.reporting.map((unit) => (
                  <tr key={unit.unitId}>
                    <th scope="row">{unit.name}</th>
                    <td>
                      {unit.rate === null ? (
                        <span className="muted">无需填报</span>
                      ) : (
                        <span className="kpi-rate">
                          <meter min={0} max={100} low={60} high={90} optimum={100} value={unit.rate} aria-hidden="true" />
                          <span className={unit.rate < 60 ? "kpi-rate-low" : undefined}>{`${unit.rate}%`}</span>
                        </span>
                      )}
                    </td>
                    <td className="num">{`${unit.reported} / ${unit.expected}`}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </div>
    </section>
  );
}
