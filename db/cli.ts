// `npm run migrate` / `npm run backup`: database chores for the installation at DATABASE_PATH.
import { backupDatabase, backupDirFor } from "./backup";
import { databasePathFromEnv, migrateToLatest, openDatabase } from "./index";

const command = process.argv[2] ?? "migrate";
if (command !== "migrate" && command !== "backup") {
  console.error(`未知命令：${command}（可用：migrate、backup）`);
  process.exit(2);
}
const path = databasePathFromEnv();
const db = openDatabase(path);
try {
  if (command === "migrate") {
    const applied = await migrateToLatest(db);
    console.log(applied.length ? `已应用迁移：${applied.join("、")}（${path}）` : `数据库已是最新（${path}）`);
  } else {
    const target = await backupDatabase(db, process.argv[3] ?? backupDirFor(path));
    console.log(`已备份到 ${target}`);
  }
} finally {
  await db.destroy();
}
