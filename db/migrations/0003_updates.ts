// Weekly 填报: 佐证材料 (attachments of an update, stored as files outside public/) and the
// units a comment mentions with "@单位". Comments already carry kind 'urge' for 催办.
import { type Kysely } from "kysely";
import { idColumn } from "./helpers";

export async function up(db: Kysely<any>): Promise<void> {
  await idColumn(db, db.schema.createTable("attachments"))
    .addColumn("update_id", "integer", (c) => c.notNull().references("updates.id").onDelete("cascade"))
    .addColumn("task_id", "integer", (c) => c.notNull().references("tasks.id").onDelete("cascade"))
    .addColumn("file_name", "text", (c) => c.notNull())
    .addColumn("content_type", "text", (c) => c.notNull())
    .addColumn("size", "integer", (c) => c.notNull())
    .addColumn("sha256", "text", (c) => c.notNull())
    // Name of the stored file under the attachments folder: random, never the user's name.
    .addColumn("storage_key", "text", (c) => c.notNull().unique())
    .addColumn("uploaded_by", "integer", (c) => c.notNull().references("users.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("attachments_update_idx").on("attachments").column("update_id").execute();
  await db.schema.createIndex("attachments_task_idx").on("attachments").column("task_id").execute();

  await db.schema
    .createTable("comment_mentions")
    .addColumn("comment_id", "integer", (c) => c.notNull().references("comments.id").onDelete("cascade"))
    .addColumn("unit_id", "integer", (c) => c.notNull().references("units.id"))
    .addPrimaryKeyConstraint("comment_mentions_pk", ["comment_id", "unit_id"])
    .execute();
  await db.schema.createIndex("comment_mentions_unit_idx").on("comment_mentions").column("unit_id").execute();

  // 催办 per task and unit, newest first (the once-a-day check and the card's list).
  await db.schema
    .createIndex("comments_task_kind_unit_idx")
    .on("comments")
    .columns(["task_id", "kind", "target_unit_id", "created_at"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("comments_task_kind_unit_idx").execute();
  await db.schema.dropTable("comment_mentions").execute();
  await db.schema.dropTable("attachments").execute();
}
