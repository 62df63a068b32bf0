// The KPI page (指标对比) and the 工作台账: metrics against their targets, aggregated in SQL.
//
// A large plan holds 500 metrics × 52 weeks × 12 units of values. Nothing here loops over all
// of them in JavaScript: one grouped query returns, per metric and week, the week's sum and the
// change in each unit's latest value (a window function, LAG, over the unique index
// metric_values(metric_id, unit_id, week)). Folding those ≤ 500 × 52 rows gives both the actual
// to date and the weekly trend (~/lib/kpi-report). The SQL is portable: SQLite ≥ 3.28 and
// PostgreSQL both have named windows and LAG.
import { sql, type Kysely, type Transaction } from "kysely";
import type { AppDatabase } from "../../db/index";
import type { Database, MetricAggregation, MetricDirection, Plan, TaskStatus } from "../../db/schema";
import { aggregateActual, actualByUnit, actualTrend, type Metric, type MetricValue } from "../lib/kpi";
import {
  evaluateMetric,
  groupRows,
  isTracked,
  lightCounts,
  limitGroups,
  metricExpectedProgress,
  pointsBehind,
  reportingRates,
  taskLightFast,
  totalsFromWeeks,
  trendFromWeekTotals,
  actualFromTotals,
  type Assignment,
  type KpiFilters,
  type KpiGroup,
  type KpiRow,
  type MetricEvaluation,
  type MetricLightKey,
  type MetricTotals,
  type WeekTotals,
} from "../lib/kpi-report";
import { choosePlan } from "../lib/plan-year";
import type { Light, LightResult, LightThresholds } from "../lib/lights";
import type { CellStatus } from "../lib/updates";
import { previousWeek, toDateKey, weekKeyOf, weekRange, weeksBetween } from "../lib/weeks";
import { getWeekMatrix } from "./reports.server";
import { planThresholds } from "./tasks.server";

type Db = Kysely<Database> | Transaction<Database>;

// ---------------------------------------------------------------- the plan

/** Today in Shanghai, "YYYY-MM-DD". */
export function todayKey(now: Date = new Date()): string {
  return toDateKey(now);
}

export interface KpiPlan {
  id: number;
  year: number;
  title: string;
  organization: string;
  status: Plan["status"];
  thresholds: LightThresholds;
}

function toKpiPlan(plan: Plan): KpiPlan {
  return {
    id: plan.id,
    year: plan.year,
    title: plan.title,
    organization: plan.organization,
    status: plan.status,
    thresholds: planThresholds(plan.light_thresholds),
  };
}

/** The plan asked for by year, else the default plan (lib/plan-year.ts); null when none. */
export async function findKpiPlan(db: Db, year: number | null, today: string): Promise<KpiPlan | null> {
  const plans = await db.selectFrom("plans").selectAll().orderBy("year", "desc").execute();
  const plan = choosePlan(plans, year, today);
  return plan ? toKpiPlan(plan) : null;
}

export async function listKpiPlanYears(db: Db): Promise<number[]> {
  const rows = await db.selectFrom("plans").select("year").orderBy("year", "desc").execute();
  return rows.map((r) => r.year);
}

/** The weeks of the plan year up to today (ISO weeks, Shanghai time); empty before it starts. */
export function planWeeks(year: number, today: string): string[] {
  const start = `${year}-01-01`;
  if (today < start) return [];
  const end = today < `${year}-12-31` ? today : `${year}-12-31`;
  return weeksBetween(weekKeyOf(start), weekKeyOf(end));
}

// ---------------------------------------------------------------- figures in SQL

/**
 * The KPI page's one query over metric_values: per metric of the plan and week, Σ value, Σ
 * change of each unit's latest value (LAG over the unique index metric_values(metric_id,
 * unit_id, week)), and how many units reported for the first time — optionally for one unit or
 * one metric only. A Kysely `sql` template, so placeholders suit the dialect (SQLite or
 * PostgreSQL); the benchmark's framework-free baseline (`kpi-page-large`) runs exactly this
 * statement from `weekTotalsQuery(planId).compile(db)`.
 */
