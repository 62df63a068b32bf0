/**
 * The KPI page's pure rules (指标对比): actuals from SQL aggregates, the weekly trend, 序时进度 of
 * a metric, filters and sorting from the URL, the plan overview's reporting rate, and what a
 * chart's target line means. No Remix, no database: the server and the tests
 * call these, and components may too.
 *
 * Why aggregates: a large plan has 500 metrics × 52 weeks × 12 units of values. The database
 * sums them per metric and week (app/models/kpi.server.ts); this module only folds those few
 * rows, by the same rules as `aggregateActual` in ~/lib/kpi (which the tests hold it to).
 */
import {
  metricLight,
  percentOfTarget,
  type Metric,
  type MetricDirection,
  type MetricLight,
  type NamedMetric,
  type MetricAggregation,
} from "~/lib/kpi";
import { isPercentUnit, roundTo } from "~/lib/metric-numbers";
import { expectedProgressOf, DEFAULT_LIGHT_THRESHOLDS, type LightThresholds } from "~/lib/lights";
import { weekRange, toDateKey } from "~/lib/weeks";
import { parseRowId } from "~/lib/row-id";

// ---------------------------------------------------------------- labels

export const DIRECTION_LABELS: Record<MetricDirection, string> = {
  up: "越多越好",
  down: "越少越好",
  cap: "控制在目标以内",
  floor: "不低于目标",
};

export const AGGREGATION_LABELS: Record<MetricAggregation, string> = {
  sum: "各单位逐周累计",
  latest: "各单位最新值合计",
};

/** How the actual is formed, in words (percent metrics are averaged, never summed). */
export function aggregationLabel(metric: Pick<Metric, "aggregation" | "unit">): string {
  return isPercentUnit(metric.unit) ? "各单位最新值平均" : AGGREGATION_LABELS[metric.aggregation];
}

/** A metric's light, or "none" when there is nothing to judge (no target, no values). */
export type MetricLightKey = MetricLight | "none";

export const METRIC_LIGHT_LABELS: Record<MetricLightKey, { word: string; meaning: string; shape: string }> = {
  green: { word: "绿灯", meaning: "正常推进", shape: "●" },
  yellow: { word: "黄灯", meaning: "预警", shape: "▲" },
  red: { word: "红灯", meaning: "滞后", shape: "■" },
  none: { word: "未评价", meaning: "", shape: "○" },
};

export const METRIC_LIGHT_ORDER: readonly MetricLightKey[] = ["red", "yellow", "green", "none"];

// ---------------------------------------------------------------- actuals from aggregates

/** What SQL returns per metric (or per metric and unit): see kpi.server.ts. */
export interface MetricTotals {
  /** Σ of every value (metric × unit × week is unique, so no duplicates to drop). */
  amount: number;
  /** Σ over units of each unit's value in its latest reported week. */
  latestSum: number;
  /** Units with at least one value. */
  unitCount: number;
}

/** Actual to date from aggregates: the same rule as `aggregateActual`; null when nothing reported. */
export function actualFromTotals(metric: Pick<Metric, "aggregation" | "unit">, totals: MetricTotals | null | undefined): number | null {
  if (!totals || totals.unitCount === 0) return null;
  let actual: number;
  if (isPercentUnit(metric.unit)) actual = totals.latestSum / totals.unitCount;
  else if (metric.aggregation === "sum") actual = totals.amount;
  else actual = totals.latestSum;
  return roundTo(actual, 6);
}

/**
 * One metric's changes in one week, from SQL. `delta` is Σ over units of (this week's value −
 * the unit's previous reported value, or 0): adding up deltas to a week gives Σ of each unit's
 * latest value as of that week. `newUnits` counts units reporting for the first time.
 */
export interface WeekTotals {
  weekKey: string;
  amount: number;
  delta: number;
  newUnits: number;
}

/** The actual as it stood at the end of each week in `weekKeys` (sorted), like `actualTrend`. */
export function trendFromWeekTotals(
  metric: Pick<Metric, "aggregation" | "unit">,
  rows: readonly WeekTotals[],
  weekKeys: readonly string[],
): (number | null)[] {
  const sorted = [...rows].sort((a, b) => (a.weekKey < b.weekKey ? -1 : a.weekKey > b.weekKey ? 1 : 0));
  const running: MetricTotals = { amount: 0, latestSum: 0, unitCount: 0 };
  let next = 0;
  return weekKeys.map((week) => {
    while (next < sorted.length && sorted[next].weekKey <= week) {
      running.amount += sorted[next].amount;
      running.latestSum += sorted[next].delta;
      running.unitCount += sorted[next].newUnits;
      next += 1;
    }
    return actualFromTotals(metric, running);
  });
}

