// Query pieces several features share when they list tasks: the columns a task list shows with
// its 责任领导, and its 牵头单位's name.
import type { ExpressionBuilder, Kysely } from "kysely";
import type { Database } from "../../db/schema";

/** Tasks with what every task list shows: 编号, title, status, dates and the 责任领导's name (`leader`). */
export function selectTasksWithLeader(db: Kysely<Database>) {
  return db
    .selectFrom("tasks")
    .leftJoin("users", "users.id", "tasks.lead_user_id")
    .select([
      "tasks.id",
      "tasks.code",
      "tasks.title",
      "tasks.status",
      "tasks.start_date",
      "tasks.due_date",
      "users.display_name as leader",
    ]);
}

/** Each task's 牵头单位 name (`lead_unit`, null when none is set), to select beside the task's columns. */
export function leadUnitName(eb: ExpressionBuilder<Database, "tasks">) {
  return eb
    .selectFrom("task_units")
    .innerJoin("units", "units.id", "task_units.unit_id")
    .select("units.name")
    .whereRef("task_units.task_id", "=", "tasks.id")
    .where("task_units.role", "=", "lead")
    .limit(1)
    .as("lead_unit");
}
