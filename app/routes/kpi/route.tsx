import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { GROUP_ROW_LIMIT, METRIC_LIGHT_LABELS, METRIC_LIGHT_ORDER, kpiSearch, parseKpiFilters } from "~/lib/kpi-report";
import { formatDate, weekKeyOf, weekLabel } from "~/lib/weeks";
import { loadKpiPageShared } from "~/routes/kpi/queries.server";
import kpiStyles from "~/styles/kpi.css";
import { can } from "~/utils/permissions";
import { MetricTable } from "~/routes/kpi/metric-table";
import { Overview } from "~/routes/kpi/overview";
import { FilterBar } from "~/routes/kpi/filter-bar";
import { loadPlanPage } from "~/utils/plan-page.server";
import type { PageHandle } from "~/utils/kept-page";
import { NoPlanPage, YearPicker } from "~/components/year-picker";
import { planPageTitle } from "~/components/page-meta";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: kpiStyles }];

export const handle: PageHandle = { keptWhileUnchanged: true };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: planPageTitle(data?.plan, "指标对比") }];

export async function loader(args: LoaderFunctionArgs) {
  const { user, url, db, today, requestedYear, plan, years } = await loadPlanPage(args);
  const filters = parseKpiFilters(url.searchParams);
  const page = plan ? await loadKpiPageShared(db, plan, filters, today) : null;
  return {
    plan: plan && { id: plan.id, year: plan.year, title: plan.title, organization: plan.organization },
    years,
    requestedYear,
    today,
    filters,
    page,
    canExport: can(user, "summary.manage"),
  };
}

export default function KpiPage() {
  const { plan, years, requestedYear, today, filters, page, canExport } = useLoaderData<typeof loader>();

  if (!plan || !page) {
    return (
      <NoPlanPage title="指标对比" requestedYear={requestedYear} years={years} path="/kpi">
        导入上一年度工作总结、建立年度计划并设定指标目标后，这里会显示目标值与完成值的对比。
      </NoPlanPage>
    );
  }

  // The ledger's 填报情况 sheet: this week while the year runs, else its last finished week.
  const thisWeek = weekKeyOf(today);
  const lastOf = (weeks: string[]) => (weeks.length ? weeks[weeks.length - 1] : null); // no Array#at: old office browsers
  const exportWeek = page.weeks.includes(thisWeek) ? thisWeek : (lastOf(page.overview.reportingWeeks) ?? lastOf(page.weeks));
  return (
    <section className="page kpi-page">
      <header className="page-head kpi-head">
        <div>
          <h1>
            {plan.organization}
            {plan.year}年指标对比
          </h1>
          <p className="muted small">截至{formatDate(today)} · 完成值按各单位填报汇总 · 序时进度按重点工作的开始日期至完成时限计算</p>
        </div>
        <div className="kpi-head-actions">
          <YearPicker years={years} current={plan.year} to={(year) => `/kpi?year=${year}`} />
          {canExport && exportWeek ? (
            <Form method="get" action="/kpi/ledger.xlsx" reloadDocument className="kpi-export">
              <input type="hidden" name="year" value={plan.year} />
              <label className="field">
                <span>填报情况周次</span>
                <select name="week" defaultValue={exportWeek}>
                  {[...page.weeks].reverse().map((week) => (
                    <option key={week} value={week}>
                      {weekLabel(week, plan.year)}
                    </option>
                  ))}
                </select>
              </label>
              <button type="submit" className="button primary small">
                导出工作台账（Excel）
              </button>
            </Form>
          ) : null}
        </div>
      </header>

      <Overview overview={page.overview} year={plan.year} />

      <FilterBar year={plan.year} filters={filters} options={page.options} />

      <p className="kpi-summary" aria-live="polite">
        <span>
          显示 <strong>{page.shown}</strong> 项指标{page.shown !== page.total ? `（共${page.total}项）` : ""}
          {page.unitName ? `，含${page.unitName}的贡献` : ""}
          {filters.category ? `，类别：${filters.category}` : ""}
        </span>
        {METRIC_LIGHT_ORDER.map((light) => (
          <span key={light} className={`kpi-light kpi-light-${light}`}>
            <span className="kpi-light-word">
              <span aria-hidden="true">{METRIC_LIGHT_LABELS[light].shape}</span> {METRIC_LIGHT_LABELS[light].word} {page.shownLights[light]}
              项
            </span>
          </span>
        ))}
        {page.groups.some((g) => g.hidden > 0) ? (
          <Link to={kpiSearch(plan.year, { ...filters, all: true })} className="small kpi-more">
            每类先显示前{GROUP_ROW_LIMIT}项，显示全部
          </Link>
        ) : null}
        {filters.scope === "tracked" && page.untracked > 0 ? (
          <Link to={kpiSearch(plan.year, { ...filters, scope: "all" })} className="small kpi-more">
            另有{page.untracked}项上年数据未设目标，查看全部
          </Link>
        ) : null}
      </p>

      {page.groups.length === 0 ? (
        <div className="empty-state">
          <p className="empty-title">没有符合条件的指标</p>
          <p>
            {page.total === 0
              ? "本年度还没有设定目标或填报数据的指标。请在看板的重点工作中设定目标值，或在每周填报时报送指标数值。"
              : "请调整上面的筛选条件。"}
          </p>
        </div>
      ) : (
        page.groups.map((group) => (
          <section key={group.category || "all"} className="kpi-group" aria-label={group.category || "全部指标"}>
            {filters.grouped ? (
              <h2 className="kpi-group-title">
                <Link to={kpiSearch(plan.year, { ...filters, category: filters.category ? null : group.category })}>{group.category}</Link>
                <span className="kpi-group-meta">
                  {group.rows.length + group.hidden}项{group.counts.red ? ` · 红灯${group.counts.red}项` : ""}
                  {group.counts.yellow ? ` · 黄灯${group.counts.yellow}项` : ""}
                </span>
              </h2>
            ) : null}
            <MetricTable group={group} weeks={page.weeks} unitName={page.unitName} caption={`${group.category || "全部"}指标`} />
            {group.hidden > 0 ? (
              <p className="kpi-more-rows">
                <Link
                  to={kpiSearch(plan.year, filters.grouped ? { ...filters, category: group.category } : { ...filters, all: true })}
                  className="button secondary small"
                >
                  {filters.grouped ? `显示本类其余${group.hidden}项` : `显示其余${group.hidden}项`}
                </Link>
              </p>
            ) : null}
          </section>
        ))
      )}
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
