import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { STATUS_LABELS } from "~/lib/board";
import { comparisonWithLastYear } from "~/lib/kpi";
import { formatNumber, isPercentUnit } from "~/lib/metric-numbers";
import { DIRECTION_LABELS, aggregationLabel, metricExpectedProgress } from "~/lib/kpi-report";
import { formatDate, formatDateTime, toDateKey, weekLabel, weekRange } from "~/lib/weeks";
import { getMetricDetail } from "~/routes/kpi/metric-detail.server";
import kpiStyles from "~/styles/kpi.css";
import { requireUser } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import type { PageHandle } from "~/utils/kept-page";
import { TrendChart, TrendLegend, UnitBars } from "~/routes/kpi/charts";
import { MetricLightTag } from "~/routes/kpi/metric-table";
import { todayKey } from "~/models/plans.server";
import { notFound } from "~/lib/refusal";
import { DataTable } from "~/components/data-table";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: kpiStyles }];

export const handle: PageHandle = { keptWhileUnchanged: true };

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.detail.metric.name ?? "指标"} · 指标对比 · 年度重点工作看板` },
];

export async function loader(args: LoaderFunctionArgs) {
  await requireUser(args, "read");
  const raw = args.params.metricId ?? "";
  if (!/^\d{1,9}$/.test(raw)) notFound("没有找到该指标：地址中的指标编号无效。");
  const today = todayKey();
  const detail = await getMetricDetail(getDb(), Number(raw), today);
  if (!detail) notFound("没有找到该指标，它可能已被删除。");
  const { metric, task, plan, weeks } = detail;
  // Where the actual should stand at the end of each week for a goal to reach in time.
  const progressive = metric.direction === "up" || (metric.direction === "floor" && metric.aggregation === "sum");
  const span = task ? { startDate: task.startDate, dueDate: task.dueDate } : null;
  const expectedLine =
    progressive && metric.target !== null && metric.target > 0
      ? weeks.map((week) => (metric.target! * metricExpectedProgress(span, plan.year, toDateKey(weekRange(week).end))) / 100)
      : null;
  return { detail: detail, today, expectedLine };
}

function figure(value: number | null, unit: string, empty = "—"): string {
  return value === null ? empty : formatNumber(value, unit);
}

export default function MetricDetailPage() {
  const { detail, today, expectedLine } = useLoaderData<typeof loader>();
  const { metric, task, evaluation, plan } = detail;
  const percentMetric = isPercentUnit(metric.unit);
  const growth = percentMetric
    ? null
    : comparisonWithLastYear({
        actual: evaluation.actual,
        baseline: metric.baseline,
        baselinePeriod: metric.baselinePeriod,
        aggregation: metric.aggregation,
        yearOver: today > `${plan.year}-12-31`,
      });
  const totalActual = detail.contributions.reduce((sum, c) => sum + c.actual, 0);
  const showShare = !percentMetric && totalActual > 0;
  const showBars = metric.aggregation === "sum" && !percentMetric;

  return (
    <section className="page kpi-detail">
      <p className="kpi-crumbs">
        <Link to={`/kpi?year=${plan.year}`}>指标对比</Link> › {metric.category || "未分类"}
      </p>
      <header className="kpi-detail-head">
        <h1>{metric.name}</h1>
        <MetricLightTag light={evaluation.light} reasons={evaluation.reasons} />
      </header>
      <p className="muted">
        {task ? (
          <>
            重点工作{" "}
            <Link to={`/board/${task.id}`}>
              {task.code} {task.title}
            </Link>
            （{STATUS_LABELS[task.status]}
            {task.dueDate ? `，完成时限${formatDate(task.dueDate)}` : ""}）
          </>
        ) : (
          `${plan.year}年街道年度指标（不属于某项重点工作）`
        )}
        {detail.leader ? ` · 责任领导：${detail.leader}` : ""}
        {detail.units.length
          ? ` · 牵头单位：${
              detail.units
                .filter((u) => u.role === "lead")
                .map((u) => u.name)
                .join("、") || "未指定"
            }`
          : ""}
        {detail.units.some((u) => u.role === "support")
          ? ` · 配合单位：${detail.units
              .filter((u) => u.role === "support")
              .map((u) => u.name)
              .join("、")}`
          : ""}
      </p>

      <div className="card">
        <dl className="fact-grid kpi-facts">
          <div>
            <dt>上年基数</dt>
            <dd>{figure(metric.baseline, metric.unit)}</dd>
          </div>
          <div>
            <dt>目标值</dt>
            <dd>{figure(metric.target, metric.unit, "未设目标")}</dd>
          </div>
          <div>
            <dt>完成值（截至{formatDate(today)}）</dt>
            <dd>{figure(evaluation.actual, metric.unit, "暂无数据")}</dd>
          </div>
          <div>
            <dt>{metric.direction === "cap" ? "占控制目标" : "完成目标"}</dt>
            <dd>{evaluation.percent === null ? "—" : `${evaluation.percent}%`}</dd>
          </div>
          <div>
            <dt>序时进度</dt>
            <dd>{evaluation.expected}%</dd>
          </div>
          {growth ? (
            <div>
              <dt>与上年相比</dt>
              <dd className="plain">{growth}</dd>
            </div>
          ) : null}
          <div>
            <dt>考核方向</dt>
            <dd className="plain">{DIRECTION_LABELS[metric.direction]}</dd>
          </div>
          <div>
            <dt>统计方式</dt>
            <dd className="plain">{aggregationLabel(metric)}</dd>
          </div>
        </dl>
        {metric.sourceSentence ? (
          <p className="kpi-source">
            来源{metric.sourceRef ? `（总结${metric.sourceRef}）` : ""}：{metric.sourceSentence}
          </p>
        ) : null}
      </div>

      <section className="card stack kpi-chart-card" aria-labelledby="trend-heading">
        <h2 id="trend-heading">逐周趋势</h2>
        {detail.values.length === 0 ? (
          <p className="muted">还没有单位填报该指标的数值。各单位每周填报进展时可报送本指标。</p>
        ) : (
          <>
            <TrendLegend
              showBars={showBars}
              target={metric.target}
              expectedLine={expectedLine}
              trend={detail.trend}
              direction={metric.direction}
              aggregation={metric.aggregation}
            />
            {(["wide", "narrow"] as const).map((layout) => (
              <TrendChart
                key={layout}
                layout={layout}
                className={`chart-${layout}`}
                weeks={detail.weeks}
                trend={detail.trend}
                weekly={detail.weekly}
                target={metric.target}
                expectedLine={expectedLine}
                unit={metric.unit}
                showBars={showBars}
                direction={metric.direction}
                aggregation={metric.aggregation}
              />
            ))}
            <div className="kpi-data">
              <details>
                <summary>以表格查看逐周数据</summary>
                <DataTable
                  label="逐周数据表"
                  columns={["周次", { label: "当周填报合计", numeric: true }, { label: "截至当周完成值", numeric: true }]}
                >
                  {detail.weeks.map((week, i) => (
                    <tr key={week}>
                      <th scope="row">{weekLabel(week)}</th>
                      <td className="num">{figure(detail.weekly[i], metric.unit)}</td>
                      <td className="num">{figure(detail.trend[i], metric.unit)}</td>
                    </tr>
                  ))}
                </DataTable>
              </details>
            </div>
          </>
        )}
      </section>

      <section className="card stack kpi-chart-card" aria-labelledby="units-heading">
        <h2 id="units-heading">各单位贡献</h2>
        {detail.contributions.length === 0 ? (
          <p className="muted">暂无单位填报。</p>
        ) : (
          <>
            {(["wide", "narrow"] as const).map((layout) => (
              <UnitBars key={layout} layout={layout} className={`chart-${layout}`} rows={detail.contributions} unit={metric.unit} />
            ))}
            <DataTable
              label="各单位贡献表"
              columns={[
                "单位",
                { label: showBars ? "累计填报" : "最新值", numeric: true },
                showShare && { label: "占比", numeric: true },
                { label: "填报次数", numeric: true },
                "最近填报周次",
              ]}
            >
              {detail.contributions.map((c) => (
                <tr key={c.unitId}>
                  <th scope="row">{c.name}</th>
                  <td className="num">{formatNumber(c.actual, metric.unit)}</td>
                  {showShare ? <td className="num">{formatNumber((c.actual / totalActual) * 100, "%")}</td> : null}
                  <td className="num">{c.values}</td>
                  <td>{weekLabel(c.lastWeek)}</td>
                </tr>
              ))}
            </DataTable>
          </>
        )}
      </section>

      <section className="card stack" aria-labelledby="values-heading">
        <h2 id="values-heading">全部填报记录（{detail.values.length}条）</h2>
        {detail.values.length === 0 ? (
          <p className="muted">暂无填报记录。</p>
        ) : (
          <DataTable label="全部填报记录表" columns={["周次", "单位", { label: "数值", numeric: true }, "填报人", "填报时间"]}>
            {detail.values.map((v) => (
              <tr key={v.id}>
                <td>{weekLabel(v.week)}</td>
                <td>{v.unitName}</td>
                <td className="num">{formatNumber(v.value, metric.unit)}</td>
                <td>{v.reportedBy}</td>
                <td>
                  {formatDateTime(v.reportedAt)}
                  {v.late ? <span className="kind-badge kpi-late">补报</span> : null}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
