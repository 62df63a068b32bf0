// 填报情况: which task × unit cells owe a report for a week, and whether each came in on time
// (已填报), after its week (补报) or not at all (未填报). Also feeds 我的待办 and the nav badge.
import type { AppDatabase } from "../../db/index";
import type { TaskStatus } from "../../db/schema";
import { cellStatus, URGE_INTERVAL_HOURS, type CellStatus } from "~/lib/updates";
import { toDateKey, weekKeyOf, weekRange } from "~/lib/weeks";
import { selectTasksWithPlan } from "~/models/task-relations.server";

export interface WeekCell {
  taskId: number;
  unitId: number;
  role: "lead" | "support";
  status: CellStatus;
  reportedAt: string | null;
  progress: number | null;
  /** The latest 催办 of this unit about this task, if any. */
  lastUrgeAt: string | null;
  /** True while another 催办 would be refused (one a day). */
  urgedRecently: boolean;
}

export interface WeekRow {
  taskId: number;
  code: string;
  title: string;
  status: TaskStatus;
  cells: WeekCell[];
}

interface ExpectedTask {
  id: number;
  code: string;
  title: string;
  status: TaskStatus;
  position: string;
}

/**
 * Tasks that owe a report in the week: started by its Sunday and by today (a task or plan that
 * has not started, 未开始, owes nothing yet), existing before it ended, not
 * 已销号 before it ended; and, for the running week, not waiting for 验收 (the ball is with
 * the leaders then).
 */
async function expectedTasks(db: AppDatabase, planIds: number[], week: string, now: Date): Promise<ExpectedTask[]> {
  if (planIds.length === 0) return [];
  const { end } = weekRange(week);
  const sunday = toDateKey(new Date(end.getTime() - 1));
  const rows = await selectTasksWithPlan(db)
    .select([
      "tasks.id",
      "tasks.code",
      "tasks.title",
      "tasks.status",
      "tasks.position",
      "tasks.start_date",
      "tasks.created_at",
      "tasks.done_at",
      "plans.year",
    ])
    .where("tasks.plan_id", "in", planIds)
    // 已结转 tasks continue in next year's plan: nothing is owed for them here.
    .where("tasks.carried_to_task_id", "is", null)
    .orderBy("tasks.code")
    .execute();
  const current = weekKeyOf(now) === week;
  const today = toDateKey(now);
  const startedBy = sunday < today ? sunday : today;
  return rows.filter((t) => {
    if ((t.start_date ?? `${t.year}-01-01`) > startedBy) return false;
    if (new Date(t.created_at).getTime() >= end.getTime()) return false;
    // 销号 during the week: nothing more is owed for it.
    if (t.status === "done") return t.done_at != null && new Date(t.done_at).getTime() >= end.getTime();
    if (t.status === "pending_review" && current) return false;
    return true;
  });
}

/** The 填报 of these tasks in the week: who reported (task × unit), when, and the progress given. */
export function listWeekUpdates(db: AppDatabase, taskIds: number[], week: string) {
  return db
    .selectFrom("updates")
    .select(["task_id", "unit_id", "created_at", "progress"])
    .where("week", "=", week)
    .where("task_id", "in", taskIds)
    .execute();
}

/** Every expected cell of the week with its status and latest 催办. Optionally only one unit's. */
export async function weekCells(
  db: AppDatabase,
  planIds: number[],
  week: string,
  now: Date,
  onlyUnitId: number | null = null,
): Promise<WeekRow[]> {
  const tasks = await expectedTasks(db, planIds, week, now);
  if (tasks.length === 0) return [];
  const taskIds = tasks.map((t) => t.id);
  const units = await db
    .selectFrom("task_units")
    .innerJoin("units", "units.id", "task_units.unit_id")
    .select(["task_units.task_id", "task_units.unit_id", "task_units.role"])
    .where("task_units.task_id", "in", taskIds)
    .$if(onlyUnitId != null, (qb) => qb.where("task_units.unit_id", "=", onlyUnitId))
    .orderBy("task_units.role")
    .orderBy("units.sort_order")
    .execute();
  const updates = await listWeekUpdates(db, taskIds, week);
  const urges = await db
    .selectFrom("comments")
    .select(["task_id", "target_unit_id", (eb) => eb.fn.max("created_at").as("last")])
    .where("kind", "=", "urge")
    .where("task_id", "in", taskIds)
    .groupBy(["task_id", "target_unit_id"])
    .execute();
  const recentSince = now.getTime() - URGE_INTERVAL_HOURS * 3600_000;
  return tasks
    .map((task) => ({
      taskId: task.id,
      code: task.code,
      title: task.title,
      status: task.status,
      cells: units
        .filter((u) => u.task_id === task.id)
        .map((u) => {
          const update = updates.find((x) => x.task_id === task.id && x.unit_id === u.unit_id);
          const lastUrgeAt =
            (urges.find((x) => x.task_id === task.id && x.target_unit_id === u.unit_id)?.last as string | undefined) ?? null;
          return {
            taskId: task.id,
            unitId: u.unit_id,
            role: u.role,
            status: cellStatus(week, update?.created_at ?? null),
            reportedAt: update?.created_at ?? null,
            progress: update?.progress ?? null,
            lastUrgeAt,
            urgedRecently: lastUrgeAt != null && new Date(lastUrgeAt).getTime() > recentSince,
          };
        }),
    }))
    .filter((row) => row.cells.length > 0);
}

export interface UnitCount {
  id: number;
  name: string;
  reported: number;
  late: number;
  missing: number;
}

export interface WeekMatrix {
  week: string;
  rows: WeekRow[];
  units: UnitCount[];
  totals: { reported: number; late: number; missing: number };
}

/** The 填报情况 matrix of one plan and week: rows of tasks, columns of the units involved. */
export async function getWeekMatrix(db: AppDatabase, planId: number, week: string, now: Date): Promise<WeekMatrix> {
  const rows = await weekCells(db, [planId], week, now);
  const unitIds = [...new Set(rows.flatMap((r) => r.cells.map((c) => c.unitId)))];
  const unitRows = unitIds.length
    ? await db.selectFrom("units").select(["id", "name"]).where("id", "in", unitIds).orderBy("sort_order").orderBy("id").execute()
    : [];
  const totals = { reported: 0, late: 0, missing: 0 };
  const units = unitRows.map((unit) => {
    const count: UnitCount = { ...unit, reported: 0, late: 0, missing: 0 };
    for (const row of rows) for (const cell of row.cells) if (cell.unitId === unit.id) count[cell.status]++;
    totals.reported += count.reported;
    totals.late += count.late;
    totals.missing += count.missing;
    return count;
  });
  return { week, rows, units, totals };
}

/** Active plans, newest first: where this week's duties come from. */
export async function activePlanIds(db: AppDatabase): Promise<number[]> {
  const rows = await db.selectFrom("plans").select("id").where("status", "=", "active").orderBy("year", "desc").execute();
  return rows.map((r) => r.id);
}