export function weekTotalsQuery(planId: number, options: { unitId?: number | null; metricId?: number | null } = {}) {
  const unitFilter = options.unitId != null ? sql`and mv.unit_id = ${options.unitId}` : sql``;
  const metricFilter = options.metricId != null ? sql`and mv.metric_id = ${options.metricId}` : sql``;
  return sql<WeekTotalsRow>`select t.metric_id, t.week, sum(t.value) as amount, sum(t.delta) as delta, sum(t.is_first) as new_units
from (
  select mv.metric_id, mv.week, mv.value,
         mv.value - coalesce(lag(mv.value) over unit_weeks, 0) as delta,
         case when lag(mv.week) over unit_weeks is null then 1 else 0 end as is_first
  from metric_values mv
  inner join metrics m on m.id = mv.metric_id
  where m.plan_id = ${planId} ${unitFilter} ${metricFilter}
  window unit_weeks as (partition by mv.metric_id, mv.unit_id order by mv.week)
) t
group by t.metric_id, t.week
order by t.metric_id, t.week`;
}

/**
 * Per metric of the plan (or of the given tasks' metrics): the totals to date that
 * `actualFromTotals` turns into the actual — Σ value, Σ of each unit's value in its latest
 * week, and how many units reported. The same figures as folding weekTotalsQuery's weeks with
 * `totalsFromWeeks` (kpi.test.ts checks it metric by metric), without the window over every
 * value that the trend needs: on the 312,000 values of the benchmark plan this is about ten
 * times faster. The board's card bars use it, so they show the KPI page's numbers.
 */
export function metricTotalsQuery(db: Db, planId: number, taskIds?: readonly number[] | null) {
  const perUnit = db
    .selectFrom("metric_values as v")
    .select((eb) => ["v.metric_id", "v.unit_id", eb.fn.max("v.week").as("week"), eb.fn.sum<number>("v.value").as("amount")])
    .where("v.metric_id", "in", (eb) =>
      eb
        .selectFrom("metrics")
        .select("metrics.id")
        .where("metrics.plan_id", "=", planId)
        .$if(taskIds != null, (qb) => qb.where("metrics.task_id", "in", taskIds!.length ? [...taskIds!] : [-1])),
    )
    .groupBy(["v.metric_id", "v.unit_id"]);
  return db
    .selectFrom(perUnit.as("last"))
    .innerJoin("metric_values as mv", (join) =>
      join.onRef("mv.metric_id", "=", "last.metric_id").onRef("mv.unit_id", "=", "last.unit_id").onRef("mv.week", "=", "last.week"),
    )
    .select((eb) => [
      "last.metric_id",
      eb.fn.sum<number>("last.amount").as("amount"),
      eb.fn.sum<number>("mv.value").as("latest_sum"),
      eb.fn.countAll<number>().as("unit_count"),
    ])
    .groupBy("last.metric_id");
}

/** metricTotalsQuery's rows by metric id, as `actualFromTotals` takes them. */
export async function loadMetricTotals(db: Db, planId: number, taskIds?: readonly number[] | null): Promise<Map<number, MetricTotals>> {
  const rows = await metricTotalsQuery(db, planId, taskIds).execute();
  return new Map(
    rows.map((row) => [row.metric_id, { amount: Number(row.amount), latestSum: Number(row.latest_sum), unitCount: Number(row.unit_count) }]),
  );
}

interface WeekTotalsRow {
  metric_id: number;
  week: string;
  amount: number;
  delta: number;
  new_units: number;
}

/** Week totals per metric (see weekTotalsQuery), in week order. */
export async function loadWeekTotals(
  db: Db,
  planId: number,
  options: { unitId?: number | null; metricId?: number | null } = {},
): Promise<Map<number, WeekTotals[]>> {
  const { rows } = await weekTotalsQuery(planId, options).execute(db);
  const byMetric = new Map<number, WeekTotals[]>();
  for (const row of rows) {
    const list = byMetric.get(row.metric_id) ?? [];
    list.push({ weekKey: row.week, amount: Number(row.amount), delta: Number(row.delta), newUnits: Number(row.new_units) });
    byMetric.set(row.metric_id, list);
  }
  return byMetric;
}

// ---------------------------------------------------------------- tasks and their lights

