// Weekly 填报: one update per task × unit × ISO week, with the task's metric values of that
// week. Saving writes the update, its values and 佐证材料, the task's progress, the plan's
// change counter (so open boards refresh) and an audit row per write, in one transaction.
import { preparedQuery } from "../../../db/prepared-query";
import { jsonArrayOf, nextRowIdInWriteTransaction, parsedJsonArray } from "../../../db/dialect-sql";
import type { Expression, ExpressionBuilder, Kysely, Transaction } from "kysely";
import type { AppDatabase } from "../../../db/index";
import type { Database, MetricAggregation, TaskStatus } from "../../../db/schema";
import { mayEditUpdate, type UpdateFields } from "~/lib/updates";
import { isWeekKey, weekKeyOf, weeksBetween } from "~/lib/weeks";
import { can, type Actor } from "~/utils/permissions";
import { badRequest, forbidden, notFound } from "~/lib/refusal";
import { userName } from "~/models/names.server";
import { selectTasksWithPlan } from "~/models/task-relations.server";

type Db = Kysely<Database> | Transaction<Database>;

/** The query for a unit's latest progress on a task before `week` (also used as a subquery). */
function latestProgressBefore(db: Db, taskId: number | Expression<number>, unitId: number, week: string) {
  return db
    .selectFrom("updates")
    .select("updates.progress")
    .where("updates.task_id", "=", taskId)
    .where("updates.unit_id", "=", unitId)
    .where("updates.week", "<", week)
    .orderBy("updates.week", "desc")
    .limit(1);
}

export interface UpdateTaskInfo {
  id: number;
  code: string;
  title: string;
  status: TaskStatus;
  planId: number;
  planYear: number;
  planStatus: "active" | "archived";
  /** 已结转: the year of the plan whose task continues this one. */
  carriedToYear: number | null;
  startDate: string | null;
  dueDate: string | null;
  units: { id: number; name: string; role: "lead" | "support" }[];
  metrics: { id: number; name: string; unit: string; target: number | null; aggregation: MetricAggregation }[];
}

/** A unit's 填报 of a week (its id, if any), and its latest progress before the week. */
export interface UnitWeekFacts {
  unitId: number;
  week: string;
  updateId: number | null;
  previousProgress: number | null;
  /**
   * Read for a save, in its write transaction: the id its new 填报 takes (SQLite; see
   * nextRowIdInWriteTransaction). Null otherwise, and on PostgreSQL.
   */
  nextUpdateId: number | null;
}

/**
 * The task's metrics in form order as one JSON array, each (given a unit and week) with that
 * unit's stored value of the week: read with the task, in the same statement.
 */
function metricsOfTask(db: Kysely<Database>, eb: ExpressionBuilder<Database, "tasks">, valuesOf: { unitId: number; week: string } | null) {
  const metrics = eb
    .selectFrom("metrics")
    .select(["metrics.id", "metrics.name", "metrics.unit", "metrics.target", "metrics.aggregation"])
    .whereRef("metrics.task_id", "=", "tasks.id")
    .orderBy("metrics.sort_order")
    .orderBy("metrics.id");
  if (!valuesOf) return jsonArrayOf(db, metrics);
  return jsonArrayOf(
    db,
    metrics
      .leftJoin("metric_values", (join) =>
        join
          .onRef("metric_values.metric_id", "=", "metrics.id")
          .on("metric_values.unit_id", "=", valuesOf.unitId)
          .on("metric_values.week", "=", valuesOf.week),
      )
      .select(["metric_values.id as valueId", "metric_values.value"]),
  );
}

/**
 * A task with its plan, units (a row per unit) and metrics, and for a given unit and week that
 * unit's 填报 of the week, its latest progress before it and its metric values of the week. Built
 * once per shape: every 填报 reads it once, in the transaction that checks the form and saves it.
 */
