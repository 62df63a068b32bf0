// What the card detail shows from 填报 and 催办: this week's status per unit (with the 填报 and
// 催办 buttons the viewer may use), 佐证材料, and the comment thread.
import type { AppDatabase } from "../../../db/index";
import { cellStatus, URGE_INTERVAL_HOURS, type CellStatus } from "~/lib/updates";
import { weekKeyOf } from "~/lib/weeks";
import { can, type Actor } from "~/utils/permissions";
import { listTaskComments, type TaskComment } from "~/models/comments.server";
import { listWeekUpdates } from "~/models/reports.server";
import { listTaskUnits, selectTasksWithPlan } from "~/models/task-relations.server";
import { listTaskAttachments } from "~/routes/tasks.$taskId.update/save-update.server";

export interface TaskActivity {
  taskId: number;
  week: string;
  open: boolean;
  units: {
    id: number;
    name: string;
    role: "lead" | "support";
    status: CellStatus;
    progress: number | null;
    urgedRecently: boolean;
    /** The viewer may file or edit this unit's report. */
    canReport: boolean;
  }[];
  attachments: Awaited<ReturnType<typeof listTaskAttachments>>;
  comments: TaskComment[];
  canUrge: boolean;
  canComment: boolean;
  unitNames: string[];
}

export async function getTaskActivity(db: AppDatabase, actor: Actor, taskId: number, now: Date = new Date()): Promise<TaskActivity | null> {
  const task = await selectTasksWithPlan(db)
    .select(["tasks.id", "tasks.status", "plans.status as planStatus"])
    .where("tasks.id", "=", taskId)
    .executeTakeFirst();
  if (!task) return null;
  const week = weekKeyOf(now);
  const open = task.status !== "done" && task.planStatus === "active";
  const units = await listTaskUnits(db, taskId);
  const updates = await listWeekUpdates(db, [taskId], week);
  const since = new Date(now.getTime() - URGE_INTERVAL_HOURS * 3600_000).toISOString();
  const recentUrges = await db
    .selectFrom("comments")
    .select("target_unit_id")
    .where("task_id", "=", taskId)
    .where("kind", "=", "urge")
    .where("created_at", ">", since)
    .execute();
  const unitIds = units.map((u) => u.id);
  const allUnits = await db.selectFrom("units").select("name").where("active", "=", 1).orderBy("sort_order").execute();
  return {
    taskId,
    week,
    open,
    units: units.map((unit) => {
      const update = updates.find((u) => u.unit_id === unit.id);
      const mayPost = can(actor, "updates.post", unitIds) && (actor.role !== "secretary" || actor.unitId === unit.id);
      return {
        ...unit,
        status: cellStatus(week, update?.created_at ?? null),
        progress: update?.progress ?? null,
        urgedRecently: recentUrges.some((u) => u.target_unit_id === unit.id),
        canReport: open && mayPost,
      };
    }),
    attachments: await listTaskAttachments(db, taskId),
    comments: await listTaskComments(db, taskId),
    canUrge: open && can(actor, "urge"),
    canComment: can(actor, "comments.post"),
    unitNames: allUnits.map((u) => u.name),
  };
}
