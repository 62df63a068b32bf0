import { createReadStream } from "node:fs";
import { join } from "node:path";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { backupDatabase, backupDirFor, BACKUP_NAME_PATTERN, listBackups } from "../../db/backup";
import { databasePathFromEnv, databaseUrlFromEnv } from "../../db/index";
import { getDb } from "~/utils/db.server";
import { recordAudit } from "~/models/audit.server";
import { badRequest, notFound } from "~/lib/refusal";

function backupDir(): string {
  return backupDirFor(databasePathFromEnv());
}

/** On PostgreSQL the app makes no backups: that is pg_dump's job (README, "Deploying on PostgreSQL"). */
export function backupsByPgDump(): boolean {
  return databaseUrlFromEnv() !== null;
}

export function listDatabaseBackups() {
  return backupsByPgDump() ? [] : listBackups(backupDir());
}

export async function createDatabaseBackup(actorId: number): Promise<string> {
  if (backupsByPgDump()) badRequest("本系统使用 PostgreSQL 数据库，请由数据库管理员用 pg_dump 备份（见 README“在 PostgreSQL 上部署”）。");
  const db = getDb();
  const path = await backupDatabase(db, backupDir());
  const name = path.slice(path.lastIndexOf("/") + 1);
  await recordAudit(db, { actorId, action: "backup.create", entity: "backup", entityId: name });
  return name;
}

/** A download of one backup; only names this app writes are accepted (no paths). */
export function backupDownload(name: string): Response {
  if (!BACKUP_NAME_PATTERN.test(name) || !listDatabaseBackups().some((b) => b.name === name)) {
    notFound("没有找到该备份文件。");
  }
  const stream = createReadStream(join(backupDir(), name));
  return new Response(createReadableStreamFromReadable(stream), {
    headers: {
      "Content-Type": "application/vnd.sqlite3",
      "Content-Disposition": `attachment; filename="${name}"`,
      "Cache-Control": "no-store",
    },
  });
}
