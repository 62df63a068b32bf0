// The KPI page's filters: unit, 责任领导, light, category, scope and order, as a GET form.
import { Form, Link, useNavigation, useSubmit } from "@remix-run/react";
import { METRIC_LIGHT_LABELS, METRIC_LIGHT_ORDER, SCOPE_LABELS, SORT_LABELS, hasActiveKpiFilters, kpiSearch, type KpiFilters } from "~/lib/kpi-report";
import type { KpiOptions } from "~/routes/kpi/queries.server";

export const emptyFilters: KpiFilters = { unit: null, leader: null, light: null, category: null, scope: "tracked", sort: "default", grouped: true, all: false };

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