export interface TaskState {
  id: number;
  code: string;
  title: string;
  category: string;
  origin: string;
  originRef: string | null;
  status: TaskStatus;
  startDate: string | null;
  dueDate: string | null;
  doneAt: string | null;
  createdAt: string;
  progress: number;
  lastUpdateWeek: string | null;
  leader: { id: number; name: string } | null;
  light: LightResult;
}

/** The plan's tasks with their 督办灯, by the board's rules (latest 填报 gives the progress). */
export async function loadTaskStates(db: Db, plan: KpiPlan, today: string): Promise<TaskState[]> {
  const tasks = await db
    .selectFrom("tasks")
    .leftJoin("users", "users.id", "tasks.lead_user_id")
    .select([
      "tasks.id",
      "tasks.code",
      "tasks.title",
      "tasks.category",
      "tasks.origin",
      "tasks.origin_ref",
      "tasks.status",
      "tasks.start_date",
      "tasks.due_date",
      "tasks.done_at",
      "tasks.created_at",
      "tasks.progress",
      "tasks.lead_user_id",
      "users.display_name as leader_name",
    ])
    .where("tasks.plan_id", "=", plan.id)
    .where("tasks.carried_to_task_id", "is", null) // 已结转: counted in next year's plan
    .orderBy("tasks.code")
    .orderBy("tasks.id")
    .execute();
  // Each task's updates of its latest week; the one saved last gives the progress.
  const latest = await db
    .selectFrom("updates as u")
    .innerJoin(
      (eb) =>
        eb
          .selectFrom("updates as u2")
          .innerJoin("tasks", "tasks.id", "u2.task_id")
          .select((inner) => ["u2.task_id", inner.fn.max("u2.week").as("week")])
          .where("tasks.plan_id", "=", plan.id)
          .groupBy("u2.task_id")
          .as("last"),
      (join) => join.onRef("last.task_id", "=", "u.task_id").onRef("last.week", "=", "u.week"),
    )
    .select(["u.task_id", "u.week", "u.progress", "u.updated_at"])
    .execute();
  const latestByTask = new Map<number, (typeof latest)[number]>();
  for (const row of latest) {
    const current = latestByTask.get(row.task_id);
    if (!current || row.updated_at > current.updated_at) latestByTask.set(row.task_id, row);
  }
  const planStart = `${plan.year}-01-01`;
  return tasks.map((task) => {
    const update = latestByTask.get(task.id);
    const progress = update ? update.progress : task.progress;
    const lastUpdateWeek = update ? update.week : null;
    return {
      id: task.id,
      code: task.code,
      title: task.title,
      category: task.category,
      origin: task.origin,
      originRef: task.origin_ref,
      status: task.status,
      startDate: task.start_date,
      dueDate: task.due_date,
      doneAt: task.done_at,
      createdAt: task.created_at,
      progress,
      lastUpdateWeek,
      leader: task.lead_user_id != null ? { id: task.lead_user_id, name: task.leader_name ?? "" } : null,
      light: taskLightFast(
        { status: task.status, startDate: task.start_date, dueDate: task.due_date, progress, lastUpdateWeek, createdAt: toDateKey(task.created_at) },
        { today, planStart, thresholds: plan.thresholds },
      ),
    };
  });
}

interface TaskUnitRow {
  task_id: number;
  unit_id: number;
  role: "lead" | "support";
  name: string;
}

async function loadTaskUnits(db: Db, planId: number): Promise<TaskUnitRow[]> {
  return db
    .selectFrom("task_units")
    .innerJoin("tasks", "tasks.id", "task_units.task_id")
    .innerJoin("units", "units.id", "task_units.unit_id")
    .select(["task_units.task_id", "task_units.unit_id", "task_units.role", "units.name"])
    .where("tasks.plan_id", "=", planId)
    .orderBy("units.sort_order")
    .orderBy("units.id")
    .execute();
}

// ---------------------------------------------------------------- the overview

export interface UnitReporting {
  unitId: number;
  name: string;
  expected: number;
  reported: number;
  rate: number | null;
}

