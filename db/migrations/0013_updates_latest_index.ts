// A task's latest 填报 (its latest week, then its latest save) is read for every card: the answer
// to each card move, and the board's progress column. Through the unique (task_id, unit_id, week)
// index SQLite sorted all of a task's updates each time (52 a year per unit); with the week
// and save time in an index of their own it reads the latest week's few rows only.
import { type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex("updates_task_latest_idx").on("updates").columns(["task_id", "week", "updated_at"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("updates_task_latest_idx").execute();
}