function updateTaskRowsQuery(withValuesOf: boolean, forSave = false) {
  return preparedQuery((db, { taskId, unitId, week }: { taskId: number; unitId?: number; week?: string }) =>
    selectTasksWithPlan(db)
      .leftJoin("task_units", "task_units.task_id", "tasks.id")
      .leftJoin("units", "units.id", "task_units.unit_id")
      .select([
        "tasks.id",
        "tasks.code",
        "tasks.title",
        "tasks.status",
        "tasks.plan_id as planId",
        "plans.year as planYear",
        "plans.status as planStatus",
        "tasks.start_date as startDate",
        "tasks.due_date as dueDate",
        "units.id as unitId",
        "units.name as unitName",
        "task_units.role as unitRole",
      ])
      .select((eb) =>
        eb
          .selectFrom("tasks as successor")
          .innerJoin("plans as successor_plan", "successor_plan.id", "successor.plan_id")
          .select("successor_plan.year")
          .whereRef("successor.id", "=", "tasks.carried_to_task_id")
          .as("carriedToYear"),
      )
      .select((eb) => metricsOfTask(db, eb, withValuesOf ? { unitId: unitId!, week: week! } : null).as("metrics"))
      .$if(withValuesOf, (qb) =>
        qb.select((eb) => [
          eb
            .selectFrom("updates")
            .select("updates.id")
            .whereRef("updates.task_id", "=", "tasks.id")
            .where("updates.unit_id", "=", unitId!)
            .where("updates.week", "=", week!)
            .as("ofUpdateId"),
          latestProgressBefore(db, eb.ref("tasks.id"), unitId!, week!).as("ofPreviousProgress"),
        ]),
      )
      .$if(forSave, (qb) => qb.select(nextRowIdInWriteTransaction(db, "updates").as("nextUpdateId")))
      .where("tasks.id", "=", taskId)
      .orderBy("task_units.role")
      .orderBy("units.sort_order")
      .orderBy("units.id"),
  );
}
const updateTaskRows = updateTaskRowsQuery(false);
const updateTaskRowsWithValuesOf = updateTaskRowsQuery(true);
const updateTaskRowsForSave = updateTaskRowsQuery(true, true);

/**
 * The task with its units and metrics, in one statement. Given a unit and week, each metric also
 * carries that unit's stored value of the week, so a save needs no separate read of them.
 */
export async function getUpdateTask(db: Db, taskId: number): Promise<UpdateTaskInfo | null>;
export async function getUpdateTask(
  db: Db,
  taskId: number,
  valuesOf: { unitId: number; week: string; inWriteTransaction?: boolean },
): Promise<
  | (UpdateTaskInfo & {
      metrics: (UpdateTaskInfo["metrics"][number] & { valueId: number | null; value: number | null })[];
      of: UnitWeekFacts;
    })
  | null
>;
export async function getUpdateTask(db: Db, taskId: number, valuesOf?: { unitId: number; week: string; inWriteTransaction?: boolean }) {
  // The next id is only the next one while this transaction holds the write lock.
  if (valuesOf?.inWriteTransaction && !db.isTransaction) throw new Error("getUpdateTask: inWriteTransaction outside a transaction");
  const rows = valuesOf
    ? await (valuesOf.inWriteTransaction ? updateTaskRowsForSave : updateTaskRowsWithValuesOf).execute(db, {
        taskId,
        unitId: valuesOf.unitId,
        week: valuesOf.week,
      })
    : await updateTaskRows.execute(db, { taskId });
  if (rows.length === 0) return null;
  const {
    unitId: _unitId,
    unitName: _unitName,
    unitRole: _unitRole,
    ofUpdateId,
    ofPreviousProgress,
    nextUpdateId,
    metrics: metricsJson,
    ...task
  } = rows[0] as (typeof rows)[number] & {
    ofUpdateId?: number | null;
    ofPreviousProgress?: number | null;
    nextUpdateId?: number | null;
  };
  const units = rows
    .filter((r) => r.unitId != null && r.unitRole != null)
    .map((r) => ({ id: r.unitId, name: r.unitName, role: r.unitRole! }));
  const metrics = parsedJsonArray(metricsJson) as (UpdateTaskInfo["metrics"][number] & {
    valueId?: number | null;
    value?: number | null;
  })[];
  if (!valuesOf) return { ...task, units, metrics };
  const of: UnitWeekFacts = {
    unitId: valuesOf.unitId,
    week: valuesOf.week,
    updateId: ofUpdateId ?? null,
    previousProgress: ofPreviousProgress ?? null,
    nextUpdateId: nextUpdateId ?? null,
  };
  return { ...task, units, metrics, of };
}

/** The first week a task can be reported for: the week it starts (or its plan year starts). */
export function firstReportWeek(task: Pick<UpdateTaskInfo, "startDate" | "planYear">): string {
  return weekKeyOf(task.startDate ?? `${task.planYear}-01-01`);
}

/** Weeks a report may be filed for, newest first: from the task's first week to this week. */
export function reportableWeeks(task: Pick<UpdateTaskInfo, "startDate" | "planYear">, now: Date): string[] {
  return weeksBetween(firstReportWeek(task), weekKeyOf(now)).reverse();
}

export interface ExistingUpdate extends UpdateFields {
  id: number;
  version: number;
  authorId: number;
  authorName: string;
  unitId: number;
  week: string;
  isDemo: boolean;
  createdAt: string;
  updatedAt: string;
}

