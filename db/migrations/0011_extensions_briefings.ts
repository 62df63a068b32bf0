// 延期申请 and 督办通报 (issue 21):
// - task_extensions: a unit's (or a leader's) request for a later 完成时限, with its reason, and
//   the leader's decision (approved with an optional note, or refused with a reason). A task has
//   at most one pending request at a time (checked in the model, in the same transaction).
// - tasks.original_due_date: the 完成时限 before the first approved extension, so the card can say
//   "已延期（原定…）" without reading the requests; null when never extended.
// - briefings: each issued 督办通报 with its number within the plan's year; one per period (a week
//   "2025-W12" or a month "2025-03"), so issuing the same period again gives the same number.
//   `content` is the document model as issued (JSON: BriefingContent, app/lib/briefing.ts).
import { type Kysely } from "kysely";
import { idColumn } from "./helpers";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("tasks").addColumn("original_due_date", "text").execute();
  await idColumn(db, db.schema.createTable("task_extensions"))
    .addColumn("task_id", "integer", (c) => c.notNull().references("tasks.id").onDelete("cascade"))
    .addColumn("requested_by", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("unit_id", "integer", (c) => c.references("units.id").onDelete("set null"))
    .addColumn("old_due_date", "text")
    .addColumn("requested_due_date", "text", (c) => c.notNull())
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().defaultTo("pending"))
    .addColumn("decided_by", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("decision_note", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("decided_at", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("task_extensions_task").on("task_extensions").columns(["task_id", "status"]).execute();
  await db.schema.createIndex("task_extensions_status").on("task_extensions").columns(["status", "decided_at"]).execute();
  await idColumn(db, db.schema.createTable("briefings"))
    .addColumn("plan_id", "integer", (c) => c.notNull().references("plans.id").onDelete("cascade"))
    .addColumn("number", "integer", (c) => c.notNull())
    .addColumn("period_kind", "text", (c) => c.notNull())
    .addColumn("period_key", "text", (c) => c.notNull())
    .addColumn("period_start", "text", (c) => c.notNull())
    .addColumn("period_end", "text", (c) => c.notNull())
    .addColumn("content", "text", (c) => c.notNull())
    .addColumn("issued_by", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("issued_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addUniqueConstraint("briefings_plan_number", ["plan_id", "number"])
    .addUniqueConstraint("briefings_plan_period", ["plan_id", "period_kind", "period_key"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("briefings").execute();
  await db.schema.dropTable("task_extensions").execute();
  await db.schema.alterTable("tasks").dropColumn("original_due_date").execute();
}
