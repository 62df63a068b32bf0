// The whole data sketch of DESIGN.md. Portable between SQLite and PostgreSQL:
// timestamps are ISO-8601 UTC text, dates are "YYYY-MM-DD" text, flags are integers 0/1.
import { type Kysely, type CreateTableBuilder, sql } from "kysely";
import { idColumn, realType } from "./helpers";

function timestamps<T extends string>(table: CreateTableBuilder<T, any>) {
  return table.addColumn("created_at", "text", (c) => c.notNull()).addColumn("updated_at", "text", (c) => c.notNull());
}

export async function up(db: Kysely<any>): Promise<void> {
  await idColumn(db, db.schema.createTable("units"))
    .addColumn("name", "text", (c) => c.notNull().unique())
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('community', 'office')`))
    .addColumn("sort_order", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("active", "integer", (c) => c.notNull().defaultTo(1))
    .$call(timestamps)
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .execute();

  await idColumn(db, db.schema.createTable("users"))
    .addColumn("username", "text", (c) => c.notNull().unique())
    .addColumn("display_name", "text", (c) => c.notNull())
    .addColumn("password_hash", "text", (c) => c.notNull())
    .addColumn("role", "text", (c) => c.notNull().check(sql`role in ('admin', 'leader', 'secretary', 'viewer')`))
    .addColumn("unit_id", "integer", (c) => c.references("units.id"))
    .addColumn("disabled", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("must_change_password", "integer", (c) => c.notNull().defaultTo(0))
    .$call(timestamps)
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.createIndex("users_unit_idx").on("users").column("unit_id").execute();

  // Lucia-style sessions: the id is the SHA-256 of the cookie token, never the token itself.
  await db.schema
    .createTable("sessions")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("expires_at", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("sessions_user_idx").on("sessions").column("user_id").execute();

  // Failed logins, counted per account and per client address for rate limiting.
  await idColumn(db, db.schema.createTable("login_failures"))
    .addColumn("key", "text", (c) => c.notNull())
    .addColumn("failed_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("login_failures_key_idx").on("login_failures").columns(["key", "failed_at"]).execute();

  await idColumn(db, db.schema.createTable("plans"))
    .addColumn("year", "integer", (c) => c.notNull().unique())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("organization", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('active', 'archived')`))
    .addColumn("light_thresholds", "text")
    .$call(timestamps)
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .execute();

  await idColumn(db, db.schema.createTable("source_documents"))
    .addColumn("plan_id", "integer", (c) => c.references("plans.id"))
    .addColumn("file_name", "text", (c) => c.notNull())
    .addColumn("sha256", "text", (c) => c.notNull().unique())
    .addColumn("original_text", "text", (c) => c.notNull())
    .addColumn("parsed_json", "text", (c) => c.notNull())
    .addColumn("imported_by", "integer", (c) => c.references("users.id"))
    .addColumn("imported_at", "text", (c) => c.notNull())
    .execute();

  await idColumn(db, db.schema.createTable("tasks"))
    .addColumn("plan_id", "integer", (c) => c.notNull().references("plans.id"))
    .addColumn("code", "text", (c) => c.notNull())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("category", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("origin", "text", (c) => c.notNull().check(sql`origin in ('key_work', 'problem', 'manual', 'carried_over')`))
    .addColumn("origin_ref", "text")
    .addColumn("source_excerpt", "text")
    .addColumn("source_document_id", "integer", (c) => c.references("source_documents.id"))
    .addColumn("carried_from_task_id", "integer", (c) => c.references("tasks.id"))
    .addColumn("lead_user_id", "integer", (c) => c.references("users.id"))
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('not_started', 'in_progress', 'pending_review', 'done')`))
    .addColumn("position", "text", (c) => c.notNull())
    .addColumn("start_date", "text")
    .addColumn("due_date", "text")
    .addColumn("progress", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("done_at", "text")
    .addColumn("created_by", "integer", (c) => c.references("users.id"))
    .$call(timestamps)
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addUniqueConstraint("tasks_plan_code_unique", ["plan_id", "code"])
    .execute();
  await db.schema.createIndex("tasks_board_idx").on("tasks").columns(["plan_id", "status", "position"]).execute();
  await db.schema.createIndex("tasks_lead_user_idx").on("tasks").column("lead_user_id").execute();

  await db.schema
    .createTable("task_units")
    .addColumn("task_id", "integer", (c) => c.notNull().references("tasks.id").onDelete("cascade"))
    .addColumn("unit_id", "integer", (c) => c.notNull().references("units.id"))
    .addColumn("role", "text", (c) => c.notNull().check(sql`role in ('lead', 'support')`))
    .addPrimaryKeyConstraint("task_units_pk", ["task_id", "unit_id"])
    .execute();
  await db.schema.createIndex("task_units_unit_idx").on("task_units").column("unit_id").execute();

  await idColumn(db, db.schema.createTable("metrics"))
    .addColumn("plan_id", "integer", (c) => c.notNull().references("plans.id"))
    .addColumn("task_id", "integer", (c) => c.references("tasks.id").onDelete("cascade"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("unit", "text", (c) => c.notNull())
    .addColumn("baseline", realType(db))
    .addColumn("target", realType(db))
    .addColumn("direction", "text", (c) => c.notNull().check(sql`direction in ('up', 'down', 'cap', 'floor')`))
    .addColumn("aggregation", "text", (c) => c.notNull().check(sql`aggregation in ('sum', 'latest')`))
    .addColumn("category", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("source_ref", "text")
    .addColumn("source_sentence", "text")
    .addColumn("sort_order", "integer", (c) => c.notNull().defaultTo(0))
    .$call(timestamps)
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.createIndex("metrics_plan_idx").on("metrics").column("plan_id").execute();
  await db.schema.createIndex("metrics_task_idx").on("metrics").column("task_id").execute();

  await idColumn(db, db.schema.createTable("updates"))
    .addColumn("task_id", "integer", (c) => c.notNull().references("tasks.id").onDelete("cascade"))
    .addColumn("unit_id", "integer", (c) => c.notNull().references("units.id"))
    .addColumn("author_id", "integer", (c) => c.notNull().references("users.id"))
    .addColumn("week", "text", (c) => c.notNull())
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("progress", "integer", (c) => c.notNull())
    .addColumn("next_steps", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("blockers", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("needs_coordination", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("is_demo", "integer", (c) => c.notNull().defaultTo(0))
    .$call(timestamps)
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addUniqueConstraint("updates_task_unit_week_unique", ["task_id", "unit_id", "week"])
    .execute();
  await db.schema.createIndex("updates_week_idx").on("updates").columns(["week", "unit_id"]).execute();

  await idColumn(db, db.schema.createTable("metric_values"))
    .addColumn("metric_id", "integer", (c) => c.notNull().references("metrics.id").onDelete("cascade"))
    .addColumn("unit_id", "integer", (c) => c.notNull().references("units.id"))
    .addColumn("week", "text", (c) => c.notNull())
    .addColumn("value", realType(db), (c) => c.notNull())
    .addColumn("update_id", "integer", (c) => c.references("updates.id").onDelete("cascade"))
    .addColumn("reported_by", "integer", (c) => c.notNull().references("users.id"))
    .addColumn("reported_at", "text", (c) => c.notNull())
    .addUniqueConstraint("metric_values_metric_unit_week_unique", ["metric_id", "unit_id", "week"])
    .execute();
  await db.schema.createIndex("metric_values_metric_week_idx").on("metric_values").columns(["metric_id", "week"]).execute();

  await idColumn(db, db.schema.createTable("comments"))
    .addColumn("task_id", "integer", (c) => c.notNull().references("tasks.id").onDelete("cascade"))
    .addColumn("author_id", "integer", (c) => c.notNull().references("users.id"))
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('comment', 'urge', 'verify', 'reject')`))
    .addColumn("target_unit_id", "integer", (c) => c.references("units.id"))
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("comments_task_idx").on("comments").columns(["task_id", "created_at"]).execute();
  await db.schema.createIndex("comments_target_unit_idx").on("comments").columns(["target_unit_id", "kind", "created_at"]).execute();

  await idColumn(db, db.schema.createTable("audit_log"))
    .addColumn("actor_id", "integer", (c) => c.references("users.id"))
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("entity", "text", (c) => c.notNull())
    .addColumn("entity_id", "text")
    .addColumn("before_json", "text")
    .addColumn("after_json", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("audit_log_entity_idx").on("audit_log").columns(["entity", "entity_id"]).execute();
  await db.schema.createIndex("audit_log_created_idx").on("audit_log").column("created_at").execute();

  await idColumn(db, db.schema.createTable("summaries"))
    .addColumn("plan_id", "integer", (c) => c.notNull().references("plans.id"))
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('draft', 'final')`))
    .addColumn("content", "text", (c) => c.notNull())
    .addColumn("author_id", "integer", (c) => c.references("users.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addUniqueConstraint("summaries_plan_version_unique", ["plan_id", "version"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    "summaries",
    "audit_log",
    "comments",
    "metric_values",
    "updates",
    "metrics",
    "task_units",
    "tasks",
    "source_documents",
    "plans",
    "login_failures",
    "sessions",
    "users",
    "units",
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
