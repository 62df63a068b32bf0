// The year-end summary and the next year (issue 19):
// - metrics.baseline_period: the period last year's figure covers ("全年", "1-10月"); 同比 is
//   stated only between figures of the same period. Null: unknown, so no 同比.
// - metrics.phrase: the verb phrase the figure is told with ("排查商户"), from its source
//   sentence or written by a leader; null: derived from source_sentence when there is one.
// - tasks.carried_to_task_id: a task continued into next year's plan (已结转) points at its
//   successor; it then leaves its year's lights and counts.
// - next_year_outlines: 明年工作思路, one per plan, its items as JSON (a leader edits them as
//   one form; the draft's section 四 and 开启下一年度 read them).
import { type Kysely } from "kysely";
import { idColumn } from "./helpers";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("metrics").addColumn("baseline_period", "text").execute();
  await db.schema.alterTable("metrics").addColumn("phrase", "text").execute();
  await db.schema
    .alterTable("tasks")
    .addColumn("carried_to_task_id", "integer", (c) => c.references("tasks.id").onDelete("set null"))
    .execute();
  await idColumn(db, db.schema.createTable("next_year_outlines"))
    .addColumn("plan_id", "integer", (c) => c.notNull().unique().references("plans.id").onDelete("cascade"))
    .addColumn("content", "text", (c) => c.notNull())
    .addColumn("updated_by", "integer", (c) => c.references("users.id"))
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("next_year_outlines").execute();
  await db.schema.alterTable("tasks").dropColumn("carried_to_task_id").execute();
  await db.schema.alterTable("metrics").dropColumn("phrase").execute();
  await db.schema.alterTable("metrics").dropColumn("baseline_period").execute();
}