export interface PlanOverview {
  taskCount: number;
  byStatus: Record<TaskStatus, number>;
  byLight: Record<Light, number>;
  metricLights: Record<MetricLightKey, number>;
  metricCount: number;
  /** The four finished weeks the reporting rate covers (oldest first); empty before the plan starts. */
  reportingWeeks: string[];
  reporting: UnitReporting[];
}

/** The last `count` finished weeks before today (or before the end of the plan year). */
export function lastFinishedWeeks(year: number, today: string, count = 4): string[] {
  const end = today < `${year + 1}-01-01` ? today : `${year + 1}-01-01`;
  const firstWeek = weekKeyOf(`${year}-01-01`);
  const weeks: string[] = [];
  let week = previousWeek(weekKeyOf(end));
  while (weeks.length < count && week >= firstWeek) {
    weeks.unshift(week);
    week = previousWeek(week);
  }
  return weeks;
}

async function loadReporting(db: Db, plan: KpiPlan, tasks: TaskState[], taskUnits: TaskUnitRow[], weeks: string[]): Promise<UnitReporting[]> {
  if (weeks.length === 0) return [];
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const assignments: Assignment[] = taskUnits.flatMap((tu) => {
    const task = byId.get(tu.task_id);
    return task ? [{ taskId: task.id, unitId: tu.unit_id, startDate: task.startDate, createdAt: task.createdAt, doneAt: task.doneAt }] : [];
  });
  const updates = await db
    .selectFrom("updates")
    .innerJoin("tasks", "tasks.id", "updates.task_id")
    .select(["updates.task_id", "updates.unit_id", "updates.week"])
    .where("tasks.plan_id", "=", plan.id)
    .where("updates.week", "in", weeks)
    .execute();
  const reported = new Set(updates.map((u) => `${u.task_id}:${u.unit_id}:${u.week}`));
  const rates = reportingRates(assignments, reported, weeks, `${plan.year}-01-01`);
  const names = new Map(taskUnits.map((tu) => [tu.unit_id, tu.name]));
  const order = [...new Set(taskUnits.map((tu) => tu.unit_id))];
  // Lowest rate first (who needs a 催办), units with nothing due last.
  return order
    .map((unitId) => ({ ...rates.get(unitId)!, name: names.get(unitId) ?? "" }))
    .sort((a, b) => (a.rate ?? 101) - (b.rate ?? 101));
}

// ---------------------------------------------------------------- the page

interface MetricRow {
  id: number;
  task_id: number | null;
  name: string;
  unit: string;
  baseline: number | null;
  target: number | null;
  direction: MetricDirection;
  aggregation: MetricAggregation;
  category: string;
  sort_order: number;
}

async function loadMetrics(db: Db, planId: number): Promise<MetricRow[]> {
  return db
    .selectFrom("metrics")
    .select(["id", "task_id", "name", "unit", "baseline", "target", "direction", "aggregation", "category", "sort_order"])
    .where("plan_id", "=", planId)
    .orderBy("sort_order")
    .orderBy("id")
    .execute();
}

function toMetric(row: Pick<MetricRow, "direction" | "aggregation" | "unit" | "baseline" | "target">): Metric {
  return { direction: row.direction, aggregation: row.aggregation, unit: row.unit, baseline: row.baseline, target: row.target };
}

export interface KpiOptions {
  units: { id: number; name: string }[];
  leaders: { id: number; name: string }[];
  categories: string[];
}

export interface KpiPageData {
  overview: PlanOverview;
  groups: KpiGroup[];
  /** Rows shown after filters, and rows in scope before filters. */
  shown: number;
  total: number;
  shownLights: Record<MetricLightKey, number>;
  /** Metrics outside the scope (no target, no values: last year's figures only). */
  untracked: number;
  weeks: string[];
  options: KpiOptions;
  unitName: string | null;
}

/**
 * Everything the KPI page shows, in a fixed handful of queries whatever the plan's size:
 * plan metrics, week totals (whole plan, plus one unit's when filtered), tasks with their
 * latest update, task units, and the last four weeks' update keys.
 */