/** Σ of a week's rows: the totals to date. */
export function totalsFromWeeks(rows: readonly WeekTotals[]): MetricTotals | null {
  if (rows.length === 0) return null;
  return rows.reduce<MetricTotals>(
    (sum, row) => ({
      amount: sum.amount + row.amount,
      latestSum: sum.latestSum + row.delta,
      unitCount: sum.unitCount + row.newUnits,
    }),
    { amount: 0, latestSum: 0, unitCount: 0 },
  );
}

// ---------------------------------------------------------------- judging a metric

export interface MetricSpan {
  /** "YYYY-MM-DD"; null: the plan's start. */
  startDate: string | null;
  /** "YYYY-MM-DD"; null: the plan's end. */
  dueDate: string | null;
}

/**
 * 序时进度 of a metric, a whole percentage: time elapsed in its task's span (start date to
 * 完成时限), or in the plan year for a plan-level metric or a task without dates.
 */
export function metricExpectedProgress(span: MetricSpan | null, planYear: number, today: string): number {
  const start = span?.startDate ?? `${planYear}-01-01`;
  const due = span?.dueDate ?? `${planYear}-12-31`;
  if (today < start) return 0;
  return Math.round(expectedProgressOf(start, due, today));
}

export interface MetricEvaluation {
  actual: number | null;
  /** % of target (see percentOfTarget). */
  percent: number | null;
  /** 序时进度, whole percentage. */
  expected: number;
  light: MetricLightKey;
  reasons: string[];
}

export function evaluateMetric(
  metric: Metric,
  actual: number | null,
  expected: number,
  thresholds: Pick<LightThresholds, "yellowBehind" | "redBehind"> = DEFAULT_LIGHT_THRESHOLDS,
): MetricEvaluation {
  const result = metricLight(metric, actual, expected, thresholds);
  return {
    actual,
    percent: percentOfTarget(metric, actual),
    expected,
    light: result.light ?? "none",
    reasons: result.reasons,
  };
}

/**
 * Points the % of target trails 序时进度 by (positive = behind), for sorting "most behind
 * first". Only for goals to progress to (up, floor + sum); null otherwise.
 */
export function pointsBehind(metric: Pick<Metric, "direction" | "aggregation">, evaluation: MetricEvaluation): number | null {
  const progressive = metric.direction === "up" || (metric.direction === "floor" && metric.aggregation === "sum");
  if (!progressive || evaluation.percent === null) return null;
  return roundTo(evaluation.expected - Math.min(evaluation.percent, 100), 1);
}

// ---------------------------------------------------------------- rows, filters, sorting

export interface KpiRow extends NamedMetric {
  task: { id: number; code: string; title: string; status: string } | null;
  leader: { id: number; name: string } | null;
  evaluation: MetricEvaluation;
  behind: number | null;
  /** The filtered unit's share, when the page is filtered by a unit. */
  unitActual: number | null;
  /** Actual at the end of each week of the trend window (null before any value), to 3 significant digits: for drawing. */
  trend: (number | null)[];
  lastWeek: string | null;
  /** Default order: task code, then the metric's own order. */
  order: number;
}

export type KpiSort = "default" | "light" | "percent" | "percent-desc" | "behind" | "name";
export type KpiScope = "tracked" | "all";

export const SORT_LABELS: Record<KpiSort, string> = {
  default: "按重点工作顺序",
  light: "按督办灯（红灯在前）",
  percent: "按完成率（从低到高）",
  "percent-desc": "按完成率（从高到低）",
  behind: "按落后序时进度（最多在前）",
  name: "按指标名称",
};

export const SCOPE_LABELS: Record<KpiScope, string> = {
  tracked: "有目标或有填报的指标",
  all: "全部指标（含上年数据）",
};

export interface KpiFilters {
  unit: number | null;
  leader: number | null;
  light: MetricLightKey | null;
  category: string | null;
  scope: KpiScope;
  sort: KpiSort;
  /** Group by category (default) or one flat list. */
  grouped: boolean;
  /** Show every row; by default a long group shows its first GROUP_ROW_LIMIT rows. */
  all: boolean;
}

