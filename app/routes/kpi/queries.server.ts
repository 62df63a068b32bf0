// The KPI page (指标对比) and the 工作台账: metrics against their targets, aggregated in SQL.
//
// A large plan holds 500 metrics × 52 weeks × 12 units of values. Nothing here loops over all
// of them in JavaScript: one grouped query returns, per metric and week, the week's sum and the
// change in each unit's latest value (a window function, LAG, over the unique index
// metric_values(metric_id, unit_id, week)). Folding those ≤ 500 × 52 rows gives both the actual
// to date and the weekly trend (~/lib/kpi-report). The SQL is portable: SQLite ≥ 3.28 and
// PostgreSQL both have named windows and LAG.
import { type Kysely, type Transaction } from "kysely";
import type { Database, TaskStatus } from "../../../db/schema";
import type { MetricDefinition } from "~/lib/domain";
import { type Metric } from "~/lib/kpi";
import {
  evaluateMetric,
  groupRows,
  isTracked,
  lightCounts,
  limitGroups,
  metricExpectedProgress,
  pointsBehind,
  reportingRates,
  totalsFromWeeks,
  trendFromWeekTotals,
  actualFromTotals,
  type Assignment,
  type KpiFilters,
  type KpiGroup,
  type KpiRow,
  type MetricLightKey,
} from "~/lib/kpi-report";
import { computeLight, lightTaskOf, type Light, type LightResult } from "~/lib/lights";
import { previousWeek, weekKeyOf, weeksBetween } from "~/lib/weeks";
import { getChangeSeq, type PlanInfo } from "~/models/plans.server";
import { selectTasksWithLeader } from "~/models/task-queries.server";
import { loadWeekTotals } from "~/models/metric-totals.server";

type Db = Kysely<Database> | Transaction<Database>;

// ---------------------------------------------------------------- the plan

/** The weeks of the plan year up to today (ISO weeks, Shanghai time); empty before it starts. */
export function planWeeks(year: number, today: string): string[] {
  const start = `${year}-01-01`;
  if (today < start) return [];
  const end = today < `${year}-12-31` ? today : `${year}-12-31`;
  return weeksBetween(weekKeyOf(start), weekKeyOf(end));
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

/**
 * The plan's updates (`u`) of their task's latest reported week (`per` "task"), or of each unit's
 * latest week on the task (`per` "unit"); several units may share a task's latest week.
 */
export function latestWeekUpdates(db: Db, planId: number, per: "task" | "unit") {
  const perUnit = per === "unit";
  return db.selectFrom("updates as u").innerJoin(
    (eb) =>
      eb
        .selectFrom("updates as u2")
        .innerJoin("tasks", "tasks.id", "u2.task_id")
        .select((inner) => ["u2.task_id", inner.fn.max("u2.week").as("week")])
        .$if(perUnit, (qb) => qb.select("u2.unit_id").groupBy("u2.unit_id"))
        .where("tasks.plan_id", "=", planId)
        .groupBy("u2.task_id")
        .as("last"),
    (join) => {
      const sameWeek = join.onRef("last.task_id", "=", "u.task_id").onRef("last.week", "=", "u.week");
      return perUnit ? sameWeek.onRef("last.unit_id", "=", "u.unit_id") : sameWeek;
    },
  );
}

/** The plan's tasks with their 督办灯, by the board's rules (latest 填报 gives the progress). */
export async function loadTaskStates(db: Db, plan: PlanInfo, today: string): Promise<TaskState[]> {
  const tasks = await selectTasksWithLeader(db)
    .select([
      "tasks.category",
      "tasks.origin",
      "tasks.origin_ref",
      "tasks.done_at",
      "tasks.created_at",
      "tasks.progress",
      "tasks.lead_user_id",
    ])
    .where("tasks.plan_id", "=", plan.id)
    .where("tasks.carried_to_task_id", "is", null) // 已结转: counted in next year's plan
    .orderBy("tasks.code")
    .orderBy("tasks.id")
    .execute();
  // Each task's updates of its latest week; the one saved last gives the progress.
  const latest = await latestWeekUpdates(db, plan.id, "task").select(["u.task_id", "u.week", "u.progress", "u.updated_at"]).execute();
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
      leader: task.lead_user_id != null ? { id: task.lead_user_id, name: task.leader ?? "" } : null,
      light: computeLight(lightTaskOf(task, progress, lastUpdateWeek), { today, planStart, thresholds: plan.thresholds }),
    };
  });
}

export interface TaskUnitRow {
  task_id: number;
  unit_id: number;
  role: "lead" | "support";
  name: string;
}

export async function loadTaskUnits(db: Db, planId: number): Promise<TaskUnitRow[]> {
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

async function loadReporting(
  db: Db,
  plan: PlanInfo,
  tasks: TaskState[],
  taskUnits: TaskUnitRow[],
  weeks: string[],
): Promise<UnitReporting[]> {
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

export interface MetricRow extends MetricDefinition {
  id: number;
  task_id: number | null;
  category: string;
  sort_order: number;
}

export async function loadMetrics(db: Db, planId: number): Promise<MetricRow[]> {
  return db
    .selectFrom("metrics")
    .select(["id", "task_id", "name", "unit", "baseline", "target", "direction", "aggregation", "category", "sort_order"])
    .where("plan_id", "=", planId)
    .orderBy("sort_order")
    .orderBy("id")
    .execute();
}

export function toMetric(row: Pick<MetricRow, "direction" | "aggregation" | "unit" | "baseline" | "target">): Metric {
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
export async function loadKpiPage(db: Db, plan: PlanInfo, filters: KpiFilters, today: string): Promise<KpiPageData> {
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
    unitName: filters.unit != null ? (units.find((u) => u.id === filters.unit)?.name ?? null) : null,
  };
}

const pageLoadsInFlight = new Map<string, Promise<KpiPageData>>();

/**
 * `loadKpiPage`, with identical requests that arrive while one is being computed sharing its
 * result (a meeting where many open the same page at once). Nothing is kept afterwards. The
 * key holds the plan's change counter, which every write to its tasks, updates and metric
 * values bumps, so a request after a write never joins a computation from before it.
 */
export async function loadKpiPageShared(db: Db, plan: PlanInfo, filters: KpiFilters, today: string): Promise<KpiPageData> {
  const key = JSON.stringify([plan.id, await getChangeSeq(db, plan.id), plan.thresholds, today, filters]);
  let pending = pageLoadsInFlight.get(key);
  if (!pending) {
    pending = loadKpiPage(db, plan, filters, today).finally(() => pageLoadsInFlight.delete(key));
    pageLoadsInFlight.set(key, pending);
  }
  return pending;
}