export async function loadKpiPage(db: Db, plan: KpiPlan, filters: KpiFilters, today: string): Promise<KpiPageData> {
  const [metrics, weekTotals, unitWeekTotals, tasks, taskUnits, units] = await Promise.all([
    loadMetrics(db, plan.id),
    loadWeekTotals(db, plan.id),
    filters.unit != null ? loadWeekTotals(db, plan.id, { unitId: filters.unit }) : Promise.resolve(null),
    loadTaskStates(db, plan, today),
    loadTaskUnits(db, plan.id),
    db.selectFrom("units").select(["id", "name"]).where("active", "=", 1).orderBy("sort_order").orderBy("id").execute(),
  ]);
  const weeks = planWeeks(plan.year, today);
  const tasksById = new Map(tasks.map((t, index) => [t.id, { task: t, index }]));

  const rows: KpiRow[] = metrics.map((m) => {
    const metric = toMetric(m);
    const owner = m.task_id != null ? tasksById.get(m.task_id) : undefined;
    const task = owner?.task ?? null;
    const totals = weekTotals.get(m.id) ?? [];
    const actual = actualFromTotals(metric, totalsFromWeeks(totals));
    const expected = metricExpectedProgress(task, plan.year, today);
    const evaluation = evaluateMetric(metric, actual, expected, plan.thresholds);
    const unitTotals = unitWeekTotals?.get(m.id);
    return {
      id: m.id,
      name: m.name,
      unit: m.unit,
      category: m.category || task?.category || "",
      direction: m.direction,
      aggregation: m.aggregation,
      baseline: m.baseline,
      target: m.target,
      task: task ? { id: task.id, code: task.code, title: task.title, status: task.status } : null,
      leader: task?.leader ?? null,
      evaluation,
      behind: pointsBehind(metric, evaluation),
      unitActual: unitTotals ? actualFromTotals(metric, totalsFromWeeks(unitTotals)) : null,
      // For drawing only (a 120 × 32 px sparkline): three significant digits keep the page small.
      trend: totals.length ? trendFromWeekTotals(metric, totals, weeks).map((v) => (v === null ? null : Number(v.toPrecision(3)))) : [],
      lastWeek: totals.length ? totals[totals.length - 1].weekKey : null,
      // Task metrics in task order, then plan-level figures in their imported order.
      order: (owner ? owner.index : tasks.length) * 100000 + m.sort_order,
    };
  });

  const inScope = filters.scope === "all" ? rows : rows.filter(isTracked);
  const unitTaskIds = filters.unit != null ? new Set(taskUnits.filter((tu) => tu.unit_id === filters.unit).map((tu) => tu.task_id)) : null;
  const shownRows = inScope.filter((row) => {
    if (filters.unit != null && !(row.task && unitTaskIds!.has(row.task.id)) && !unitWeekTotals!.has(row.id)) return false;
    if (filters.leader != null && row.leader?.id !== filters.leader) return false;
    if (filters.light != null && row.evaluation.light !== filters.light) return false;
    if (filters.category != null && (row.category || "未分类") !== filters.category) return false;
    return true;
  });

  const byStatus: Record<TaskStatus, number> = { not_started: 0, in_progress: 0, pending_review: 0, done: 0 };
  const byLight: Record<Light, number> = { green: 0, yellow: 0, red: 0, done: 0, upcoming: 0 };
  for (const task of tasks) {
    byStatus[task.status] += 1;
    byLight[task.light.light] += 1;
  }
  const tracked = rows.filter(isTracked);
  const reportingWeeks = lastFinishedWeeks(plan.year, today);
  const overview: PlanOverview = {
    taskCount: tasks.length,
    byStatus,
    byLight,
    metricLights: lightCounts(tracked),
    metricCount: tracked.length,
    reportingWeeks,
    reporting: await loadReporting(db, plan, tasks, taskUnits, reportingWeeks),
  };

  const leaders = new Map<number, string>();
  for (const task of tasks) if (task.leader) leaders.set(task.leader.id, task.leader.name);
  return {
    overview,
    groups: filters.all || filters.category != null ? groupRows(shownRows, filters) : limitGroups(groupRows(shownRows, filters)),
    shown: shownRows.length,
    total: inScope.length,
    shownLights: lightCounts(shownRows),
    untracked: rows.length - tracked.length,
    weeks,
    options: {
      units,
      leaders: [...leaders].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name, "zh-CN")),
      categories: [...new Set(inScope.map((r) => r.category || "未分类"))],
    },
    unitName: filters.unit != null ? units.find((u) => u.id === filters.unit)?.name ?? null : null,
  };
}