export const DEFAULT_KPI_FILTERS: KpiFilters = {
  unit: null,
  leader: null,
  light: null,
  category: null,
  scope: "tracked",
  sort: "default",
  grouped: true,
  all: false,
};

function oneOf<T extends string>(value: string | null, allowed: readonly T[]): T | null {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : null;
}

/** Filters from the URL; anything malformed is ignored (the default), never an error. */
export function parseKpiFilters(params: URLSearchParams): KpiFilters {
  const category = params.get("category")?.trim();
  return {
    unit: parseRowId(params.get("unit")),
    leader: parseRowId(params.get("leader")),
    light: oneOf(params.get("light"), METRIC_LIGHT_ORDER),
    category: category ? category.slice(0, 80) : null,
    scope: oneOf(params.get("scope"), ["tracked", "all"] as const) ?? "tracked",
    sort: oneOf(params.get("sort"), Object.keys(SORT_LABELS) as KpiSort[]) ?? "default",
    grouped: params.get("group") !== "none",
    all: params.get("all") === "1",
  };
}

/** "?year=2025&unit=3…", defaults left out; "" when nothing is set. */
export function kpiSearch(year: number | null, filters: KpiFilters): string {
  const params = new URLSearchParams();
  if (year != null) params.set("year", String(year));
  if (filters.unit != null) params.set("unit", String(filters.unit));
  if (filters.leader != null) params.set("leader", String(filters.leader));
  if (filters.light) params.set("light", filters.light);
  if (filters.category) params.set("category", filters.category);
  if (filters.scope !== "tracked") params.set("scope", filters.scope);
  if (filters.sort !== "default") params.set("sort", filters.sort);
  if (!filters.grouped) params.set("group", "none");
  if (filters.all) params.set("all", "1");
  const search = params.toString();
  return search ? `?${search}` : "";
}

export function hasActiveKpiFilters(filters: KpiFilters): boolean {
  return filters.unit != null || filters.leader != null || filters.light != null || filters.category != null;
}

/** Tracked: the metric has a target, or someone has reported a value for it. */
export function isTracked(row: Pick<KpiRow, "target" | "evaluation">): boolean {
  return row.target !== null || row.evaluation.actual !== null;
}

const LIGHT_RANK: Record<MetricLightKey, number> = { red: 0, yellow: 1, green: 2, none: 3 };

function compareNullable(a: number | null, b: number | null, descending: boolean): number {
  if (a === null && b === null) return 0;
  if (a === null) return 1; // unknowns last, whichever the direction
  if (b === null) return -1;
  return descending ? b - a : a - b;
}

export function compareRows(sort: KpiSort): (a: KpiRow, b: KpiRow) => number {
  const byDefault = (a: KpiRow, b: KpiRow) => a.order - b.order || a.id - b.id;
  switch (sort) {
    case "light":
      return (a, b) =>
        LIGHT_RANK[a.evaluation.light] - LIGHT_RANK[b.evaluation.light] || compareNullable(a.behind, b.behind, true) || byDefault(a, b);
    case "percent":
      return (a, b) => compareNullable(a.evaluation.percent, b.evaluation.percent, false) || byDefault(a, b);
    case "percent-desc":
      return (a, b) => compareNullable(a.evaluation.percent, b.evaluation.percent, true) || byDefault(a, b);
    case "behind":
      return (a, b) => compareNullable(a.behind, b.behind, true) || byDefault(a, b);
    case "name":
      return (a, b) => a.name.localeCompare(b.name, "zh-CN") || byDefault(a, b);
    default:
      return byDefault;
  }
}

export const UNCATEGORISED = "未分类";

export interface KpiGroup {
  category: string;
  rows: KpiRow[];
  /** Light counts over all the group's rows, shown or not. */
  counts: Record<MetricLightKey, number>;
  /** Rows of the group not shown (see limitGroups). */
  hidden: number;
}

/**
 * Rows a group shows before "显示全部": a 500-metric plan stays a page a leader can scan (the
 * sort puts what needs attention first) and a server can render for a room full of people.
 */
export const GROUP_ROW_LIMIT = 30;

/** Each group cut to its first `limit` rows, with the number left out. */
export function limitGroups(groups: readonly KpiGroup[], limit = GROUP_ROW_LIMIT): KpiGroup[] {
  return groups.map((group) =>
    group.rows.length > limit ? { ...group, rows: group.rows.slice(0, limit), hidden: group.hidden + group.rows.length - limit } : group,
  );
}

