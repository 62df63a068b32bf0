// Filters and swimlanes live in the URL (a GET form), so any view can be bookmarked and shared.
import { Form, Link, useSubmit } from "@remix-run/react";
import { SelectField, namedOptions, type SelectFieldProps } from "~/components/select-field";
import { LIGHT_LABELS, LIGHT_ORDER, lightText } from "~/lib/light-labels";
import { hasActiveFilters, LANE_LABELS, type BoardFilters, type LaneBy, type NamedRef } from "~/lib/board";

const LANES: LaneBy[] = ["none", "unit", "leader", "category"];

export function FilterBar({
  year,
  filters,
  units,
  leaders,
  categories,
}: {
  year: number;
  filters: BoardFilters;
  units: NamedRef[];
  leaders: NamedRef[];
  categories: string[];
}) {
  const submit = useSubmit();
  // With JS a choice applies at once; without it the 筛选 button does the same.
  const onChange = (event: React.ChangeEvent<HTMLFormElement>) => {
    if (event.target instanceof HTMLSelectElement) submit(event.currentTarget, { replace: true, preventScrollReset: true });
  };
  const selects: SelectFieldProps[] = [
    { name: "unit", label: "责任单位", defaultValue: filters.unit, emptyLabel: "全部单位", options: namedOptions(units) },
    { name: "leader", label: "责任领导", defaultValue: filters.leader, emptyLabel: "全部领导", options: namedOptions(leaders) },
    {
      name: "category",
      label: "类别",
      defaultValue: filters.category,
      emptyLabel: "全部类别",
      options: categories.map((category) => ({ value: category, label: category })),
    },
    {
      name: "light",
      label: "督办灯",
      defaultValue: filters.light,
      emptyLabel: "全部",
      options: LIGHT_ORDER.map((light) => ({ value: light, label: `${LIGHT_LABELS[light].shape} ${lightText(light)}` })),
    },
    { name: "lane", label: "泳道", defaultValue: filters.lane, options: LANES.map((lane) => ({ value: lane, label: LANE_LABELS[lane] })) },
  ];
  return (
    <Form method="get" action="/board" className="field-bar filter-bar" role="search" aria-label="筛选重点工作" onChange={onChange}>
      <input type="hidden" name="year" value={year} />
      <label className="field filter-search">
        <span>搜索</span>
        <input type="search" name="q" defaultValue={filters.q} placeholder="编号、名称、单位或领导" maxLength={60} />
      </label>
      {selects.map((select) => (
        <SelectField key={select.name} {...select} />
      ))}
      <div className="filter-actions">
        <button type="submit" className="button secondary">
          筛选
        </button>
        {hasActiveFilters(filters) || filters.lane !== "none" ? (
          <Link to={`/board?year=${year}`} className="button secondary" preventScrollReset>
            清除筛选
          </Link>
        ) : null}
      </div>
    </Form>
  );
}