export async function findUpdate(db: Db, taskId: number, unitId: number, week: string): Promise<ExistingUpdate | null> {
  const row = await db
    .selectFrom("updates")
    .selectAll("updates")
    .select((eb) => userName(eb, "updates.author_id").$notNull().as("author_name"))
    .where("updates.task_id", "=", taskId)
    .where("updates.unit_id", "=", unitId)
    .where("updates.week", "=", week)
    .executeTakeFirst();
  if (!row) return null;
  return {
    id: row.id,
    version: row.version,
    authorId: row.author_id,
    authorName: row.author_name,
    unitId: row.unit_id,
    week: row.week,
    body: row.body,
    progress: row.progress,
    nextSteps: row.next_steps,
    blockers: row.blockers,
    needsCoordination: row.needs_coordination === 1,
    isDemo: row.is_demo === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The unit's latest progress before `week` (a drop below it needs a note). */
export async function previousProgress(db: Db, taskId: number, unitId: number, week: string): Promise<number | null> {
  const row = await latestProgressBefore(db, taskId, unitId, week).executeTakeFirst();
  return row ? row.progress : null;
}

/** Which unit an actor reports for: a secretary's own; a leader's choice among the task's units. */
export function reportingUnitFor(actor: Actor, task: UpdateTaskInfo, requestedUnitId: number | null): number | null {
  const unitIds = task.units.map((u) => u.id);
  if (actor.role === "secretary") return actor.unitId != null && unitIds.includes(actor.unitId) ? actor.unitId : null;
  if (requestedUnitId != null && unitIds.includes(requestedUnitId)) return requestedUnitId;
  return task.units.find((u) => u.role === "lead")?.id ?? task.units[0]?.id ?? null;
}

/** Why nobody may file a new report on this task now, or null. */
export function closedReason(task: UpdateTaskInfo): string | null {
  if (task.planStatus === "archived") return "该年度计划已归档，不能再填报进展。";
  if (task.status === "done") return "这项重点工作已销号，不再需要填报进展。如需补充，请联系街道领导撤销销号。";
  if (task.carriedToYear != null)
    return `这项工作已结转到${task.carriedToYear}年度，不再在本年度填报。请到${task.carriedToYear}年的看板上，在接续它的任务中填报。`;
  return null;
}

export interface UpdateFormData {
  task: UpdateTaskInfo;
  week: string;
  currentWeek: string;
  weeks: string[];
  unitId: number;
  existing: ExistingUpdate | null;
  previousProgress: number | null;
  values: Record<number, number>;
  attachments: { id: number; fileName: string; size: number; contentType: string }[];
  /** null when the form may be submitted; otherwise why not (shown instead of the button). */
  readOnlyReason: string | null;
}

/** Everything the form shows; 403 when the actor may not report on the task at all. */
export async function getUpdateForm(
  db: AppDatabase,
  actor: Actor,
  taskId: number,
  options: { week: string | null; unitId: number | null; now: Date },
): Promise<UpdateFormData> {
  const task = await getUpdateTask(db, taskId);
  if (!task) notFound("没有找到这项重点工作，它可能已被删除。");
  const unitIds = task.units.map((u) => u.id);
  if (!can(actor, "updates.post", unitIds)) {
    forbidden("只有牵头单位、配合单位或街道领导可以填报这项重点工作的进展。");
  }
  const unitId = reportingUnitFor(actor, task, options.unitId);
  if (unitId == null) badRequest("这项重点工作还没有指定牵头单位或配合单位，暂时无法填报。请联系街道领导。");
  const currentWeek = weekKeyOf(options.now);
  const weeks = reportableWeeks(task, options.now);
  const week = options.week && isWeekKey(options.week) && weeks.includes(options.week) ? options.week : currentWeek;
  const existing = await findUpdate(db, taskId, unitId, week);
  const valueRows = task.metrics.length
    ? await db
        .selectFrom("metric_values")
        .select(["metric_id", "value"])
        .where("unit_id", "=", unitId)
        .where("week", "=", week)
        .where(
          "metric_id",
          "in",
          task.metrics.map((m) => m.id),
        )
        .execute()
    : [];
  const attachments = existing
    ? await db
        .selectFrom("attachments")
        .select(["id", "file_name as fileName", "size", "content_type as contentType"])
        .where("update_id", "=", existing.id)
        .orderBy("id")
        .execute()
    : [];
  let readOnlyReason = closedReason(task);
  if (!readOnlyReason && existing && !mayEditUpdate(actor, existing, options.now)) {
    readOnlyReason = "这一周已经结束，已提交的填报只能由街道领导修改。";
  }
  return {
    task: task,
    week,
    currentWeek,
    weeks,
    unitId: unitId,
    existing,
    previousProgress: await previousProgress(db, taskId, unitId, week),
    values: Object.fromEntries(valueRows.map((v) => [v.metric_id, v.value])),
    attachments,
    readOnlyReason,
  };
}

/** 佐证材料 with the 填报 each belongs to (its task, unit and week); callers add `.select` and `.where`. */
export function selectAttachmentsWithUpdate(db: Db) {
  return db.selectFrom("attachments").innerJoin("updates", "updates.id", "attachments.update_id");
}
