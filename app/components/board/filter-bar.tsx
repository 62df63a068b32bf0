// Filters and swimlanes live in the URL (a GET form), so any view can be bookmarked and shared.
import { Form, Link, useSubmit } from "@remix-run/react";
import { LIGHT_LABELS, lightText } from "~/lib/light-labels";
import type { Light } from "~/lib/lights";
import { hasActiveFilters, LANE_LABELS, type BoardFilters, type LaneBy, type NamedRef } from "~/lib/board";

const LIGHTS: Light[] = ["red", "yellow", "green", "upcoming", "done"];
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
  return (
    <Form method="get" action="/board" className="filter-bar" role="search" aria-label="筛选重点工作" onChange={onChange}>
      <input type="hidden" name="year" value={year} />
      <label className="field filter-search">
        <span>搜索</span>
        <input type="search" name="q" defaultValue={filters.q} placeholder="编号、名称、单位或领导" maxLength={60} />
      </label>
      <label className="field">
        <span>责任单位</span>
        <select name="unit" defaultValue={filters.unit ?? ""}>
          <option value="">全部单位</option>
          {units.map((unit) => (
            <option key={unit.id} value={unit.id}>
              {unit.name}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>责任领导</span>
        <select name="leader" defaultValue={filters.leader ?? ""}>
          <option value="">全部领导</option>
          {leaders.map((leader) => (
            <option key={leader.id} value={leader.id}>
              {leader.name}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>类别</span>
        <select name="category" defaultValue={filters.category ?? ""}>
          <option value="">全部类别</option>
          {categories.map((category) => (
            <option key={category} value={category}>
              {category}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>督办灯</span>
        <select name="light" defaultValue={filters.light ?? ""}>
          <option value="">全部</option>
          {LIGHTS.map((light) => (
            <option key={light} value={light}>
              {`${LIGHT_LABELS[light].shape} ${lightText(light)}`}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>泳道</span>
        <select name="lane" defaultValue={filters.lane}>
          {LANES.map((lane) => (
            <option key={lane} value={lane}>
              {LANE_LABELS[lane]}
            </option>
          ))}
        </select>
      </label>
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
