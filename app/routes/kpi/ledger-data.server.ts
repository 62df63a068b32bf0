// The 工作台账's data (.xlsx): tasks as offices keep them, metrics, and the week's 填报情况.
import type { AppDatabase } from "../../../db/index";
import type { MetricAggregation, MetricDirection } from "../../../db/schema";
import { evaluateMetric, metricExpectedProgress, totalsFromWeeks, actualFromTotals, type MetricEvaluation } from "~/lib/kpi-report";
import type { CellStatus } from "~/lib/updates";
import { toDateKey } from "~/lib/weeks";
import { getWeekMatrix } from "~/models/reports.server";
import { type PlanInfo } from "~/models/plans.server";
import {
  latestWeekUpdates,
  type TaskState,
  loadTaskStates,
  type TaskUnitRow,
  loadTaskUnits,
  type MetricRow,
  loadMetrics,
  toMetric,
} from "~/routes/kpi/queries.server";
import { loadWeekTotals } from "~/models/metric-totals.server";
import { approvedExtensionsByTask } from "~/models/extensions.server";

// ---------------------------------------------------------------- the 工作台账 (.xlsx data)

export interface LedgerTask extends TaskState {
  leadUnit: string | null;
  supportUnits: string[];
  targets: { name: string; unit: string; target: number | null }[];
  /** Approved 延期申请: how many, and the 完成时限 before the first; null when never extended. */
  extension: { count: number; originalDueDate: string | null } | null;
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
  plan: PlanInfo;
  week: string;
  tasks: LedgerTask[];
  metrics: LedgerMetric[];
  reports: LedgerReport[];
}

/** The three sheets' rows: tasks as offices keep them, metrics, and the week's 填报情况. */
export async function loadLedger(db: AppDatabase, plan: PlanInfo, week: string, now: Date): Promise<LedgerData> {
  const today = toDateKey(now);
  const [tasks, taskUnits, metrics, weekTotals, matrix] = await Promise.all([
    loadTaskStates(db, plan, today),
    loadTaskUnits(db, plan.id),
    loadMetrics(db, plan.id),
    loadWeekTotals(db, plan.id),
    getWeekMatrix(db, plan.id, week, now),
  ]);
  // Each unit's latest update per task (its latest week).
  const latestUpdates = await latestWeekUpdates(db, plan.id, "unit")
    .innerJoin("units", "units.id", "u.unit_id")
    .select(["u.task_id", "u.unit_id", "units.name as unit_name", "u.week", "u.body", "u.blockers", "u.next_steps", "u.progress"])
    .orderBy("units.sort_order")
    .execute();
  const extensions = await approvedExtensionsByTask(db, plan.id);
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
      extension: extensions.get(task.id) ?? null,
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