const pageLoadsInFlight = new Map<string, Promise<KpiPageData>>();

/**
 * `loadKpiPage`, with identical requests that arrive while one is being computed sharing its
 * result (a meeting where many open the same page at once). Nothing is kept afterwards. The
 * key holds the plan's change counter, which every write to its tasks, updates and metric
 * values bumps, so a request after a write never joins a computation from before it.
 */
export async function loadKpiPageShared(db: Db, plan: KpiPlan, filters: KpiFilters, today: string): Promise<KpiPageData> {
  const row = await db.selectFrom("plans").select("change_seq").where("id", "=", plan.id).executeTakeFirst();
  const key = JSON.stringify([plan.id, row?.change_seq ?? null, plan.thresholds, today, filters]);
  let pending = pageLoadsInFlight.get(key);
  if (!pending) {
    pending = loadKpiPage(db, plan, filters, today).finally(() => pageLoadsInFlight.delete(key));
    pageLoadsInFlight.set(key, pending);
  }
  return pending;
}

// ---------------------------------------------------------------- one metric

export interface ReportedValue {
  id: number;
  unitId: number;
  unitName: string;
  week: string;
  value: number;
  reportedBy: string;
  reportedAt: string;
  /** Reported after the week had ended (补报). */
  late: boolean;
}

export interface MetricDetail {
  plan: KpiPlan;
  metric: {
    id: number;
    name: string;
    unit: string;
    category: string;
    direction: MetricDirection;
    aggregation: MetricAggregation;
    baseline: number | null;
    target: number | null;
    sourceRef: string | null;
    sourceSentence: string | null;
  };
  task: { id: number; code: string; title: string; status: TaskStatus; startDate: string | null; dueDate: string | null } | null;
  leader: string | null;
  units: { id: number; name: string; role: "lead" | "support" }[];
  evaluation: MetricEvaluation;
  contributions: { unitId: number; name: string; actual: number; values: number; lastWeek: string }[];
  weeks: string[];
  /** Actual at the end of each week; and the amount reported in each week. */
  trend: (number | null)[];
  weekly: (number | null)[];
  values: ReportedValue[];
}