export function lightCounts(rows: readonly { evaluation: { light: MetricLightKey } }[]): Record<MetricLightKey, number> {
  const counts: Record<MetricLightKey, number> = { red: 0, yellow: 0, green: 0, none: 0 };
  for (const row of rows) counts[row.evaluation.light] += 1;
  return counts;
}

/**
 * Sorted rows in category groups; groups in the order their first metric has by default (so
 * categories follow the plan's task order), rows within a group by the chosen sort.
 * Ungrouped: one group with every row.
 */
export function groupRows(rows: readonly KpiRow[], filters: Pick<KpiFilters, "sort" | "grouped">): KpiGroup[] {
  const compare = compareRows(filters.sort);
  if (!filters.grouped) {
    const sorted = [...rows].sort(compare);
    return sorted.length ? [{ category: "", rows: sorted, counts: lightCounts(sorted), hidden: 0 }] : [];
  }
  const groups = new Map<string, KpiRow[]>();
  for (const row of [...rows].sort(compareRows("default"))) {
    const category = row.category || UNCATEGORISED;
    groups.set(category, [...(groups.get(category) ?? []), row]);
  }
  return [...groups].map(([category, groupRowsList]) => {
    const sorted = groupRowsList.sort(compare);
    return { category, rows: sorted, counts: lightCounts(sorted), hidden: 0 };
  });
}

// ---------------------------------------------------------------- reporting rate (overview)

export interface Assignment {
  taskId: number;
  unitId: number;
  /** "YYYY-MM-DD" or null (the plan's start). */
  startDate: string | null;
  /** ISO timestamp: a task is not expected to report for weeks that ended before it existed. */
  createdAt: string;
  /** ISO timestamp of 销号, or null. */
  doneAt: string | null;
}

export interface ReportingRate {
  unitId: number;
  expected: number;
  reported: number;
  /** Whole percentage, null when nothing was expected. */
  rate: number | null;
}

/**
 * Each unit's 填报 rate over finished `weeks`: of the (task, week) pairs where the unit is 牵头
 * or 配合 and the task owed a report that week, the share with an update from that unit (on
 * time or 补报). A task owes a report for a week by the 填报情况 page's rule: started by its
 * Sunday, created before it ended, not 销号 before it ended. `reported` holds
 * "taskId:unitId:week" keys.
 */
export function reportingRates(
  assignments: readonly Assignment[],
  reported: ReadonlySet<string>,
  weeks: readonly string[],
  planStart: string,
): Map<number, ReportingRate> {
  const rates = new Map<number, ReportingRate>();
  const bounds = weeks.map((week) => {
    const range = weekRange(week);
    return { week, sunday: toDateKey(new Date(range.end.getTime() - 1)), end: range.end.getTime() };
  });
  for (const a of assignments) {
    const rate = rates.get(a.unitId) ?? { unitId: a.unitId, expected: 0, reported: 0, rate: null };
    const start = a.startDate ?? planStart;
    const created = new Date(a.createdAt).getTime();
    const done = a.doneAt ? new Date(a.doneAt).getTime() : null;
    for (const { week, sunday, end } of bounds) {
      const owed = start <= sunday && created < end && (done === null || done >= end);
      if (!owed) continue;
      rate.expected += 1;
      if (reported.has(`${a.taskId}:${a.unitId}:${week}`)) rate.reported += 1;
    }
    rates.set(a.unitId, rate);
  }
  for (const rate of rates.values()) {
    rate.rate = rate.expected > 0 ? Math.round((rate.reported / rate.expected) * 100) : null;
  }
  return rates;
}

// ---------------------------------------------------------------- charts

/**
 * What a chart's target line means, by the same rules as `metricLight`:
 * - goal: up, and floor + sum — a figure to reach (with a 序时进度 line);
 * - lower: down + latest — a level to bring down to;
 * - ceiling: cap, and down + sum — a limit the actual must stay under (red once over);
 * - floor: floor + latest — a limit the actual must stay above (red once under).
 */
export type ChartTargetKind = "goal" | "lower" | "ceiling" | "floor";

export function chartTargetKind(direction: MetricDirection, aggregation: MetricAggregation): ChartTargetKind {
  if (direction === "cap" || (direction === "down" && aggregation === "sum")) return "ceiling";
  if (direction === "floor" && aggregation === "latest") return "floor";
  if (direction === "down") return "lower";
  return "goal";
}
