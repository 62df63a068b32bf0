// The board: a per-plan change counter for live updates, bumped in the same transaction as
// every task write. It lives in the database (not in process memory) because several app
// servers will share one database, and each must see the others' changes.
import { type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("plans")
    .addColumn("change_seq", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  // History of one task (detail view) reads audit rows by entity and id, newest first.
  await db.schema.createIndex("audit_log_entity_created_idx").on("audit_log").columns(["entity", "entity_id", "created_at"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("audit_log_entity_created_idx").execute();
  await db.schema.alterTable("plans").dropColumn("change_seq").execute();
}
