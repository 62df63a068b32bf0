// Metric figures in SQL, shared by the board's metric bars and the KPI page: never the values
// themselves, only their totals per metric (and per week).
import { sql, type Kysely, type Transaction } from "kysely";
import type { Database } from "../../db/schema";
import { type MetricTotals, type WeekTotals } from "~/lib/kpi-report";

type Db = Kysely<Database> | Transaction<Database>;

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
    rows.map((row) => [
      row.metric_id,
      { amount: Number(row.amount), latestSum: Number(row.latest_sum), unitCount: Number(row.unit_count) },
    ]),
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

/** A plan's metrics in their order, with every value reported for them. */
export async function loadPlanMetricsWithValues(db: Db, planId: number) {
  const metrics = await db.selectFrom("metrics").selectAll().where("plan_id", "=", planId).orderBy("sort_order").orderBy("id").execute();
  const values = metrics.length
    ? await db
        .selectFrom("metric_values")
        .select(["metric_id", "unit_id", "week", "value", "reported_at"])
        .where(
          "metric_id",
          "in",
          metrics.map((m) => m.id),
        )
        .execute()
    : [];
  return { metrics, values };
}