/** One metric in full. Its values are few (≤ units × weeks), so they are read and folded here. */
export async function getMetricDetail(db: Db, metricId: number, today: string): Promise<MetricDetail | null> {
  const row = await db.selectFrom("metrics").selectAll().where("id", "=", metricId).executeTakeFirst();
  if (!row) return null;
  const planRow = await db.selectFrom("plans").selectAll().where("id", "=", row.plan_id).executeTakeFirstOrThrow();
  const plan = toKpiPlan(planRow);
  const task =
    row.task_id != null
      ? await db
          .selectFrom("tasks")
          .leftJoin("users", "users.id", "tasks.lead_user_id")
          .select(["tasks.id", "tasks.code", "tasks.title", "tasks.status", "tasks.start_date", "tasks.due_date", "users.display_name as leader"])
          .where("tasks.id", "=", row.task_id)
          .executeTakeFirst()
      : undefined;
  const units = task
    ? await db
        .selectFrom("task_units")
        .innerJoin("units", "units.id", "task_units.unit_id")
        .select(["units.id", "units.name", "task_units.role"])
        .where("task_units.task_id", "=", task.id)
        .orderBy("task_units.role")
        .orderBy("units.sort_order")
        .execute()
    : [];
  const values = await db
    .selectFrom("metric_values as mv")
    .innerJoin("units", "units.id", "mv.unit_id")
    .innerJoin("users", "users.id", "mv.reported_by")
    .select(["mv.id", "mv.unit_id", "units.name as unit_name", "units.sort_order", "mv.week", "mv.value", "users.display_name as reported_by", "mv.reported_at"])
    .where("mv.metric_id", "=", metricId)
    .orderBy("mv.week", "desc")
    .orderBy("units.sort_order")
    .orderBy("mv.id")
    .execute();

  const metric = toMetric(row);
  const lib: MetricValue[] = values.map((v) => ({ unitId: v.unit_id, weekKey: v.week, value: v.value, reportedAt: v.reported_at }));
  const actual = aggregateActual(metric, lib);
  const span = task ? { startDate: task.start_date, dueDate: task.due_date } : null;
  const evaluation = evaluateMetric(metric, actual, metricExpectedProgress(span, plan.year, today), plan.thresholds);

  const unitNames = new Map(values.map((v) => [v.unit_id, { name: v.unit_name, order: v.sort_order }]));
  const contributions = [...actualByUnit(metric, lib)].map(([unitId, unitActual]) => {
    const own = values.filter((v) => v.unit_id === unitId);
    return { unitId: Number(unitId), name: unitNames.get(Number(unitId))!.name, actual: unitActual, values: own.length, lastWeek: own[0].week };
  });
  contributions.sort((a, b) => b.actual - a.actual || unitNames.get(a.unitId)!.order - unitNames.get(b.unitId)!.order);

  const weeks = planWeeks(plan.year, today);
  const weeklySums = new Map<string, number>();
  for (const v of values) weeklySums.set(v.week, (weeklySums.get(v.week) ?? 0) + v.value);

  return {
    plan,
    metric: {
      id: row.id,
      name: row.name,
      unit: row.unit,
      category: row.category,
      direction: row.direction,
      aggregation: row.aggregation,
      baseline: row.baseline,
      target: row.target,
      sourceRef: row.source_ref,
      sourceSentence: row.source_sentence,
    },
    task: task
      ? { id: task.id, code: task.code, title: task.title, status: task.status, startDate: task.start_date, dueDate: task.due_date }
      : null,
    leader: task?.leader ?? null,
    units: units.map((u) => ({ id: u.id, name: u.name, role: u.role })),
    evaluation,
    contributions,
    weeks,
    trend: actualTrend(metric, lib, weeks),
    weekly: weeks.map((w) => weeklySums.get(w) ?? null),
    values: values.map((v) => ({
      id: v.id,
      unitId: v.unit_id,
      unitName: v.unit_name,
      week: v.week,
      value: v.value,
      reportedBy: v.reported_by,
      reportedAt: v.reported_at,
      late: new Date(v.reported_at).getTime() >= weekRange(v.week).end.getTime(),
    })),
  };
}

// ---------------------------------------------------------------- the 工作台账 (.xlsx data)

export interface LedgerTask extends TaskState {
  leadUnit: string | null;
  supportUnits: string[];
  targets: { name: string; unit: string; target: number | null }[];
  /** Each unit's latest 填报: what was done, blockers, next steps. */
  latest: { unitName: string; week: string; body: string; blockers: string; nextSteps: string; progress: number }[];
}

export interface LedgerMetric {
  id: number;
  category: string;
  name: string;
  unit: string;
  taskCode: string | null;
  taskTitle: string | null;
  direction: MetricDirection;
  aggregation: MetricAggregation;
  baseline: number | null;
  target: number | null;
  evaluation: MetricEvaluation;
}

export interface LedgerReport {
  taskCode: string;
  taskTitle: string;
  unitName: string;
  role: "lead" | "support";
  status: CellStatus;
  reportedAt: string | null;
  progress: number | null;
  lastUrgeAt: string | null;
}

export interface LedgerData {
  plan: KpiPlan;
  week: string;
  tasks: LedgerTask[];
  metrics: LedgerMetric[];
  reports: LedgerReport[];
}

