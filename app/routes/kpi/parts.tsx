// The KPI page's parts: light tags, the plan overview, the filter bar and the metric tables.
import { Form, Link, useNavigation, useSubmit } from "@remix-run/react";
import { STATUSES, STATUS_LABELS } from "~/lib/board";
import { formatNumber } from "~/lib/kpi";
import {
  DIRECTION_LABELS,
  METRIC_LIGHT_LABELS,
  METRIC_LIGHT_ORDER,
  SCOPE_LABELS,
  SORT_LABELS,
  aggregationLabel,
  hasActiveKpiFilters,
  kpiSearch,
  type KpiFilters,
  type KpiGroup,
  type KpiRow,
  type MetricLightKey,
} from "~/lib/kpi-report";
import { LIGHT_LABELS, type Light } from "~/lib/lights";
import { weekLabel } from "~/lib/weeks";
import type { KpiOptions, PlanOverview } from "~/models/kpi.server";
import { Sparkline } from "./charts";

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
        <ul className="kpi-light-list" aria-label="督办灯">
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
        <ul className="kpi-light-list" aria-label="指标督办灯">
          {METRIC_LIGHT_ORDER.map((light) => (
            <li key={light} className={`kpi-light kpi-light-${light}`}>
              <Link to={kpiSearch(year, { ...emptyFilters, light })} className="kpi-light-word">
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
              <thead>
                <tr>
                  <th scope="col">单位</th>
                  <th scope="col">填报率</th>
                  <th scope="col">已填报 / 应填报</th>
                </tr>
              </thead>
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
                    <td className="num">
                      {`${unit.reported} / ${unit.expected}`}
                    </td>
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

const emptyFilters: KpiFilters = { unit: null, leader: null, light: null, category: null, scope: "tracked", sort: "default", grouped: true, all: false };

export function FilterBar({ year, filters, options }: { year: number; filters: KpiFilters; options: KpiOptions }) {
  const submit = useSubmit();
  const navigation = useNavigation();
  const busy = navigation.state === "loading" && navigation.location?.pathname === "/kpi";
  return (
    <Form
      method="get"
      className="kpi-filters"
      aria-label="指标筛选"
      onChange={(event) => submit(event.currentTarget, { preventScrollReset: true })}
    >
      <input type="hidden" name="year" value={year} />
      {filters.category ? <input type="hidden" name="category" value={filters.category} /> : null}
      {filters.all ? <input type="hidden" name="all" value="1" /> : null}
      <label className="field">
        <span>单位</span>
        <select name="unit" defaultValue={filters.unit ?? ""}>
          <option value="">全部单位</option>
          {options.units.map((u) => (
            <option key={u.id} value={u.id}>
              {u.name}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>责任领导</span>
        <select name="leader" defaultValue={filters.leader ?? ""}>
          <option value="">全部领导</option>
          {options.leaders.map((l) => (
            <option key={l.id} value={l.id}>
              {l.name}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>督办灯</span>
        <select name="light" defaultValue={filters.light ?? ""}>
          <option value="">全部</option>
          {METRIC_LIGHT_ORDER.map((light) => (
            <option key={light} value={light}>
              {METRIC_LIGHT_LABELS[light].shape} {METRIC_LIGHT_LABELS[light].word} {METRIC_LIGHT_LABELS[light].meaning}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>范围</span>
        <select name="scope" defaultValue={filters.scope}>
          {Object.entries(SCOPE_LABELS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>排序</span>
        <select name="sort" defaultValue={filters.sort}>
          {Object.entries(SORT_LABELS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>分组</span>
        <select name="group" defaultValue={filters.grouped ? "" : "none"}>
          <option value="">按类别分组</option>
          <option value="none">不分组</option>
        </select>
      </label>
      <div className="kpi-filter-actions">
        <button type="submit" className="button secondary small">
          {busy ? "正在筛选…" : "筛选"}
        </button>
        {hasActiveKpiFilters(filters) ? (
          <Link to={kpiSearch(year, { ...emptyFilters, scope: filters.scope, sort: filters.sort, grouped: filters.grouped, all: filters.all })} className="small">
            清除筛选
          </Link>
        ) : null}
      </div>
    </Form>
  );
}

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
        <thead>
          <tr>
            <th scope="col">指标</th>
            <th scope="col" className="num">
              上年基数
            </th>
            <th scope="col" className="num">
              目标值
            </th>
            <th scope="col" className="num">
              完成值
            </th>
            {unitName ? (
              <th scope="col" className="num">
                其中{unitName}
              </th>
            ) : null}
            <th scope="col">完成率</th>
            <th scope="col" className="num">
              序时进度
            </th>
            <th scope="col">督办灯</th>
            <th scope="col">逐周趋势</th>
          </tr>
        </thead>
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
