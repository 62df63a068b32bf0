// The KPI page's filters: unit, 责任领导, light, category, scope and order, as a GET form.
import { Form, Link, useNavigation, useSubmit } from "@remix-run/react";
import { SelectField, namedOptions, type SelectFieldProps } from "~/components/select-field";
import {
  DEFAULT_KPI_FILTERS,
  METRIC_LIGHT_LABELS,
  METRIC_LIGHT_ORDER,
  SCOPE_LABELS,
  SORT_LABELS,
  hasActiveKpiFilters,
  kpiSearch,
  type KpiFilters,
} from "~/lib/kpi-report";
import type { KpiOptions } from "~/routes/kpi/queries.server";

/** Choices from a value → label record, in its order. */
function labelledOptions(labels: Record<string, string>): SelectFieldProps["options"] {
  return Object.entries(labels).map(([value, label]) => ({ value, label }));
}

export function FilterBar({ year, filters, options }: { year: number; filters: KpiFilters; options: KpiOptions }) {
  const submit = useSubmit();
  const navigation = useNavigation();
  const busy = navigation.state === "loading" && navigation.location?.pathname === "/kpi";
  const selects: SelectFieldProps[] = [
    { name: "unit", label: "单位", defaultValue: filters.unit, emptyLabel: "全部单位", options: namedOptions(options.units) },
    { name: "leader", label: "责任领导", defaultValue: filters.leader, emptyLabel: "全部领导", options: namedOptions(options.leaders) },
    {
      name: "light",
      label: "督办灯",
      defaultValue: filters.light,
      emptyLabel: "全部",
      options: METRIC_LIGHT_ORDER.map((light) => ({
        value: light,
        label: `${METRIC_LIGHT_LABELS[light].shape} ${METRIC_LIGHT_LABELS[light].word} ${METRIC_LIGHT_LABELS[light].meaning}`,
      })),
    },
    { name: "scope", label: "范围", defaultValue: filters.scope, options: labelledOptions(SCOPE_LABELS) },
    { name: "sort", label: "排序", defaultValue: filters.sort, options: labelledOptions(SORT_LABELS) },
    {
      name: "group",
      label: "分组",
      defaultValue: filters.grouped ? "" : "none",
      options: [
        { value: "", label: "按类别分组" },
        { value: "none", label: "不分组" },
      ],
    },
  ];
  return (
    <Form
      method="get"
      className="field-bar kpi-filters"
      aria-label="指标筛选"
      onChange={(event) => submit(event.currentTarget, { preventScrollReset: true })}
    >
      <input type="hidden" name="year" value={year} />
      {filters.category ? <input type="hidden" name="category" value={filters.category} /> : null}
      {filters.all ? <input type="hidden" name="all" value="1" /> : null}
      {selects.map((select) => (
        <SelectField key={select.name} {...select} />
      ))}
      <div className="kpi-filter-actions">
        <button type="submit" className="button secondary small">
          {busy ? "正在筛选…" : "筛选"}
        </button>
        {hasActiveKpiFilters(filters) ? (
          <Link
            to={kpiSearch(year, {
              ...DEFAULT_KPI_FILTERS,
              scope: filters.scope,
              sort: filters.sort,
              grouped: filters.grouped,
              all: filters.all,
            })}
            className="small"
          >
            清除筛选
          </Link>
        ) : null}
      </div>
    </Form>
  );
}