/** The three sheets' rows: tasks as offices keep them, metrics, and the week's 填报情况. */
export async function loadLedger(db: AppDatabase, plan: KpiPlan, week: string, now: Date): Promise<LedgerData> {
  const today = todayKey(now);
  const [tasks, taskUnits, metrics, weekTotals, matrix] = await Promise.all([
    loadTaskStates(db, plan, today),
    loadTaskUnits(db, plan.id),
    loadMetrics(db, plan.id),
    loadWeekTotals(db, plan.id),
    getWeekMatrix(db, plan.id, week, now),
  ]);
  // Each unit's latest update per task (its latest week).
  const latestUpdates = await db
    .selectFrom("updates as u")
    .innerJoin(
      (eb) =>
        eb
          .selectFrom("updates as u2")
          .innerJoin("tasks", "tasks.id", "u2.task_id")
          .select((inner) => ["u2.task_id", "u2.unit_id", inner.fn.max("u2.week").as("week")])
          .where("tasks.plan_id", "=", plan.id)
          .groupBy(["u2.task_id", "u2.unit_id"])
          .as("last"),
      (join) => join.onRef("last.task_id", "=", "u.task_id").onRef("last.unit_id", "=", "u.unit_id").onRef("last.week", "=", "u.week"),
    )
    .innerJoin("units", "units.id", "u.unit_id")
    .select(["u.task_id", "u.unit_id", "units.name as unit_name", "u.week", "u.body", "u.blockers", "u.next_steps", "u.progress"])
    .orderBy("units.sort_order")
    .execute();
  const unitsByTask = new Map<number, TaskUnitRow[]>();
  for (const tu of taskUnits) unitsByTask.set(tu.task_id, [...(unitsByTask.get(tu.task_id) ?? []), tu]);
  const metricsByTask = new Map<number, MetricRow[]>();
  for (const m of metrics) if (m.task_id != null) metricsByTask.set(m.task_id, [...(metricsByTask.get(m.task_id) ?? []), m]);
  const updatesByTask = new Map<number, typeof latestUpdates>();
  for (const u of latestUpdates) updatesByTask.set(u.task_id, [...(updatesByTask.get(u.task_id) ?? []), u]);

  const ledgerTasks: LedgerTask[] = tasks.map((task) => {
    const units = unitsByTask.get(task.id) ?? [];
    return {
      ...task,
      leadUnit: units.find((u) => u.role === "lead")?.name ?? null,
      supportUnits: units.filter((u) => u.role === "support").map((u) => u.name),
      targets: (metricsByTask.get(task.id) ?? []).map((m) => ({ name: m.name, unit: m.unit, target: m.target })),
      latest: (updatesByTask.get(task.id) ?? []).map((u) => ({
        unitName: u.unit_name,
        week: u.week,
        body: u.body,
        blockers: u.blockers,
        nextSteps: u.next_steps,
        progress: u.progress,
      })),
    };
  });

  const tasksById = new Map(tasks.map((t, index) => [t.id, { task: t, index }]));
  const ledgerMetrics = metrics
    .map((m) => {
      const owner = m.task_id != null ? tasksById.get(m.task_id) : undefined;
      const metric = toMetric(m);
      const actual = actualFromTotals(metric, totalsFromWeeks(weekTotals.get(m.id) ?? []));
      const evaluation = evaluateMetric(metric, actual, metricExpectedProgress(owner?.task ?? null, plan.year, today), plan.thresholds);
      return {
        order: (owner ? owner.index : tasks.length) * 100000 + m.sort_order,
        row: {
          id: m.id,
          category: m.category || owner?.task.category || "",
          name: m.name,
          unit: m.unit,
          taskCode: owner?.task.code ?? null,
          taskTitle: owner?.task.title ?? null,
          direction: m.direction,
          aggregation: m.aggregation,
          baseline: m.baseline,
          target: m.target,
          evaluation,
        },
      };
    })
    .sort((a, b) => a.order - b.order || a.row.id - b.row.id)
    .map((entry) => entry.row);

  // The week's 填报情况, exactly as the 填报情况 page counts it.
  const unitNames = new Map(matrix.units.map((u) => [u.id, u.name]));
  const reports: LedgerReport[] = matrix.rows.flatMap((row) =>
    row.cells.map((cell) => ({
      taskCode: row.code,
      taskTitle: row.title,
      unitName: unitNames.get(cell.unitId) ?? "",
      role: cell.role,
      status: cell.status,
      reportedAt: cell.reportedAt,
      progress: cell.progress,
      lastUrgeAt: cell.lastUrgeAt,
    })),
  );

  return { plan, week, tasks: ledgerTasks, metrics: ledgerMetrics, reports };
}
