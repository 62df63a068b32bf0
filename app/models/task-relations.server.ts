// A task read with what it belongs to: its plan (year, status, thresholds), and its units with
// their roles. Several features read a task this way; the joins are written here once.
import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";

/** Tasks joined with their plan; callers add their own `.select` and `.where`. */
export function selectTasksWithPlan(db: Kysely<Database>) {
  return db.selectFrom("tasks").innerJoin("plans", "plans.id", "tasks.plan_id");
}

/** A task's 牵头单位 and 配合单位 (id, name, role): the lead first, then by the units' order. */
export function listTaskUnits(db: Kysely<Database>, taskId: number) {
  return db
    .selectFrom("task_units")
    .innerJoin("units", "units.id", "task_units.unit_id")
    .select(["units.id", "units.name", "task_units.role"])
    .where("task_units.task_id", "=", taskId)
    .orderBy("task_units.role")
    .orderBy("units.sort_order")
    .orderBy("units.id")
    .execute();
}
