// Reminders that reach people's phones (issue 21): delivery channels, the outbox, settings and
// the scheduler's record of its runs.
// - delivery_channels: a 企业微信/钉钉 group robot or an e-mail list, for one unit or for the
//   leaders. Secrets (the webhook URL with its key, 钉钉's signing secret) are stored encrypted.
// - outbox: one row per message per channel, written in the same transaction as its event; a
//   worker claims due rows (status sending + lease_until), sends, and records the answer.
//   In-app messages are rows of channel_kind 'inapp', sent when written (shown on 我的待办).
// - app_settings: admin settings as key/value text (SMTP, link address, schedule times).
// - job_runs: per scheduled job, the last slot it ran for; the transaction that moves it
//   forward also writes the job's messages, so a slot runs once per installation.
import { type Kysely } from "kysely";
import { idColumn } from "./helpers";

export async function up(db: Kysely<any>): Promise<void> {
  await idColumn(db, db.schema.createTable("delivery_channels"))
    .addColumn("audience", "text", (c) => c.notNull())
    .addColumn("unit_id", "integer", (c) => c.references("units.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("webhook_enc", "text")
    .addColumn("sign_secret_enc", "text")
    .addColumn("email_to", "text")
    .addColumn("enabled", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .execute();

  await idColumn(db, db.schema.createTable("outbox"))
    .addColumn("event", "text", (c) => c.notNull())
    .addColumn("channel_id", "integer", (c) => c.references("delivery_channels.id").onDelete("set null"))
    .addColumn("channel_kind", "text", (c) => c.notNull())
    .addColumn("audience", "text", (c) => c.notNull())
    .addColumn("unit_id", "integer", (c) => c.references("units.id").onDelete("set null"))
    .addColumn("task_id", "integer", (c) => c.references("tasks.id").onDelete("set null"))
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("dedupe_key", "text", (c) => c.unique())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("next_attempt_at", "text", (c) => c.notNull())
    .addColumn("lease_until", "text")
    .addColumn("last_error", "text")
    .addColumn("response", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("sent_at", "text")
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("outbox_due").on("outbox").columns(["status", "next_attempt_at"]).execute();
  await db.schema.createIndex("outbox_inapp").on("outbox").columns(["channel_kind", "audience", "created_at"]).execute();

  await db.schema
    .createTable("app_settings")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("value", "text", (c) => c.notNull())
    .addColumn("updated_by", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("job_runs")
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("last_slot", "text")
    .addColumn("last_run_at", "text")
    .addColumn("last_result", "text")
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("job_runs").execute();
  await db.schema.dropTable("app_settings").execute();
  await db.schema.dropTable("outbox").execute();
  await db.schema.dropTable("delivery_channels").execute();
}
