// `npm run migrate` / `npm run backup`: database chores for the installation at DATABASE_URL
// (PostgreSQL) or DATABASE_PATH (SQLite).
import { backupDatabase, backupDirFor } from "./backup";
import { databasePathFromEnv, databaseUrlFromEnv, migrateToLatest, openDatabaseFromEnv } from "./index";

const command = process.argv[2] ?? "migrate";
if (command !== "migrate" && command !== "backup") {
  console.error(`未知命令：${command}（可用：migrate、backup）`);
  process.exit(2);
}
const url = databaseUrlFromEnv();
if (url && command === "backup") {
  console.error('使用 PostgreSQL 时请用 pg_dump 备份，例如：pg_dump -Fc -f kanban.dump "$DATABASE_URL"');
  process.exit(2);
}
const path = databasePathFromEnv();
const where = url ? "PostgreSQL" : path;
const db = openDatabaseFromEnv();
try {
  if (command === "migrate") {
    const applied = await migrateToLatest(db);
    console.log(applied.length ? `已应用迁移：${applied.join("、")}（${where}）` : `数据库已是最新（${where}）`);
  } else {
    const target = await backupDatabase(db, process.argv[3] ?? backupDirFor(path));
    console.log(`已备份到 ${target}`);
  }
} finally {
  await db.destroy();
}
