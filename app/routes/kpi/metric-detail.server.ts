// One metric in full (指标详情): its figures, its weekly trend and every reported value.
import { type Kysely, type Transaction } from "kysely";
import type { Database, TaskStatus } from "../../../db/schema";
import { actualByUnit, aggregateActual, actualTrend, type MetricValue, type NamedMetric } from "~/lib/kpi";
import { evaluateMetric, metricExpectedProgress, type MetricEvaluation } from "~/lib/kpi-report";
import { weekRange } from "~/lib/weeks";
import { getPlan, type PlanInfo } from "~/models/plans.server";
import { selectTasksWithLeader } from "~/models/task-queries.server";
import { planWeeks, toMetric } from "~/routes/kpi/queries.server";
import { userName } from "~/models/names.server";
import { listTaskUnits } from "~/models/task-relations.server";

type Db = Kysely<Database> | Transaction<Database>;

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
  plan: PlanInfo;
  metric: NamedMetric & { sourceRef: string | null; sourceSentence: string | null; baselinePeriod: string | null };
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
  const plan = await getPlan(db, row.plan_id);
  if (!plan) return null;
  const task = row.task_id != null ? await selectTasksWithLeader(db).where("tasks.id", "=", row.task_id).executeTakeFirst() : undefined;
  const units = task ? await listTaskUnits(db, task.id) : [];
  const values = await db
    .selectFrom("metric_values as mv")
    .innerJoin("units", "units.id", "mv.unit_id")
    .select((eb) => [
      "mv.id",
      "mv.unit_id",
      "units.name as unit_name",
      "units.sort_order",
      "mv.week",
      "mv.value",
      userName(eb, "mv.reported_by").$notNull().as("reported_by"),
      "mv.reported_at",
    ])
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
    return {
      unitId: Number(unitId),
      name: unitNames.get(Number(unitId))!.name,
      actual: unitActual,
      values: own.length,
      lastWeek: own[0].week,
    };
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
      baselinePeriod: row.baseline_period ?? null,
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
